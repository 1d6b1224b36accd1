"""Healthy answers in each provider's wire format, with plausible, consistent token counts (pure)."""

from __future__ import annotations

import json
import time
from typing import Any

from .behaviour import Plan, plan_anthropic, plan_openai
from .reasoning import message_fields, reasoning_tokens, with_reasoning

OPENROUTER_MODELS = (
    "anthropic/claude-haiku-4.5",
    "anthropic/claude-sonnet-4.5",
    "anthropic/claude-opus-4.5",
    "anthropic/claude-sonnet-4.6",
    "anthropic/claude-opus-5",
    "anthropic/claude-3.5-sonnet",
)
ANTHROPIC_MODELS = ("claude-haiku-4-5", "claude-sonnet-4-6", "claude-sonnet-4-5", "claude-opus-4-5", "claude-opus-5")


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


def _openrouter_usage(body: dict[str, Any], completion: int, reasoning: int = 0) -> dict[str, Any]:
    prompt = input_tokens(body)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": round((prompt * 1 + completion * 5) / 1_000_000, 8),
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def _tool_calls(plan: Plan) -> list[dict[str, Any]]:
    assert plan.tool is not None
    return [{"index": 0, "id": plan.tool["id"], "type": "function",
             "function": {"name": plan.tool["name"], "arguments": json.dumps(plan.tool["input"])}}]


def openrouter_completion(gen_id: str, model: str, body: dict[str, Any]) -> dict[str, Any]:
    plan = with_reasoning(plan_openai(body), body)
    message: dict[str, Any] = {"role": "assistant", "content": None if plan.tool else plan.text, "refusal": None,
                               "reasoning": None, **message_fields(plan, body)}
    if plan.tool:
        message["tool_calls"] = _tool_calls(plan)
    return {
        "id": gen_id,
        "provider": "Anthropic",
        "model": model,
        "object": "chat.completion",
        "created": int(time.time()),
        "system_fingerprint": None,
        "choices": [{
            "index": 0,
            "logprobs": None,
            "finish_reason": plan.extra["finish_reason"],
            "native_finish_reason": plan.stop_reason,
            "message": message,
        }],
        "usage": _openrouter_usage(body, plan.output_tokens, reasoning_tokens(plan)),
    }


def _chunk(gen_id: str, model: str, created: int, choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": gen_id, "provider": "Anthropic", "model": model, "object": "chat.completion.chunk",
            "created": created, "system_fingerprint": None, "choices": choices, **extra}


def openrouter_stream(gen_id: str, model: str, body: dict[str, Any], *, terminate: bool = True) -> list[bytes]:
    plan = with_reasoning(plan_openai(body), body)
    created = int(time.time())
    out = [b": OPENROUTER PROCESSING\n\n"]
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": t} for t in plan.text_tokens]
    thought = message_fields(plan, body)
    if thought:  # the reasoning streams before the answer
        deltas.insert(0, {"role": "assistant", "content": "", **thought})
    if plan.tool:
        deltas = [{"role": "assistant", "content": None, "tool_calls": _tool_calls(plan)}]
    for delta in deltas:
        choice = {"index": 0, "delta": delta, "finish_reason": None, "native_finish_reason": None, "logprobs": None}
        out.append(sse(None, _chunk(gen_id, model, created, [choice])))
    final = {"index": 0, "delta": {"role": "assistant", "content": ""},
             "finish_reason": plan.extra["finish_reason"], "native_finish_reason": plan.stop_reason,
             "logprobs": None}
    out.append(sse(None, _chunk(gen_id, model, created, [final])))
    if terminate:
        usage = _openrouter_usage(body, plan.output_tokens, reasoning_tokens(plan))
        out.append(sse(None, _chunk(gen_id, model, created, [], usage=usage)))
        out.append(sse(None, "[DONE]"))
    return out


def openrouter_error_chunk(gen_id: str, model: str, code: int, message: str, error_type: str) -> bytes:
    choice = {"index": 0, "delta": {"content": ""}, "finish_reason": "error"}
    error = {"code": code, "message": message, "metadata": {"error_type": error_type}}
    return sse(None, _chunk(gen_id, model, int(time.time()), [choice], error=error))


def openrouter_key_info() -> dict[str, Any]:
    return {"data": {
        "label": "claude-harness emulator key", "limit": None, "limit_remaining": None, "limit_reset": None,
        "include_byok_in_limit": False, "usage": 0, "usage_daily": 0, "usage_weekly": 0, "usage_monthly": 0,
        "byok_usage": 0, "byok_usage_daily": 0, "byok_usage_weekly": 0, "byok_usage_monthly": 0,
        "is_free_tier": False, "is_management_key": False, "is_provisioning_key": False, "expires_at": None,
    }}


def openrouter_models() -> dict[str, Any]:
    from .retired import available

    return {"data": [
        {
            "id": model_id, "canonical_slug": model_id, "name": model_id.split("/")[1], "created": 1_750_000_000,
            "description": "Emulated model", "context_length": 200000,
            "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"],
                             "tokenizer": "Claude", "instruct_type": None},
            "pricing": {"prompt": "0.000001", "completion": "0.000005", "request": "0", "image": "0"},
            "top_provider": {"context_length": 200000, "max_completion_tokens": 64000, "is_moderated": True},
            "per_request_limits": None, "supported_parameters": ["max_tokens", "temperature", "stream"],
            "default_parameters": {}, "supported_voices": None, "links": {"details": ""},
        }
        for model_id in OPENROUTER_MODELS if available("openrouter", model_id)  # retired slugs are not listed
    ]}


def model_details(model: str) -> dict[str, Any]:
    """Models retrieve: limits and capabilities from the catalogue where it knows the id, and the lifecycle fields
    judged as of today from the same data as model.lifecycle."""
    from ..lifecycle import lifecycle_today, lookup
    from .catalogue import model_info

    listed = model_info(model)
    out: dict[str, Any] = dict(listed) if listed is not None else {
        "id": model, "type": "model", "display_name": model, "created_at": "2025-10-01T00:00:00Z"}
    info = lookup("anthropic", model)
    if info.status != "unknown":
        out["lifecycle"] = info.status_on(lifecycle_today())
        out["retires_at"] = f"{info.retires.isoformat()}T00:00:00Z" if info.retires else None
    return out


def anthropic_models(query: dict[str, str] | None = None) -> dict[str, Any]:
    """The Models API list with its cursor pagination (limit, after_id, before_id)."""
    query = query or {}
    from .retired import available

    models = [model_details(m) for m in ANTHROPIC_MODELS if available("anthropic", m)]  # retired ones are not listed
    ids = [m["id"] for m in models]
    if query.get("after_id") in ids:
        models = models[ids.index(query["after_id"]) + 1:]
    elif query.get("before_id") in ids:
        models = models[: ids.index(query["before_id"])]
    limit = int(query["limit"]) if str(query.get("limit", "")).isdigit() else 20
    page, more = models[:limit], len(models) > limit
    return {"data": page, "has_more": more, "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None}
