"""The exporter's HTTP surface: /probe (the blackbox exporter's contract), /metrics, /-/healthy."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from .exposition import CONTENT_TYPE, render_exporter, render_failure, render_probe
from .service import MODULES, ProbeBusy, ProbeService, effective_timeout

TIMEOUT_HEADER = "x-prometheus-scrape-timeout-seconds"


def _text(body: str, status: int = 200) -> PlainTextResponse:
    return PlainTextResponse(body, status_code=status, media_type="text/plain; charset=utf-8")


def create_app(service: ProbeService, *, log: Callable[[str], None] | None = None) -> Starlette:
    """``log`` receives one line per probe (target, module, result, duration; never a secret)."""
    say = log or (lambda line: print(line, file=sys.stderr, flush=True))

    async def probe(request: Request) -> Response:
        params = request.query_params
        target = params.get("target", "")
        module = params.get("module", "smoke")
        if target not in service.targets:
            service.stats.unknown_target += 1
            known = ", ".join(sorted(service.targets))
            shown = target[:80] if target.isprintable() else repr(target[:80])
            return _text(f"Unknown target {shown!r}: the config names {known}.\n" if target else
                         f"The target parameter is missing: pass ?target=NAME, one of {known}.\n", 400)
        if module not in MODULES:
            return _text(f"Unknown module {module[:40]!r}: use one of {', '.join(MODULES)}.\n", 400)
        try:
            timeout_s = effective_timeout(request.headers.get(TIMEOUT_HEADER))
        except ValueError:
            return _text(f"The {TIMEOUT_HEADER} header is not a positive number of seconds.\n", 400)
        started = time.perf_counter()
        try:
            outcome = await service.probe(target, module, timeout_s)
        except ProbeBusy as busy:
            say(f"probe target={target} module={module} result=busy")
            body = render_failure(str(busy), time.perf_counter() - started)
            return Response(body, media_type=CONTENT_TYPE) if params.get("debug") != "true" else _text(body)
        result = outcome.result
        state = "cached" if result.cached else "success" if result.success else f"failure cause={result.cause}"
        say(service.redactor.text(f"probe target={target} module={module} result={state} "
                                  f"duration={result.duration_s:.3f}s billable_calls="
                                  f"{0 if result.cached else result.billable_calls}"))
        exposition = render_probe(result)
        if params.get("debug") == "true":
            log_text = "\n".join(outcome.log)
            return _text(service.redactor.text(f"Logs for the probe:\n{log_text}\n\nMetrics that would have been "
                                               f"returned:\n{exposition}"))
        return Response(service.redactor.text(exposition), media_type=CONTENT_TYPE)

    async def metrics(request: Request) -> Response:
        return Response(render_exporter(service.stats, sorted(service.targets)), media_type=CONTENT_TYPE)

    async def healthy(request: Request) -> Response:
        return _text("Healthy\n")

    async def index(request: Request) -> Response:
        names = "\n".join(f"  /probe?target={name}&module=free|smoke|full" for name in sorted(service.targets))
        return _text(f"claude-harness exporter\n{names}\n  /metrics\n  /-/healthy\n")

    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    routes = [Route("/probe", probe), Route("/metrics", metrics), Route("/-/healthy", healthy), Route("/", index)]
    # Prometheus asks for gzip (Accept-Encoding: gzip, recorded in fixtures/third-party/prometheus)
    return Starlette(routes=routes, middleware=[Middleware(GZipMiddleware, minimum_size=500)])
