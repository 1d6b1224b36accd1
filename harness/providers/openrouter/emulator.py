"""OpenRouter in the emulator, under ``/api/v1``: the OpenAI-compatible chat completions wire format (with
OpenRouter's extras: ``x-generation-id``, the processing comment, cost in usage), ``/key`` and ``/models``, on the
emulator's generic pipeline. Faults come from ``fixtures/openrouter/errors``."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...emulator import responses as r
from ...emulator.behaviour import Plan, plan_openai
from ...emulator.host import BAD_CREDENTIAL_PREFIX, Host, bearer_token, emulator_data
from ...emulator.reasoning import message_fields, reasoning_tokens, with_reasoning
from ...emulator.retired import available
from ...emulator.validate import openai_request_error
from . import OPENROUTER

if TYPE_CHECKING:
    from ...emulator.app import Emulator, Kind

NAME = OPENROUTER.name
MOUNT = "/api/v1"
DATA = emulator_data(__package__)  # emulator.toml
OPENROUTER_MODELS: tuple[str, ...] = tuple(DATA["models"])


def _openrouter_usage(body: dict[str, Any], completion: int, reasoning: int = 0) -> dict[str, Any]:
    prompt = r.input_tokens(body)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "cost": round((prompt * 1 + completion * 5) / 1_000_000, 8),
        "is_byok": False,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def _tool_calls(plan: Plan) -> list[dict[str, Any]]:
    assert plan.tool is not None
    return [{"index": 0, "id": plan.tool["id"], "type": "function",
             "function": {"name": plan.tool["name"], "arguments": json.dumps(plan.tool["input"])}}]


def openrouter_completion(gen_id: str, model: str, body: dict[str, Any]) -> dict[str, Any]:
    plan = with_reasoning(plan_openai(body), body)
    message: dict[str, Any] = {"role": "assistant", "content": None if plan.tool else plan.text, "refusal": None,
                               "reasoning": None, **message_fields(plan, body)}
    if plan.tool:
        message["tool_calls"] = _tool_calls(plan)
    return {
        "id": gen_id,
        "provider": "Anthropic",
        "model": model,
        "object": "chat.completion",
        "created": int(time.time()),
        "system_fingerprint": None,
        "choices": [{
            "index": 0,
            "logprobs": None,
            "finish_reason": plan.extra["finish_reason"],
            "native_finish_reason": plan.stop_reason,
            "message": message,
        }],
        "usage": _openrouter_usage(body, plan.output_tokens, reasoning_tokens(plan)),
    }


def _chunk(gen_id: str, model: str, created: int, choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"id": gen_id, "provider": "Anthropic", "model": model, "object": "chat.completion.chunk",
            "created": created, "system_fingerprint": None, "choices": choices, **extra}


def openrouter_stream(gen_id: str, model: str, body: dict[str, Any], *, terminate: bool = True) -> list[bytes]:
    plan = with_reasoning(plan_openai(body), body)
    created = int(time.time())
    out = [b": OPENROUTER PROCESSING\n\n"]
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": t} for t in plan.text_tokens]
    thought = message_fields(plan, body)
    if thought:  # the reasoning streams before the answer
        deltas.insert(0, {"role": "assistant", "content": "", **thought})
    if plan.tool:
        deltas = [{"role": "assistant", "content": None, "tool_calls": _tool_calls(plan)}]
    for delta in deltas:
        choice = {"index": 0, "delta": delta, "finish_reason": None, "native_finish_reason": None, "logprobs": None}
        out.append(r.sse(None, _chunk(gen_id, model, created, [choice])))
    final = {"index": 0, "delta": {"role": "assistant", "content": ""},
             "finish_reason": plan.extra["finish_reason"], "native_finish_reason": plan.stop_reason,
             "logprobs": None}
    out.append(r.sse(None, _chunk(gen_id, model, created, [final])))
    if terminate:
        usage = _openrouter_usage(body, plan.output_tokens, reasoning_tokens(plan))
        out.append(r.sse(None, _chunk(gen_id, model, created, [], usage=usage)))
        out.append(r.sse(None, "[DONE]"))
    return out


def openrouter_error_chunk(gen_id: str, model: str, code: int, message: str, error_type: str) -> bytes:
    choice = {"index": 0, "delta": {"content": ""}, "finish_reason": "error"}
    error = {"code": code, "message": message, "metadata": {"error_type": error_type}}
    return r.sse(None, _chunk(gen_id, model, int(time.time()), [choice], error=error))


def openrouter_key_info() -> dict[str, Any]:
    return {"data": {
        "label": "claude-harness emulator key", "limit": None, "limit_remaining": None, "limit_reset": None,
        "include_byok_in_limit": False, "usage": 0, "usage_daily": 0, "usage_weekly": 0, "usage_monthly": 0,
        "byok_usage": 0, "byok_usage_daily": 0, "byok_usage_weekly": 0, "byok_usage_monthly": 0,
        "is_free_tier": False, "is_management_key": False, "is_provisioning_key": False, "expires_at": None,
    }}


def openrouter_models() -> dict[str, Any]:
    return {"data": [
        {
            "id": model_id, "canonical_slug": model_id, "name": model_id.split("/")[1], "created": 1_750_000_000,
            "description": "Emulated model", "context_length": 200000,
            "architecture": {"modality": "text->text", "input_modalities": ["text"], "output_modalities": ["text"],
                             "tokenizer": "Claude", "instruct_type": None},
            "pricing": {"prompt": "0.000001", "completion": "0.000005", "request": "0", "image": "0"},
            "top_provider": {"context_length": 200000, "max_completion_tokens": 64000, "is_moderated": True},
            "per_request_limits": None, "supported_parameters": ["max_tokens", "temperature", "stream"],
            "default_parameters": {}, "supported_voices": None, "links": {"details": ""},
        }
        for model_id in OPENROUTER_MODELS if available(NAME, model_id)  # retired slugs are not listed
    ]}



class OpenRouterHost(Host):
    name = NAME
    offered_faults = frozenset(DATA["offered_faults"])
    unmatched_paths = "/api/"  # an unrouted /api/ path is OpenRouter's 404

    def ids(self) -> dict[str, str]:
        return {"x-generation-id": f"gen-{int(time.time())}-{secrets.token_hex(10)}"}

    def authenticate(self, emulator: Emulator, request: Request, raw: bytes, model: str,
                     ids: dict[str, str]) -> Response | None:
        token = bearer_token(request)
        key = request.headers.get("x-api-key")
        if (token or key or "").startswith(BAD_CREDENTIAL_PREFIX):
            return emulator._fixture(NAME, "invalid-key", model, ids)
        if not token:
            return emulator._fixture(NAME, "missing-credentials", model, ids)
        return None

    def request_rejection(self, emulator: Emulator, kind: Kind, body: dict[str, Any], betas: frozenset[str],
                          ids: dict[str, str]) -> Response | None:
        """OpenAI's validation; rules.toml's Messages checks do not apply (OpenRouter translates, and answers its
        own)."""
        problem = openai_request_error(body)
        return None if problem is None else JSONResponse({"error": {"code": 400, "message": problem}},
                                                         status_code=400)

    def retired(self, model: str, ids: dict[str, str], headers: dict[str, str],
                place: Mapping[str, str]) -> Response:
        """A slug OpenRouter no longer routes (provider-facts.md, availability codes)."""
        return JSONResponse({"error": {"code": 404, "message": f"No endpoints found for {model}.",
                                       "error_type": "not_found", "http_status": 404,
                                       "availability": {"code": "model_deprecated", "retryable": False,
                                                        "requested_models": [model]}}},
                            status_code=404, headers=headers)

    def message(self, emulator: Emulator, model: str, body: dict[str, Any], ids: dict[str, str],
                headers: dict[str, str]) -> Response:
        return JSONResponse(openrouter_completion(ids["x-generation-id"], model, body), headers=headers)

    def stream_events(self, emulator: Emulator, model: str, body: dict[str, Any], ids: dict[str, str], *,
                      terminate: bool = True) -> list[bytes]:
        return openrouter_stream(ids["x-generation-id"], model, body, terminate=terminate)

    def error_events(self, events: list[bytes], model: str, ids: dict[str, str]) -> list[bytes]:
        gen = ids["x-generation-id"]
        return [events[0], events[1], openrouter_error_chunk(gen, model, 529, "Provider returned error",
                                                             "provider_overloaded")]

    def models(self, query: dict[str, str]) -> dict[str, Any]:
        return openrouter_models()

    def key_info(self) -> dict[str, Any]:
        return openrouter_key_info()


HOST = OpenRouterHost()


def model_by_id(emulator: Emulator) -> Any:
    async def endpoint(request: Request) -> Response:
        """GET /api/v1/models/{author}/{slug}: one listed model, or OpenRouter's 404."""
        ids = HOST.ids()
        denied = emulator._authenticate(request, NAME, "", ids)
        if denied is not None:
            return denied
        model_id = request.path_params["model_id"]
        found = next((m for m in openrouter_models()["data"] if m["id"] == model_id), None)
        headers = HOST.headers(ids)
        if found is None:
            return JSONResponse({"error": {"code": 404, "message": f"Model {model_id} not found"}}, status_code=404,
                                headers=headers)
        return JSONResponse({"data": found}, headers=headers)

    return endpoint


def routes(emulator: Emulator) -> list[Route]:
    return [Route(f"{MOUNT}/chat/completions", emulator.route(NAME, "message"), methods=["POST"]),
            Route(f"{MOUNT}/key", emulator.route(NAME, "key"), methods=["GET"]),
            Route(f"{MOUNT}/models", emulator.route(NAME, "models"), methods=["GET"]),
            Route(f"{MOUNT}/models/{{model_id:path}}", model_by_id(emulator), methods=["GET"])]
