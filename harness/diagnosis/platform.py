"""Which platform a pasted error comes from, read from the text itself (explain without --provider), so the
steps fit where the error came from instead of listing every provider's."""

from __future__ import annotations

import re
from functools import cache

from . import provider_facts

# A gateway's own answer names "gateway" (its steps are the gateway's). Each provider's pattern and rank are in its
# diagnosis.toml; this one's rank puts it after the clouds' and OpenRouter's, before Foundry's and Anthropic's.
_GATEWAY = (40, "gateway", re.compile(r"budget_exceeded|exceeded(token)?budget|litellm|ocp-apim|subscription key|"
                                      r"api management", re.I))


@cache
def _named_by() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(platform, what in the text names it), in rank order; the first match wins."""
    ranked = sorted((*provider_facts.recognisers(), _GATEWAY), key=lambda row: row[0])
    return tuple((platform, pattern) for _, platform, pattern in ranked)


def platform_named(text: str) -> tuple[str | None, str]:
    """(platform, why) — the platform the text names, or (None, '') when it names none."""
    for platform, pattern in _named_by():
        match = pattern.search(text)
        if match:
            return platform, f"the text names {platform} ({match.group(0)[:40]!r})"
    return None, ""
