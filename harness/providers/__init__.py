"""Provider registry: one package per provider (``harness/providers/<name>/``), looked up by name."""

from __future__ import annotations

import importlib
from types import ModuleType

from .anthropic import ANTHROPIC
from .base import AUTH_MODES, AuthMode, HeaderSetting, Placement, ProbeKind, ProviderSpec, WireFormat
from .bedrock import BEDROCK
from .bedrock_mantle import BEDROCK_MANTLE
from .claude_platform_aws import CLAUDE_PLATFORM_AWS
from .foundry import FOUNDRY, resource_base_url
from .openrouter import OPENROUTER
from .vertex import VERTEX

# The one list of providers: a provider package adds one name here.
PROVIDERS: dict[str, ProviderSpec] = {p.name: p for p in (FOUNDRY, OPENROUTER, ANTHROPIC, BEDROCK, VERTEX,
                                                          BEDROCK_MANTLE, CLAUDE_PLATFORM_AWS)}


def package_of(spec: ProviderSpec) -> str:
    """The import name of a provider's package (``harness.providers.bedrock_mantle`` for ``bedrock-mantle``)."""
    return f"{__name__}.{spec.name.replace('-', '_')}"


def provider_part(spec: ProviderSpec, part: str) -> ModuleType | None:
    """A provider package's module for one concern (``emulator``, ``diagnosis``, ...), or None where it has none:
    generic code asks this instead of naming the provider."""
    try:
        return importlib.import_module(f"{package_of(spec)}.{part}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{package_of(spec)}.{part}":
            raise
        return None


def provider_fingerprints() -> list[str]:
    """The fingerprints.toml of each provider package that has one (the classifier appends their rows)."""
    from importlib import resources

    texts = []
    for spec in PROVIDERS.values():
        path = resources.files(package_of(spec)).joinpath("fingerprints.toml")
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    return texts


__all__ = [
    "ANTHROPIC",
    "AUTH_MODES",
    "BEDROCK",
    "BEDROCK_MANTLE",
    "CLAUDE_PLATFORM_AWS",
    "FOUNDRY",
    "OPENROUTER",
    "PROVIDERS",
    "VERTEX",
    "AuthMode",
    "HeaderSetting",
    "Placement",
    "ProbeKind",
    "ProviderSpec",
    "WireFormat",
    "package_of",
    "provider_part",
    "resource_base_url",
]
