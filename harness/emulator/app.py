"""The emulator core: one ASGI app that serves every provider, asking each provider's Host (its package's
``emulator.py``, found with ``host.host_of``) wherever providers differ.

Each provider package's ``routes(emulator)`` mounts it (under its ``emulator_mount``); most routes run the generic
pipeline (``handle``: the Messages body as sent) or the cloud pipeline (``handle_cloud``: the model in the path, a
dialect in the body). Faults are chosen at start-up or per request with the ``x-emulator-fault`` header.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ..providers import PROVIDERS
from ..resources import fill, load_error_fixture
from .caching import PromptCache
from .catalogue import family_of
from .faults import FAULTS, Fault
from .gateway import in_front
from .host import SSE_MEDIA, UNKNOWN_MODEL_PREFIX, Host, host_of, hosts, invalid
from .retired import retired_answer
from .rules import Rejection, rejection
from .stores import Stores
from .usage import input_tokens, segments
from .validate import anthropic_generation_error, anthropic_request_error, request_betas

Provider = str  # a name in harness.providers.PROVIDERS
Kind = Literal["count_tokens", "message", "stream", "key", "models"]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
FAULT_HEADER = "x-emulator-fault"
SCOPE_KINDS: dict[str, set[str]] = {
    "auth": {"count_tokens", "message", "stream", "key", "models"},
    "generate": {"count_tokens", "message", "stream"},
    "message": {"message", "stream"},
    "stream": {"stream"},
}


@dataclass
class EmulatorSettings:
    faults: frozenset[str] = frozenset()
    slow_seconds: float = 3.0
    latency_seconds: float = 0.0  # added before every response (also per request: x-emulator-latency-ms)
    tokens_per_second: float = 0.0  # stream pacing, 0 = as fast as possible (x-emulator-tokens-per-second)
    identity_header: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    token_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    clock: Callable[[], float] = time.monotonic  # prompt-cache TTLs and batch processing read this
    cache_entries: int = 4096  # bound on the prompt cache (prefixes kept, least recently used evicted)
    batch_seconds: float = 0.0  # a message batch ends at the first read this long after its creation
    mock_server: bool = False  # answer as the API's mock server: every id exists, no rules (mock_server.py)


class EmulatedDrop(ConnectionResetError):
    """Raised mid-body to cut the connection; the server's log filter keeps it quiet."""


class QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], EmulatedDrop))


BUFFERED_EVENT_S = 0.05  # the buffered-stream fault's pace of generation, held back


def fault_applies(fault: Fault, provider: str) -> bool:
    if fault.only_where_offered and fault.name not in host_of(provider).offered_faults:
        return False
    if fault.scope == "token":
        return True  # the token endpoint answers it, not a provider's fixture
    if fault.behaviour in ("fixture", "echo-key"):  # echo-key rewrites the provider's own invalid-key answer
        return load_error_fixture(provider, "invalid-key" if fault.behaviour == "echo-key" else fault.name) is not None
    return True


def unknown_faults(names: Iterable[str]) -> list[str]:
    return sorted(n for n in names if n not in FAULTS)


