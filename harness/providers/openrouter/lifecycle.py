"""OpenRouter's model ids (pure): ``anthropic/claude-sonnet-4.5`` slugs, ``:variant`` suffixes sharing the row; the
model is served on Anthropic's schedule."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

COLUMN = "openrouter"  # lifecycle.toml: OpenRouter slugs
TITLE = "OpenRouter"
_Row = TypeVar("_Row")


def canonical_model(model: str) -> str:
    """anthropic/claude-sonnet-4.5 is Anthropic's claude-sonnet-4-5; variants (:free) share it."""
    return model.split(":", 1)[0].removeprefix("anthropic/").replace(".", "-")


def find(model: str, row_of: Callable[[str | None, str], _Row | None]) -> _Row | None:
    """The slug's own row, else the first-party id's."""
    return row_of(COLUMN, model.split(":", 1)[0]) or row_of(None, canonical_model(model))


def listed_ids(first_party: Sequence[str], row: Mapping[str, Any]) -> Iterator[str]:
    """The row's slugs; a row without any lists the slugs derived from its first-party ids."""
    own = row.get(COLUMN, ())
    if own:
        yield from own
        return
    derived = [openrouter_id(m) for m in first_party]
    yield from (m for m in derived if m)


def openrouter_id(model: str) -> str | None:
    """claude-sonnet-4-5 -> anthropic/claude-sonnet-4.5; dated and -latest ids have no OpenRouter twin."""
    match = re.fullmatch(r"(claude-[a-z]+)-(\d+)(?:-(\d))?", model)
    if match is None:
        return None
    version = match.group(2) + (f".{match.group(3)}" if match.group(3) else "")
    return f"anthropic/{match.group(1)}-{version}"


def reply_first_party(name: str) -> str | None:
    """The first-party id of a model a reply names as a slug (anthropic/…); None for any other spelling."""
    return canonical_model(name) if "/" in name else None


def respelling(name: str) -> str:
    """OpenRouter's canonical slug anthropic/claude-4.5-sonnet-20250929 -> anthropic/claude-sonnet-4.5-20250929
    (its replies name the version first)."""
    return re.sub(r"claude-(\d+(?:[.-]\d)?)-(opus|sonnet|haiku|fable|mythos)", r"claude-\2-\1", name)
