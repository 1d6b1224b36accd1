"""Foundry's rules for the diagnosis that are code (its data is in diagnosis.toml)."""

from __future__ import annotations

_TOKEN_WORDS = ("token", "audience", "expired", "jwt", "bearer")


def unauthorized(auth: str, text: str) -> tuple[str, str] | None:
    """A 401 to a bearer token: an API key in the wrong header, or a token Foundry judged and refused."""
    if auth == "bearer" and "subscription key" in text:
        return "auth.wrong-scheme", "an API key sent as a bearer token to Foundry"
    if auth == "bearer" and any(w in text for w in _TOKEN_WORDS):
        return "auth.token-invalid", "401 to a bearer token naming the token"
    return None
