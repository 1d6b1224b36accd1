"""Mock-server mode (``claude-harness emulate --mock-server``, ``EmulatorSettings(mock_server=True)``): the
emulator answered as the API's generated mock server answers, for test suites written against one.

The Python SDK's own tests (``tests/api_resources``) are generated from the OpenAPI spec to run against a mock
server that treats every id as existing and every schema-valid request as acceptable: they retrieve
``"message_batch_id"``, ``"file_id"`` and ``"model_id"``, and send ``temperature`` with ``top_p``. The default
emulator answers those as the real API does (404, 400); this mode, opted into explicitly, answers them as the
mock does:

- a batch, file or model id the emulator does not know is answered with a synthesized, schema-valid object of
  that id (these routes); an id it knows is answered from the store as always;
- ``rules.toml``'s rules (model limits, parameter combinations, tool-turn pairing, stored files, images) are not
  enforced, nor the beta gate on beta-only fields, nor the retirement schedule (app.py reads
  ``settings.mock_server`` for those);
- what the schema itself says is still checked (validate.py: a missing ``max_tokens``, an unknown block type,
  ``temperature`` above 1), and the documented triggers still fail as asked: ``bad-…`` keys, ``nonexistent-…``
  models, faults.

Nothing synthesized is stored: retrieving an unknown id twice answers the same object twice, and deleting it
leaves it "there".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...emulator import responses as r
from ...emulator.catalogue import capabilities, family_of, model_info
from ...emulator.stores import BATCH_EXPIRY
from ...emulator.surface import Surface
from . import ANTHROPIC

NAME = ANTHROPIC.name

if TYPE_CHECKING:
    from ...emulator.app import Emulator

Endpoint = Callable[[Request], Awaitable[Response]]
SYNTHESIZED_CUSTOM_ID = "request-1"  # the one request a synthesized batch reports


def synthesized_batch(batch_id: str, base_url: str, now: str, expires: str, *,
                      canceling: bool = False) -> dict[str, Any]:
    """A MessageBatch of that id: ended with one succeeded request, or (just cancelled) ``canceling``."""
    counts = {"processing": 0, "succeeded": 1, "errored": 0, "canceled": 0, "expired": 0}
    if canceling:
        counts = {**counts, "processing": 1, "succeeded": 0}
    return {"id": batch_id, "type": "message_batch", "processing_status": "canceling" if canceling else "ended",
            "request_counts": counts, "ended_at": None if canceling else now, "created_at": now,
            "expires_at": expires, "archived_at": None, "cancel_initiated_at": now if canceling else None,
            "results_url": None if canceling else f"{base_url}/v1/messages/batches/{batch_id}/results"}


def synthesized_file(file_id: str, now: str) -> dict[str, Any]:
    """FileMetadata of that id: an empty text file."""
    return {"id": file_id, "type": "file", "filename": f"{file_id}.txt", "mime_type": "text/plain",
            "size_bytes": 0, "created_at": now, "downloadable": True}


def synthesized_model(model_id: str) -> dict[str, Any]:
    """ModelInfo of that id: an active model with the limits and capabilities of the catalogue's default row."""
    family = family_of(model_id)
    return {"id": model_id, "type": "model", "display_name": model_id, "created_at": f"{family.released}T00:00:00Z",
            "lifecycle": "active", "deprecated_at": None, "retires_at": None,
            "max_input_tokens": family.max_input_tokens, "max_tokens": family.max_tokens,
            "capabilities": capabilities(family)}


def synthesized_result(batch_id: str) -> dict[str, Any]:
    """The synthesized batch's one result line: a message, as /v1/messages answers a one-word request."""
    params = {"max_tokens": 64, "messages": [{"role": "user", "content": "Hello"}]}
    digest = hashlib.sha256(batch_id.encode()).hexdigest()[:24]
    message = r.anthropic_message(f"msg_emu{digest}", "claude-haiku-4-5", params)
    return {"custom_id": SYNTHESIZED_CUSTOM_ID, "result": {"type": "succeeded", "message": message}}


