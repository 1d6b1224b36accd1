"""The Messages API's routes beyond Messages: Message Batches and Files (the emulator's edge; state in stores).

Message Batches: create (and cancel) answer ``in_progress`` (``canceling``); processing ends at the next read
once the batch's processing time (``EmulatorSettings.batch_seconds``, on the injected clock) has passed; each
request is answered as ``/v1/messages`` would answer it (its validation failures become ``errored`` results).
Files: upload (multipart), list, metadata, download, delete; a ``{"type": "file", "file_id": ...}`` source in a
message reads the stored bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import responses as r
from .host import host_of
from .stores import MAX_BATCH_REQUESTS, MAX_FILE_BYTES, parse_upload
from .validate import anthropic_generation_error

if TYPE_CHECKING:
    from .app import Emulator, Provider


def _error(status: int, kind: str, message: str, headers: dict[str, str]) -> Response:
    return JSONResponse({"type": "error", "error": {"type": kind, "message": message}}, status_code=status,
                        headers=headers)


class Surface:
    """``provider``: whose credentials and headers the routes speak (a provider package mounts them: the Messages
    API's Batches and Files at its root, or the Files API alone under its mount, with its own credentials)."""

    def __init__(self, emu: Emulator, provider: Provider) -> None:
        self.emu = emu
        self.provider = provider
        self.files = emu.stores.files
        self.batches = emu.stores.batches

    def _gate(self, request: Request) -> tuple[dict[str, str], Response | None]:
        host = host_of(self.provider)
        ids = host.ids()
        denied = host.authenticate(self.emu, request, b"", "", ids)
        return host.headers(ids), denied

    @staticmethod
    def _base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    # --- Message Batches ---------------------------------------------------------------------------------------
    def _answer(self, params: Any) -> dict[str, Any]:
        """One batch request's result, as /v1/messages would answer it."""
        if not isinstance(params, dict) or not isinstance(params.get("model"), str):
            return {"type": "errored", "error": {"type": "error", "error": {
                "type": "invalid_request_error", "message": "model: Field required"}}}
        problem = anthropic_generation_error(params) or self.emu.request_problem(self.provider, params)
        if problem is not None:
            return {"type": "errored", "error": {"type": "error", "error": {
                "type": "invalid_request_error", "message": problem}}}
        if params.get("stream") is True:
            return {"type": "errored", "error": {"type": "error", "error": {
                "type": "invalid_request_error", "message": "stream: Streaming is not supported in batches"}}}
        model = params["model"]
        digest = hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()[:24]
        usage = self.emu._usage(self.provider, model, params)
        message = r.anthropic_message(f"msg_emu{digest}", model, params, usage=usage)
        return {"type": "succeeded", "message": message}

    async def batch_create(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            return _error(400, "invalid_request_error", "requests: List should have at least 1 item after "
                                                        "validation, not 0", headers)
        if len(requests) > MAX_BATCH_REQUESTS:
            return _error(400, "invalid_request_error", f"requests: List should have at most {MAX_BATCH_REQUESTS} "
                                                        f"items after validation, not {len(requests)}", headers)
        seen: set[str] = set()
        results = []
        for index, entry in enumerate(requests):
            custom_id = entry.get("custom_id") if isinstance(entry, dict) else None
            if not isinstance(custom_id, str) or not custom_id:
                return _error(400, "invalid_request_error", f"requests.{index}.custom_id: Field required", headers)
            if custom_id in seen:
                return _error(400, "invalid_request_error", f"Duplicate custom_id: {custom_id}", headers)
            seen.add(custom_id)
            results.append({"custom_id": custom_id, "result": self._answer(entry.get("params"))})
        batch = self.batches.create(results)
        return JSONResponse(self.batches.describe(batch, self._base(request)), headers=headers)

    def _batch(self, request: Request, headers: dict[str, str]) -> Any:
        batch_id = request.path_params["batch_id"]
        batch = self.batches.get(batch_id)
        if batch is None:
            return _error(404, "not_found_error", f"No batch found with id: {batch_id}", headers)
        return batch

    async def batch_retrieve(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        batch = self._batch(request, headers)
        if isinstance(batch, Response):
            return batch
        self.batches.advance(batch)
        return JSONResponse(self.batches.describe(batch, self._base(request)), headers=headers)

    async def batch_list(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        return JSONResponse(self.batches.listing(dict(request.query_params), self._base(request)), headers=headers)

    async def batch_cancel(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        batch = self._batch(request, headers)
        if isinstance(batch, Response):
            return batch
        self.batches.cancel(batch)  # answered "canceling"; the next read finds it ended
        return JSONResponse(self.batches.describe(batch, self._base(request)), headers=headers)

    async def batch_results(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        batch = self._batch(request, headers)
        if isinstance(batch, Response):
            return batch
        self.batches.advance(batch)
        if not self.batches.ended(batch):
            return _error(400, "invalid_request_error", f"Batch {batch.id} has not completed processing yet.",
                          headers)
        lines = "".join(json.dumps(entry, separators=(",", ":")) + "\n" for entry in batch.results)
        return Response(lines, headers=headers, media_type="application/binary")

    async def batch_delete(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        batch = self._batch(request, headers)
        if isinstance(batch, Response):
            return batch
        self.batches.advance(batch)
        if not self.batches.ended(batch):
            return _error(400, "invalid_request_error", f"Batch {batch.id} cannot be deleted while it is in "
                                                        "progress. Cancel it first.", headers)
        self.batches.delete(batch.id)
        return JSONResponse({"id": batch.id, "type": "message_batch_deleted"}, headers=headers)

    # --- Files -----------------------------------------------------------------------------------------------
    async def file_upload(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        raw = await request.body()
        if len(raw) > MAX_FILE_BYTES + 65536:
            return _error(413, "request_too_large", f"The emulator keeps files up to {MAX_FILE_BYTES} bytes.",
                          headers)
        upload = parse_upload(request.headers.get("content-type", ""), raw)
        if upload is None:
            return _error(400, "invalid_request_error", "file: Field required", headers)
        stored = self.files.add(*upload)
        return JSONResponse(stored.metadata(), headers=headers)

    def _file(self, request: Request, headers: dict[str, str]) -> Any:
        file_id = request.path_params["file_id"]
        found = self.files.get(file_id)
        if found is None:
            return _error(404, "not_found_error", f"File not found: {file_id}", headers)
        return found

    async def file_list(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        return JSONResponse(self.files.listing(dict(request.query_params)), headers=headers)

    async def file_retrieve(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        found = self._file(request, headers)
        return found if isinstance(found, Response) else JSONResponse(found.metadata(), headers=headers)

    async def file_download(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        found = self._file(request, headers)
        if isinstance(found, Response):
            return found
        return Response(found.content, headers=headers, media_type=found.mime_type)

    async def file_delete(self, request: Request) -> Response:
        headers, denied = self._gate(request)
        if denied is not None:
            return denied
        found = self._file(request, headers)
        if isinstance(found, Response):
            return found
        self.files.delete(found.id)
        return JSONResponse({"id": found.id, "type": "file_deleted"}, headers=headers)

    def routes(self) -> list[Route]:
        return [
            Route("/v1/messages/batches", self.batch_create, methods=["POST"]),
            Route("/v1/messages/batches", self.batch_list, methods=["GET"]),
            Route("/v1/messages/batches/{batch_id}", self.batch_retrieve, methods=["GET"]),
            Route("/v1/messages/batches/{batch_id}", self.batch_delete, methods=["DELETE"]),
            Route("/v1/messages/batches/{batch_id}/cancel", self.batch_cancel, methods=["POST"]),
            Route("/v1/messages/batches/{batch_id}/results", self.batch_results, methods=["GET"]),
            Route("/v1/files", self.file_upload, methods=["POST"]),
            Route("/v1/files", self.file_list, methods=["GET"]),
            Route("/v1/files/{file_id}", self.file_retrieve, methods=["GET"]),
            Route("/v1/files/{file_id}", self.file_delete, methods=["DELETE"]),
            Route("/v1/files/{file_id}/content", self.file_download, methods=["GET"]),
        ]

    def file_routes(self, prefix: str) -> list[Route]:
        """The Files API alone, under ``prefix`` (for a host whose Batches and Models APIs are not served)."""
        return [
            Route(f"{prefix}/v1/files", self.file_upload, methods=["POST"]),
            Route(f"{prefix}/v1/files", self.file_list, methods=["GET"]),
            Route(f"{prefix}/v1/files/{{file_id}}", self.file_retrieve, methods=["GET"]),
            Route(f"{prefix}/v1/files/{{file_id}}", self.file_delete, methods=["DELETE"]),
            Route(f"{prefix}/v1/files/{{file_id}}/content", self.file_download, methods=["GET"]),
        ]
