"""Checks: pure judges over observations. Each returns a Verdict, never raises."""

from __future__ import annotations

from .basic import (
    CHECK_LAYERS,
    Verdict,
    credentials_accepted,
    endpoint_answers,
    message_has_text_and_usage,
    model_is_available,
    stream_completes,
)

__all__ = [
    "CHECK_LAYERS",
    "Verdict",
    "credentials_accepted",
    "endpoint_answers",
    "message_has_text_and_usage",
    "model_is_available",
    "stream_completes",
]
