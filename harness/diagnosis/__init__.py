"""Diagnosis: a pure classifier and a catalogue of causes (data)."""

from __future__ import annotations

from .catalogue import CauseEntry, catalogue, entry, sources_for, steps_for
from .classifier import (
    TRANSIENT_CAUSES,
    Classification,
    Evidence,
    Fingerprint,
    classify,
    fingerprints,
)
from .shapes import ErrorInfo, parse_error

__all__ = [
    "TRANSIENT_CAUSES",
    "CauseEntry",
    "Classification",
    "ErrorInfo",
    "Evidence",
    "Fingerprint",
    "catalogue",
    "classify",
    "entry",
    "fingerprints",
    "parse_error",
    "sources_for",
    "steps_for",
]
