"""The cause catalogue, loaded from data."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class CauseEntry:
    id: str
    title: str
    explanation: str
    steps: tuple[str, ...]
    sources: tuple[str, ...]


@cache
def catalogue() -> dict[str, CauseEntry]:
    text = resources.files(__package__ or "harness.diagnosis").joinpath("catalogue.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)["causes"]
    return {
        cause_id: CauseEntry(
            id=cause_id,
            title=entry["title"],
            explanation=entry["explanation"],
            steps=tuple(entry["steps"]),
            sources=tuple(entry["sources"]),
        )
        for cause_id, entry in raw.items()
    }


_AUDIENCE_PREFIXES = {"Foundry:": "foundry", "OpenRouter:": "openrouter", "Anthropic:": "anthropic",
                      "Gateway:": "gateway", "Claude Code:": "claude-code", "Bedrock:": "bedrock",
                      "Vertex:": "vertex"}


def steps_for(cause: CauseEntry, provider: str | None, *, gateway: bool = False,
              claude_code: bool = False) -> list[str]:
    """The steps that fit this target: a step addressed to another provider, to gateways when the target is
    not one, or to Claude Code outside it, is left out. With no provider (an unknown context) every step is
    kept, labelled."""
    provider = _audience(provider)
    out = []
    for step in cause.steps:
        prefix = next((p for p in _AUDIENCE_PREFIXES if step.startswith(p)), None)
        audience = _AUDIENCE_PREFIXES.get(prefix or "")
        if audience is None or provider is None:
            out.append(step)
        elif audience == provider or (audience, True) in (("gateway", gateway), ("claude-code", claude_code)):
            out.append(_unlabelled(step, prefix or ""))
    return out


# Sources that are about one platform only, by how their label begins or what it names.
_SOURCE_PLATFORMS = (("Microsoft Learn", "foundry"), ("Claude in Microsoft Foundry", "foundry"),
                     ("AWS docs", "bedrock"), ("on Amazon Bedrock", "bedrock"), ("Google Cloud docs", "vertex"),
                     ("on Vertex AI", "vertex"), ("OpenRouter", "openrouter"))


def sources_for(cause: CauseEntry, provider: str | None) -> list[str]:
    """The sources that fit this target: another platform's documents are left out (all are kept with no
    provider, or when none would be left)."""
    provider = _audience(provider)
    if provider is None:
        return list(cause.sources)
    kept = [s for s in cause.sources
            if all(platform == provider for marker, platform in _SOURCE_PLATFORMS if marker in s)]
    return kept or list(cause.sources)


def _audience(provider: str | None) -> str | None:
    """A provider package may say whose labelled steps fit it (Mantle: Bedrock's)."""
    from ..providers import PROVIDERS

    spec = PROVIDERS.get(provider or "")
    return spec.steps_like if spec is not None and spec.steps_like else provider


def _unlabelled(step: str, prefix: str) -> str:
    """A provider's own step without its label (the reader's target is that provider)."""
    if prefix in ("Gateway:", "Claude Code:"):
        return step  # keep it: the reader should know this step is about the gateway or Claude Code
    rest = step[len(prefix):].lstrip()
    return rest[:1].upper() + rest[1:]


def entry(cause_id: str) -> CauseEntry:
    return catalogue().get(cause_id) or catalogue()["unclassified"]
