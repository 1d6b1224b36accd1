"""Serving the emulator with uvicorn on 127.0.0.1, in a thread or in the foreground."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any, TextIO

import uvicorn

from ..providers import PROVIDERS
from .app import EmulatorSettings, QuietDrops, create_app

HOST = "127.0.0.1"


def _quiet_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, QuietDrops) for f in logger.filters):
        logger.addFilter(QuietDrops())


class RunningEmulator:
    """A uvicorn server on a free loopback port, started and stopped around a block."""

    def __init__(self, settings: EmulatorSettings | None = None, *, port: int = 0,
                 tls: tuple[str, str] | None = None, client_ca: str | None = None) -> None:
        self.settings = settings or EmulatorSettings()
        self.app = create_app(self.settings)
        self.scheme = "https" if tls else "http"
        config = uvicorn.Config(self.app, host=HOST, port=port, log_level="error", lifespan="off",
                                access_log=False, ssl_certfile=tls[0] if tls else None,
                                ssl_keyfile=tls[1] if tls else None,
                                # mutual TLS: only clients with a certificate from client_ca get in
                                ssl_ca_certs=client_ca, ssl_cert_reqs=ssl.CERT_REQUIRED if client_ca else ssl.CERT_NONE)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="claude-harness-emulator", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"{self.scheme}://{HOST}:{self.port}"

    def base_url(self, provider: str) -> str:
        mounted = PROVIDERS[provider].emulator_mount  # a provider package says where it is served
        if mounted is None:
            raise ValueError(f"{provider} is not served by the emulator")
        return self.url + mounted

    @property
    def identity_endpoint(self) -> str:
        return f"{self.url}/msi/token"

    def start(self) -> RunningEmulator:
        _quiet_drops()
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the emulator did not start")
            time.sleep(0.01)
        sockets = self._server.servers[0].sockets
        self.port = int(sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> RunningEmulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve_forever(settings: EmulatorSettings, sock: socket.socket, log: TextIO | None = None) -> None:
    """Foreground serving for `claude-harness emulate` on an already bound socket; Ctrl-C and SIGTERM stop it
    cleanly (uvicorn finishes the requests under way)."""
    app = create_app(settings)
    if log is not None:
        app = request_log(app, log)
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    _quiet_drops()
    _ForegroundServer(config).run(sockets=[sock])


class _ForegroundServer(uvicorn.Server):
    """Ctrl-C and SIGTERM end serving gracefully and return, so the command can say so and exit 0 (uvicorn's
    own handler re-raises the signal after shutting down, which ends the process with it)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def request_log(app: Any, log: TextIO) -> Any:
    """ASGI middleware: one JSON line per request (time, method, path, status, duration, faults). Headers and
    bodies are never written, so no key or token can reach the log."""

    async def logged(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        start = time.perf_counter()
        status: list[int] = []

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await app(scope, receive, capture)
        finally:
            headers = {k.decode().lower(): v.decode(errors="replace") for k, v in scope.get("headers", [])}
            entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "method": scope["method"],
                     "path": scope["path"], "status": status[0] if status else None,
                     "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                     "faults": headers.get("x-emulator-fault")}
            skipped = scope.get("state", {}).get("faults_skipped")
            if skipped:
                entry["faults_skipped"] = skipped  # asked for, but not what this provider can answer
            log.write(json.dumps(entry) + "\n")
            log.flush()

    return logged
