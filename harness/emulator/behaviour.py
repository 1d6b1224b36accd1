"""What the emulator answers, decided once per request (pure and deterministic: same request, same answer).

Rules an app can rely on:
- a tool is called when ``tool_choice`` is ``any`` (the first tool) or ``tool`` (that one), or with ``auto``
  when the last user message names a tool (its name appears as a word in the text the user typed: the
  ``<system-reminder>`` blocks a client such as Claude Code injects do not count); OpenAI's ``required`` and a
  named function choice behave the same. The tool input is a minimal valid instance of the tool's input schema,
  with harmless values where a property's name says what it holds (``echo pong`` for a command, an absolute path
  that exists for a file path).
  A user turn that carries tool results is answered with text.
- extended thinking (``thinking.type: enabled``) answers a thinking block, with a signature, before the text;
- ``stop_sequences`` (OpenAI: ``stop``) cut the reply where one occurs; ``max_tokens``
  (``max_completion_tokens``) cut it after that many tokens.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from .citations import citations_for
from .server_tools import server_call
from .structured import (
    anthropic_output_schema,
    is_server_tool,
    openai_output_schema,
    sensible_instance,
    structured_text,
    tool_input,
)

REPLY_TOKENS = ("pong", " from", " the", " claude-harness", " emulator", ".")
THINKING_TEXT = "The user sent a short probe; a short, friendly answer fits."


@dataclass(frozen=True)
class Plan:
    text_tokens: list[str]
    stop_reason: str  # Anthropic's: end_turn | max_tokens | stop_sequence | tool_use
    stop_sequence: str | None = None
    thinking: str | None = None
    signature: str | None = None
    tool: dict[str, Any] | None = None  # {"id", "name", "input"}
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(self.text_tokens)

    @property
    def output_tokens(self) -> int:
        tokens = len(self.text_tokens)
        if self.thinking:
            tokens += math.ceil(len(self.thinking) / 4)
        if self.tool:
            tokens += 8 + math.ceil(len(json.dumps(self.tool["input"])) / 4)
        return tokens


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


SYSTEM_REMINDER = re.compile(r"<system-reminder>.*?(</system-reminder>|$)", re.DOTALL)


def minimal_instance(schema: Any) -> Any:
    """The smallest value a JSON Schema accepts, with harmless values where a property's name says what it holds."""
    return sensible_instance(schema)


