"""The smallest requests that prove each feature end to end (pure: bodies, headers and their worst-case cost).

Every feature is a short sequence of steps; a step may depend on the answer to the one before (the tool_result
round trip answers the tool_use it was given). Each step says whether it can bill and the most it can generate.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..observation import Observation
from .availability import caching_minimum

StepKind = Literal["message", "stream", "count_tokens", "get"]

TOOL_NAME = "record_weather"
TOOL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "celsius": {"type": "integer"}},
    "required": ["city", "celsius"],
    "additionalProperties": False,
}
TOOL = {"name": TOOL_NAME, "description": "Record the weather of a city.", "input_schema": TOOL_SCHEMA}
TOOL_PROMPT = "Record the weather in Paris: 21 degrees Celsius."
REPLY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}
STRUCTURED_BETA = "structured-outputs-2025-11-13"
FILES_BETA = "files-api-2025-04-14"
WEB_FETCH_BETA = "web-fetch-2025-09-10"
CODE_EXECUTION_BETA = "code-execution-2025-08-25"
CONTEXT_1M_BETA = "context-1m-2025-08-07"
CONTEXT_MANAGEMENT_BETA = "context-management-2025-06-27"
THINKING_BUDGET = 1024  # the documented minimum budget_tokens
# A 1x1 red PNG, and a one-page PDF that says HELLO (both tiny: the proof is that the block is read, not its size).
PNG_RED = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>"
        b"endobj\n4 0 obj<</Length 35>>stream\nBT /F1 24 Tf 20 40 Td (HELLO) Tj ET\nendstream endobj\n"
        b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
PDF_HELLO = base64.b64encode(_PDF).decode()
CITED_TEXT = "The claude-harness test lamp is teal."
# Betas whose proof is a request that needs them: without the header the API refuses the body field.
BETA_FIELDS: dict[str, dict[str, Any]] = {
    CONTEXT_MANAGEMENT_BETA: {"context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}},
    STRUCTURED_BETA: {"output_format": {"type": "json_schema", "schema": REPLY_SCHEMA}},
}


@dataclass(frozen=True)
class Step:
    name: str  # the probe's name: feature.<feature>.<name> (a recording's file name too)
    kind: StepKind
    body: dict[str, Any] | None = None  # None for a GET; built from earlier answers when ``follow`` is set
    path: str | None = None  # a GET's path under the base URL
    betas: tuple[str, ...] = ()
    max_tokens: int = 0  # the most this step can generate (0: it cannot bill)
    extra_cost: str | None = None  # what it can bill beyond tokens generated (server tool fees, cache writes)
    follow: Callable[[list[Observation]], dict[str, Any] | None] | None = field(default=None, compare=False)

    @property
    def billable(self) -> bool:
        return self.kind in ("message", "stream")


def _message(model: str, max_tokens: int, content: Any, **extra: Any) -> dict[str, Any]:
    return {"model": model, "max_tokens": max_tokens, "messages": [{"role": "user", "content": content}], **extra}


def _tool_round_trip(model: str) -> Callable[[list[Observation]], dict[str, Any] | None]:
    def build(earlier: list[Observation]) -> dict[str, Any] | None:
        body = earlier[0].json() if earlier else None
        content = body.get("content") if isinstance(body, dict) else None
        uses = [b for b in content or [] if isinstance(b, dict) and b.get("type") == "tool_use"]
        if not uses:
            return None  # nothing to answer: the first step's judge already failed
        return {"model": model, "max_tokens": 16, "tools": [TOOL], "messages": [
            {"role": "user", "content": TOOL_PROMPT},
            {"role": "assistant", "content": content},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].get("id"),
                                          "content": "recorded"}]},
        ]}

    return build


def cache_prefix(model: str) -> str:
    """A system prompt just above the model's minimum cacheable length (a word is at least one token)."""
    words = caching_minimum(model) + caching_minimum(model) // 8
    return "This prefix is cached by the claude-harness caching probe. " + " ".join(
        f"w{i % 97}" for i in range(words))


