"""An in-process transport to an ASGI app that streams like a socket would.

httpx's own ASGITransport buffers the whole body and ignores timeouts, which
would hide exactly what the emulator's stream faults exist to show (a stall,
a dropped connection). This one hands body chunks over as the app sends them,
applies the request's read timeout to each wait, and turns an app that dies
mid-body into ``httpx.ReadError``, as a real connection would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

Message = MutableMapping[str, Any]
ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]
_END = object()


class _QueueStream(httpx.AsyncByteStream):
    def __init__(self, queue: asyncio.Queue[Any], task: asyncio.Task[None], timeout: float | None,
                 request: httpx.Request) -> None:
        self._queue = queue
        self._task = task
        self._timeout = timeout
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            try:
                item = await asyncio.wait_for(self._queue.get(), self._timeout)
            except asyncio.TimeoutError:
                raise httpx.ReadTimeout("no data within the timeout", request=self._request) from None
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise httpx.ReadError(f"connection dropped mid-body: {item}", request=self._request) from item
            if item:
                yield item

    async def aclose(self) -> None:
        if not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port or 80),
            "client": ("127.0.0.1", 123),
            "root_path": "",
        }
        loop = asyncio.get_running_loop()
        started: asyncio.Future[Message] = loop.create_future()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        request_sent = False
        disconnected = asyncio.Event()

        async def receive() -> Message:
            nonlocal request_sent
            if not request_sent:
                request_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start" and not started.done():
                started.set_result(message)
            elif message["type"] == "http.response.body":
                await queue.put(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    await queue.put(_END)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except Exception as exc:
                if not started.done():
                    started.set_exception(exc)
                else:
                    await queue.put(exc)
            else:
                if not started.done():
                    started.set_exception(RuntimeError("the app sent no response"))
                await queue.put(_END)
            finally:
                disconnected.set()

        task = asyncio.create_task(run())
        timeout = (request.extensions.get("timeout") or {}).get("read")
        try:
            start = await asyncio.wait_for(asyncio.shield(started), timeout)
        except asyncio.TimeoutError:
            task.cancel()
            raise httpx.ReadTimeout("no response within the timeout", request=request) from None
        except Exception as exc:
            raise httpx.ReadError(f"connection closed before a response: {exc}", request=request) from exc
        headers = [(bytes(k), bytes(v)) for k, v in start.get("headers", [])]
        return httpx.Response(start["status"], headers=headers, stream=_QueueStream(queue, task, timeout, request),
                              request=request)
