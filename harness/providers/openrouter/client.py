"""OpenRouter, client side: its optional attribution headers and its vendor/model ids."""

from __future__ import annotations

# (target setting, header): the flags --http-referer and --x-title; refused for every other provider
ATTRIBUTION_HEADERS = (("http_referer", "HTTP-Referer"), ("x_title", "X-Title"))


def unknown_model_id(model: str) -> str:
    return f"anthropic/{model}"  # OpenRouter's ids are vendor/model
