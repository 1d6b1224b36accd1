"""Probes in Claude Code's shape, and its start-up calls (pure): what a ``check --claude-code`` target adds to the
harness's message and stream probes, from the observed facts of the Claude Code version that applies.

The message probe carries Claude Code's headers (``anthropic-beta`` or Bedrock's body ``anthropic_beta``, ``x-app:
cli``), the ``?beta=true`` query, a mid-conversation ``role: "system"`` message where Claude Code sends one, and a
one-tool list; the stream probe adds its thinking mode and ``context_management``. A 400 naming one of them is
turned into a verdict that names the beta or field and the Claude Code setting that avoids it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .claude_code_facts import Facts, ProviderFacts
from .redact import Secret

MID_CONVERSATION_BETA = "mid-conversation-system-2026-04-07"
SYSTEM_REMINDER = "(claude-harness, in Claude Code's shape) Answer in one short sentence."
# One small tool, as Claude Code sends its tools (the emulator and the models leave it unused for this prompt).
PROBE_TOOL = {"name": "Bash", "description": "Executes a given bash command and returns its output.",
              "input_schema": {"type": "object", "properties": {"command": {"type": "string",
                                                                             "description": "The command to run"}},
                               "required": ["command"], "additionalProperties": False}}
THINKING_BUDGET = 1024  # the smallest budget the API accepts: Claude Code's thinking mode at the least cost
EFFORT_BETA = "effort-2025-11-24"
CONTEXT_1M_BETA = "context-1m-2025-08-07"


@dataclass(frozen=True)
class TierProbe:
    """Claude Code's start-up check of an unpinned tier: one billable max_tokens 1 call (Bedrock, Vertex)."""

    tier: str
    model: str

    @property
    def probe(self) -> str:
        return f"tier_{self.tier}"


@dataclass(frozen=True)
class Shape:
    facts_version: str
    provider: str
    betas: tuple[str, ...]  # the anthropic-beta header
    body_betas: tuple[str, ...]  # Bedrock's body anthropic_beta
    headers: tuple[tuple[str, str], ...]
    query: str
    thinking: str | None  # adaptive | enabled
    context_management: bool
    effort: str | None
    mid_conversation_system: bool
    preconnect: bool  # HEAD <base URL>, unauthenticated (the Anthropic API and gateways)
    preconnect_user_agent: str
    list_profiles: bool  # Bedrock ListInferenceProfiles
    tier_probes: tuple[TierProbe, ...] = ()
    second_credential: Secret | None = None  # x-api-key sent beside the bearer token (both variables set)
    sources: Mapping[str, str] = field(default_factory=dict)  # beta or field -> the setting that controls it

    def secret_values(self) -> list[str]:
        return [self.second_credential.reveal()] if self.second_credential is not None else []

    @property
    def billable_startup(self) -> int:
        return len(self.tier_probes)

    @property
    def extra_output_tokens(self) -> int:
        """What the stream probe may generate beyond max_tokens: a thinking budget."""
        return THINKING_BUDGET + 1 if self.thinking == "enabled" else 0

    def apply(self, kind: str, body: dict[str, Any], path: str) -> tuple[dict[str, Any], str, dict[str, str]]:
        """The probe's body, path and extra headers in Claude Code's shape."""
        shaped = dict(body)
        messages = list(shaped.get("messages") or [])
        if self.mid_conversation_system and messages:
            messages.append({"role": "system", "content": SYSTEM_REMINDER})
        shaped["messages"] = messages
        shaped["tools"] = [PROBE_TOOL]
        if self.body_betas:
            shaped["anthropic_beta"] = list(self.body_betas)
        if self.effort:
            shaped["output_config"] = {"effort": self.effort}
        if kind == "stream":
            if self.thinking == "adaptive":
                shaped["thinking"] = {"type": "adaptive"}
            elif self.thinking == "enabled":
                shaped["thinking"] = {"type": "enabled", "budget_tokens": THINKING_BUDGET}
                shaped["max_tokens"] = max(int(shaped.get("max_tokens") or 1), THINKING_BUDGET + 1)
            if self.context_management:
                shaped["context_management"] = {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]}
        headers = dict(self.headers)
        if self.betas:
            headers["anthropic-beta"] = ",".join(self.betas)
        if self.second_credential is not None:
            headers["x-api-key"] = self.second_credential.reveal()
        query = f"{'&' if '?' in path else '?'}{self.query}" if self.query else ""
        return shaped, path + query, headers

    def describe(self) -> list[str]:
        """The plan's lines: what the probes carry and which start-up calls are made."""
        lines = [f"probes in Claude Code {self.facts_version}'s shape: anthropic-beta {', '.join(self.betas)}"
                 + (f"; body anthropic_beta {', '.join(self.body_betas)}" if self.body_betas else "")
                 + (f"; ?{self.query}" if self.query else "") + "; x-app: cli; a one-tool list"
                 + ("; a mid-conversation system message" if self.mid_conversation_system else "")
                 + (f"; thinking {self.thinking}" if self.thinking else "")
                 + ("; context_management" if self.context_management else "")
                 + (f"; effort {self.effort}" if self.effort else "")]
        if self.preconnect:
            lines.append("start-up: HEAD <base URL> without a credential (Claude Code's preconnect)")
        if self.list_profiles:
            lines.append("start-up: ListInferenceProfiles (GET /inference-profiles?type=SYSTEM_DEFINED, free)")
        if self.tier_probes:
            lines.append(f"start-up: {len(self.tier_probes)} billable max_tokens 1 tier probes, one per unpinned "
                         "tier (" + ", ".join(f"{p.tier} {p.model}" for p in self.tier_probes) + ")")
        return lines


