"""How Claude Code reaches the Anthropic API or an Anthropic-format gateway: the provider when no CLAUDE_CODE_USE_*
switch is set (``ANTHROPIC_BASE_URL``, ``ANTHROPIC_AUTH_TOKEN`` / ``ANTHROPIC_API_KEY`` or ``apiKeyHelper``)."""

from __future__ import annotations

from typing import Any

from ...errors import ConfigError

SWITCH = None  # selected when no other provider's switch is set
PRECEDENCE = 1000
TIER_FALLBACKS = {"haiku": "claude-haiku-4-5"}  # the haiku tier's default (Claude Code's docs; not observed)
GATEWAY_PRECONNECT = True  # HEAD <base URL>, unauthenticated, before the first call (observed)
FIRST_PARTY_HOST = "api.anthropic.com"


def select(sel: Any) -> str:
    raw, used, facts = sel.raw, sel.used, sel.facts
    base = sel.get("ANTHROPIC_BASE_URL")
    if base is not None:
        raw["base_url"] = base.value
        used.append(f"base_url ← ANTHROPIC_BASE_URL ({base.source})")
        if FIRST_PARTY_HOST not in base.value:
            raw["gateway"] = True
    token, key_value = sel.get("ANTHROPIC_AUTH_TOKEN"), sel.get("ANTHROPIC_API_KEY")
    helper = sel.helper
    if token is not None:
        raw.update(auth="bearer", api_key_env="ANTHROPIC_AUTH_TOKEN")
        used.append(f"credential ← ANTHROPIC_AUTH_TOKEN ({token.source}), sent as Authorization: Bearer")
        if key_value is not None:
            sel.second_key_env = "ANTHROPIC_API_KEY"
            used.append(f"credential ← ANTHROPIC_API_KEY ({key_value.source}) too, sent as x-api-key: Claude "
                        f"Code {facts.version} sends both headers")
    elif key_value is not None:
        raw.update(auth="x-api-key", api_key_env="ANTHROPIC_API_KEY")
        used.append(f"credential ← ANTHROPIC_API_KEY ({key_value.source}), sent as x-api-key")
    elif helper is not None and sel.helper_output is not None:
        raw.update(auth="x-api-key", api_key_env="CLAUDE_HARNESS_API_KEY_HELPER_OUTPUT")
        used.append(f"credential ← the output of apiKeyHelper ({helper.source}), run with --run-helpers")
    elif helper is not None:
        raise ConfigError(f"Claude Code would get its key from apiKeyHelper ({helper.source}), which this run "
                          "did not execute.", fix="Pass --run-helpers to run it, or export ANTHROPIC_API_KEY.",
                          cause="config.missing-credentials")
    else:
        raise ConfigError("Claude Code has no API key or token here (ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN or "
                          "apiKeyHelper); it would use a claude.ai login, which the harness cannot check.",
                          fix="Export the key Claude Code should use, or check a provider with --provider.",
                          cause="config.missing-credentials")
    return str(facts.provider(sel.raw["provider"]).main)
