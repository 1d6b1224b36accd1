"""The Messages API's request rules beyond validate.py, as a table (rules.toml) of named predicates (pure).

Each predicate looks at the request and returns the placeholders of its message when the rule is broken. The
first broken rule, in the table's order, is the answer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .caching import MAX_BREAKPOINTS, breakpoint_count
from .catalogue import family_of
from .usage import BadImage, FileLookup, segments

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


# Bedrock passes the model's own rejection on inside its ValidationException, after this (as boto3 users see it)
BEDROCK_PREFIX = "The model returned the following errors: "


@dataclass(frozen=True)
class Rejection:
    rule: str
    status: int
    type: str
    message: str


@cache
def _table() -> dict[str, Any]:
    text = resources.files(__package__ or "harness.emulator").joinpath("rules.toml").read_text(encoding="utf-8")
    table: dict[str, Any] = tomllib.loads(text)
    return table


@cache
def _allowed_fields() -> frozenset[str]:
    # count_tokens accepts the generation fields too (Bedrock's CountTokens wraps a whole InvokeModel body)
    return frozenset(_table()["fields_generate"]) | frozenset(_table()["fields_count"])


Found = dict[str, Any] | None
Parts = list[Any] | None  # the request's segments, computed once per request (None: an image is corrupt)
Predicate = Callable[[dict[str, Any], str, "FileLookup | None", Parts], Found]



def _unknown_field(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    allowed = _allowed_fields()
    extra = sorted(k for k in body if k not in allowed)
    return {"field": extra[0]} if extra else None


def _max_tokens(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    value, model = body.get("max_tokens"), str(body.get("model") or "")
    limit = family_of(model).max_tokens
    if isinstance(value, int) and not isinstance(value, bool) and value > limit:
        return {"max_tokens": value, "limit": limit, "model": model}
    return None


def _temperature_top_p(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    both = body.get("temperature") is not None and body.get("top_p") is not None
    return {} if both and not family_of(str(body.get("model") or "")).temperature_and_top_p else None


def _thinking_forced(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    thinking = body.get("thinking")
    choice = body.get("tool_choice")
    thinks = isinstance(thinking, dict) and thinking.get("type") in ("enabled", "adaptive")
    forced = isinstance(choice, dict) and choice.get("type") in ("any", "tool")
    return {} if thinks and forced else None


def _blocks(message: Any) -> list[dict[str, Any]]:
    content = message.get("content") if isinstance(message, dict) else None
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def _neighbour(messages: list[Any], index: int, step: int) -> Any:
    """The previous (step -1) or next (+1) user/assistant turn: mid-conversation system messages are skipped."""
    index += step
    while 0 <= index < len(messages):
        message = messages[index]
        if not (isinstance(message, dict) and message.get("role") == "system"):
            return message
        index += step
    return None


def _orphan_tool_result(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    messages = body.get("messages") or []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        previous = _neighbour(messages, index, -1)
        offered = {b.get("id") for b in _blocks(previous)
                   if b.get("type") == "tool_use"} if isinstance(previous, dict) and \
            previous.get("role") == "assistant" else set()
        for block_index, block in enumerate(_blocks(message)):
            if block.get("type") == "tool_result" and block.get("tool_use_id") not in offered:
                return {"index": index, "block": block_index, "id": block.get("tool_use_id")}
    return None


def _unanswered_tool_use(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    """An assistant turn's tool_use ids must each get a tool_result in the next message (when there is one)."""
    messages = body.get("messages") or []
    for index, message in enumerate(messages[:-1]):
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        used = [str(b.get("id")) for b in _blocks(message) if b.get("type") == "tool_use"]
        following = _neighbour(messages, index, 1)
        if following is None:
            continue
        answered = {b.get("tool_use_id") for b in _blocks(following) if b.get("type") == "tool_result"}
        missing = [u for u in used if u not in answered]
        if missing:
            return {"index": index, "ids": ", ".join(missing)}
    return None


def _breakpoints(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    count = breakpoint_count(parts) if parts is not None else 0
    return {"count": count} if count > MAX_BREAKPOINTS else None


def _corrupt_image(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    return {} if parts is None else None


def _file_sources(body: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for message in body.get("messages") or []:
        for block in _blocks(message):
            source = block.get("source")
            if isinstance(source, dict) and source.get("type") == "file":
                found.append(str(source.get("file_id", "")))
    return found


def _unknown_file(body: dict[str, Any], kind: str, files: FileLookup | None, parts: Parts) -> Found:
    if files is None:
        return None
    missing = next((f for f in _file_sources(body) if files(f) is None), None)
    return {"file_id": missing} if missing is not None else None


PREDICATES: dict[str, Predicate] = {
    "unknown-field": _unknown_field,
    "max-tokens-above-limit": _max_tokens,
    "temperature-with-top-p": _temperature_top_p,
    "thinking-with-forced-tool": _thinking_forced,
    "tool-result-without-tool-use": _orphan_tool_result,
    "tool-use-without-tool-result": _unanswered_tool_use,
    "too-many-cache-breakpoints": _breakpoints,
    "corrupt-image": _corrupt_image,
    "unknown-file": _unknown_file,
}


def rejection(body: dict[str, Any], kind: str, files: FileLookup | None = None) -> Rejection | None:
    """``kind``: "generate" (messages, batches) or "count" (count_tokens)."""
    try:
        parts: Parts = segments(body, files)
    except BadImage:
        parts = None
    for rule in _table()["rule"]:
        if rule["applies"] not in ("all", kind):
            continue
        found = PREDICATES[rule["name"]](body, kind, files, parts)
        if found is not None:
            return Rejection(rule["name"], int(rule["status"]), rule["type"], rule["message"].format(**found))
    return None
