"""Prompt caching as the Messages API reports it: per emulator instance, bounded, on an injectable clock.

A ``cache_control`` breakpoint (on a tool, a system block or a message block; or the request's top-level
``cache_control``, which marks the last block) caches the prompt prefix up to and including it, when that prefix
reaches the model's minimum cacheable length. The first request writes it (``cache_creation_input_tokens``); a
repeat of the same prefix within its TTL (5 minutes, or ``ttl: "1h"``; each hit refreshes it) reads it
(``cache_read_input_tokens``). ``input_tokens`` is what follows the last breakpoint. The three add up to what
count_tokens answers for the same request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .usage import BASE_TOKENS, Segment

TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}
MAX_BREAKPOINTS = 4
DEFAULT_MAX_ENTRIES = 4096


@dataclass(frozen=True)
class CacheUsage:
    input_tokens: int
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    ephemeral_5m_input_tokens: int = 0
    ephemeral_1h_input_tokens: int = 0

    def fields(self) -> dict[str, Any]:
        """The usage keys of a Messages response (the cache_creation breakdown included)."""
        return {"input_tokens": self.input_tokens, "cache_creation_input_tokens": self.cache_creation_input_tokens,
                "cache_read_input_tokens": self.cache_read_input_tokens,
                "cache_creation": {"ephemeral_5m_input_tokens": self.ephemeral_5m_input_tokens,
                                   "ephemeral_1h_input_tokens": self.ephemeral_1h_input_tokens}}


def _ttl(control: dict[str, Any] | None) -> str:
    ttl = (control or {}).get("ttl")
    return ttl if ttl in TTL_SECONDS else "5m"


def breakpoint_count(segments: list[Segment]) -> int:
    return sum(1 for s in segments if s.cache_control)


class PromptCache:
    """Prefix hash -> expiry, least recently used evicted past ``max_entries``."""

    def __init__(self, clock: Callable[[], float], max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        self._clock = clock
        self._max = max_entries
        self._entries: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def account(self, scope: str, segments: list[Segment], min_tokens: int,
                auto: dict[str, Any] | None = None) -> CacheUsage:
        """Usage for one request (``scope``: provider and model, whose caches are separate), updating the cache."""
        if auto and segments and not any(s.cache_control for s in segments):
            last = segments[-1]
            segments = [*segments[:-1], Segment(last.tokens, last.content, auto)]
        total = BASE_TOKENS + sum(s.tokens for s in segments)
        if not any(s.cache_control for s in segments):  # nothing to cache: no hashing
            return CacheUsage(total)
        digest = hashlib.sha256(scope.encode())
        prefix = BASE_TOKENS
        points: list[tuple[str, int, str]] = []  # (prefix hash, prefix tokens, ttl)
        for segment in segments:
            digest.update(segment.key.encode())
            prefix += segment.tokens
            if segment.cache_control and prefix >= min_tokens:
                points.append((digest.copy().hexdigest(), prefix, _ttl(segment.cache_control)))
        if not points:
            return CacheUsage(total)
        now = self._clock()
        with self._lock:
            read = 0
            for key, tokens, ttl in points:
                expiry = self._entries.get(key)
                if expiry is not None and expiry > now:
                    read = tokens
                    self._store(key, now + TTL_SECONDS[ttl])  # a hit refreshes the entry
            written = {"5m": 0, "1h": 0}
            covered = read
            for key, tokens, ttl in points:
                if tokens > covered:
                    written[ttl] += tokens - covered
                    covered = tokens
                    self._store(key, now + TTL_SECONDS[ttl])
        cached_through = points[-1][1]
        creation = written["5m"] + written["1h"]
        return CacheUsage(total - cached_through, creation, read, written["5m"], written["1h"])

    def _store(self, key: str, expiry: float) -> None:
        self._entries[key] = expiry
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
