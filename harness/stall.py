"""When this process stopped listening while a request was in flight (event-loop stalls).

Arrival times are evidence about the path only while the prober is reading: when the loop is held up (a busy
machine, a CPU-heavy check beside it, the in-process emulator's thread holding the interpreter), bytes that came
apart on the wire are read together, and a stream looks delivered at once when it was not. A tick that wakes late
marks a stall: when it ended and how long it lasted, in ms from the request's start.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

TICK_S = 0.005
MIN_STALL_MS = 20.0  # shorter delays are a loaded machine's ordinary jitter
EXPLAINING_STALL_MS = 50.0  # a stall this long as the events were read can hide a stream's spread
READ_WINDOW_MS = 20.0  # a stall that ended this close to the events' arrival ended "as they were read"
MAX_KEPT = 64


class StallWatch:
    def __init__(self, start: float, clock: Callable[[], float] = time.perf_counter, tick_s: float = TICK_S) -> None:
        self._start = start
        self._clock = clock
        self._tick_s = tick_s
        self.stalls: list[tuple[float, float]] = []  # (ended at ms, lasted ms)
        self._tick_from = start  # watching() restarts it; set here so the attribute always exists

    async def _watch(self) -> None:
        while True:
            self._tick_from = self._clock()
            await asyncio.sleep(self._tick_s)
            self._tick_done()

    def _tick_done(self) -> None:
        now = self._clock()
        late_ms = (now - self._tick_from - self._tick_s) * 1000.0
        if late_ms >= MIN_STALL_MS and len(self.stalls) < MAX_KEPT:
            self.stalls.append((round((now - self._start) * 1000.0, 1), round(late_ms, 1)))
        self._tick_from = now

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[StallWatch]:
        self._tick_from = self._clock()
        task = asyncio.ensure_future(self._watch())
        try:
            yield self
        finally:
            self._tick_done()  # a stall that ends with the request: its tick is due but has not run yet
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


BUSY_SHARE = 0.25  # stalled this share of the wait or more: the prober was too busy for its times to be the wire's


def stall_explains(stalls: list[tuple[float, float]] | list[list[float]], first_ms: float, last_ms: float,
                   span_ms: float) -> bool:
    """Whether the prober's own stalls explain events read together: a long stall that ended as they were read, or
    a loop stalled for a quarter of the wait or more."""
    longest = max(EXPLAINING_STALL_MS, span_ms)
    if any(first_ms - READ_WINDOW_MS <= ended <= last_ms + READ_WINDOW_MS and lasted >= longest
           for ended, lasted in stalls):
        return True
    return sum(lasted for ended, lasted in stalls if ended <= last_ms) >= BUSY_SHARE * last_ms
