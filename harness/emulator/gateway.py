"""What sits in front of the emulated provider: the gateway faults, and the provider's own beta gate (ASGI).

The faults behave like the middleboxes users meet (selected as every other fault, at start-up or per request with
``x-emulator-fault``):

- ``strip-betas``: a gateway that drops the ``anthropic-beta`` header (and Bedrock's body ``anthropic_beta``) but
  forwards the body, so a beta-only field reaches the provider without its beta;
- ``drop-cache-control``: a proxy that removes every ``cache_control`` marker, so nothing is ever cached;
- ``broken-tool-input``: a translation layer that loses tool arguments: ``tool_use.input`` arrives as ``{}`` and
  streamed ``input_json_delta`` parts arrive empty.

The beta gate is the provider's rule, applied with or without a fault: a beta-only body field without its beta
is refused as the API refuses it (400 ``context_management: Extra inputs are not permitted``).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
GATEWAY_FAULTS = frozenset({"strip-betas", "drop-cache-control", "broken-tool-input"})
FAULT_HEADER = b"x-emulator-fault"
# beta-only body field -> the anthropic-beta value it needs
BETA_FIELDS = {"context_management": "context-management-2025-06-27"}


def without_cache_control(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_cache_control(v) for k, v in value.items() if k != "cache_control"}
    if isinstance(value, list):
        return [without_cache_control(v) for v in value]
    return value


def beta_problem(path: str, betas: set[str], body: Any) -> str | None:
    """The provider's refusal of a beta-only field sent without its beta, or None."""
    if not isinstance(body, dict):
        return None
    for field, beta in BETA_FIELDS.items():
        if field in body and beta not in betas:
            return f"{field}: Extra inputs are not permitted"
    return None


def _betas(headers: list[tuple[bytes, bytes]], body: Any) -> set[str]:
    values = [v.decode("latin-1") for k, v in headers if k.lower() == b"anthropic-beta"]
    if isinstance(body, dict) and isinstance(body.get("anthropic_beta"), list):
        values += [str(v) for v in body["anthropic_beta"]]
    return {b.strip() for v in values for b in v.split(",") if b.strip()}


def broken_tool_input(content_type: str, raw: bytes) -> bytes:
    """The answer as a translation layer that loses tool arguments passes it on."""
    if "text/event-stream" in content_type:
        lines = []
        for line in raw.decode("utf-8").split("\n"):
            if line.startswith("data: "):
                try:
                    data = json.loads(line[6:])
                except ValueError:
                    data = None
                delta = data.get("delta") if isinstance(data, dict) else None
                if isinstance(delta, dict) and delta.get("type") == "input_json_delta":
                    delta["partial_json"] = ""
                    line = "data: " + json.dumps(data)
            lines.append(line)
        return "\n".join(lines).encode("utf-8")
    if "json" not in content_type:
        return raw  # Bedrock's binary event stream passes unchanged
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    for block in body.get("content") or [] if isinstance(body, dict) else []:
        if isinstance(block, dict) and block.get("type") == "tool_use":
            block["input"] = {}
    return json.dumps(body).encode("utf-8")


def in_front(app: ASGIApp, faults: frozenset[str], *, beta_gate: bool = True) -> ASGIApp:
    """The emulator app behind the beta gate (``beta_gate=False``: none, as in mock-server mode) and whichever
    gateway faults a request asks for."""

    async def gateway(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        asked = set(faults)
        for key, value in headers:
            if key.lower() == FAULT_HEADER:
                asked.update(n.strip() for n in value.decode("latin-1").split(",") if n.strip())
        active = asked & GATEWAY_FAULTS
        raw, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            raw += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if isinstance(body, dict) and active & {"strip-betas", "drop-cache-control"}:
            if "strip-betas" in active:
                headers = [(k, v) for k, v in headers if k.lower() != b"anthropic-beta"]
                body.pop("anthropic_beta", None)
            if "drop-cache-control" in active:
                body = without_cache_control(body)
            raw = json.dumps(body).encode("utf-8")
            headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(raw)).encode()))
        problem = beta_problem(scope["path"], _betas(headers, body), body) if beta_gate else None
        if problem is not None:
            await _refuse(send, scope["path"], problem)
            return
        replay = body_once(raw, receive)

        scope["headers"] = headers  # the same scope: what the app notes in its state reaches the request log
        inner = scope
        if "broken-tool-input" not in active:
            await app(inner, replay, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def buffered(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            content_type = next((v.decode("latin-1") for k, v in start.get("headers", [])
                                 if k.lower() == b"content-type"), "")
            out = broken_tool_input(content_type, b"".join(chunks))
            start["headers"] = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"] + [
                (b"content-length", str(len(out)).encode())]
            await send(start)
            await send({"type": "http.response.body", "body": out, "more_body": False})

        await app(inner, replay, buffered)

    return gateway


async def _refuse(send: Any, path: str, problem: str) -> None:
    if path.startswith("/bedrock"):
        body: dict[str, Any] = {"message": problem}
        extra = [(b"x-amzn-errortype", b"ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")]
    else:
        body = {"type": "error", "error": {"type": "invalid_request_error", "message": problem}}
        extra = []
    data = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": 400, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *extra]})
    await send({"type": "http.response.body", "body": data, "more_body": False})


def body_once(raw: bytes, receive: Any) -> Any:
    """An ASGI receive that hands the app ``raw`` (a body already read, perhaps rewritten) once, then the rest."""
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay
