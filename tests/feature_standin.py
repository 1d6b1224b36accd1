"""A stand-in provider for the features main's emulator does not serve yet (prompt caching, structured outputs,
citations, server tools, the Batches and Files listings), in front of the real emulator for everything else.

It answers as the Messages API documents, so the feature judges can be tried end to end; the emulator serves these
features itself once issue 24's branch is merged."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from harness.emulator import EmulatorSettings, create_app
from harness.emulator.app import ASGIApp
from harness.emulator.gateway import body_once


def standin(settings: EmulatorSettings | None = None) -> ASGIApp:
    emulator = create_app(settings or EmulatorSettings())
    cached: set[str] = set()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await emulator(scope, receive, send)
            return
        path = scope["path"]
        if scope["method"] == "GET" and path.endswith(("/v1/messages/batches", "/v1/files")):
            await _json(send, {"data": [], "has_more": False, "first_id": None, "last_id": None})
            return
        raw, more = b"", True
        while more:
            message = await receive()
            raw += message.get("body", b"")
            more = message.get("more_body", False)
        body = json.loads(raw) if raw else {}
        answer = _answer(body, cached) if scope["method"] == "POST" and isinstance(body, dict) else None
        if answer is not None:
            await _json(send, answer)
            return
        replay = body_once(raw, receive)

        await emulator(scope, replay, send)

    return app


def _message(content: list[dict[str, Any]], usage: dict[str, int] | None = None) -> dict[str, Any]:
    return {"id": "msg_standin", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
            "content": content, "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 3, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0, **(usage or {})}}


def _answer(body: dict[str, Any], cached: set[str]) -> dict[str, Any] | None:
    system = body.get("system")
    if isinstance(system, list) and any(isinstance(b, dict) and b.get("cache_control") for b in system):
        key = hashlib.sha256(json.dumps(system, sort_keys=True).encode()).hexdigest()
        size = sum(len(str(b.get("text", "")).split()) for b in system if isinstance(b, dict))
        usage = {"cache_read_input_tokens": size} if key in cached else {"cache_creation_input_tokens": size}
        cached.add(key)
        return _message([{"type": "text", "text": "pong"}], usage)
    if isinstance(body.get("output_format"), dict):
        return _message([{"type": "text", "text": json.dumps({"answer": "pong"})}])
    text = json.dumps(body.get("messages"))
    if '"citations": {"enabled": true}' in text:
        return _message([{"type": "text", "text": "teal", "citations": [
            {"type": "char_location", "cited_text": "The claude-harness test lamp is teal.", "document_index": 0,
             "start_char_index": 0, "end_char_index": 37}]}])
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and "type" in t]
    if tools:
        name = tools[0]["name"]
        return _message([{"type": "server_tool_use", "id": "srvtoolu_1", "name": name, "input": {}},
                         {"type": f"{name}_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
                         {"type": "text", "text": "done"}])
    return None


async def _json(send: Any, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
        (b"request-id", b"req_standin")]})
    await send({"type": "http.response.body", "body": data})


def lossy_gateway(app: ASGIApp) -> ASGIApp:
    """A gateway that loses what features add: it refuses images and PDFs, serves no count_tokens and no
    listings, and passes on only the text of an answer (no thinking, no citations, no server tool blocks), with a
    chatty prefix that breaks a JSON reply."""

    async def gateway(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path = scope["path"]
        if scope["method"] == "GET" and path.endswith(("/v1/messages/batches", "/v1/files")):
            await _raw(send, 404, b"<html><body>404 Not Found</body></html>", b"text/html")
            return
        raw, more = b"", True
        while more:
            message = await receive()
            raw += message.get("body", b"")
            more = message.get("more_body", False)
        if path.endswith(("count_tokens", "count-tokens")):
            await _raw(send, 404, b'{"detail": "Not Found"}', b"application/json")
            return
        compact = raw.replace(b" ", b"")
        if b'"type":"image"' in compact or b'"media_type":"application/pdf"' in compact:
            await _raw(send, 400, json.dumps({"type": "error", "error": {
                "type": "invalid_request_error", "message": "this gateway accepts text content only"}}).encode(),
                b"application/json")
            return
        replay = body_once(raw, receive)

        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def lossy(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            out = b"".join(chunks)
            try:
                body = json.loads(out)
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("content"), list):
                text = "".join(str(b.get("text", "")) for b in body["content"] if b.get("type") == "text")
                body["content"] = [{"type": "text", "text": "Sure! " + text}]
                out = json.dumps(body).encode()
            start["headers"] = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"] + [
                (b"content-length", str(len(out)).encode())]
            await send(start)
            await send({"type": "http.response.body", "body": out})

        await app(scope, replay, lossy)

    return gateway


async def _raw(send: Any, status: int, data: bytes, content_type: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})
