"""Runs the feature probes of one target through the ladder's Prober (so retries, the deadline, budget and
redaction apply) and turns each finding into a check, compared with the documented availability."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..auth import base_headers
from ..checks import Verdict
from ..checks.basic import evidence_of
from ..config import Target
from ..diagnosis import classify
from ..observation import Observation
from ..providers import provider_part
from . import judges
from .availability import Documented, documented
from .catalog import PROFILE_DEFAULT
from .judges import BETA_STRIPPED, CACHE_DROPPED, TOOL_INPUT_BROKEN, UNAVAILABLE, UNSUPPORTED_BETA, Finding
from .probes import Step, extra_costs, steps, worst_case

if TYPE_CHECKING:
    from ..ladder import Ladder

BILLABLE_PREFIX = "feature."  # probes that can bill (the ladder's usage counts them): feature.<name>.<step>
FREE_PREFIX = "feature-free."  # listings and count_tokens


def features_for(target: Target, profile: str) -> tuple[str, ...]:
    """What this target checks: its own list (flag or TOML), or the profile's default list."""
    return target.features or (PROFILE_DEFAULT if profile == "features" else ())


def named_betas(target: Target) -> tuple[str, ...]:
    """The anthropic-beta values the user named (--header 'anthropic-beta: a,b' or TOML headers)."""
    values = [v for name, value in target.extra_headers if name.lower() == "anthropic-beta" for v in value.split(",")]
    return tuple(v.strip() for v in values if v.strip())


def _sent(target: Target, feature: str) -> tuple[Documented, str | None]:
    """The documented cell, and why nothing is sent (None: the probe runs)."""
    spec = target.provider
    doc = documented(feature, spec.name, target.model)
    if doc.offered == "no":
        return doc, f"not offered on this platform ({spec.display_name}); source: {doc.describe()}"
    if doc.offered == "model":
        return doc, f"not offered for this model ({target.model}): {doc.note}; source: {doc.source}"
    if spec.wire != "anthropic-messages":
        return doc, ("checked in the Anthropic Messages format only: point a target at an Anthropic-format "
                     "endpoint of the same models (for OpenRouter, --provider anthropic --gateway --base-url "
                     "https://openrouter.ai/api)")
    if feature == "betas" and not named_betas(target):
        return doc, "no anthropic-beta value named: add --header 'anthropic-beta: VALUE[,VALUE]'"
    return doc, None


def plan_cost(target: Target, profile: str) -> list[tuple[str, int, int]]:
    """(feature, billable calls, output tokens) at most, for the features that will be sent."""
    out = []
    for feature in features_for(target, profile):
        if _sent(target, feature)[1] is None:
            calls, tokens = worst_case(feature, target.model, named_betas(target))
            out.append((feature, calls, tokens))
    return out


def plan_lines(targets: Sequence[Target], profile: str) -> list[str]:
    lines = []
    for target in targets:
        cost = plan_cost(target, profile)
        if cost:
            parts = ", ".join(f"{f} {c} call{'s' if c != 1 else ''}/{t} tokens" for f, c, t in cost)
            lines.append(f"features plan for {target.id}: {sum(c for _, c, _ in cost)} billable calls, at most "
                         f"{sum(t for _, _, t in cost)} output tokens ({parts})")
            extras = [f"{feature}: {extra}" for feature, _, _ in cost
                      for extra in extra_costs(feature, target.model, named_betas(target))]
            if extras:
                lines.append(f"  beyond output tokens: {'; '.join(extras)}")
    return lines


def _provider_says(target: Target, name: str) -> str | None:
    """One fact of the provider's ``features`` module (``harness/providers/<name>/features.py``), None where it has
    none: ``SUSPECT``, the likeliest place a feature is lost on it ({region} and {display_name} filled in);
    ``BETAS_BODY_FIELD``, the body field that carries betas instead of the anthropic-beta header."""
    value = getattr(provider_part(target.provider, "features"), name, None)
    return str(value) if value is not None else None


