"""Serving the emulator with uvicorn on 127.0.0.1, in a thread or in the foreground."""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType

import uvicorn

from .app import EmulatorSettings, QuietDrops, create_app

HOST = "127.0.0.1"


def _quiet_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, QuietDrops) for f in logger.filters):
        logger.addFilter(QuietDrops())


class RunningEmulator:
    """A uvicorn server on a free loopback port, started and stopped around a block."""

    def __init__(self, settings: EmulatorSettings | None = None, *, port: int = 0,
                 tls: tuple[str, str] | None = None) -> None:
        self.settings = settings or EmulatorSettings()
        self.app = create_app(self.settings)
        self.scheme = "https" if tls else "http"
        config = uvicorn.Config(self.app, host=HOST, port=port, log_level="error", lifespan="off",
                                access_log=False, ssl_certfile=tls[0] if tls else None,
                                ssl_keyfile=tls[1] if tls else None)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="claude-harness-emulator", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"{self.scheme}://{HOST}:{self.port}"

    def base_url(self, provider: str) -> str:
        return {"foundry": f"{self.url}/anthropic", "anthropic": self.url, "openrouter": f"{self.url}/api/v1"}[provider]

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


def serve_forever(settings: EmulatorSettings, port: int) -> None:
    """Foreground serving for `claude-harness emulate`; Ctrl-C stops it cleanly."""
    config = uvicorn.Config(create_app(settings), host=HOST, port=port, log_level="warning", lifespan="off")
    _quiet_drops()
    uvicorn.Server(config).run()
