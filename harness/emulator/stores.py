"""The emulator's state beyond one request: uploaded files and message batches (per instance, bounded).

Time comes from the injected clock (monotonic seconds); wall-clock timestamps in answers are derived from the
moment the store was created, so a fake clock moves them too.
"""

from __future__ import annotations

import datetime as _dt
import email.parser
import email.policy
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MAX_FILES = 256
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_BATCHES = 256
MAX_BATCH_REQUESTS = 100_000  # the Message Batches API's own limit per batch
BATCH_EXPIRY = _dt.timedelta(hours=24)


class Clocked:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._epoch = _dt.datetime.now(_dt.timezone.utc)
        self._start = clock()

    def timestamp(self, at: float | None = None) -> str:
        moment = self._epoch + _dt.timedelta(seconds=(self.clock() if at is None else at) - self._start)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _page(items: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
    """The cursor pagination the Anthropic list endpoints share (limit, after_id, before_id)."""
    ids = [i["id"] for i in items]
    if query.get("after_id") in ids:
        items = items[ids.index(query["after_id"]) + 1:]
    elif query.get("before_id") in ids:
        items = items[: ids.index(query["before_id"])]
    limit = int(query["limit"]) if str(query.get("limit", "")).isdigit() else 20
    page = items[: max(1, min(limit, 1000))]
    return {"data": page, "has_more": len(items) > len(page), "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None}


@dataclass
class StoredFile:
    id: str
    filename: str
    mime_type: str
    content: bytes
    created_at: str

    def metadata(self) -> dict[str, Any]:
        return {"id": self.id, "type": "file", "filename": self.filename, "mime_type": self.mime_type,
                "size_bytes": len(self.content), "created_at": self.created_at, "downloadable": True}


class FileStore(Clocked):
    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__(clock)
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, filename: str, mime_type: str, content: bytes) -> StoredFile:
        stored = StoredFile(f"file_emu{secrets.token_hex(12)}", filename, mime_type, content, self.timestamp())
        with self._lock:
            self._files[stored.id] = stored
            while len(self._files) > MAX_FILES:
                self._files.popitem(last=False)
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def content(self, file_id: str) -> bytes | None:
        found = self._files.get(file_id)
        return found.content if found else None

    def delete(self, file_id: str) -> bool:
        with self._lock:
            return self._files.pop(file_id, None) is not None

    def listing(self, query: dict[str, str]) -> dict[str, Any]:
        newest_first = [f.metadata() for f in reversed(self._files.values())]
        return _page(newest_first, query)


def parse_upload(content_type: str, body: bytes) -> tuple[str, str, bytes] | None:
    """(filename, mime type, bytes) of the ``file`` part of a multipart/form-data upload, or None."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body)
    if not message.is_multipart():
        return None
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            name = part.get_filename() or "upload"
            return name, part.get_content_type() or "application/octet-stream", data
    return None


@dataclass
class Batch:
    id: str
    created: float
    created_at: str
    expires_at: str
    results: list[dict[str, Any]]  # {"custom_id", "result"} per request, decided at creation
    ready_after: float  # the clock reading from which processing has ended
    cancel_initiated_at: str | None = None
    ended_at: str | None = None
    canceled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class BatchStore(Clocked):
    def __init__(self, clock: Callable[[], float], processing_seconds: float = 0.0) -> None:
        super().__init__(clock)
        self.processing_seconds = processing_seconds
        self._batches: OrderedDict[str, Batch] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, results: list[dict[str, Any]]) -> Batch:
        now = self.clock()
        created = _dt.datetime.strptime(self.timestamp(now), "%Y-%m-%dT%H:%M:%S.%fZ")
        batch = Batch(f"msgbatch_emu{secrets.token_hex(12)}", now, self.timestamp(now),
                      (created + BATCH_EXPIRY).strftime("%Y-%m-%dT%H:%M:%S.%fZ"), results,
                      now + self.processing_seconds)
        with self._lock:
            self._batches[batch.id] = batch
            while len(self._batches) > MAX_BATCHES:
                self._batches.popitem(last=False)
        return batch

    def get(self, batch_id: str) -> Batch | None:
        return self._batches.get(batch_id)

    def delete(self, batch_id: str) -> bool:
        with self._lock:
            return self._batches.pop(batch_id, None) is not None

    def ended(self, batch: Batch) -> bool:
        return batch.ended_at is not None

    def advance(self, batch: Batch) -> None:
        """A read after creation: processing has ended once the batch's processing time has passed."""
        if batch.ended_at is None and self.clock() >= batch.ready_after:
            batch.ended_at = self.timestamp()
            if batch.canceled:
                batch.results = [{"custom_id": r["custom_id"], "result": {"type": "canceled"}}
                                 for r in batch.results]

    def cancel(self, batch: Batch) -> None:
        if batch.ended_at is None and not batch.canceled:
            batch.canceled = True
            batch.cancel_initiated_at = self.timestamp()

    def describe(self, batch: Batch, base_url: str) -> dict[str, Any]:
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if batch.ended_at is None:
            counts["processing"] = len(batch.results)
            status = "canceling" if batch.canceled else "in_progress"
        else:
            for entry in batch.results:
                counts[entry["result"]["type"]] += 1
            status = "ended"
        return {"id": batch.id, "type": "message_batch", "processing_status": status, "request_counts": counts,
                "ended_at": batch.ended_at, "created_at": batch.created_at, "expires_at": batch.expires_at,
                "archived_at": None, "cancel_initiated_at": batch.cancel_initiated_at,
                "results_url": f"{base_url}/v1/messages/batches/{batch.id}/results" if batch.ended_at else None}

    def listing(self, query: dict[str, str], base_url: str) -> dict[str, Any]:
        for batch in self._batches.values():
            self.advance(batch)
        newest_first = [self.describe(b, base_url) for b in reversed(self._batches.values())]
        return _page(newest_first, query)


class Stores:
    def __init__(self, clock: Callable[[], float], batch_seconds: float = 0.0) -> None:
        self.files = FileStore(clock)
        self.batches = BatchStore(clock, batch_seconds)
