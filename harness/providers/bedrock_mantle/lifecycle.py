"""Mantle's lifecycle (pure): its ids are found in Bedrock's rows, on Amazon Bedrock's schedule; the first-party id
behind a Mantle id is ``models.lifecycle_id`` (the spec's ``lifecycle_id`` hook).

``models`` lists each row's ids in Mantle's format (``anthropic.claude-sonnet-4-6``: no date, no version suffix, no
geo prefix), derived from the first-party ids of the models not retired as of the day listed: Mantle publishes its
own lineup, which is not in the data, so an id listed here may not be served there (a 400 that names the model
says so).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..bedrock.lifecycle import SCHEDULE, SCHEDULE_KEY, find
from .models import mantle_id

TITLE = "Amazon Bedrock (Mantle) (Mantle-format ids of the first-party models; Mantle's own lineup is not in the data)"

LISTS_RETIRED = False  # a retired model is on no lineup; the derived ids of older generations would only mislead

__all__ = ["LISTS_RETIRED", "SCHEDULE", "SCHEDULE_KEY", "TITLE", "find", "listed_ids"]


def listed_ids(first_party: Sequence[str], row: Mapping[str, Any]) -> Iterator[str]:
    """One Mantle id per model: the first-party ids without their date."""
    seen: set[str] = set()
    for model in first_party:
        mantle = mantle_id(model)
        if mantle not in seen:
            seen.add(mantle)
            yield mantle
