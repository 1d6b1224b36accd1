"""An incremental Server-Sent Events decoder.

Bytes are split into lines before any text is decoded, so a stream split at any
byte offset (even inside a UTF-8 sequence or between CR and LF) decodes to the
same events. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServerSentEvent:
    event: str | None
    data: str
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes chunk by chunk; collect complete events as they end."""

    def __init__(self) -> None:
        self._pending = b""
        self._event: str | None = None
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        self.comments: list[str] = []
        self.lines_seen = 0

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        self._pending += chunk
        events: list[ServerSentEvent] = []
        for line in self._take_lines(final=False):
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[ServerSentEvent]:
        """End of stream. A trailing line without newline is processed; an event
        with no closing blank line is dispatched too, since providers that drop
        the last blank line still meant it (the SDK decoders do the same)."""
        events: list[ServerSentEvent] = []
        for line in self._take_lines(final=True):
            event = self._line(line)
            if event is not None:
                events.append(event)
        tail = self._dispatch()
        if tail is not None:
            events.append(tail)
        return events

    def _take_lines(self, *, final: bool) -> list[bytes]:
        lines: list[bytes] = []
        buf = self._pending
        start = 0
        i = 0
        n = len(buf)
        while i < n:
            byte = buf[i]
            if byte == 0x0A:  # LF
                lines.append(buf[start:i])
                i += 1
                start = i
            elif byte == 0x0D:  # CR, maybe followed by LF
                if i + 1 == n and not final:
                    break  # wait: the LF may come in the next chunk
                lines.append(buf[start:i])
                i += 2 if i + 1 < n and buf[i + 1] == 0x0A else 1
                start = i
            else:
                i += 1
        self._pending = buf[start:]
        if final and self._pending:
            lines.append(self._pending)
            self._pending = b""
        return lines

    def _line(self, raw: bytes) -> ServerSentEvent | None:
        self.lines_seen += 1
        line = raw.decode("utf-8", errors="replace")
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            self.comments.append(line[1:].strip())
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data and self._event is None:
            return None
        event = ServerSentEvent(event=self._event, data="\n".join(self._data), id=self._id, retry=self._retry)
        self._event = None
        self._data = []
        self._retry = None
        return event


def decode_all(data: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    return decoder.feed(data) + decoder.close()