def steps(feature: str, model: str, betas: tuple[str, ...] = ()) -> list[Step]:
    forced = {"tools": [TOOL], "tool_choice": {"type": "tool", "name": TOOL_NAME}}
    if feature == "tools":
        return [Step("call", "message", _message(model, 64, TOOL_PROMPT, **forced), max_tokens=64),
                Step("result", "message", max_tokens=16, follow=_tool_round_trip(model))]
    if feature == "tool-streaming":
        return [Step("stream", "stream", _message(model, 64, TOOL_PROMPT, stream=True, **forced), max_tokens=64)]
    if feature == "thinking":
        body = _message(model, THINKING_BUDGET + 1, "Is 7 a prime number? One word.",
                        thinking={"type": "enabled", "budget_tokens": THINKING_BUDGET})
        return [Step("think", "message", body, max_tokens=THINKING_BUDGET + 1)]
    if feature == "caching":
        system = [{"type": "text", "text": cache_prefix(model), "cache_control": {"type": "ephemeral"}}]
        body = _message(model, 1, "ping", system=system)
        written = f"at least {len(cache_prefix(model).split())} input tokens written to the cache (billed above " \
                  "the input rate) and read back once"
        return [Step("write", "message", body, max_tokens=1, extra_cost=written),
                Step("read", "message", body, max_tokens=1)]
    if feature == "structured-output":
        body = _message(model, 64, "Reply with a JSON object whose answer is 'pong'.",
                        output_format={"type": "json_schema", "schema": REPLY_SCHEMA})
        return [Step("reply", "message", body, betas=(STRUCTURED_BETA,), max_tokens=64)]
    if feature == "images":
        content = [{"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG_RED}},
                   {"type": "text", "text": "What colour is this one-pixel image? One word."}]
        return [Step("read", "message", _message(model, 16, content), max_tokens=16)]
    if feature == "pdf":
        content = [{"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
                                                   "data": PDF_HELLO}},
                   {"type": "text", "text": "Which word does this document show? One word."}]
        return [Step("read", "message", _message(model, 16, content), max_tokens=16)]
    if feature == "count-tokens":
        return [Step("count", "count_tokens", {"model": model, "messages": [{"role": "user", "content": "ping"}]})]
    if feature == "citations":
        content = [{"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": CITED_TEXT},
                    "title": "lamp", "citations": {"enabled": True}},
                   {"type": "text", "text": "What colour is the test lamp? Cite the document."}]
        return [Step("cite", "message", _message(model, 64, content), max_tokens=64)]
    if feature == "web-search":
        tools = [{"type": "web_search_20250305", "name": "web_search", "max_uses": 1}]
        body = _message(model, 256, "Search the web for the Anthropic homepage; answer in three words.", tools=tools)
        return [Step("search", "message", body, max_tokens=256,
                     extra_cost="at most 1 web search (billed per search) and its results as input tokens")]
    if feature == "web-fetch":
        tools = [{"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 1}]
        body = _message(model, 256, "Fetch https://example.com and give its title.", tools=tools)
        return [Step("fetch", "message", body, betas=(WEB_FETCH_BETA,), max_tokens=256,
                     extra_cost="at most 1 web fetch, its page as input tokens")]
    if feature == "code-execution":
        tools = [{"type": "code_execution_20250825", "name": "code_execution"}]
        body = _message(model, 256, "Use code execution to compute 6*7; answer with the number.", tools=tools)
        return [Step("run", "message", body, betas=(CODE_EXECUTION_BETA,), max_tokens=256,
                     extra_cost="code execution container time (billed per hour beyond the free allowance)")]
    if feature == "batches":
        return [Step("list", "get", path="/v1/messages/batches?limit=1")]
    if feature == "files":
        return [Step("list", "get", path="/v1/files?limit=1", betas=(FILES_BETA,))]
    if feature == "betas":
        return [Step(f"beta-{i}", "message", _message(model, 1, "ping", **BETA_FIELDS.get(beta, {})),
                     betas=(beta,), max_tokens=1) for i, beta in enumerate(betas, start=1)]
    if feature == "long-context":
        return [Step("accept", "message", _message(model, 1, "ping"), betas=(CONTEXT_1M_BETA,), max_tokens=1)]
    raise ValueError(f"unknown feature {feature!r}")


def worst_case(feature: str, model: str, betas: tuple[str, ...] = ()) -> tuple[int, int]:
    """(billable calls, output tokens) at most: every billable step generating its whole max_tokens."""
    plan = steps(feature, model, betas)
    return sum(s.billable for s in plan), sum(s.max_tokens for s in plan if s.billable)


def extra_costs(feature: str, model: str, betas: tuple[str, ...] = ()) -> list[str]:
    """What the feature's steps can bill beyond the tokens they generate, in words for the printed plan."""
    return [s.extra_cost for s in steps(feature, model, betas) if s.extra_cost]
