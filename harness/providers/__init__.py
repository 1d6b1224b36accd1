"""Provider registry: one module per provider, looked up by name."""

from __future__ import annotations

from harness.providers.anthropic import ANTHROPIC
from harness.providers.base import AUTH_MODES, AuthMode, ProviderSpec, WireFormat
from harness.providers.foundry import FOUNDRY, resource_base_url
from harness.providers.openrouter import OPENROUTER

PROVIDERS: dict[str, ProviderSpec] = {p.name: p for p in (FOUNDRY, OPENROUTER, ANTHROPIC)}

__all__ = [
    "ANTHROPIC",
    "AUTH_MODES",
    "FOUNDRY",
    "OPENROUTER",
    "PROVIDERS",
    "AuthMode",
    "ProviderSpec",
    "WireFormat",
    "resource_base_url",
]
