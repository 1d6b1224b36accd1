"""Documented feature availability per platform and model (data in availability.toml), read once (pure)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Documented:
    """One cell of the table: what the platform's documentation says about a feature."""

    offered: str  # yes | no | unknown | model (offered on the platform, not for this model)
    source: str  # the page's URL
    checked: dt.date
    note: str = ""

    def describe(self) -> str:
        return self.source + (f" ({self.note})" if self.note else "")


@functools.lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    text = resources.files(__package__ or "harness.features").joinpath("availability.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    return data


def _family(model: str) -> str:
    """The model family a table row names: claude-sonnet-4-5 for claude-sonnet-4-5-20250929, Bedrock's
    us.anthropic.claude-sonnet-4-5-20250929-v1:0, Vertex's claude-sonnet-4-5@20250929 or OpenRouter's
    anthropic/claude-sonnet-4.5."""
    name = model.split("/")[-1].split("@")[0]
    name = re.sub(r"^(?:[a-z]+\.)?anthropic\.", "", name)
    name = re.sub(r"-v\d+(?::\d+)?$", "", name)
    name = re.sub(r"-\d{8}$", "", name)
    return name.replace(".", "-")


def documented(feature: str, platform: str, model: str) -> Documented:
    data = table()
    entry = data["features"].get(feature, {})
    cell = entry.get(platform)
    sources: dict[str, str] = data["sources"]
    if not isinstance(cell, dict):
        return Documented("unknown", sources["overview"], max(c[3] for c in cells()))
    found = Documented(str(cell["offered"]), str(sources.get(cell["source"], cell["source"])), cell["checked"],
                       str(cell.get("note", "")))
    families = entry.get("models")
    if found.offered != "no" and families and not any(_family(model).startswith(f) for f in families):
        return Documented("model", found.source, found.checked, "offered for " + ", ".join(families))
    return found


def caching_minimum(model: str) -> int:
    """The smallest cacheable prefix for this model, in tokens: from the one model catalogue (limits per model
    family, with sources), which the emulator serves from too."""
    from ..emulator.catalogue import family_of

    return family_of(_family(model)).min_cacheable_tokens


def cells() -> list[tuple[str, str, str, dt.date]]:
    """Every cell: (feature, platform, source URL or key, checked date)."""
    out: list[tuple[str, str, str, dt.date]] = []
    for feature, entry in table()["features"].items():
        for platform, cell in entry.items():
            if isinstance(cell, dict):
                out.append((str(feature), str(platform), str(cell.get("source", "")), cell["checked"]))
    return out


def review_due(data_newest: dt.date | None = None) -> dt.date:
    """The day the table is due for a re-read: its newest checked date plus its declared review interval."""
    newest = data_newest or max(c[3] for c in cells())
    return newest + dt.timedelta(days=int(table()["review_interval_days"]))
