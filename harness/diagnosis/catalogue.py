"""The cause catalogue, loaded from data."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources

from . import provider_facts

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


# Labels of steps addressed to a reader who is not a provider; each provider's label is its own (diagnosis.toml).
_READER_LABELS = {"Gateway:": "gateway", "Claude Code:": "claude-code"}


def _audience_labels() -> dict[str, str]:
    """label -> whom a step so labelled is for (a provider's name, "gateway" or "claude-code")."""
    return {**provider_facts.step_labels(), **_READER_LABELS}


def steps_for(cause: CauseEntry, provider: str | None, *, gateway: bool = False,
              claude_code: bool = False) -> list[str]:
    """The steps that fit this target: a step addressed to another provider, to gateways when the target is
    not one, or to Claude Code outside it, is left out. With no provider (an unknown context) every step is
    kept, labelled."""
    provider = _audience(provider)
    out = []
    labels = _audience_labels()
    for step in cause.steps:
        prefix = next((p for p in labels if step.startswith(p)), None)
        audience = labels.get(prefix or "")
        if audience is None or provider is None:
            out.append(step)
        elif audience == provider or (audience, True) in (("gateway", gateway), ("claude-code", claude_code)):
            out.append(_unlabelled(step, prefix or ""))
    return out


def sources_for(cause: CauseEntry, provider: str | None) -> list[str]:
    """The sources that fit this target: another platform's documents are left out (all are kept with no
    provider, or when none would be left)."""
    provider = _audience(provider)
    if provider is None:
        return list(cause.sources)
    # a source is about one platform only when its label names it (each provider's markers: diagnosis.toml)
    markers = provider_facts.source_markers()
    kept = [s for s in cause.sources if all(platform == provider for marker, platform in markers if marker in s)]
    return kept or list(cause.sources)


def _audience(provider: str | None) -> str | None:
    """A provider package may say whose labelled steps fit it (Mantle: Bedrock's)."""
    from ..providers import PROVIDERS

    spec = PROVIDERS.get(provider or "")
    return spec.steps_like if spec is not None and spec.steps_like else provider


def _unlabelled(step: str, prefix: str) -> str:
    """A provider's own step without its label (the reader's target is that provider)."""
    if prefix in _READER_LABELS:
        return step  # keep it: the reader should know this step is about the gateway or Claude Code
    rest = step[len(prefix):].lstrip()
    return rest[:1].upper() + rest[1:]


def entry(cause_id: str) -> CauseEntry:
    return catalogue().get(cause_id) or catalogue()["unclassified"]
