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
    text = resources.files("harness.diagnosis").joinpath("catalogue.toml").read_text(encoding="utf-8")
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


_PROVIDER_PREFIXES = {"Foundry:": "foundry", "OpenRouter:": "openrouter", "Anthropic:": "anthropic"}


def steps_for(cause: CauseEntry, provider: str | None) -> list[str]:
    """The steps that apply to this provider: a step that names another provider is left out."""
    out = []
    for step in cause.steps:
        prefix = next((p for p in _PROVIDER_PREFIXES if step.startswith(p)), None)
        if prefix is None or provider is None or _PROVIDER_PREFIXES[prefix] == provider:
            out.append(step)
    return out


def entry(cause_id: str) -> CauseEntry:
    return catalogue().get(cause_id) or catalogue()["unclassified"]
