"""Hostile or broken responses never crash the harness and are diagnosed."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from harness import constants
from harness.config import build_target
from harness.ladder import TargetRun, run_target
from harness.probe import Prober
from harness.redact import Redactor
from harness.replay import replay_router

TARGET = {"provider": "anthropic", "api_key_env": "K"}
ENV = {"K": "key-123456"}


def run_with(override: Any, *, timeout: float = 5.0, base_url: str | None = None) -> TargetRun:
    raw = {**TARGET, "timeout": timeout}
    if base_url:
        raw["base_url"] = base_url
    target = build_target(raw, ENV, default_id="t")
    healthy = replay_router(target)

    async def handler(request: httpx.Request) -> httpx.Response:
        answer = override(request)
        if answer is not None:
            return answer  # type: ignore[no-any-return]
        return await healthy.async_handler(request)

    async def go() -> TargetRun:
        async with Prober(Redactor(), transport=httpx.MockTransport(handler)) as prober:
            return await run_target(target, prober)

    return asyncio.run(go())


def on_message(response_factory: Any) -> Any:
    def override(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v1/messages" and b'"stream"' not in request.content:
            return response_factory()  # type: ignore[no-any-return]
        return None
    return override


def on_stream(response_factory: Any) -> Any:
    def override(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/v1/messages" and b'"stream"' in request.content:
            return response_factory()  # type: ignore[no-any-return]
        return None
    return override


def failed(run: TargetRun) -> Any:
    found = [c for c in run.checks if c.status == "failed"]
    assert len(found) == 1, [(c.id, c.status, c.message) for c in run.checks]
    return found[0]


def test_huge_body_is_capped() -> None:
    huge = b'{"type":"message","pad":"' + b"x" * (constants.MAX_BODY_BYTES + 1000) + b'"}'
    check = failed(run_with(on_message(lambda: httpx.Response(200, content=huge,
                                                               headers={"content-type": "application/json"}))))
    assert check.id == "message.text-and-usage" and check.cause == "conformance.schema"
    assert "exceeded" in check.message


def test_invalid_utf8_and_non_json_bodies() -> None:
    body = b'\xff\xfe{"type": "message", \x80\x81 not json'
    check = failed(run_with(on_message(lambda: httpx.Response(200, content=body,
                                                               headers={"content-type": "application/json"}))))
    assert check.cause == "conformance.schema"
    html = "<html><title>Service Unavailable</title></html>"
    check = failed(run_with(on_message(lambda: httpx.Response(503, text=html, headers={"content-type": "text/html"}))))
    assert check.cause == "provider.unavailable" and "Service Unavailable" in check.message


class EndlessStream(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            yield b"event: ping\ndata: {\"type\": \"ping\"}\n\n" * 50


def test_endless_stream_is_capped() -> None:
    check = failed(run_with(on_stream(lambda: httpx.Response(200, stream=EndlessStream(),
                                                              headers={"content-type": "text/event-stream"}))))
    assert check.id == "stream.completes" and check.cause == "conformance.stream"
    assert "cap" in check.message


def test_stream_without_final_newline_and_with_crlf() -> None:
    from harness.emulator.responses import anthropic_stream

    body = b"".join(anthropic_stream("msg", "m", {"max_tokens": 16, "messages": []})).replace(b"\n", b"\r\n")
    body = body.rstrip(b"\r\n")  # the last event lacks its blank line
    run = run_with(on_stream(lambda: httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})))
    assert all(c.status == "passed" for c in run.checks), [(c.id, c.message) for c in run.checks]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_server_that_never_answers_is_a_timeout(silent_server: int) -> None:
    target = build_target({**TARGET, "base_url": f"http://127.0.0.1:{silent_server}", "timeout": 0.3}, ENV,
                          default_id="t")

    async def go() -> TargetRun:
        async with Prober(Redactor()) as prober:
            return await run_target(target, prober)

    check = failed(asyncio.run(go()))
    assert check.id == "network.reachable" and check.cause == "network.timeout"


def test_credentials_in_urls_are_redacted() -> None:
    assert "hunter2" not in Redactor().text("proxy http://user:hunter2@proxy.example:8080 failed")
