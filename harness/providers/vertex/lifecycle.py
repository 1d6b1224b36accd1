"""Vertex AI's model ids and schedule (pure): ``claude-haiku-4-5@20251001`` (the first-party id from 4.6 on);
Google Cloud sets its own dates (Anthropic docs, "Model deprecations")."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

COLUMN = "vertex"  # lifecycle.toml: Vertex AI model ids
TITLE = "Google Vertex AI"
SCHEDULE = "Google Cloud"
SCHEDULE_KEY = "vertex_schedule"  # lifecycle.toml: [models.vertex_schedule]
_Row = TypeVar("_Row")


def canonical_model(model: str) -> str:
    """claude-haiku-4-5@20251001 -> claude-haiku-4-5-20251001."""
    return model.replace("@", "-")


def find(model: str, row_of: Callable[[str | None, str], _Row | None]) -> _Row | None:
    return row_of(COLUMN, model) or row_of(None, canonical_model(model))
