"""The Anthropic API, client side: the SDK's bearer-token fallback and the free read of one model's metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MODEL_INFO_PATH = "/v1/models/{model}"  # GET: the model's id, display name and lifecycle (free)


def sdk_credential(env: Mapping[str, str]) -> tuple[dict[str, Any], str] | None:
    """Without ANTHROPIC_API_KEY the SDK sends ANTHROPIC_AUTH_TOKEN as ``Authorization: Bearer``."""
    if not env.get("ANTHROPIC_AUTH_TOKEN"):
        return None
    return ({"auth": "bearer", "api_key_env": "ANTHROPIC_AUTH_TOKEN"},
            "credential ← ANTHROPIC_AUTH_TOKEN (environment), sent as Authorization: Bearer")
