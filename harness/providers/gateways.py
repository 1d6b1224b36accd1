"""Gateways recognised from their response headers (data): a target behind one is judged as a gateway."""

from __future__ import annotations

from collections.abc import Mapping

# (header name, or a prefix ending in "*"; what it is). The value of an exact header is shown as the version.
KNOWN_GATEWAYS: tuple[tuple[str, str], ...] = (
    ("x-litellm-version", "LiteLLM proxy"),
    ("x-portkey-*", "Portkey gateway"),
    ("cf-aig-*", "Cloudflare AI Gateway"),
    ("x-kong-*", "Kong gateway"),
    ("helicone-*", "Helicone gateway"),
)


def detect_gateway(headers: Mapping[str, str]) -> str | None:
    """'LiteLLM proxy 1.106.2 (x-litellm-version)' when the headers name a known gateway, else None."""
    lowered = {k.lower(): v for k, v in headers.items()}
    for name, label in KNOWN_GATEWAYS:
        if name.endswith("*"):
            found = next((k for k in lowered if k.startswith(name[:-1])), None)
            if found:
                return f"{label} ({found})"
        elif name in lowered:
            return f"{label} {lowered[name]} ({name})"
    return None
