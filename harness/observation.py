"""Plain data recorded by the probe: what was sent, what came back, and when."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from .sse import ServerSentEvent

TransportPhase = Literal["dns", "connect", "tls", "timeout", "read", "protocol", "credential", "cap", "proxy"]


@dataclass(frozen=True)
class TimedEvent:
    at_ms: float
    event: ServerSentEvent


@dataclass
class Timings:
    total_ms: float | None = None
    ttfb_ms: float | None = None


@dataclass
class Observation:
    """One exchange (or one failed attempt at one). Headers are already redacted."""

    probe: str
    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: Any = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body_text: str | None = None
    events: list[TimedEvent] = field(default_factory=list)
    comments: int = 0
    phase: TransportPhase | None = None
    error: str | None = None
    timings: Timings = field(default_factory=Timings)
    details: dict[str, Any] = field(default_factory=dict)
    streamed: bool = False
    retries: list[dict[str, Any]] = field(default_factory=list)  # earlier attempts, each with why it was retried

    @property
    def answered(self) -> bool:
        return self.status is not None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.phase is None

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        if not self.body_text:
            return None
        try:
            return json.loads(self.body_text)
        except ValueError:
            return None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def request_ids(self, names: tuple[str, ...]) -> dict[str, str]:
        ids = {name: value for name in names if (value := self.header(name))}
        body = self.json()
        if isinstance(body, dict) and isinstance(body.get("request_id"), str) and "request-id" not in ids:
            ids["request-id"] = body["request_id"]
        return ids
