"""Runs one target's probe for a scrape: the cost guard, the cache, one probe at a time per target.

module=free climbs the ladder through its free rungs and stops before the first billable request; smoke and full
are the ladder's profiles. A billable probe inside the target's minimum interval answers the last result, marked
cached, and sends nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import httpx

from ..auth import CredentialFactory
from ..config import Target
from ..ladder import DeadlineReached, Ladder, TargetRun, is_billable_probe
from ..observation import Observation
from ..probe import Prober, ProbeRequest
from ..redact import Redactor
from . import DEFAULT_MIN_BILLABLE_INTERVAL_S
from .exposition import ExporterStats, ProbeResult, result_from_run

if TYPE_CHECKING:
    from .otel import Telemetry

MODULES = ("free", "smoke", "full")
DEFAULT_SCRAPE_TIMEOUT_S = 30.0  # without Prometheus's header
TIMEOUT_OFFSET_S = 0.5  # answer this long before Prometheus gives up, as the blackbox exporter does
FREE_STOP = "module=free sends no billable call"


@dataclass(frozen=True)
class ServeTarget:
    target: Target
    min_billable_interval_s: float = DEFAULT_MIN_BILLABLE_INTERVAL_S


@dataclass
class Outcome:
    result: ProbeResult
    log: list[str] = field(default_factory=list)


class _FreeOnlyProber(Prober):
    """A prober that refuses every billable probe: the ladder stops there, having sent nothing billable.

    The ladder sends its free pre-checks and the message side by side, so a refused message first waits for the
    free requests already in flight: the pre-checks answer (or time out) before the ladder is stopped."""

    on_refused: Callable[[], None] | None = None
    _free_in_flight: int = 0

    async def send(self, req: ProbeRequest) -> Observation:
        if is_billable_probe(req.probe):
            while self._free_in_flight:
                await asyncio.sleep(0.005)
            if self.on_refused is not None:
                self.on_refused()
            raise DeadlineReached
        self._free_in_flight += 1
        try:
            return await super().send(req)
        finally:
            self._free_in_flight -= 1


def effective_timeout(header: str | None) -> float:
    """Seconds the probe may take: Prometheus's scrape timeout less the offset (header absent: 30 s)."""
    if header is None or not header.strip():
        return DEFAULT_SCRAPE_TIMEOUT_S - TIMEOUT_OFFSET_S
    seconds = float(header)  # ValueError for the caller to turn into HTTP 400
    if not seconds > 0 or seconds != seconds or seconds == float("inf"):
        raise ValueError(header)
    return max(0.1, seconds - TIMEOUT_OFFSET_S)


