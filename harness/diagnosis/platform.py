"""Which platform a pasted error comes from, read from the text itself (explain without --provider), so the
steps fit where the error came from instead of listing every provider's."""

from __future__ import annotations

import re

# (platform, what in the text names it); the first match wins. "gateway" means a gateway's own answer.
_NAMED_BY: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("vertex", re.compile(r"google\.api_core|aiplatform\.googleapis\.com|aiplatform\.|publishers/anthropic|"
                          r"\bPublisher Model\b|type\.googleapis\.com", re.I)),
    ("bedrock", re.compile(r"bedrock|x-amzn-|amazonaws\.com|botocore|\b\w+Exception\b.*\bAWS\b", re.I)),
    ("openrouter", re.compile(r"openrouter|free-models-per-(day|min)", re.I)),
    ("gateway", re.compile(r"budget_exceeded|exceeded(token)?budget|litellm|ocp-apim|subscription key|"
                           r"api management", re.I)),
    ("foundry", re.compile(r"services\.ai\.azure\.com|DeploymentNotFound|apim-request-id|\bAADSTS\d+|"
                           r"Microsoft\.CognitiveServices|cognitiveservices", re.I)),
    ("anthropic", re.compile(r"\"request_id\"\s*:\s*\"req_|\breq_[0-9A-Za-z]{10,}|api\.anthropic\.com|"
                             r"OAuth token has expired|console\.anthropic\.com|platform\.claude\.com", re.I)),
)


def platform_named(text: str) -> tuple[str | None, str]:
    """(platform, why) — the platform the text names, or (None, '') when it names none."""
    for platform, pattern in _NAMED_BY:
        match = pattern.search(text)
        if match:
            return platform, f"the text names {platform} ({match.group(0)[:40]!r})"
    return None, ""
