"""Healthy answers in each provider's wire format, with plausible, consistent token counts (pure)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from typing import Any

REPLY_TOKENS = ("pong", " from", " the", " claude-harness", " emulator", ".")
OPENROUTER_MODELS = (
    "anthropic/claude-haiku-4.5",
    "anthropic/claude-sonnet-4.5",
    "anthropic/claude-opus-4.5",
    "anthropic/claude-sonnet-4.6",
    "anthropic/claude-opus-5",
    "anthropic/claude-3.5-sonnet",
)
ANTHROPIC_MODELS = ("claude-haiku-4-5", "claude-sonnet-4-6", "claude-sonnet-4-5", "claude-opus-4-5", "claude-opus-5")


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield from _texts(item.get("text") if "text" in item else item.get("content"))
            else:
                yield from _texts(item)


def input_tokens(body: dict[str, Any]) -> int:
    """A deterministic stand-in for a tokenizer: the same prompt always counts the same."""
    total = 8
    for text in _texts(body.get("system")):
        total += math.ceil(len(text) / 4)
    for message in body.get("messages") or []:
        if isinstance(message, dict):
            total += 3 + sum(math.ceil(len(t) / 4) for t in _texts(message.get("content")))
    return total


def reply(max_tokens: int) -> tuple[list[str], bool]:
    """The reply tokens within max_tokens, and whether it was cut short."""
    count = max(0, min(max_tokens, len(REPLY_TOKENS)))
    return list(REPLY_TOKENS[:count]), count < len(REPLY_TOKENS)


def anthropic_message(msg_id: str, model: str, body: dict[str, Any]) -> dict[str, Any]:
    tokens, cut = reply(int(body.get("max_tokens") or 1))
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": "".join(tokens)}],
        "stop_reason": "max_tokens" if cut else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens(body),
            "output_tokens": len(tokens),
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "service_tier": "standard",
        },
    }


def sse(event: str | None, data: Any) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def anthropic_stream(msg_id: str, model: str, body: dict[str, Any], *, terminate: bool = True) -> list[bytes]:
    tokens, cut = reply(int(body.get("max_tokens") or 1))
    start = {
        "type": "message_start",
        "message": {
            "id": msg_id, "type": "message", "role": "assistant", "content": [], "model": model,
            "stop_reason": None, "stop_sequence": None,
            "usage": {"input_tokens": input_tokens(body), "output_tokens": 1,
                      "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0},
        },
    }
    events = [
        sse("message_start", start),
        sse("content_block_start", {"type": "content_block_start", "index": 0,
                                    "content_block": {"type": "text", "text": ""}}),
        sse("ping", {"type": "ping"}),
    ]
    events += [
        sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                    "delta": {"type": "text_delta", "text": token}})
        for token in tokens
    ]
    events.append(sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
    events.append(sse("message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": "max_tokens" if cut else "end_turn", "stop_sequence": None},
        "usage": {"output_tokens": len(tokens)},
    }))
    if terminate:
        events.append(sse("message_stop", {"type": "message_stop"}))
    return events


def anthropic_error_event(error_type: str, message: str) -> bytes:
    return sse("error", {"type": "error", "error": {"type": error_type, "message": message}})


def _openrouter_usage(body: dict[str, Any], completion: int) -> dict[str, Any]:
    prompt = input_tokens(body)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": round((prompt * 1 + completion * 5) / 1_000_000, 8),
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def openrouter_completion(gen_id: str, model: str, body: dict[str, Any]) -> dict[str, Any]:
    tokens, cut = reply(int(body.get("max_tokens") or 1024))
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
            "finish_reason": "length" if cut else "stop",
            "native_finish_reason": "max_tokens" if cut else "end_turn",
            "message": {"role": "assistant", "content": "".join(tokens), "refusal": None, "reasoning": None},
        }],
        "usage": _openrouter_usage(body, len(tokens)),
    }


def _chunk(gen_id: str, model: str, created: int, choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": gen_id, "provider": "Anthropic", "model": model, "object": "chat.completion.chunk",
            "created": created, "system_fingerprint": None, "choices": choices, **extra}


def openrouter_stream(gen_id: str, model: str, body: dict[str, Any], *, terminate: bool = True) -> list[bytes]:
    tokens, cut = reply(int(body.get("max_tokens") or 1024))
    created = int(time.time())
    out = [b": OPENROUTER PROCESSING\n\n"]
    for token in tokens:
        choice = {"index": 0, "delta": {"role": "assistant", "content": token},
                  "finish_reason": None, "native_finish_reason": None, "logprobs": None}
        out.append(sse(None, _chunk(gen_id, model, created, [choice])))
    final = {"index": 0, "delta": {"role": "assistant", "content": ""},
             "finish_reason": "length" if cut else "stop",
             "native_finish_reason": "max_tokens" if cut else "end_turn", "logprobs": None}
    out.append(sse(None, _chunk(gen_id, model, created, [final])))
    if terminate:
        out.append(sse(None, _chunk(gen_id, model, created, [], usage=_openrouter_usage(body, len(tokens)))))
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
        for model_id in OPENROUTER_MODELS
    ]}


def anthropic_models() -> dict[str, Any]:
    data = [
        {"id": m, "type": "model", "display_name": m, "created_at": "2025-10-01T00:00:00Z"} for m in ANTHROPIC_MODELS
    ]
    return {"data": data, "has_more": False, "first_id": data[0]["id"], "last_id": data[-1]["id"]}