def _last_user_text(messages: list[Any]) -> tuple[str, bool]:
    """The last user turn's text, and whether it carries tool results."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") in ("user", "tool"):
            content = message.get("content")
            if message.get("role") == "tool":
                return "", True
            if isinstance(content, str):
                return content, False
            blocks = content if isinstance(content, list) else []
            results = any(isinstance(b, dict) and b.get("type") == "tool_result" for b in blocks)
            text = " ".join(str(b.get("text", "")) for b in blocks if isinstance(b, dict) and b.get("type") == "text")
            return text, results
    return "", False


def _reply(limit: int, stops: list[str]) -> tuple[list[str], str, str | None]:
    tokens: list[str] = []
    text = ""
    for token in REPLY_TOKENS:
        if len(tokens) >= limit:
            return tokens, "max_tokens", None
        candidate = text + token
        hit = next((s for s in stops if s and s in candidate), None)
        if hit is not None:
            cut = candidate[: candidate.index(hit)][len(text):]
            if cut:
                tokens.append(cut)
            return tokens, "stop_sequence", hit
        tokens.append(token)
        text = candidate
    return tokens, "end_turn", None


def _tool_id(prefix: str, name: str, body: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:22]
    return f"{prefix}{digest}" if prefix else digest


def _choose_tool(tools: list[dict[str, Any]], mode: str, name: Any, last_text: str,
                 answering_results: bool) -> dict[str, Any] | None:
    """The one rule for both formats. mode: first (any / required), named, none, or auto (the last user message
    names the tool). A turn that carries tool results is answered with text."""
    if not tools or mode == "none" or answering_results:
        return None
    if mode == "first":
        return tools[0]
    if mode == "named":
        return next((t for t in tools if t["name"] == name), None)
    typed = SYSTEM_REMINDER.sub(" ", last_text).lower()
    return next((t for t in tools if re.search(rf"(?<![\w-]){re.escape(t['name'].lower())}(?![\w-])", typed)), None)


def plan_anthropic(body: dict[str, Any]) -> Plan:
    limit = int(body.get("max_tokens") or 1)
    messages = body.get("messages") or []
    last_text, answering_results = _last_user_text(messages)
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and t.get("name") and not is_server_tool(t)]
    choice = _as_dict(body.get("tool_choice")) or {"type": "auto"}
    thinking = _as_dict(body.get("thinking"))
    think = thinking.get("type") == "enabled"
    thought = THINKING_TEXT if think else None
    signature = "sig_emu" + hashlib.sha256((thought or "").encode() + last_text.encode()).hexdigest()[:40] \
        if think else None
    mode = {"any": "first", "tool": "named", "none": "none"}.get(str(choice.get("type")), "auto")
    tool = _choose_tool(tools, mode, choice.get("name"), last_text, answering_results)
    if tool is not None:
        call = {"id": _tool_id("toolu_emu", tool["name"], body), "name": tool["name"],
                "input": tool_input(tool)}
        return Plan([], "tool_use", thinking=thought, signature=signature, tool=call)
    schema = anthropic_output_schema(body)
    if schema is not None:  # structured outputs: the reply is a document the schema accepts
        pieces = structured_text(schema)
        cut = pieces[:limit]
        return Plan(cut, "end_turn" if len(cut) == len(pieces) else "max_tokens", thinking=thought,
                    signature=signature)
    stops = [s for s in body.get("stop_sequences") or [] if isinstance(s, str)]
    tokens, stop_reason, stop_sequence = _reply(limit, stops)
    server = None if answering_results else server_call(body, SYSTEM_REMINDER.sub(" ", last_text))
    extra: dict[str, Any] = {"server_blocks": server["blocks"], "server_tool_use": server["usage"]} if server else {}
    cited = citations_for(body)
    if cited:
        extra["citations"] = cited
    return Plan(tokens, stop_reason, stop_sequence, thinking=thought, signature=signature, extra=extra)


_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls"}


def plan_openai(body: dict[str, Any]) -> Plan:
    """The same rules in the OpenAI chat format (tools as functions, stop, max_completion_tokens)."""
    limit = int(body.get("max_completion_tokens") or body.get("max_tokens") or 1024)
    functions = [_as_dict(t.get("function")) for t in body.get("tools") or [] if isinstance(t, dict)]
    functions = [f for f in functions if f.get("name")]
    choice = body.get("tool_choice", "auto")
    last_text, answering_results = _last_user_text(body.get("messages") or [])
    if isinstance(choice, dict):
        mode, name = "named", _as_dict(choice.get("function")).get("name")
    else:
        mode, name = {"required": "first", "none": "none"}.get(str(choice), "auto"), None
    tool = _choose_tool(functions, mode, name, last_text, answering_results)
    if tool is not None:
        call = {"id": _tool_id("call_emu", tool["name"], body), "name": tool["name"],
                "input": minimal_instance(tool.get("parameters"))}
        return Plan([], "tool_use", tool=call, extra={"finish_reason": "tool_calls"})
    schema = openai_output_schema(body)
    if schema is not None:  # honoured: the reply is a JSON document the schema accepts
        return Plan(structured_text(schema), "end_turn", extra={"finish_reason": "stop"})
    stop = body.get("stop")
    stops = [stop] if isinstance(stop, str) else [s for s in stop or [] if isinstance(s, str)]
    tokens, stop_reason, _ = _reply(limit, stops)
    return Plan(tokens, stop_reason, extra={"finish_reason": _FINISH[stop_reason]})
