"""How Claude Code reaches Microsoft Foundry: ``CLAUDE_CODE_USE_FOUNDRY``, the resource or base URL, and its key
(sent as x-api-key), else the Azure credential chain (observed with Claude Code 2.1.197)."""

from __future__ import annotations

from typing import Any

SWITCH = "CLAUDE_CODE_USE_FOUNDRY"
SKIP_AUTH = "CLAUDE_CODE_SKIP_FOUNDRY_AUTH"
PRECEDENCE = 30


def select(sel: Any) -> str:
    raw, used, facts = sel.raw, sel.used, sel.facts
    for name, key in (("ANTHROPIC_FOUNDRY_BASE_URL", "base_url"), ("ANTHROPIC_FOUNDRY_RESOURCE", "resource")):
        found = sel.get(name)
        if found is not None:
            raw[key] = found.value
            used.append(f"{key} ← {name} ({found.source})")
    token, key_value = sel.get("ANTHROPIC_FOUNDRY_AUTH_TOKEN"), sel.get("ANTHROPIC_FOUNDRY_API_KEY")
    token_read = "ANTHROPIC_FOUNDRY_AUTH_TOKEN" not in facts.not_read
    if token is not None and token_read:  # the token wins where Claude Code reads it
        raw.update(auth="bearer", api_key_env="ANTHROPIC_FOUNDRY_AUTH_TOKEN")
        used.append(f"credential ← ANTHROPIC_FOUNDRY_AUTH_TOKEN ({token.source}), sent as a bearer token")
    elif key_value is not None:
        raw.update(auth="x-api-key", api_key_env="ANTHROPIC_FOUNDRY_API_KEY")
        used.append(f"credential ← ANTHROPIC_FOUNDRY_API_KEY ({key_value.source}), sent as x-api-key (as "
                    f"Claude Code {facts.version} sends it, not api-key)")
    else:
        raw["auth"] = "entra"
        used.append("credential ← the Azure default credential chain (no Foundry key is set)")
    return str(facts.provider(raw["provider"]).main)
