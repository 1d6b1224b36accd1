"""OpenRouter's rules for the diagnosis that are code (its data is in diagnosis.toml)."""

from __future__ import annotations


def unauthorized(auth: str, text: str) -> tuple[str, str] | None:
    """OpenRouter reads only a bearer token: "no auth credentials" to anything else is the wrong scheme."""
    if "no auth credentials" in text and auth not in ("entra", "bearer"):
        return "auth.wrong-scheme", "OpenRouter found no bearer credential"
    return None
