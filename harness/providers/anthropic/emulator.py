"""The Claude API in the emulator, at the root (``/v1/...``): Messages, the Models API, Message Batches and Files,
on the emulator's generic pipeline with the Host defaults (which are this API's behaviour) plus its
``anthropic-ratelimit-*`` headers. Faults come from ``fixtures/anthropic/errors``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...emulator import responses as r
from ...emulator.catalogue import model_info
from ...emulator.host import Host, emulator_data
from ...emulator.retired import available
from ...emulator.surface import Surface
from . import ANTHROPIC

if TYPE_CHECKING:
    from ...emulator.app import Emulator

NAME = ANTHROPIC.name
DATA = emulator_data(__package__)  # emulator.toml
ANTHROPIC_MODELS: tuple[str, ...] = tuple(DATA["models"])
RATE_LIMITS: tuple[tuple[str, str], ...] = tuple(DATA["rate_limits"].items())


def ratelimit_headers() -> dict[str, str]:
    reset = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
    out: dict[str, str] = {}
    for family, limit in RATE_LIMITS:
        out[f"anthropic-ratelimit-{family}-limit"] = limit
        used = 1000 if int(limit) > 10000 else 1  # token counts are rounded to thousands
        out[f"anthropic-ratelimit-{family}-remaining"] = str(int(limit) - used)
        out[f"anthropic-ratelimit-{family}-reset"] = reset
    return out


def anthropic_models(query: dict[str, str] | None = None) -> dict[str, Any]:
    """The Models API list with its cursor pagination (limit, after_id, before_id)."""
    return r.models_page([r.model_details(m) for m in ANTHROPIC_MODELS if available(NAME, m)], query)


class AnthropicHost(Host):
    name = NAME
    offered_faults = frozenset(DATA["offered_faults"])

    def headers(self, ids: dict[str, str]) -> dict[str, str]:
        return {**ids, **ratelimit_headers()}

    def models(self, query: dict[str, str]) -> dict[str, Any]:
        return anthropic_models(query)


HOST = AnthropicHost()


def model_by_id(emulator: Emulator) -> Any:
    async def endpoint(request: Request) -> Response:
        """GET /v1/models/{id}: one listed model, or any public id and alias with its lifecycle as of today (a
        retired id says "retired", as the messages route refuses it), or the API's own 404."""
        ids = HOST.ids()
        denied = emulator._authenticate(request, NAME, "", ids)
        if denied is not None:
            return denied
        model_id = request.path_params["model_id"]
        found = next((m for m in anthropic_models({"limit": "1000"})["data"] if m["id"] == model_id), None)
        if found is None and model_info(model_id) is not None:
            found = r.model_details(model_id)
        headers = HOST.headers(ids)
        if found is None:
            error = {"type": "not_found_error", "message": f"model: {model_id}"}
            return JSONResponse({"type": "error", "error": error}, status_code=404, headers=headers)
        return JSONResponse(found, headers=headers)

    return endpoint


def routes(emulator: Emulator) -> list[Route]:
    from .complete import complete_routes
    from .mock_server import mock_server_routes

    # mock-server mode's routes go first (first match wins); Text Completions beside Messages
    return [*mock_server_routes(emulator), *complete_routes(emulator), *Surface(emulator, NAME).routes(),
            Route("/v1/messages", emulator.route(NAME, "message"), methods=["POST"]),
            Route("/v1/messages/count_tokens", emulator.route(NAME, "count_tokens"), methods=["POST"]),
            Route("/v1/models", emulator.route(NAME, "models"), methods=["GET"]),
            Route("/v1/models/{model_id:path}", model_by_id(emulator), methods=["GET"])]
