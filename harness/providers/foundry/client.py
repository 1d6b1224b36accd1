"""Microsoft Foundry, client side: the endpoints it documents as unsupported, and the deployment emulated targets
name."""

from __future__ import annotations

from typing import Any

# The Models API and Message Batches are documented as unsupported on Foundry: the full profile sees them refused.
UNSUPPORTED_PROBES = (("unsupported_models", "/v1/models"), ("unsupported_batches", "/v1/messages/batches"))
# Foundry has no default model: the model is the user's deployment name.
MODEL_REQUIRED = ("the deployment name", "Pass --model with the name shown under Models + endpoints in the Foundry "
                  "portal.")
EMULATOR_DEPLOYMENT = "claude-sonnet-4-6"  # the deployment name the emulator serves


def emulated_settings() -> dict[str, Any]:
    return {"model": EMULATOR_DEPLOYMENT}
