"""Amazon Bedrock's model ids and schedule (pure): base ids (``anthropic.claude-…-v1:0``), cross-region profile ids
(``us.anthropic.…``) and ARNs; Bedrock sets its own dates (Anthropic docs, "Model deprecations")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

COLUMN = "bedrock"  # lifecycle.toml: Bedrock base model ids
PROFILES = "bedrock_profiles"  # lifecycle.toml: the cross-region inference profile prefixes offered
TITLE = "Amazon Bedrock (base and inference-profile ids)"
SCHEDULE = "Amazon Bedrock"
SCHEDULE_KEY = "bedrock_schedule"  # lifecycle.toml: [models.bedrock_schedule]
_GEO = re.compile(r"^(?:us-gov|global|apac|us|eu|jp|au|ca)\.")
_Row = TypeVar("_Row")


def canonical_model(model: str) -> str:
    """us.anthropic.claude-haiku-4-5-20251001-v1:0 -> claude-haiku-4-5-20251001."""
    return re.sub(r"-v\d+(:\d+)?$", "", re.sub(r"^([a-z-]+\.)?anthropic\.", "", model))


def find(model: str, row_of: Callable[[str | None, str], _Row | None]) -> _Row | None:
    """A profile id or an ARN's last part, without its geo prefix: its own row, else the first-party id's."""
    base = _GEO.sub("", model.rsplit("/", 1)[-1])
    return row_of(COLUMN, base) or row_of(None, canonical_model(base))


def listed_ids(first_party: Sequence[str], row: Mapping[str, Any]) -> Iterator[str]:
    """Each base id, followed by its inference-profile ids."""
    for model in row.get(COLUMN, ()):
        yield model
        yield from (f"{prefix}.{model}" for prefix in row.get(PROFILES, ()))
