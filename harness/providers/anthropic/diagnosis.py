"""The Anthropic API's rules for the diagnosis that are code (its data is in diagnosis.toml)."""

from __future__ import annotations


def unauthorized(auth: str, text: str) -> tuple[str, str] | None:
    """Azure's api-key header means nothing to the Anthropic API: a 401 to it is the wrong scheme."""
    if auth == "api-key":
        return "auth.wrong-scheme", "the Anthropic API does not read the api-key header"
    return None
