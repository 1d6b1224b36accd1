"""OpenRouter's ``reasoning`` parameter on Claude models: extended thinking in OpenRouter's shapes (pure).

``reasoning: {"effort": ...}``, ``{"max_tokens": N}`` or ``{"enabled": true}`` (and the older
``include_reasoning: true``) turn thinking on; the answer carries ``message.reasoning`` and
``reasoning_details`` (``reasoning.text`` with the signature, format ``anthropic-claude-v1``), streamed as
``delta.reasoning``; ``usage.completion_tokens_details.reasoning_tokens`` counts it. ``exclude: true`` thinks but
returns no reasoning text, as OpenRouter documents.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from typing import Any

from .behaviour import THINKING_TEXT, Plan


def _settings(body: dict[str, Any]) -> dict[str, Any] | None:
    reasoning = body.get("reasoning")
    if isinstance(reasoning, dict) and reasoning.get("enabled") is not False and (
            reasoning.get("effort") not in (None, "none") or reasoning.get("max_tokens") or reasoning.get("enabled")):
        return reasoning
    if body.get("include_reasoning") is True:
        return {}
    return None


def with_reasoning(plan: Plan, body: dict[str, Any]) -> Plan:
    """The plan with a thinking step when the request asks for reasoning."""
    if _settings(body) is None or plan.thinking:
        return plan
    signature = "sig_emu" + hashlib.sha256(THINKING_TEXT.encode()).hexdigest()[:40]
    return dataclasses.replace(plan, thinking=THINKING_TEXT, signature=signature)


def reasoning_tokens(plan: Plan) -> int:
    return math.ceil(len(plan.thinking) / 4) if plan.thinking else 0


def message_fields(plan: Plan, body: dict[str, Any]) -> dict[str, Any]:
    """``reasoning`` and ``reasoning_details`` of a message or a stream delta (empty when excluded or off)."""
    settings = _settings(body)
    if not plan.thinking or settings is None or settings.get("exclude") is True:
        return {}
    return {"reasoning": plan.thinking, "reasoning_details": [
        {"type": "reasoning.text", "text": plan.thinking, "signature": plan.signature,
         "format": "anthropic-claude-v1", "index": 0}]}
