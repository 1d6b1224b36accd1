"""How Claude Code reaches Bedrock's InvokeModel: ``CLAUDE_CODE_USE_BEDROCK``, the AWS region (else us-east-1), a
Bedrock API key or the AWS credential chain, the service tier header, the background model's own region, and the
cross-region profile prefix of its default models (``shared/docs/bedrock-vertex-claudecode.md`` §3.1, §1.3)."""

from __future__ import annotations

from typing import Any

SWITCH = "CLAUDE_CODE_USE_BEDROCK"
SKIP_AUTH = "CLAUDE_CODE_SKIP_BEDROCK_AUTH"
PRECEDENCE = 10
DEFAULT_REGION = "us-east-1"  # Claude Code's own fallback when nothing is set (its Bedrock docs)
REGION_ENVS = ("AWS_REGION", "AWS_DEFAULT_REGION")


def aws_region(sel: Any) -> None:
    """The region as Claude Code resolves it for AWS hosts (a profile's region in ~/.aws is not read here)."""
    if not sel.take("region", REGION_ENVS):
        sel.raw["region"] = DEFAULT_REGION
        sel.used.append(f"region ← not set: Claude Code's fallback {DEFAULT_REGION} (a profile's region in "
                        "~/.aws is not read here)")


def background_region(sel: Any) -> None:
    """ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: the haiku tier's own region."""
    small = sel.get("ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION")
    if small is not None:
        sel.overrides["haiku"] = {"region": small.value}
        sel.notes.append(f"the background (haiku) model is called in {small.value} "
                         f"(ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION, {small.source})")


def select(sel: Any) -> str:
    raw, used = sel.raw, sel.used
    aws_region(sel)
    if sel.take("base_url", ("ANTHROPIC_BEDROCK_BASE_URL",)):
        raw["gateway"] = True
    token = sel.get("AWS_BEARER_TOKEN_BEDROCK")
    if token is not None:
        raw.update(auth="bearer", api_key_env="AWS_BEARER_TOKEN_BEDROCK")
        used.append(f"credential ← AWS_BEARER_TOKEN_BEDROCK ({token.source}), a Bedrock API key sent as a bearer token")
    else:
        sign_from_aws_chain(sel)
    tier = sel.get("ANTHROPIC_BEDROCK_SERVICE_TIER")
    if tier is not None:
        raw.setdefault("headers", {})["X-Amzn-Bedrock-Service-Tier"] = tier.value
        used.append(f"header X-Amzn-Bedrock-Service-Tier ← ANTHROPIC_BEDROCK_SERVICE_TIER ({tier.source})")
    background_region(sel)
    sel.template_values["geo"] = profile_prefix(str(raw["region"]), sel.resolved, sel.facts)
    return str(sel.facts.provider(raw["provider"]).main.format(**sel.template_values))


def profile_prefix(region: str, resolved: Any, facts: Any) -> str:
    """Claude Code's cross-region profile prefix for a region (ANTHROPIC_BEDROCK_REGION_PREFIX overrides it in the
    versions that read it)."""
    chosen = resolved.get("ANTHROPIC_BEDROCK_REGION_PREFIX")
    if region.startswith("us-gov-"):
        return "us-gov"
    if chosen is not None and "ANTHROPIC_BEDROCK_REGION_PREFIX" not in facts.not_read:
        return str(chosen.value)
    return next((p for r, p in (("us-", "us"), ("eu-", "eu"), ("ap-", "apac")) if region.startswith(r)), "global")


def sign_from_aws_chain(sel: Any, signing_name: str | None = None) -> None:
    """SigV4 from the AWS credential chain (a named profile, else the default chain), as Claude Code signs for
    Bedrock, Mantle and Claude Platform on AWS."""
    sel.raw["auth"] = "sigv4"
    profile = sel.get("AWS_PROFILE")
    where = f"profile {profile.value} ({profile.source})" if profile else "the default chain"
    sel.used.append(f"credential ← AWS credentials from {where}, signed with SigV4"
                    + (f" as {signing_name}" if signing_name else ""))
