"""A retired model, answered as each platform answers it after retirement, from the same lifecycle data that
model.lifecycle reads (evaluated on the lifecycle day: CLAUDE_HARNESS_TODAY, or today in UTC)."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from ..lifecycle import is_retired, lifecycle_today, lookup
from . import clouds


def available(provider: str, model: str) -> bool:
    """False for a model the data says is retired on this platform today (the Models API omits it)."""
    return not is_retired(lookup(provider, model), lifecycle_today())


def retired_answer(provider: str, model: str, ids: dict[str, str], headers: dict[str, str], *,
                   project: str = "", location: str = "") -> Response | None:
    """None while the model is served; otherwise the platform's own answer to a retired model."""
    if available(provider, model):
        return None
    if provider.startswith("bedrock"):  # Bedrock's end-of-life answer (bedrock-vertex-claudecode.md §4.2)
        return clouds.aws_error(404, "ResourceNotFoundException", "This model version has reached the end of its "
                                "life. Please refer to the AWS documentation for more details.", ids)
    if provider == "vertex":  # Google's answer to a model the project can no longer use
        return clouds.publisher_model_not_found(project, location, model)
    if provider == "openrouter":  # a slug OpenRouter no longer routes (provider-facts.md, availability codes)
        return JSONResponse({"error": {"code": 404, "message": f"No endpoints found for {model}.",
                                       "error_type": "not_found", "http_status": 404,
                                       "availability": {"code": "model_deprecated", "retryable": False,
                                                        "requested_models": [model]}}},
                            status_code=404, headers=headers)
    # The Claude API (and Foundry, which follows its schedule): "model: <id>" not found (browser-use PR #5085)
    return JSONResponse({"type": "error", "error": {"type": "not_found_error", "message": f"model: {model}"},
                         "request_id": ids.get("request-id", "")}, status_code=404, headers=headers)
