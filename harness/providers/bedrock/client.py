"""Amazon Bedrock, client side: the optional botocore dependency (the AWS credential chain, for every SigV4 host)
the control plane's free reads, and the region emulated targets use."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from . import control_url, foundation_model_id, is_profile

__all__ = ["AUTH_EXTRAS", "control_plane_reads", "control_url", "emulated_settings"]

# auth mode -> (module, extra, what it brings, the distribution to install)
AUTH_EXTRAS = {"sigv4": ("botocore", "bedrock", "the AWS credential chain (profiles, SSO, roles)", "botocore")}


def emulated_settings() -> dict[str, Any]:
    return {"region": "us-east-1"}


def control_plane_reads(model: str) -> tuple[tuple[str, str], ...]:
    """Whether the model is available to the account, its lifecycle, and the inference profile (all free)."""
    reads: list[tuple[str, str]] = []
    known = foundation_model_id(model)
    if known is not None:
        model_id = quote(known, safe=":")
        reads += [("availability", f"/foundation-model-availability/{model_id}"),
                  ("foundation_model", f"/foundation-models/{model_id}")]
    if is_profile(model):
        reads.append(("inference_profile", f"/inference-profiles/{quote(model, safe='')}"))
    return tuple(reads)
