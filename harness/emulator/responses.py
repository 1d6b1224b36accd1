"""Healthy answers in the Messages API's wire format, with plausible, consistent token counts (pure); a provider
with another wire format has its own in its package's emulator.py."""

from __future__ import annotations

import json
from typing import Any

from .behaviour import Plan, plan_anthropic


def input_tokens(body: dict[str, Any]) -> int:
    """A deterministic stand-in for a tokenizer: the same prompt always counts the same (see usage.py)."""
    from .usage import BadImage
    from .usage import input_tokens as estimate

    try:
        return estimate(body)
    except BadImage:  # validation answers it first on the Anthropic formats; OpenAI parts carry no raw image
        return 8


def _anthropic_blocks(plan: Plan) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if plan.thinking:
        blocks.append({"type": "thinking", "thinking": plan.thinking, "signature": plan.signature})
    blocks.extend(plan.extra.get("server_blocks", []))  # a server tool's use and result come before the text
    if plan.tool:
        blocks.append({"type": "tool_use", **plan.tool})
    elif plan.extra.get("citations"):
        blocks.append({"type": "text", "text": plan.text, "citations": plan.extra["citations"]})
    else:
        blocks.append({"type": "text", "text": plan.text})
    return blocks


def anthropic_message(msg_id: str, model: str, body: dict[str, Any],
                      usage: dict[str, Any] | None = None) -> dict[str, Any]:
    """``usage``: the input side (input_tokens and the cache fields) when the caller has a prompt cache."""
    plan = plan_anthropic(body)
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": _anthropic_blocks(plan),
        "stop_reason": plan.stop_reason,
        "stop_sequence": plan.stop_sequence,
        "usage": {**_input_usage(body, usage), "output_tokens": plan.output_tokens, "service_tier": "standard",
                  **_server_usage(plan)},
    }


def _server_usage(plan: Plan) -> dict[str, Any]:
    return {"server_tool_use": plan.extra["server_tool_use"]} if "server_tool_use" in plan.extra else {}


def _input_usage(body: dict[str, Any], usage: dict[str, Any] | None) -> dict[str, Any]:
    if usage is not None:
        return dict(usage)
    return {"input_tokens": input_tokens(body), "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}


def sse(event: str | None, data: Any) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def anthropic_stream(msg_id: str, model: str, body: dict[str, Any], *, terminate: bool = True,
                     usage: dict[str, Any] | None = None) -> list[bytes]:
    """As the API streams: the input usage in message_start, the cumulative counts again in message_delta."""
    plan = plan_anthropic(body)
    inputs = _input_usage(body, usage)
    start = {
        "type": "message_start",
        "message": {
            "id": msg_id, "type": "message", "role": "assistant", "content": [], "model": model,
            "stop_reason": None, "stop_sequence": None,
            "usage": {**inputs, "output_tokens": 1, "service_tier": "standard"},
        },
    }
    events = [sse("message_start", start)]
    index = 0

    def block(opening: dict[str, Any], deltas: list[dict[str, Any]]) -> None:
        nonlocal index
        events.append(sse("content_block_start", {"type": "content_block_start", "index": index,
                                                  "content_block": opening}))
        if index == 0:
            events.append(sse("ping", {"type": "ping"}))
        events.extend(sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
                      for d in deltas)
        events.append(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
        index += 1

    if plan.thinking:
        block({"type": "thinking", "thinking": "", "signature": ""},
              [{"type": "thinking_delta", "thinking": plan.thinking},
               {"type": "signature_delta", "signature": plan.signature}])
    for server_block in plan.extra.get("server_blocks", []):
        if server_block["type"] == "server_tool_use":  # its input streams as JSON, like a client tool's
            block({**server_block, "input": {}},
                  [{"type": "input_json_delta", "partial_json": json.dumps(server_block["input"])}])
        else:
            block(server_block, [])
    if plan.tool:
        block({"type": "tool_use", "id": plan.tool["id"], "name": plan.tool["name"], "input": {}},
              [{"type": "input_json_delta", "partial_json": json.dumps(plan.tool["input"])}])
    else:
        block({"type": "text", "text": ""}, [{"type": "text_delta", "text": t} for t in plan.text_tokens]
              + [{"type": "citations_delta", "citation": c} for c in plan.extra.get("citations", [])])
    events.append(sse("message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": plan.stop_reason, "stop_sequence": plan.stop_sequence},
        "usage": {key: value for key, value in inputs.items() if key != "cache_creation"}
        | {"output_tokens": plan.output_tokens} | _server_usage(plan),
    }))
    if terminate:
        events.append(sse("message_stop", {"type": "message_stop"}))
    return events


def anthropic_error_event(error_type: str, message: str) -> bytes:
    return sse("error", {"type": "error", "error": {"type": error_type, "message": message}})


def model_details(model: str) -> dict[str, Any]:
    """Models retrieve: limits and capabilities from the catalogue where it knows the id, and the lifecycle fields
    judged as of today from the same data as model.lifecycle."""
    from ..lifecycle import first_party, lifecycle_today
    from .catalogue import model_info

    listed = model_info(model)
    out: dict[str, Any] = dict(listed) if listed is not None else {
        "id": model, "type": "model", "display_name": model, "created_at": "2025-10-01T00:00:00Z"}
    info = first_party(model)
    if info.status != "unknown":
        out["lifecycle"] = info.status_on(lifecycle_today())
        out["retires_at"] = f"{info.retires.isoformat()}T00:00:00Z" if info.retires else None
    return out


def models_page(models: list[dict[str, Any]], query: dict[str, str] | None = None) -> dict[str, Any]:
    """A Models API list with its cursor pagination (limit, after_id, before_id)."""
    query = query or {}
    ids = [m["id"] for m in models]
    if query.get("after_id") in ids:
        models = models[ids.index(query["after_id"]) + 1:]
    elif query.get("before_id") in ids:
        models = models[: ids.index(query["before_id"])]
    limit = int(query["limit"]) if str(query.get("limit", "")).isdigit() else 20
    page, more = models[:limit], len(models) > limit
    return {"data": page, "has_more": more, "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None}