class Emulator:
    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.prompt_cache = PromptCache(settings.clock, settings.cache_entries)
        self.stores = Stores(settings.clock, settings.batch_seconds)

    def _usage(self, provider: Provider, model: str, body: dict[str, Any]) -> dict[str, Any]:
        """The input side of a Messages usage object, through this instance's prompt cache."""
        parts = segments(body, self.stores.files.content)
        control = body.get("cache_control")
        cached = self.prompt_cache.account(f"{provider}:{model}", parts, family_of(model).min_cacheable_tokens,
                                           control if isinstance(control, dict) else None)
        return cached.fields()

    # --- helpers -------------------------------------------------------------------------------
    def _active(self, request: Request, provider: Provider | None = None) -> list[Fault]:
        """The faults asked for (at start-up and in the request's header) that fit this provider. One that does
        not fit is skipped, never answered with a 500; the request log (--log) names it."""
        names = set(self.settings.faults)
        header = request.headers.get(FAULT_HEADER, "")
        names.update(n.strip() for n in header.split(",") if n.strip())
        order = {"auth": 0, "generate": 1, "message": 2, "stream": 3, "token": 4}
        faults = sorted((FAULTS[n] for n in names if n in FAULTS), key=lambda f: order[f.scope])
        if provider is None:
            return faults
        skipped = sorted(f.name for f in faults if not fault_applies(f, provider))
        if skipped:
            request.state.faults_skipped = skipped
        return [f for f in faults if f.name not in skipped]

    @staticmethod
    def _ids(provider: Provider) -> dict[str, str]:
        return host_of(provider).ids()

    @staticmethod
    def _headers(provider: Provider, ids: dict[str, str]) -> dict[str, str]:
        return host_of(provider).headers(ids)

    def _fixture(self, provider: Provider, name: str, model: str, ids: dict[str, str]) -> Response | None:
        data = load_error_fixture(provider, name)
        if data is None:
            return None
        host = host_of(provider)
        body = fill(data["body"], {"model": model, "request_id": host.fixture_request_id(ids)})
        headers = {**host.headers(ids), **data.get("headers", {})}
        content = body if isinstance(body, str) else json.dumps(body)
        media = headers.pop("content-type", "application/json")
        return Response(content, status_code=int(data["status"]), headers=headers, media_type=media)

    def _authenticate(self, request: Request, provider: Provider, model: str, ids: dict[str, str]) -> Response | None:
        """The provider's check of a request's credential, where the route has no body to sign."""
        return host_of(provider).authenticate(self, request, b"", model, ids)

    async def _body(self, request: Request) -> dict[str, Any] | Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return invalid("The request body is not valid JSON.")
        if not isinstance(body.get("model"), str) or not body["model"]:
            return invalid("model: Field required")
        if not isinstance(body.get("messages"), list):
            return invalid("messages: Input should be a valid list")
        return body

    def request_problem(self, provider: Provider, body: dict[str, Any]) -> str | None:
        """The message of the rules table's rejection of a Messages request (batches use it), or None."""
        broken = self._rules(body, "generate")
        return broken.message if broken is not None else None

    def _rules(self, body: dict[str, Any], kind: str) -> Rejection | None:
        """rules.toml's verdict ("generate" or "count"); none in mock-server mode."""
        return None if self.settings.mock_server else rejection(body, kind, self.stores.files.content)

    # --- the generic pipeline ------------------------------------------------------------------
    async def handle(self, request: Request, provider: Provider, kind: Kind, host: Host | None = None) -> Response:
        host = host or host_of(provider)
        body: dict[str, Any] = {}
        if request.method == "POST":
            parsed = await self._body(request)
            if isinstance(parsed, Response):
                return parsed
            body = parsed
        model = str(body.get("model") or "")
        if kind == "stream" or (kind == "message" and body.get("stream") is True):
            kind = "stream"
        ids = host.ids()
        denied = host.authenticate(self, request, await request.body(), model, ids)
        if denied is not None:
            return denied
        if request.method == "POST":
            betas = request_betas(request.headers.get("anthropic-beta"), body)
            rejected = host.request_rejection(self, kind, body, betas, ids)
            if rejected is not None:
                return rejected
        if kind in SCOPE_KINDS["generate"]:
            refused = host.model_problem(self, model, ids)
            if refused is not None:
                return refused
        if model.split("/")[-1].startswith(UNKNOWN_MODEL_PREFIX) and kind in SCOPE_KINDS["generate"]:
            answer = self._fixture(provider, "unknown-model", model, ids)
            if answer is not None:
                return answer
        if kind in SCOPE_KINDS["generate"] and not self.settings.mock_server:  # retired: the platform's answer
            gone = retired_answer(host, provider, model, ids, host.headers(ids), request.path_params)
            if gone is not None:
                return gone
        faulted = await self._faulted(request, host, provider, kind, model, body, ids)
        if faulted is not None:
            return faulted
        latency = request.headers.get("x-emulator-latency-ms", "")
        if latency.isdigit():
            await asyncio.sleep(int(latency) / 1000)
        if kind == "stream":
            events = self._stream_events(provider, model, body, ids)
            return self._stream_response(provider, ids, events, delay=self._pace(request))
        return self._healthy(provider, kind, model, body, ids, dict(request.query_params))

    async def _faulted(self, request: Request, host: Host, provider: Provider, kind: Kind, model: str,
                       body: dict[str, Any], ids: dict[str, str]) -> Response | None:
        """The answer of the first active fault that breaks this request, or None."""
        for fault in self._active(request, provider):
            if fault.scope == "token" or kind not in SCOPE_KINDS[fault.scope]:
                continue
            if host.spares(fault, request):
                continue
            answer = await self._apply(fault, request, provider, kind, model, body, ids)
            if answer is not None:
                return answer
        return None

    # --- the cloud pipeline ----------------------------------------------------------------------
    async def handle_cloud(self, request: Request, provider: Provider, kind: Kind) -> Response:
        """A cloud host: the model comes from the path, the body carries a dialect, auth is the cloud's (the host's
        ``cloud_request`` reads all three)."""
        host = host_of(provider)
        raw = await request.body()
        ids = host.ids()
        parsed = host.cloud_request(self, request, raw, kind, ids)
        if isinstance(parsed, Response):
            return parsed
        kind, model, body = parsed
        if isinstance(body, Response):
            return host.wrap_error(kind, body)
        body = {**body, "model": model}
        answer = await self._cloud_answer(request, host, provider, kind, model, body, ids)
        return host.wrap_error(kind, answer)

    async def _cloud_answer(self, request: Request, host: Host, provider: Provider, kind: Kind, model: str,
                            body: dict[str, Any], ids: dict[str, str]) -> Response:
        betas = request_betas(request.headers.get("anthropic-beta"), body)
        problem = anthropic_request_error(body, betas) if kind == "count_tokens" \
            else anthropic_generation_error(body, betas)
        if problem is not None:
            return host.body_problem(problem, ids)
        broken = self._rules(body, "count" if kind == "count_tokens" else "generate")
        if broken is not None:
            return host.rule_problem(broken, ids)
        unknown = model.startswith(UNKNOWN_MODEL_PREFIX) or not host.plausible_model(model)
        if unknown:
            answer = self._fixture(provider, "unknown-model", model, ids)
            assert answer is not None
            return answer
        gone = retired_answer(host, provider, model, ids, ids, request.path_params) \
            if kind != "count_tokens" and not self.settings.mock_server else None
        if gone is not None:
            return gone
        if kind != "count_tokens":  # CountTokens takes the foundation-model id; only inference needs more
            refused = host.model_problem(self, model, ids)
            if refused is not None:
                return refused
        faulted = await self._faulted(request, host, provider, kind, model, body, ids)
        if faulted is not None:
            return faulted
        if kind == "stream":
            events = self._stream_events(provider, model, body, ids)
            return self._stream_response(provider, ids, events, delay=self._pace(request))
        return self._healthy(provider, kind, model, body, ids)

    async def _apply(self, fault: Fault, request: Request, provider: Provider, kind: Kind, model: str,
                     body: dict[str, Any], ids: dict[str, str]) -> Response | None:
        b = fault.behaviour
        if b == "gateway":
            return None  # served in front of the app (gateway.py)
        if b == "fixture":
            return self._fixture(provider, fault.name, model, ids)
        if b == "echo-key":
            sent = request.headers.get("x-api-key") or request.headers.get("api-key") or \
                request.headers.get("authorization", "").removeprefix("Bearer ")
            answer = self._fixture(provider, "invalid-key", model, ids)
            assert answer is not None
            body = json.loads(bytes(answer.body))
            text = f"Incorrect API key provided: {sent}. You can find your key in your account settings."
            target = body["error"] if isinstance(body.get("error"), dict) else body
            target["message"] = text
            return Response(json.dumps(body), status_code=401, headers=self._headers(provider, ids),
                            media_type="application/json")
        if b == "slow-first-byte":
            await asyncio.sleep(self.settings.slow_seconds)
            return None
        if b == "malformed-json" and kind == "message":
            return Response('{"id": "msg_emu", "type": "message", "content": [{"type": "te',
                            headers=self._headers(provider, ids), media_type="application/json")
        if kind != "stream":
            return None
        events = self._stream_events(provider, model, body, ids, terminate=b not in ("truncated-stream",))
        if b == "error-event":
            events = host_of(provider).error_events(events, model, ids)
        delay = self.settings.slow_seconds if b == "slow-stream" else self._pace(request)
        if b == "buffered-stream":
            return self._buffered_response(provider, ids, events)
        return self._stream_response(provider, ids, events, delay=delay, drop=b == "drop-connection",
                                     reframe=b == "reframed-stream")

    def _pace(self, request: Request) -> float:
        """Seconds between stream events: --tokens-per-second, or the x-emulator-tokens-per-second header."""
        header = request.headers.get("x-emulator-tokens-per-second", "")
        rate = float(header) if header.replace(".", "", 1).isdigit() else self.settings.tokens_per_second
        return 1.0 / rate if rate > 0 else 0.0

    def _stream_events(self, provider: Provider, model: str, body: dict[str, Any], ids: dict[str, str],
                       *, terminate: bool = True) -> list[bytes]:
        return host_of(provider).stream_events(self, model, body, ids, terminate=terminate)

    def _stream_response(self, provider: Provider, ids: dict[str, str], events: list[bytes], *,
                         delay: float = 0.0, drop: bool = False, reframe: bool = False) -> Response:
        host = host_of(provider)
        headers = {**host.headers(ids), "cache-control": "no-cache"}
        events, media, extra = host.stream_framing(events, reframe=reframe)
        headers.update(extra)
        if not delay and not drop:  # unpaced: one write (SSE clients parse it the same), as fast as a message
            return Response(b"".join(events), headers=headers, media_type=media)

        async def produce() -> AsyncIterator[bytes]:
            for index, event in enumerate(events):
                if drop and index == 3:
                    raise EmulatedDrop("emulated connection drop")
                if delay and index:
                    await asyncio.sleep(delay)
                yield event

        return StreamingResponse(produce(), headers=headers, media_type=media)

    def _buffered_response(self, provider: Provider, ids: dict[str, str], events: list[bytes]) -> Response:
        """As behind a buffering proxy: the events are generated at 20 a second but held and sent together."""
        headers = {**self._headers(provider, ids), "cache-control": "no-cache"}

        async def produce() -> AsyncIterator[bytes]:
            await asyncio.sleep(BUFFERED_EVENT_S * len(events))
            yield b"".join(events)

        return StreamingResponse(produce(), headers=headers, media_type=SSE_MEDIA)

    def _healthy(self, provider: Provider, kind: Kind, model: str, body: dict[str, Any],
                 ids: dict[str, str], query: dict[str, str] | None = None) -> Response:
        query = query or {}
        host = host_of(provider)
        headers = host.headers(ids)
        if kind == "stream":
            return self._stream_response(provider, ids, self._stream_events(provider, model, body, ids))
        if kind == "count_tokens":
            return JSONResponse({host.count_tokens_field: input_tokens(body, self.stores.files.content)},
                                headers=headers)
        if kind == "key":
            return JSONResponse(host.key_info(), headers=headers)
        if kind == "models":
            return JSONResponse(host.models(query), headers=headers)
        return host.message(self, model, body, ids, headers)

    # --- routes --------------------------------------------------------------------------------
    def route(self, provider: Provider, kind: Kind) -> Any:
        async def endpoint(request: Request) -> Response:
            return await self.handle(request, provider, kind)

        return endpoint

    def cloud(self, provider: Provider, kind: Kind) -> Any:
        async def endpoint(request: Request) -> Response:
            return await self.handle_cloud(request, provider, kind)

        return endpoint

    async def not_found(self, request: Request) -> Response:
        """An unrouted path: the 404 of the host that claims its prefix, else of the host served at the root."""
        path = request.url.path
        host = next((h for h in hosts() if h.unmatched_paths and path.startswith(h.unmatched_paths)), None) or \
            next(host_of(name) for name, spec in PROVIDERS.items() if spec.emulator_mount == "")
        response = self._fixture(host.name, "not-found-path", "", host.ids())
        assert response is not None
        return response

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def index(self, request: Request) -> Response:
        headers = {k: v for h in hosts() for k, v in h.root_headers.items()}  # e.g. google-auth's metadata ping
        return JSONResponse({"service": "claude-harness emulator", "providers": {
            p.name: p.emulator_mount or "/" for p in PROVIDERS.values() if p.emulator_mount is not None}},
            headers=headers)


def create_app(settings: EmulatorSettings | None = None) -> ASGIApp:
    emu = Emulator(settings or EmulatorSettings())
    routes = [Route("/", emu.index, methods=["GET", "HEAD"]),
              Route("/health", emu.health, methods=["GET"]),
              Route("/api/hello", emu.health, methods=["GET", "HEAD"])]  # Claude Code's start-up call to a gateway
    routes += [route for spec in PROVIDERS.values() for route in spec.emulator_routes(emu)]  # provider packages
    app = Starlette(routes=routes)
    app.add_exception_handler(404, _not_found_handler(emu))
    app.state.settings = emu.settings
    served = in_front(app, emu.settings.faults, beta_gate=not emu.settings.mock_server)
    if emu.settings.latency_seconds > 0:
        return _with_latency(served, emu.settings.latency_seconds)
    return served


def _with_latency(app: ASGIApp, seconds: float) -> ASGIApp:
    """ASGI middleware: wait before handling each HTTP request, like a distant provider."""

    async def delayed(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(seconds)
        await app(scope, receive, send)

    return delayed


def _not_found_handler(emu: Emulator) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        return await emu.not_found(request)

    return handler