class MockServer:
    """The id-addressed routes of the Models, Message Batches and Files APIs, answering an unknown id with a
    synthesized object and a known one through the ordinary handlers (Surface, the Models API route)."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.surface = Surface(emu, NAME)

    def _known_or(self, known: Callable[[str], bool], param: str, ordinary: Endpoint,
                  synthesize: Callable[[Request, str, dict[str, str]], Response]) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            resource_id = request.path_params[param]
            if known(resource_id):
                return await ordinary(request)
            headers, denied = self.surface._gate(request)
            if denied is not None:
                return denied
            return synthesize(request, resource_id, headers)

        return endpoint

    def _now(self) -> str:
        return self.emu.stores.batches.timestamp()

    def _created_and_expiry(self) -> tuple[str, str]:
        """Both from one reading of the clock: a batch expires exactly BATCH_EXPIRY after it was created."""
        batches = self.emu.stores.batches
        now = batches.clock()
        return batches.timestamp(now), batches.timestamp(now + BATCH_EXPIRY.total_seconds())

    def _batch(self, action: str) -> Callable[[Request, str, dict[str, str]], Response]:
        def answer(request: Request, batch_id: str, headers: dict[str, str]) -> Response:
            if action == "delete":
                return JSONResponse({"id": batch_id, "type": "message_batch_deleted"}, headers=headers)
            if action == "results":
                line = json.dumps(synthesized_result(batch_id), separators=(",", ":")) + "\n"
                return Response(line, headers=headers, media_type="application/binary")
            base = str(request.base_url).rstrip("/")
            return JSONResponse(synthesized_batch(batch_id, base, *self._created_and_expiry(),
                                                  canceling=action == "cancel"), headers=headers)

        return answer

    def _file(self, action: str) -> Callable[[Request, str, dict[str, str]], Response]:
        def answer(request: Request, file_id: str, headers: dict[str, str]) -> Response:
            if action == "delete":
                return JSONResponse({"id": file_id, "type": "file_deleted"}, headers=headers)
            if action == "content":
                return Response(b"", headers=headers, media_type="text/plain")
            return JSONResponse(synthesized_file(file_id, self._now()), headers=headers)

        return answer

    def _model(self, request: Request, model_id: str, headers: dict[str, str]) -> Response:
        return JSONResponse(synthesized_model(model_id), headers=headers)

    def _batch_known(self, batch_id: str) -> bool:
        return self.emu.stores.batches.get(batch_id) is not None

    def _file_known(self, file_id: str) -> bool:
        return self.emu.stores.files.get(file_id) is not None

    @staticmethod
    def _model_known(model_id: str) -> bool:
        from .emulator import ANTHROPIC_MODELS  # the models this host lists (the emulator imports this module)

        return model_id in ANTHROPIC_MODELS or model_info(model_id) is not None

    def routes(self) -> list[Route]:
        from .emulator import model_by_id

        s, batch, file = self.surface, self._batch_known, self._file_known
        path = "/v1/messages/batches/{batch_id}"
        return [
            Route(path, self._known_or(batch, "batch_id", s.batch_retrieve, self._batch("retrieve")), methods=["GET"]),
            Route(path, self._known_or(batch, "batch_id", s.batch_delete, self._batch("delete")), methods=["DELETE"]),
            Route(path + "/cancel", self._known_or(batch, "batch_id", s.batch_cancel, self._batch("cancel")),
                  methods=["POST"]),
            Route(path + "/results", self._known_or(batch, "batch_id", s.batch_results, self._batch("results")),
                  methods=["GET"]),
            Route("/v1/files/{file_id}", self._known_or(file, "file_id", s.file_retrieve, self._file("retrieve")),
                  methods=["GET"]),
            Route("/v1/files/{file_id}", self._known_or(file, "file_id", s.file_delete, self._file("delete")),
                  methods=["DELETE"]),
            Route("/v1/files/{file_id}/content",
                  self._known_or(file, "file_id", s.file_download, self._file("content")), methods=["GET"]),
            Route("/v1/models/{model_id:path}",
                  self._known_or(self._model_known, "model_id", model_by_id(self.emu), self._model), methods=["GET"]),
        ]

def mock_server_routes(emu: Emulator) -> list[Route]:
    """The routes that answer before the ordinary ones in mock-server mode; none by default."""
    return MockServer(emu).routes() if emu.settings.mock_server else []
