"""Google Vertex AI, client side: Application Default Credentials, the optional google-auth dependency, and the
placement emulated targets use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# auth mode -> (module, extra, what it brings, the distribution to install)
AUTH_EXTRAS = {"adc": ("google.auth", "vertex", "Google Application Default Credentials", "google-auth")}
EMULATED_REGION = "us-east5"


def sdk_credential(env: Mapping[str, str]) -> tuple[dict[str, Any], str] | None:
    """Without an access token the SDK asks google-auth's default chain."""
    return {}, "credential ← Google Application Default Credentials"


def emulated_settings() -> dict[str, Any]:
    from ...emulator.clouds import EMULATOR_PROJECT

    return {"region": EMULATED_REGION, "project": EMULATOR_PROJECT}
