"""Stream grammar as a state machine over decoded events (pure).

Anthropic: message_start, then per content block start/delta*/stop with matching
indices, message_delta, message_stop; ping anywhere; unknown events ignored.
OpenRouter: JSON chunks, the usage chunk (empty choices) last, then [DONE];
keep-alive comments are not events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..sse import ServerSentEvent

ANTHROPIC_KNOWN = frozenset({"message_start", "content_block_start", "content_block_delta", "content_block_stop",
                             "message_delta", "message_stop", "ping", "error"})


@dataclass(frozen=True)
class GrammarResult:
    ok: bool
    message: str
    error_event: dict[str, Any] | None = None  # an error delivered inside the stream


def _data(event: ServerSentEvent) -> Any:
    try:
        return json.loads(event.data)
    except ValueError:
        return None


def check_anthropic_stream(events: list[ServerSentEvent]) -> GrammarResult:
    started = stopped = False
    deltas = 0
    open_block: int | None = None
    next_index = 0
    for number, event in enumerate(events, start=1):
        data = _data(event)
        kind = event.event or (data.get("type") if isinstance(data, dict) else None)
        if not isinstance(kind, str):
            kind = "unnamed"  # not a known event: ignored like any unknown type
        where = f"event {number} ({kind})"
        if kind == "ping":
            continue
        if kind == "error":
            error = data.get("error") if isinstance(data, dict) else None
            found = error if isinstance(error, dict) else {}
            return GrammarResult(False, f"{where}: an error event after HTTP 200", found)
        if kind not in ANTHROPIC_KNOWN:
            continue  # new event types may be added; they are not violations
        if not isinstance(data, dict):
            return GrammarResult(False, f"{where}: data is not a JSON object: {event.data[:80]!r}")
        if data.get("type") != kind:
            return GrammarResult(False, f"{where}: the event name differs from data.type {data.get('type')!r}")
        if stopped:
            return GrammarResult(False, f"{where}: arrived after message_stop")
        if kind == "message_start":
            if started:
                return GrammarResult(False, f"{where}: a second message_start")
            started = True
            continue
        if not started:
            return GrammarResult(False, f"{where}: arrived before message_start")
        index = data.get("index")
        if kind == "content_block_start":
            if open_block is not None:
                return GrammarResult(False, f"{where}: block {index} opened while block {open_block} is still open")
            if index != next_index:
                return GrammarResult(False, f"{where}: block index {index}, expected {next_index}")
            open_block = index
        elif kind in ("content_block_delta", "content_block_stop"):
            if open_block is None or index != open_block:
                return GrammarResult(False, f"{where}: index {index} does not match the open block {open_block}")
            if kind == "content_block_stop":
                open_block = None
                next_index += 1
        elif kind == "message_delta":
            if open_block is not None:
                return GrammarResult(False, f"{where}: message_delta while block {open_block} is still open")
            deltas += 1
        elif kind == "message_stop":
            if deltas == 0:
                return GrammarResult(False, f"{where}: message_stop without a message_delta before it")
            stopped = True
    if not started:
        return GrammarResult(False, "the stream has no message_start")
    if not stopped:
        last = events[-1].event if events else "nothing"
        return GrammarResult(False, f"the stream ended after {len(events)} events without message_stop (last: {last})")
    return GrammarResult(True, f"{len(events)} events in order: message_start … message_delta, message_stop")


def check_openrouter_stream(events: list[ServerSentEvent]) -> GrammarResult:
    done_at: int | None = None
    usage_at: int | None = None
    finished = False
    for number, event in enumerate(events, start=1):
        text = event.data.strip()
        if done_at is not None:
            return GrammarResult(False, f"event {number}: data after [DONE]")
        if text == "[DONE]":
            done_at = number
            continue
        data = _data(event)
        if not isinstance(data, dict):
            return GrammarResult(False, f"event {number}: data is not JSON: {text[:80]!r}")
        if isinstance(data.get("error"), dict):
            return GrammarResult(False, f"event {number}: an error chunk after HTTP 200", data["error"])
        if usage_at is not None:
            return GrammarResult(False, f"event {number}: a chunk after the final usage chunk (event {usage_at})")
        choices = data.get("choices")
        if not isinstance(choices, list):
            return GrammarResult(False, f"event {number}: a chunk without a choices list")
        if isinstance(data.get("usage"), dict):
            usage_at = number
        for choice in choices:
            if isinstance(choice, dict) and choice.get("finish_reason"):
                finished = True
    if done_at is None:
        return GrammarResult(False, f"the stream ended after {len(events)} events without data: [DONE]")
    if usage_at is None:
        return GrammarResult(False, "no final usage chunk before [DONE]")
    if not finished:
        return GrammarResult(False, "no chunk carried a finish_reason")
    return GrammarResult(True, f"{len(events)} events: chunks, a finish_reason, the usage chunk, [DONE]")