def build_shape(facts: Facts, provider: str, model: str, values: Mapping[str, str], *, tier_probes: tuple[
        TierProbe, ...] = (), second_credential: Secret | None = None, default_model: bool = False) -> Shape:
    """Claude Code's shape for this provider and model, as the variables in ``values`` change it
    (``default_model``: the model is the provider's unpinned default)."""
    known: ProviderFacts = facts.provider(provider)
    disabled = _truthy(values.get("CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS"))
    effort = facts.effort(model)
    mid_conversation = facts.mid_conversation_system(model)
    withheld = facts.withheld_betas(provider, model)
    betas = [b for b in known.betas if not (disabled and b in known.experimental_betas) and b not in withheld]
    if known.context_1m_default and default_model:
        betas.insert(1, CONTEXT_1M_BETA)
    if mid_conversation:
        betas.append(MID_CONVERSATION_BETA)
    if known.betas_variable and values.get("ANTHROPIC_BETAS"):
        betas += [b.strip() for b in values["ANTHROPIC_BETAS"].split(",") if b.strip() and b.strip() not in betas]
    betas += [b for b in facts.extra_betas(model) if b not in betas]
    if effort:
        betas.append(EFFORT_BETA)
    body_betas = tuple(b for b in known.body_betas if not (disabled and b in known.experimental_body_betas))
    experimental = "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 removes it"
    sources = {b: experimental for b in (*known.experimental_betas, *known.experimental_body_betas)}
    for beta in (values.get("ANTHROPIC_BETAS") or "").split(","):
        if beta.strip() in betas:
            sources[beta.strip()] = "added by ANTHROPIC_BETAS: remove it there"
    pin = "pin another model (ANTHROPIC_MODEL)"
    sources[CONTEXT_1M_BETA] = "sent for the unpinned 1M-context default: pin ANTHROPIC_MODEL=claude-opus-4-8"
    sources[MID_CONVERSATION_BETA] = (f"sent for {facts.family(model)}, even with "
                                      f"CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1: {pin}, e.g. claude-opus-4-6")
    sources[EFFORT_BETA] = f"sent with output_config.effort for {facts.family(model)}: {pin}"
    sources["context_management"] = experimental
    sources["thinking"] = f"Claude Code's thinking mode for {facts.family(model)}: {pin}"
    sources["output_config"] = sources[EFFORT_BETA]
    headers = (("x-app", facts.headers.get("x-app", "cli")),
               ("anthropic-dangerous-direct-browser-access",
                facts.headers.get("anthropic-dangerous-direct-browser-access", "true")))
    startup = {call.name for call in known.startup}
    return Shape(
        facts_version=facts.version, provider=provider, betas=tuple(betas), body_betas=body_betas,
        headers=headers, query=known.query, thinking="adaptive" if facts.adaptive(model) else "enabled",
        context_management=known.context_management and not disabled, effort=effort,
        mid_conversation_system=mid_conversation, preconnect="preconnect" in startup,
        preconnect_user_agent=facts.headers.get("preconnect-user-agent", "Bun"),
        list_profiles="list_profiles" in startup, tier_probes=tier_probes, second_credential=second_credential,
        sources=sources)


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in ("", "0", "false", "no")


_NAMED_BETA = re.compile(r"[a-z][a-z0-9-]*-20\d\d-\d\d-\d\d")
_FIELDS = ("context_management", "output_config", "thinking", "tools", "anthropic_beta")


def rejected_feature(shape: Shape, message: str) -> tuple[str, str] | None:
    """Which of Claude Code's betas or fields a refusal names, and the setting that avoids it."""
    for beta in _NAMED_BETA.findall(message):
        if beta in shape.betas or beta in shape.body_betas:
            return f"beta {beta}", shape.sources.get(beta, "strip it at the gateway")
    lowered = message.lower()
    if "role" in lowered and "system" in lowered and shape.mid_conversation_system:
        return (f"mid-conversation system message (beta {MID_CONVERSATION_BETA})",
                shape.sources[MID_CONVERSATION_BETA] + "; or forward the anthropic-beta header unchanged")
    for name in _FIELDS:
        if name in lowered:
            return f"body field {name}", shape.sources.get(name, "forward it, with its anthropic-beta header")
    if "anthropic-beta" in lowered or "beta" in lowered:
        return "an anthropic-beta value", "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1, or forward the header unchanged"
    return None
