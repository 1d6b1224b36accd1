"""`claude-harness serve`: validate the config and flags, bind, then serve until Ctrl-C or SIGTERM.

Every mistake is found before the port is bound (exit 2, nothing sent).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import build_targets, load_toml_targets
from ..errors import ConfigError, HarnessError
from . import DEFAULT_MIN_BILLABLE_INTERVAL_S

if TYPE_CHECKING:
    from .service import ServeTarget

INTERVAL_KEY = "min_billable_interval"


def add_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--config", type=Path, required=True, help="TOML file with [[targets]] (as for check)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to serve on (default 127.0.0.1; anything else is reachable by others and "
                            "is warned about)")
    serve.add_argument("--port", type=int, default=9142, help="port (default 9142; 0 picks a free one and prints it)")
    serve.add_argument("--min-billable-interval", type=float, default=DEFAULT_MIN_BILLABLE_INTERVAL_S, metavar="S",
                       help="a billable probe (module smoke or full) of a target runs at most once every S seconds; "
                            "scrapes in between answer the last result, marked cached (default 300; per target: "
                            f"{INTERVAL_KEY} in the config)")
    serve.add_argument("--otlp-endpoint", metavar="URL",
                       help="also export a span per probe and GenAI client metrics over OTLP/HTTP to URL (default: "
                            "OTEL_EXPORTER_OTLP_ENDPOINT when set; needs the extra [otel])")
    serve.add_argument("--insecure", action="store_true", help="turn TLS verification off")
    serve.add_argument("--ca-bundle", type=Path, metavar="FILE", help="CA bundle for TLS verification")


def serve_targets(path: Path, env: Mapping[str, str], default_interval: float) -> dict[str, ServeTarget]:
    """The config's targets, each with its minimum billable interval; a ConfigError names what to fix."""
    raws: list[dict[str, Any]] = []
    intervals: list[float] = []
    for index, raw in enumerate(load_toml_targets(path), start=1):
        raw = dict(raw)
        value = raw.pop(INTERVAL_KEY, default_interval)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"Config file {path}: target {index} has {INTERVAL_KEY} = {value!r}; it must be a "
                              "number of seconds, at least 0.", fix=f"Write {INTERVAL_KEY} = 300.")
        raws.append(raw)
        intervals.append(float(value))
    from .service import ServeTarget

    targets = build_targets(raws, env, source=path)
    return {t.id: ServeTarget(t, interval) for t, interval in zip(targets, intervals, strict=True)}


def serve(args: argparse.Namespace, env: Mapping[str, str]) -> int:
    import uvicorn

    from ..commands import _bind, is_loopback_host
    from ..emulator.server import _ForegroundServer
    from .app import create_app
    from .otel import telemetry_from
    from .service import ProbeService

    if args.min_billable_interval < 0:
        raise HarnessError(f"--min-billable-interval must be at least 0, got {args.min_billable_interval:g}.")
    if not 0 <= args.port < 65536:
        raise HarnessError(f"--port {args.port} is not a valid port.", fix="Use 1-65535, or 0 for a free one.")
    if args.insecure and args.ca_bundle:
        raise HarnessError("--insecure and --ca-bundle contradict each other.", fix="Pick one.")
    if args.ca_bundle is not None and not args.ca_bundle.is_file():
        raise HarnessError(f"The CA bundle {args.ca_bundle} (--ca-bundle) is not a readable file.")
    try:
        loopback = is_loopback_host(args.host)
    except ValueError:
        raise HarnessError(f"--host {args.host!r} is not an IP address.", fix="Use 127.0.0.1 (default).") from None
    targets = serve_targets(args.config, env, args.min_billable_interval)
    verify: bool | str = False if args.insecure else str(args.ca_bundle) if args.ca_bundle else True
    telemetry, warning = telemetry_from(args.otlp_endpoint, env)
    if warning:
        print(f"claude-harness: warning: {warning}", file=sys.stderr)
    service = ProbeService(targets, verify=verify, telemetry=telemetry)
    try:
        sock = _bind(args.host, args.port)
    except HarnessError:
        if telemetry is not None:
            telemetry.close()
        raise
    port = sock.getsockname()[1]
    if not loopback:
        print(f"claude-harness: warning: serving on {args.host}, not loopback: anyone who can reach "
              f"{args.host}:{port} can make this exporter send billable calls.", file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"claude-harness exporter on http://{shown}:{port} (Ctrl-C to stop)")
    for name, entry in targets.items():
        print(f"  /probe?target={name}&module=free|smoke|full   (billable at most every "
              f"{entry.min_billable_interval_s:g} s)")
    print("  /metrics   /-/healthy")
    sys.stdout.flush()
    config = uvicorn.Config(create_app(service), log_level="warning", lifespan="off", access_log=False)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            _ForegroundServer(config).run(sockets=[sock])
    finally:
        sock.close()
        if telemetry is not None:
            telemetry.close()
    print("claude-harness exporter stopped", flush=True)
    return 0
