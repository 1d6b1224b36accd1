"""What the emulator's cloud hosts share: the project the emulator claims to run in, and the check of the dialect
(``anthropic_version``) a cloud's request body carries. Each cloud's own framing, authentication and errors live
in its provider package's ``emulator.py``."""

from __future__ import annotations

from typing import Any

EMULATOR_PROJECT = "emulator-project"  # the cloud project of emulated targets and of the metadata server


def dialect_problem(accepted: tuple[str, ...], body: dict[str, Any]) -> str | None:
    """The emulator's own wording for a body whose anthropic_version is missing or not one the cloud accepts."""
    version = body.get("anthropic_version")
    if version is None:
        return "#: required key [anthropic_version] not found"
    if version not in accepted:
        return f"#/anthropic_version: {version} is not a valid enum value"
    return None
