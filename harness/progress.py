"""Live progress while a run is under way: which layer each target is on, for how long, and retries.

Events come from the ladder (a layer starts, a target finishes) and the probe (a retry is scheduled). The
rendering is pure (``status_line``); only ``TerminalProgress.write`` touches the terminal, and the CLI uses it
only when standard error is a terminal and --quiet is not given.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

# probe name -> what the user is told is being probed
LAYER_OF_PROBE = {"network": "network", "key_info": "pre-checks", "count_tokens": "pre-checks", "models": "pre-checks",
                  "message": "message", "stream": "stream"}


@dataclass
class TargetState:
    layer: str = "starting"
    since: float = 0.0
    note: str = ""  # a retry in progress
    done: str | None = None  # the verdict once finished


@dataclass
class ProgressState:
    """What each target is doing; events update it, status_line renders it (pure, clock injected)."""

    total: int
    targets: dict[str, TargetState] = field(default_factory=dict)
    last: str | None = None  # the target of the latest event, shown first

    def probing(self, target: str, probe: str, now: float) -> None:
        layer = LAYER_OF_PROBE.get(probe, "conformance")
        state = self.targets.setdefault(target, TargetState(since=now))
        if state.layer != layer:
            state.layer, state.since = layer, now
        state.note = ""
        self.last = target

    def retrying(self, target: str, wait_s: float, reason: str, now: float) -> None:
        state = self.targets.setdefault(target, TargetState(since=now))
        state.note = f"retrying in {wait_s:.0f} s after {reason}"
        self.last = target

    def finished(self, target: str, verdict: str) -> None:
        self.targets.setdefault(target, TargetState()).done = verdict

    def status_line(self, now: float, width: int = 100) -> str:
        done = sum(1 for s in self.targets.values() if s.done)
        running = [(t, s) for t, s in self.targets.items() if not s.done]
        running.sort(key=lambda item: item[0] != self.last)
        parts = [f"claude-harness: {done}/{self.total} done"]
        for target, state in running:
            what = state.note or f"{state.layer} ({now - state.since:.1f} s)"
            parts.append(f"{target}: {what}")
        line = " · ".join(parts)
        return line if len(line) <= width else line[: max(0, width - 1)] + "…"


class TerminalProgress:
    """Redraws one status line on a terminal (standard error), and clears it at the end."""

    def __init__(self, total: int, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.state = ProgressState(total)
        self._stream = stream or sys.stderr
        self._clock = clock

    def probing(self, target: str, probe: str) -> None:
        self.state.probing(target, probe, self._clock())
        self.write()

    def retrying(self, target: str, wait_s: float, reason: str) -> None:
        self.state.retrying(target, wait_s, reason, self._clock())
        self.write()

    def finished(self, target: str, verdict: str) -> None:
        self.state.finished(target, verdict)
        self.write()

    def write(self) -> None:
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self._stream.write("\r\033[K" + self.state.status_line(self._clock(), width))
        self._stream.flush()

    def close(self) -> None:
        self._stream.write("\r\033[K")
        self._stream.flush()
