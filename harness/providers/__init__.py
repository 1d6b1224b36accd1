"""Provider registry: one module per provider, looked up by name."""

from __future__ import annotations

from .anthropic import ANTHROPIC
from .base import AUTH_MODES, AuthMode, Placement, ProbeKind, ProviderSpec, WireFormat
from .bedrock import BEDROCK
from .foundry import FOUNDRY, resource_base_url
from .openrouter import OPENROUTER
from .vertex import VERTEX

PROVIDERS: dict[str, ProviderSpec] = {p.name: p for p in (FOUNDRY, OPENROUTER, ANTHROPIC, BEDROCK, VERTEX)}

__all__ = [
    "ANTHROPIC",
    "AUTH_MODES",
    "BEDROCK",
    "FOUNDRY",
    "OPENROUTER",
    "PROVIDERS",
    "VERTEX",
    "AuthMode",
    "Placement",
    "ProbeKind",
    "ProviderSpec",
    "WireFormat",
    "resource_base_url",
]
