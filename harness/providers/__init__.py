"""Provider registry: one module per provider, looked up by name."""

from __future__ import annotations

from .anthropic import ANTHROPIC
from .base import AUTH_MODES, AuthMode, ProviderSpec, WireFormat
from .foundry import FOUNDRY, resource_base_url
from .openrouter import OPENROUTER

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