class ProbeService:
    def __init__(self, targets: Mapping[str, ServeTarget], *, transport: httpx.AsyncBaseTransport | None = None,
                 credential_factory: CredentialFactory | None = None, verify: bool | str = True,
                 clock: Callable[[], float] = time.monotonic, retries: int = 0,
                 telemetry: Telemetry | None = None) -> None:
        self.targets = dict(targets)
        self.transport = transport
        self.credential_factory = credential_factory
        self.verify = verify
        self.retries = retries
        self.clock = clock
        self.telemetry = telemetry  # OpenTelemetry export, when asked for
        self.stats = ExporterStats()
        self.redactor = Redactor()
        for entry in self.targets.values():
            for value in entry.target.secret_values():
                self.redactor.add(value)
        self._locks: dict[str, asyncio.Lock] = {}
        self._last: dict[str, tuple[float, Outcome]] = {}  # target -> (when the billable probe began, its outcome)

    async def probe(self, target_id: str, module: str, timeout_s: float) -> Outcome:
        """Probe one known target (the caller has checked the name and module)."""
        entry = self.targets[target_id]
        started = time.perf_counter()
        if module == "free":
            outcome = await self._run(entry.target, module, timeout_s)
            self.stats.count(outcome.result)
            return outcome
        lock = self._locks.setdefault(target_id, asyncio.Lock())
        try:  # a second scrape of the same target waits for the first, then answers from its result
            await asyncio.wait_for(lock.acquire(), timeout_s)
        except asyncio.TimeoutError:
            raise ProbeBusy(f"another scrape of {target_id} was still probing when this scrape's timeout "
                            f"({timeout_s:g} s) ran out; nothing was sent") from None
        try:
            cached = self._cached(entry, module)
            if cached is not None:
                self.stats.count(cached.result)
                if self.telemetry is not None:
                    self.telemetry.cached(cached.result)
                return cached
            began = self.clock()
            left = max(0.1, timeout_s - (time.perf_counter() - started))
            outcome = await self._run(entry.target, module, left, budget_s=timeout_s)
            if outcome.result.billable_attempted:
                self._last[target_id] = (began, outcome)
            self.stats.count(outcome.result)
            return outcome
        finally:
            lock.release()

    def _cached(self, entry: ServeTarget, module: str) -> Outcome | None:
        last = self._last.get(entry.target.id)
        if last is None:
            return None
        began, outcome = last
        age = self.clock() - began
        if age >= entry.min_billable_interval_s:
            return None
        note = (f"cached: the last billable probe (module={outcome.result.module}) ran {age:.0f} s ago, inside the "
                f"minimum billable interval of {entry.min_billable_interval_s:g} s; nothing was sent")
        result = replace(outcome.result, module=module, cached=True, notes=(note, *outcome.result.notes))
        return Outcome(result, [note, *outcome.log])

    async def _run(self, target: Target, module: str, timeout_s: float, *, budget_s: float | None = None
                   ) -> Outcome:
        deadline = time.monotonic() + timeout_s
        profile = "full" if module == "full" else "smoke"
        start, start_ns = time.perf_counter(), time.time_ns()
        prober_type = _FreeOnlyProber if module == "free" else Prober
        async with prober_type(self.redactor, transport=self.transport, verify=self.verify, retries=self.retries,
                               deadline=deadline) as prober:
            # a target's `features` are check's (its plan and budget); serve's modules send only their own rungs
            ladder = Ladder(replace(target, features=()), prober, self.credential_factory, profile=profile,
                            deadline=deadline)
            if isinstance(prober, _FreeOnlyProber):
                prober.on_refused = lambda: ladder.stop(FREE_STOP)
            await ladder.execute()
            run = ladder.finish()
        duration = time.perf_counter() - start
        notes = []
        cut_short = ladder.stopped_reason is not None and ladder.stopped_reason != FREE_STOP
        if cut_short:
            notes.append(f"the probe stopped early: the scrape timeout less {TIMEOUT_OFFSET_S:g} s "
                         f"({budget_s or timeout_s:g} s) ran out; the layers not reached are undecided")
        result = result_from_run(run, module=module, duration_s=duration, notes=notes, cut_short=cut_short)
        if self.telemetry is not None:
            self.telemetry.probe(run, result, start_ns, time.time_ns())
        return Outcome(result, self._log(run, module, duration, ladder.stopped_reason))

    def _log(self, run: TargetRun, module: str, duration_s: float, stopped: str | None) -> list[str]:
        """The probe's log for debug=true: every check and every request, already scrubbed, scrubbed again."""
        t = run.target
        lines = [f"probe target={t.id} module={module} provider={t.provider.name} model={t.model} "
                 f"endpoint={t.base_url} took {duration_s:.3f} s"]
        if stopped:
            lines.append(f"stopped: {stopped}")
        for name, obs in run.observations.items():
            lines.append(f"request {name}: {obs.method} {obs.url} -> {obs.status if obs.status is not None else '-'}"
                         f" total={_ms(obs.timings.total_ms)} first_byte={_ms(obs.timings.ttfb_ms)}"
                         + (f" phase={obs.phase} error={obs.error}" if obs.phase else ""))
        for check in run.checks:
            cause = f" cause={check.cause}" if check.cause else ""
            lines.append(f"check {check.id}: {check.status}{cause}: {check.message}")
        return [self.redactor.text(line) for line in lines]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}ms"


class ProbeBusy(Exception):
    """The scrape's timeout passed while another scrape of the same target was probing."""

