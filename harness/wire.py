"""Request bodies and response readings for the two wire formats (pure)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import constants
from .observation import Observation
from .providers import WireFormat


def message_body(wire: WireFormat, model: str, max_tokens: int, *, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": constants.PROBE_PROMPT}],
    }
    if stream:
        body["stream"] = True
        if wire == "openai-chat":
            # OpenAI's rule: a stream carries usage only when asked; OpenRouter sends it either way.
            body["stream_options"] = {"include_usage": True}
    return body


def count_tokens_body(model: str) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": constants.PROBE_PROMPT}]}


@dataclass
class Reading:
    """What a message or stream said, in provider-neutral terms."""

    text: str = ""
    usage: dict[str, Any] | None = None
    stop_reason: str | None = None
    terminated: bool = False  # the stream ended with its documented terminator
    error: dict[str, Any] | None = None  # an error delivered inside a 200 body or stream
    problems: list[str] = field(default_factory=list)
    ttft_any_ms: float | None = None
    ttft_text_ms: float | None = None
    event_types: list[str] = field(default_factory=list)


def read_message(wire: WireFormat, obs: Observation) -> Reading:
    body = obs.json()
    reading = Reading()
    if not isinstance(body, dict):
        reading.problems.append("the body is not a JSON object")
        return reading
    if wire == "anthropic-messages":
        if body.get("type") == "error" and isinstance(body.get("error"), dict):
            reading.error = body["error"]
        content = body.get("content")
        if isinstance(content, list):
            reading.text = "".join(
                b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text"
            )
        reading.stop_reason = body.get("stop_reason")
    else:
        if isinstance(body.get("error"), dict):
            reading.error = body["error"]
        choices = body.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            message = choices[0].get("message") or {}
            content = message.get("content") if isinstance(message, dict) else None
            reading.text = content if isinstance(content, str) else ""
            reading.stop_reason = choices[0].get("finish_reason")
            if isinstance(choices[0].get("error"), dict) and reading.error is None:
                reading.error = choices[0]["error"]
    usage = body.get("usage")
    reading.usage = usage if isinstance(usage, dict) else None
    return reading


def read_stream(wire: WireFormat, obs: Observation) -> Reading:
    if wire == "anthropic-messages":
        return _read_anthropic_stream(obs)
    return _read_openai_stream(obs)


def _read_anthropic_stream(obs: Observation) -> Reading:
    reading = Reading()
    usage: dict[str, Any] = {}
    for timed in obs.events:
        data = _json(timed.event.data)
        named = timed.event.event or (data.get("type") if isinstance(data, dict) else None)
        kind = named if isinstance(named, str) and named else "message"
        reading.event_types.append(kind)
        if not isinstance(data, dict):
            continue
        if kind == "message_start" and isinstance(data.get("message"), dict):
            start_usage = data["message"].get("usage")
            if isinstance(start_usage, dict):
                usage.update(start_usage)
        elif kind == "content_block_delta" and isinstance(data.get("delta"), dict):
            delta = data["delta"]
            if reading.ttft_any_ms is None:
                reading.ttft_any_ms = timed.at_ms
            if delta.get("type") == "text_delta":
                if reading.ttft_text_ms is None:
                    reading.ttft_text_ms = timed.at_ms
                reading.text += str(delta.get("text", ""))
        elif kind == "message_delta":
            delta = data.get("delta")
            if isinstance(delta, dict) and delta.get("stop_reason"):
                reading.stop_reason = delta["stop_reason"]
            delta_usage = data.get("usage")
            if isinstance(delta_usage, dict):  # cumulative: overlay, never sum
                usage.update({k: v for k, v in delta_usage.items() if v is not None})
        elif kind == "message_stop":
            reading.terminated = True
        elif kind == "error":
            reading.error = data.get("error") if isinstance(data.get("error"), dict) else data
    reading.usage = usage or None
    return reading


def _read_openai_stream(obs: Observation) -> Reading:
    reading = Reading()
    for timed in obs.events:
        if timed.event.data.strip() == "[DONE]":
            reading.event_types.append("[DONE]")
            reading.terminated = True
            continue
        data = _json(timed.event.data)
        reading.event_types.append("chunk")
        if not isinstance(data, dict):
            reading.problems.append(f"a data line is not JSON: {timed.event.data[:80]!r}")
            continue
        if isinstance(data.get("error"), dict):
            reading.error = data["error"]
        choices = data.get("choices")
        for choice in choices if isinstance(choices, list) else []:
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str) and content:
                if reading.ttft_any_ms is None:
                    reading.ttft_any_ms = timed.at_ms
                if reading.ttft_text_ms is None:
                    reading.ttft_text_ms = timed.at_ms
                reading.text += content
            if choice.get("finish_reason"):
                reading.stop_reason = choice["finish_reason"]
        if isinstance(data.get("usage"), dict):
            reading.usage = data["usage"]
    return reading


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def usage_counts(wire: WireFormat, usage: dict[str, Any] | None) -> tuple[int, int] | None:
    """(input, output) tokens from a usage object, or None when they are missing."""
    if not usage:
        return None
    keys = ("input_tokens", "output_tokens") if wire == "anthropic-messages" else ("prompt_tokens", "completion_tokens")
    values = [usage.get(k) for k in keys]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return int(values[0]), int(values[1])  # type: ignore[arg-type]
    return None