def culprit(target: Target, gateway: str | None, cause: str | None) -> str:
    """The likeliest place the feature is lost, from what the answer said and what sits on the path."""
    specific = {
        BETA_STRIPPED: "something between the client and the provider dropped the anthropic-beta header but kept "
                       "the body field that needs it",
        CACHE_DROPPED: "a proxy or gateway that removes cache_control, or caching disabled for this deployment",
        TOOL_INPUT_BROKEN: "a translation layer (an OpenAI-compatible gateway or proxy) that rewrites tool calls",
        UNSUPPORTED_BETA: "the platform rejects this anthropic-beta value (Bedrock and Vertex serve some betas "
                          "only, per model)",
    }.get(cause or "", "")
    where = [f"the gateway in front of the provider ({gateway})"] if gateway else []
    suspect = _provider_says(target, "SUSPECT")
    if specific:
        pass  # the answer itself says what was lost; the platform's own limits are not the suspects
    elif suspect is not None:
        where.append(suspect.format(region=target.region or "no region", display_name=target.provider.display_name))
    elif not gateway:
        where.append("the account or the model (some features need a beta, a usage tier or a newer model)")
    return "; ".join(x for x in (specific, *where) if x)


def _headers_and_body(ladder: Ladder, step: Step, body: dict[str, Any] | None) -> tuple[dict[str, str], Any]:
    target = ladder.target
    credentials = ladder._credentials
    assert credentials is not None
    headers = {k: v for k, v in {**base_headers(target), **credentials.headers}.items()
               if not (step.betas and k.lower() == "anthropic-beta")}
    if step.kind == "get":
        headers.pop("content-type", None)
    if step.betas:
        betas_field = _provider_says(target, "BETAS_BODY_FIELD")
        if betas_field is not None and body is not None:
            body = {**body, betas_field: list(step.betas)}  # the platform reads betas from the body
        else:
            headers["anthropic-beta"] = ",".join(step.betas)
    if body is not None and step.kind != "get":
        body = target.provider.body(step.kind, body, target.anthropic_version)
    return headers, body


async def _send(ladder: Ladder, feature: str, step: Step, body: dict[str, Any] | None) -> Observation:
    target = ladder.target
    headers, shaped = _headers_and_body(ladder, step, body)
    prefix = BILLABLE_PREFIX if step.billable else FREE_PREFIX
    if step.kind == "get":
        url, method = target.base_url + (step.path or ""), "GET"
    else:
        url, method = target.base_url + ladder._path(step.kind, target.model), "POST"
    assert ladder._credentials is not None
    return await ladder._probe(f"{prefix}{feature}.{step.name}", method, url, headers, shaped,
                               stream=step.kind == "stream", auth=ladder._credentials.signer)


def _judge(feature: str, observations: list[Observation], betas: tuple[str, ...]) -> Finding:
    if feature == "betas":
        return judges.betas(observations, betas)
    return judges.JUDGES[feature](observations)


def verdict_for(target: Target, feature: str, doc: Documented, finding: Finding, gateway: str | None) -> Verdict:
    """Compare what came back with what is documented (pure)."""
    if finding.works:
        if doc.offered == "yes":
            return Verdict.ok(f"supported and works: {finding.message}")
        return Verdict.ok(f"works here, although not documented for {target.provider.display_name} (info; source: "
                          f"{doc.describe()}): {finding.message}")
    cause, transient = finding.cause, False
    if cause is None and finding.evidence is not None:
        classified = classify(evidence_of(finding.evidence, target.provider.name, target.auth, model=target.model))
        cause, transient = classified.cause, classified.transient
        if cause in ("request.invalid", "unclassified", "endpoint.unsupported", "config.invalid-endpoint"):
            cause = UNAVAILABLE
    if doc.offered != "yes" and not transient:
        return Verdict.skip(f"not documented for {target.provider.display_name} and it did not work here "
                            f"({finding.message}); source: {doc.describe()}")
    blame = "" if transient else f". Likely culprit: {culprit(target, gateway, cause)}"
    return Verdict(False, f"documented as supported ({doc.describe()}) but failed here: {finding.message}{blame}",
                   cause or UNAVAILABLE, transient=transient)


async def run_features(ladder: Ladder, features: Sequence[str]) -> None:
    """One check per feature, feature.<name>; never blocks, never sends what is not offered."""
    target = ladder.target
    betas = named_betas(target)
    for feature in features:
        doc, why_not = _sent(target, feature)
        if why_not is not None:
            ladder.record_feature(feature, Verdict.skip(why_not), None)
            continue
        observations: list[Observation] = []
        for step in steps(feature, target.model, betas):
            body = step.follow(observations) if step.follow is not None else step.body
            if body is None and step.kind != "get":
                break
            obs = await _send(ladder, feature, step, body)
            observations.append(obs)
            if not obs.ok:
                break
        finding = _judge(feature, observations, betas)
        gateway = ladder.run.detected_gateway or ("marked --gateway" if target.gateway else None)
        verdict = verdict_for(target, feature, doc, finding, gateway)
        ladder.record_feature(feature, verdict, finding.evidence)
