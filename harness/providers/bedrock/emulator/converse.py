"""Bedrock's Converse API over the emulator's Messages behaviour (pure translation both ways).

A Converse request (messages of ``text``/``image``/``document``/``toolUse``/``toolResult``/``reasoningContent``/
``cachePoint`` blocks, ``system``, ``inferenceConfig``, ``toolConfig``, ``additionalModelRequestFields``) becomes
the Messages body it stands for, is answered by the same plan, and goes back in Converse's shapes: the
``output.message`` / ``stopReason`` / ``usage`` / ``metrics`` document, or ConverseStream's event sequence
(messageStart, contentBlockStart/Delta/Stop, messageStop, metadata) in the AWS event-stream framing.
"""

from __future__ import annotations

import json
from typing import Any

from .... import eventstream
from ....emulator.behaviour import Plan

IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
DOCUMENT_TYPES = {"pdf": "application/pdf", "txt": "text/plain", "md": "text/plain", "html": "text/plain",
                  "csv": "text/plain", "doc": "application/pdf", "docx": "application/pdf",
                  "xls": "application/pdf", "xlsx": "application/pdf"}


class ConverseInputError(ValueError):
    """What Bedrock answers with a ValidationException (the message is Bedrock's)."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _cache(blocks: list[dict[str, Any]]) -> None:
    """A cachePoint marks the block before it, as cache_control does."""
    if blocks:
        blocks[-1] = {**blocks[-1], "cache_control": {"type": "ephemeral"}}


def _block(block: dict[str, Any]) -> dict[str, Any] | None:
    if "text" in block:
        return {"type": "text", "text": str(block["text"])}
    if "image" in block:
        image = _dict(block["image"])
        data = _dict(image.get("source")).get("bytes", "")
        return {"type": "image", "source": {"type": "base64", "media_type": IMAGE_TYPES.get(
            str(image.get("format")), "image/png"), "data": data}}
    if "document" in block:
        document = _dict(block["document"])
        data = _dict(document.get("source")).get("bytes", "")
        return {"type": "document", "title": document.get("name"), "source": {
            "type": "base64", "media_type": DOCUMENT_TYPES.get(str(document.get("format")), "application/pdf"),
            "data": data}}
    if "toolUse" in block:
        use = _dict(block["toolUse"])
        return {"type": "tool_use", "id": use.get("toolUseId"), "name": use.get("name"), "input": use.get("input")}
    if "toolResult" in block:
        result = _dict(block["toolResult"])
        parts = [{"type": "text", "text": c["text"]} if "text" in c else
                 {"type": "text", "text": json.dumps(c.get("json"))} for c in result.get("content") or []
                 if isinstance(c, dict)]
        return {"type": "tool_result", "tool_use_id": result.get("toolUseId"), "content": parts,
                "is_error": result.get("status") == "error"}
    if "reasoningContent" in block:
        reasoning = _dict(_dict(block["reasoningContent"]).get("reasoningText"))
        return {"type": "thinking", "thinking": reasoning.get("text", ""), "signature": reasoning.get("signature")}
    raise ConverseInputError("The provided request is not valid")


def _blocks(content: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and "cachePoint" in block:
            _cache(out)
            continue
        converted = _block(_dict(block))
        if converted is not None:
            out.append(converted)
    return out


def to_messages(request: dict[str, Any], default_max_tokens: int) -> dict[str, Any]:
    """The Messages body a Converse request stands for. Raises ConverseInputError."""
    messages = request.get("messages")
    if not isinstance(messages, list) or not messages:
        raise ConverseInputError("A conversation must start with a user message. Try again with a conversation "
                                 "that starts with a user message.")
    body: dict[str, Any] = {"messages": [{"role": m.get("role"), "content": _blocks(m.get("content"))}
                                         for m in messages if isinstance(m, dict)]}
    if body["messages"][0]["role"] != "user":
        raise ConverseInputError("A conversation must start with a user message. Try again with a conversation "
                                 "that starts with a user message.")
    system = _blocks(request.get("system"))
    if system:
        body["system"] = system
    config = _dict(request.get("inferenceConfig"))
    body["max_tokens"] = config.get("maxTokens", default_max_tokens)
    for theirs, ours in (("temperature", "temperature"), ("topP", "top_p"), ("stopSequences", "stop_sequences")):
        if theirs in config:
            body[ours] = config[theirs]
    tools = _dict(request.get("toolConfig"))
    specs: list[dict[str, Any]] = []
    for tool in tools.get("tools") or []:
        if isinstance(tool, dict) and "cachePoint" in tool:
            _cache(specs)
        elif isinstance(tool, dict):
            spec = _dict(tool.get("toolSpec"))
            specs.append({"name": spec.get("name"), "description": spec.get("description", ""),
                          "input_schema": _dict(spec.get("inputSchema")).get("json", {"type": "object"})})
    if specs:
        body["tools"] = specs
        choice = _dict(tools.get("toolChoice"))
        if "any" in choice:
            body["tool_choice"] = {"type": "any"}
        elif "tool" in choice:
            body["tool_choice"] = {"type": "tool", "name": _dict(choice["tool"]).get("name")}
    body.update(_dict(request.get("additionalModelRequestFields")))
    return body


def _usage(usage: dict[str, Any], output_tokens: int) -> dict[str, int]:
    read, write = int(usage.get("cache_read_input_tokens", 0)), int(usage.get("cache_creation_input_tokens", 0))
    inputs = int(usage.get("input_tokens", 0))
    return {"inputTokens": inputs, "outputTokens": output_tokens, "totalTokens": inputs + read + write +
            output_tokens, "cacheReadInputTokens": read, "cacheWriteInputTokens": write}


def _content(plan: Plan) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if plan.thinking:
        out.append({"reasoningContent": {"reasoningText": {"text": plan.thinking, "signature": plan.signature}}})
    if plan.tool:
        out.append({"toolUse": {"toolUseId": plan.tool["id"], "name": plan.tool["name"],
                                "input": plan.tool["input"]}})
    else:
        out.append({"text": plan.text})
    return out


def converse_response(plan: Plan, usage: dict[str, Any]) -> dict[str, Any]:
    return {"output": {"message": {"role": "assistant", "content": _content(plan)}}, "stopReason": plan.stop_reason,
            "usage": _usage(usage, plan.output_tokens), "metrics": {"latencyMs": 1}}


def _event(name: str, payload: dict[str, Any]) -> bytes:
    return eventstream.encode({":event-type": name, ":content-type": "application/json", ":message-type": "event"},
                              json.dumps({**payload, "p": "abcdefghij"}, separators=(",", ":")).encode())


def converse_stream(plan: Plan, usage: dict[str, Any]) -> list[bytes]:
    """ConverseStream's events, each an event-stream frame named by its :event-type."""
    frames = [_event("messageStart", {"role": "assistant"})]
    index = 0
    if plan.thinking:
        frames += [_event("contentBlockDelta", {"contentBlockIndex": index, "delta": {
                       "reasoningContent": {"text": plan.thinking}}}),
                   _event("contentBlockDelta", {"contentBlockIndex": index, "delta": {
                       "reasoningContent": {"signature": plan.signature}}}),
                   _event("contentBlockStop", {"contentBlockIndex": index})]
        index += 1
    if plan.tool:
        frames += [_event("contentBlockStart", {"contentBlockIndex": index, "start": {"toolUse": {
                       "toolUseId": plan.tool["id"], "name": plan.tool["name"]}}}),
                   _event("contentBlockDelta", {"contentBlockIndex": index, "delta": {"toolUse": {
                       "input": json.dumps(plan.tool["input"])}}}),
                   _event("contentBlockStop", {"contentBlockIndex": index})]
    else:
        frames += [_event("contentBlockDelta", {"contentBlockIndex": index, "delta": {"text": token}})
                   for token in plan.text_tokens]
        frames.append(_event("contentBlockStop", {"contentBlockIndex": index}))
    frames.append(_event("messageStop", {"stopReason": plan.stop_reason}))
    frames.append(_event("metadata", {"usage": _usage(usage, plan.output_tokens), "metrics": {"latencyMs": 1}}))
    return frames
