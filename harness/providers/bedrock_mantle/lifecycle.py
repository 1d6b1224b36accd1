"""Mantle's lifecycle (pure): its ids are found in Bedrock's rows, on Amazon Bedrock's schedule. It lists no ids of
its own (``models --provider bedrock-mantle`` shows Bedrock's, through ``steps_like``); the first-party id behind a
Mantle id is ``models.lifecycle_id`` (the spec's ``lifecycle_id`` hook)."""

from __future__ import annotations

from ..bedrock.lifecycle import SCHEDULE, SCHEDULE_KEY, find

__all__ = ["SCHEDULE", "SCHEDULE_KEY", "find"]
