"""Judging Claude Code's own calls (pure): its start-up preconnect, Bedrock's ListInferenceProfiles, the billable
tier probes of Bedrock and Vertex, and a refusal of one of the betas or fields its probes carry."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..claude_code_shape import Shape, TierProbe, rejected_feature
from ..observation import Observation
from .basic import Context, Verdict, classify_answer, seen_answer

TIER_VARIABLES = {"opus": "ANTHROPIC_DEFAULT_OPUS_MODEL", "sonnet": "ANTHROPIC_DEFAULT_SONNET_MODEL",
                  "haiku": "ANTHROPIC_DEFAULT_HAIKU_MODEL", "fable": "ANTHROPIC_DEFAULT_FABLE_MODEL"}


def preconnect(obs: Observation) -> Verdict:
    """HEAD <base URL> without a credential: Claude Code ignores the answer, so any answer is fine."""
    if obs.status is not None:
        return Verdict.ok(f"HEAD {obs.url} (no credential) answered HTTP {obs.status}: Claude Code's start-up "
                          "preconnect, whose answer it ignores")
    return Verdict.warn(f"HEAD {obs.url} got no answer ({obs.phase}: {obs.error}): Claude Code's start-up preconnect "
                        "fails the same way")


def list_profiles(obs: Observation, probes: tuple[TierProbe, ...]) -> Verdict:
    """ListInferenceProfiles: free; Claude Code looks its tier defaults up in the answer."""
    if obs.status in (401, 403):
        return Verdict.warn(f"ListInferenceProfiles answered HTTP {obs.status}: Claude Code calls it at start-up and "
                            "needs bedrock:ListInferenceProfiles", "auth.permission-denied")
    body: Any = obs.json() if obs.ok else None
    if not isinstance(body, dict) or not isinstance(body.get("inferenceProfileSummaries"), list):
        return Verdict.warn(f"ListInferenceProfiles answered {seen_answer_short(obs)}: Claude Code calls it at "
                            "start-up (a Bedrock-format gateway should serve GET /inference-profiles)",
                            "endpoint.not-served")
    listed = {str(p.get("inferenceProfileId")) for p in body["inferenceProfileSummaries"] if isinstance(p, dict)}
    missing = [p.model for p in probes if p.model not in listed]
    if missing:
        return Verdict.warn(f"ListInferenceProfiles lists {len(listed)} profiles but not {', '.join(missing)}, "
                            "which Claude Code's tier defaults use")
    return Verdict.ok(f"ListInferenceProfiles lists {len(listed)} profiles, with every tier default Claude Code uses")


def seen_answer_short(obs: Observation) -> str:
    return f"HTTP {obs.status}" if obs.status is not None else f"{obs.phase}: {obs.error}"


def tier_probe(obs: Observation, probe: TierProbe, ctx: Context) -> Verdict:
    """One billable max_tokens 1 call per unpinned tier: a refusal fails Claude Code at start-up."""
    variable = TIER_VARIABLES.get(probe.tier, "ANTHROPIC_DEFAULT_<TIER>_MODEL")
    if obs.ok:
        return Verdict.ok(f"Claude Code's start-up probe of the {probe.tier} tier ({probe.model}, max_tokens 1) "
                          f"answered HTTP {obs.status}")
    result = classify_answer(obs, ctx)
    return Verdict(False, f"Claude Code probes the unpinned {probe.tier} tier at start-up with {probe.model}; got "
                          f"{seen_answer(obs, result)}: Claude Code fails to start even if the main model works. Pin "
                          f"{variable} to a model this endpoint serves", result.cause, result.transient)


def name_rejected_feature(verdict: Verdict, obs: Observation, shape: Shape) -> Verdict:
    """A 400 to a probe in Claude Code's shape: say which beta or field was refused, and what avoids it."""
    if obs.status != 400:
        return verdict
    found = rejected_feature(shape, obs.body_text or "")
    if found is None:
        return verdict
    feature, fix = found
    return replace(verdict, message=f"{verdict.message} — this endpoint refuses Claude Code's {feature} ({fix})",
                   cause=verdict.cause or "request.invalid")
