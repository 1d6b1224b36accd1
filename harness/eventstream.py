"""The AWS event-stream framing (``application/vnd.amazon.eventstream``), as Bedrock streams use it (pure).

A frame is: total length (u32), headers length (u32), CRC32 of those 8 bytes, headers, payload, CRC32 of
everything before it. Bedrock's ``chunk`` events carry ``{"bytes": base64(one Anthropic stream event)}``; an
``exception`` frame carries ``{"message": …}`` and names the AWS exception in ``:exception-type``. The decoder
turns both into the server-sent events the rest of the harness already reads, exactly as the anthropic SDK does.
"""

from __future__ import annotations

import base64
import binascii
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .sse import ServerSentEvent

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_PRELUDE = 12
_MAX_HEADERS = 128 * 1024
_MAX_PAYLOAD = 24 * 1024 * 1024
_STRING = 7


class FrameError(ValueError):
    """The bytes are not a valid event-stream frame (a bad length or checksum)."""


@dataclass(frozen=True)
class Frame:
    headers: dict[str, str]
    payload: bytes


def encode(headers: dict[str, str], payload: bytes) -> bytes:
    raw = b"".join(struct.pack("!B", len(n.encode())) + n.encode() + bytes([_STRING])
                   + struct.pack("!H", len(v.encode())) + v.encode() for n, v in headers.items())
    total = _PRELUDE + len(raw) + len(payload) + 4
    prelude = struct.pack("!II", total, len(raw))
    head = prelude + struct.pack("!I", binascii.crc32(prelude)) + raw + payload
    return head + struct.pack("!I", binascii.crc32(head))


def chunk_frame(event: dict[str, Any], padding: str = "abcdefghij") -> bytes:
    inner = base64.b64encode(json.dumps(event, separators=(",", ":")).encode()).decode()
    payload = json.dumps({"bytes": inner, "p": padding}).encode()
    return encode({":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}, payload)


def exception_frame(exception: str, message: str) -> bytes:
    return encode({":exception-type": exception, ":content-type": "application/json", ":message-type": "exception"},
                  json.dumps({"message": message}).encode())


def _headers(raw: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    i = 0
    while i < len(raw):
        name_len = raw[i]
        name = raw[i + 1:i + 1 + name_len].decode("utf-8", "replace")
        i += 1 + name_len
        kind = raw[i]
        i += 1
        if kind in (0, 1):  # bool true / false
            headers[name] = "true" if kind == 0 else "false"
        elif kind in (2, 3, 4, 5, 8):  # byte, short, int, long, timestamp
            size = {2: 1, 3: 2, 4: 4, 5: 8, 8: 8}[kind]
            headers[name] = str(int.from_bytes(raw[i:i + size], "big", signed=True))
            i += size
        elif kind in (6, 7):  # bytes, string
            (length,) = struct.unpack("!H", raw[i:i + 2])
            headers[name] = raw[i + 2:i + 2 + length].decode("utf-8", "replace")
            i += 2 + length
        elif kind == 9:  # uuid
            headers[name] = raw[i:i + 16].hex()
            i += 16
        else:
            raise FrameError(f"unknown header value type {kind}")
    return headers


class EventStreamDecoder:
    """Incremental: feed bytes as they arrive (split anywhere), get whole frames back."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer.extend(data)
        frames = []
        while len(self._buffer) >= _PRELUDE:
            total, header_len, prelude_crc = struct.unpack("!III", self._buffer[:_PRELUDE])
            if binascii.crc32(self._buffer[:8]) != prelude_crc:
                raise FrameError("prelude checksum mismatch: this is not an AWS event stream")
            if header_len > _MAX_HEADERS or total - header_len - 16 > _MAX_PAYLOAD or total < 16 + header_len:
                raise FrameError(f"frame lengths out of range (total {total}, headers {header_len})")
            if len(self._buffer) < total:
                break
            frame = bytes(self._buffer[:total])
            del self._buffer[:total]
            (message_crc,) = struct.unpack("!I", frame[-4:])
            if binascii.crc32(frame[:-4]) != message_crc:
                raise FrameError("message checksum mismatch")
            frames.append(Frame(_headers(frame[_PRELUDE:_PRELUDE + header_len]), frame[_PRELUDE + header_len:-4]))
        return frames

    @property
    def pending(self) -> int:
        """Bytes of an unfinished frame left when the stream ended."""
        return len(self._buffer)


def to_event(frame: Frame) -> ServerSentEvent | None:
    """One frame as the Anthropic stream event it carries; an exception frame as an ``error`` event."""
    kind = frame.headers.get(":message-type", "event")
    payload = _json(frame.payload)
    if kind == "exception" or kind == "error":
        code = frame.headers.get(":exception-type") or frame.headers.get(":error-code") or "unknownException"
        said = (payload.get("message") or payload.get("Message")) if isinstance(payload, dict) else None
        message = said or frame.headers.get(":error-message") or frame.payload.decode("utf-8", "replace")
        data = {"type": "error", "error": {"type": code, "message": str(message)}}
        return ServerSentEvent(event="error", data=json.dumps(data))
    if not isinstance(payload, dict) or not isinstance(payload.get("bytes"), str):
        return None
    try:
        inner = base64.b64decode(payload["bytes"]).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ServerSentEvent(event="message", data=payload["bytes"])
    parsed = _json(inner.encode())
    name = parsed.get("type") if isinstance(parsed, dict) and isinstance(parsed.get("type"), str) else None
    return ServerSentEvent(event=name, data=inner)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None



def frames_from_sse(sse: bytes, *, error_names: Mapping[str, str] | None = None,
                    stop_metrics: Mapping[str, int] | None = None) -> list[bytes]:
    """Anthropic stream events (as SSE) framed as Bedrock frames them, one frame per event: the emulator's
    streams, and recorded streams (kept as readable SSE) framed again for replay. ``error_names`` maps an
    Anthropic error type to the Bedrock exception member (unmapped: modelStreamErrorException); without it the
    recorded name is kept. ``stop_metrics`` go on message_stop, as Bedrock's invocation metrics."""
    from .sse import SSEDecoder

    decoder = SSEDecoder()
    frames = []
    for event in decoder.feed(sse) + decoder.close():
        data = _json(event.data.encode())
        if not isinstance(data, dict):
            continue
        if data.get("type") == "error" or event.event == "error":
            found = data.get("error")
            error: dict[str, Any] = found if isinstance(found, dict) else {}
            kind = str(error.get("type"))
            name = kind if error_names is None else error_names.get(kind, "modelStreamErrorException")
            frames.append(exception_frame(name, str(error.get("message", ""))))
            continue
        if data.get("type") == "message_stop" and stop_metrics is not None:
            data = {**data, "amazon-bedrock-invocationMetrics": dict(stop_metrics)}
        frames.append(chunk_frame(data))
    return frames
