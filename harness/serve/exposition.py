"""Prometheus text exposition (format 0.0.4) of one probe and of the exporter itself. Pure: no I/O.

Metric names are fixed by contract §5. Label values are only target names from the config, layer names, cause ids
from the catalogue and module names: nothing from a request or a response reaches a label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timezone

from ..checks.basic import Context, Verdict, credentials_accepted
from ..ladder import TargetRun, is_billable_probe
from ..lifecycle import lookup
from ..wire import read_stream

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# layer label -> the ladder checks that decide it (the first byte, first token and stream layers come from the
# streamed probe itself, see _layers)
LAYER_CHECKS: dict[str, tuple[str, ...]] = {
    "network": ("network.reachable",),
    "credentials": ("credentials.obtained",),
    "auth": ("auth.accepted",),
    "model": ("model.available", "model.access"),
    "message": ("message.text-and-usage",),
}
LAYERS = ("network", "credentials", "precheck", "auth", "model", "message", "first_byte", "first_token", "stream")
_DECIDING = ("passed", "warning", "failed", "error")  # blocked and skipped decide nothing
_PRECHECK_PROBES = ("count_tokens", "key_info", "models")


@dataclass(frozen=True)
class ProbeResult:
    """What one probe of one target found, ready to render (and to cache)."""

    target: str
    module: str
    success: bool
    duration_s: float
    layer_success: Mapping[str, bool]
    layer_duration_s: Mapping[str, float]
    undecided: Sequence[str] = ()  # layers this probe could not decide (module=free, a cut-short probe)
    cause: str | None = None
    transient: bool = False
    billable_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    retirement_ts: float | None = None
    cached: bool = False
    notes: Sequence[str] = field(default_factory=tuple)
    billable_attempted: bool = False  # a billable request was sent (accepted or not): starts the interval


def result_from_run(run: TargetRun, *, module: str, duration_s: float, notes: Sequence[str] = (),
                    cut_short: bool = False) -> ProbeResult:
    """Judge a finished ladder as Prometheus sees it: success, per-layer results, the root cause.

    ``cut_short``: the scrape's timeout stopped the ladder, so what it did not reach is undecided, not passed."""
    success_by_layer, durations = _layers(run)
    failed = [c for c in run.checks if c.status in ("failed", "error")]
    root = next((c for c in failed if c.cause), None)
    cause, transient = (root.cause, root.transient) if root else (None, False)
    rejected = free_auth_rejection(run) if module == "free" and not failed else None
    if rejected is not None:
        cause, transient = rejected.cause, rejected.transient
        success_by_layer["auth"] = False
    probing_passed = any(c.status in ("passed", "warning") and c.layer != "config" and c.id != "model.lifecycle"
                         for c in run.checks)
    not_run = any(c.not_run for c in run.checks)
    decided_all = not cut_short and (not not_run or module == "free")  # free stops before billing by design
    undecided = [layer for layer in LAYERS if layer not in success_by_layer and layer != "precheck"]  # a hint
    usage = run.usage
    info = run.lifecycle or lookup(run.target.provider.name, run.target.model)
    retires = (datetime.combine(info.retires, time(0), tzinfo=timezone.utc).timestamp()
               if info.retires is not None else None)
    return ProbeResult(
        target=run.target.id, module=module, success=not failed and not rejected and probing_passed and decided_all,
        duration_s=duration_s, layer_success=success_by_layer, layer_duration_s=durations, undecided=undecided,
        cause=cause, transient=transient,
        billable_calls=usage["billable_calls"], input_tokens=usage["input_tokens"],
        output_tokens=usage["output_tokens"], retirement_ts=retires, notes=tuple(notes),
        # a billable request the endpoint answered (a refused connection cannot have been billed)
        billable_attempted=any(is_billable_probe(name) and obs.status is not None
                               for name, obs in run.observations.items()),
    )


def free_auth_rejection(run: TargetRun) -> Verdict | None:
    """module=free: a free pre-check answered 401 or 403 and the body blames the credential. The wire decides the
    auth layer then; any other pre-check answer (a gateway without count_tokens: 404) stays a hint."""
    t = run.target
    for name in _PRECHECK_PROBES:
        obs = run.observations.get(name)
        if obs is None or obs.status not in (401, 403):
            continue
        verdict = credentials_accepted(obs, Context(t.provider.name, t.auth, t.model))
        if not verdict.passed and verdict.cause and verdict.cause.startswith("auth."):
            return verdict
    return None


def _layers(run: TargetRun) -> tuple[dict[str, bool], dict[str, float]]:
    by_id = {c.id: c for c in run.checks}
    success: dict[str, bool] = {}
    durations: dict[str, float] = {}
    for layer, ids in LAYER_CHECKS.items():
        decided = [by_id[i] for i in ids if i in by_id and by_id[i].status in _DECIDING]
        if decided:
            success[layer] = all(c.status in ("passed", "warning") for c in decided)
            timed = [c.duration_ms for c in decided if c.duration_ms is not None]
            if timed:
                durations[layer] = max(timed) / 1000.0
    prechecks = [run.observations[p] for p in _PRECHECK_PROBES if p in run.observations]
    if prechecks:  # a hint: a gateway may not serve them, so they never decide probe_success alone
        success["precheck"] = all(o.ok for o in prechecks)
        durations["precheck"] = sum(o.timings.total_ms or 0.0 for o in prechecks) / 1000.0
    stream = run.observations.get("stream")
    if stream is not None:
        success["first_byte"] = stream.answered
        if stream.timings.ttfb_ms is not None:
            durations["first_byte"] = stream.timings.ttfb_ms / 1000.0
        ttft = read_stream(run.target.provider.wire, stream).ttft_any_ms if stream.ok else None
        success["first_token"] = ttft is not None
        if ttft is not None:
            durations["first_token"] = ttft / 1000.0
        completes = by_id.get("stream.completes")
        if completes is not None and completes.status in _DECIDING:
            success["stream"] = completes.status in ("passed", "warning")
            if stream.timings.total_ms is not None:
                durations["stream"] = stream.timings.total_ms / 1000.0
    return success, durations


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")


def _labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{escape_label(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str,
               samples: Iterable[tuple[Mapping[str, str], float]]) -> None:
        rows = list(samples)
        if not rows:
            return
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        self.lines.extend(f"{name}{_labels(labels)} {_number(value)}" for labels, value in rows)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render_probe(result: ProbeResult) -> str:
    """The /probe answer, in the blackbox exporter's shape plus the probe_claude_* families."""
    out = _Writer()
    for note in result.notes:
        out.lines.append(f"# {note}".replace("\n", " "))
    if result.undecided:
        out.lines.append(f"# undecided layers (module={result.module}): {', '.join(result.undecided)}")
    out.family("probe_success", "gauge", "Displays whether or not the probe was a success",
               [({}, 1 if result.success else 0)])
    out.family("probe_duration_seconds", "gauge", "Returns how long the probe took to complete in seconds",
               [({}, round(result.duration_s, 6))])
    out.family("probe_claude_layer_success", "gauge",
               "Whether each layer of the ladder passed (absent: not decided by this probe)",
               [({"layer": layer}, 1 if result.layer_success[layer] else 0)
                for layer in LAYERS if layer in result.layer_success])
    out.family("probe_claude_layer_duration_seconds", "gauge", "How long the request that decided each layer took",
               [({"layer": layer}, round(result.layer_duration_s[layer], 6))
                for layer in LAYERS if layer in result.layer_duration_s])
    out.family("probe_claude_layer_undecided", "gauge", "Layers this probe could not decide (1), e.g. module=free",
               [({"layer": layer}, 1) for layer in result.undecided])
    if result.cause:
        out.family("probe_claude_failure", "gauge", "The root cause of a failed probe, as a catalogue cause id",
                   [({"cause": result.cause, "transient": "true" if result.transient else "false"}, 1)])
    out.family("probe_claude_billable_calls", "gauge", "Billable calls this scrape sent (0 when answered from cache)",
               [({}, 0 if result.cached else result.billable_calls)])
    out.family("probe_claude_tokens", "gauge", "Tokens this scrape spent, as the provider counted them",
               [({"direction": "input"}, 0 if result.cached else result.input_tokens),
                ({"direction": "output"}, 0 if result.cached else result.output_tokens)])
    if result.retirement_ts is not None:
        out.family("probe_claude_model_retirement_timestamp_seconds", "gauge",
                   "When the model retires (Unix time, midnight UTC)", [({}, result.retirement_ts)])
    out.family("probe_claude_cached", "gauge",
               "1 when this answer is the last result, repeated inside the minimum billable interval",
               [({}, 1 if result.cached else 0)])
    return out.text()


def render_failure(message: str, duration_s: float) -> str:
    """A probe that could not run at all (the scrape timeout passed while another scrape held the target)."""
    out = _Writer()
    out.lines.append(f"# {message}".replace("\n", " "))
    out.family("probe_success", "gauge", "Displays whether or not the probe was a success", [({}, 0)])
    out.family("probe_duration_seconds", "gauge", "Returns how long the probe took to complete in seconds",
               [({}, round(duration_s, 6))])
    return out.text()


@dataclass
class ExporterStats:
    """The exporter's own counters, for /metrics."""

    probes: dict[tuple[str, str], int] = field(default_factory=dict)  # (module, result) -> count
    cache_hits: dict[str, int] = field(default_factory=dict)  # target -> count
    billable_calls: dict[str, int] = field(default_factory=dict)  # target -> count
    tokens: dict[tuple[str, str], int] = field(default_factory=dict)  # (target, direction) -> count
    unknown_target: int = 0

    def count(self, result: ProbeResult) -> None:
        outcome = "cached" if result.cached else "success" if result.success else "failure"
        key = (result.module, outcome)
        self.probes[key] = self.probes.get(key, 0) + 1
        if result.cached:
            self.cache_hits[result.target] = self.cache_hits.get(result.target, 0) + 1
            return
        self.billable_calls[result.target] = self.billable_calls.get(result.target, 0) + result.billable_calls
        for direction, spent in (("input", result.input_tokens), ("output", result.output_tokens)):
            self.tokens[(result.target, direction)] = self.tokens.get((result.target, direction), 0) + spent


def render_exporter(stats: ExporterStats, targets: Sequence[str]) -> str:
    out = _Writer()
    out.family("claude_harness_exporter_probes_total", "counter", "Probes answered, by module and result",
               [({"module": m, "result": r}, n) for (m, r), n in sorted(stats.probes.items())])
    out.family("claude_harness_exporter_cache_hits_total", "counter",
               "Billable probes answered from the cache inside the minimum interval",
               [({"target": t}, stats.cache_hits.get(t, 0)) for t in targets])
    out.family("claude_harness_exporter_billable_calls_total", "counter", "Billable calls sent, by target",
               [({"target": t}, stats.billable_calls.get(t, 0)) for t in targets])
    out.family("claude_harness_exporter_tokens_total", "counter", "Tokens spent, by target and direction",
               [({"target": t, "direction": d}, stats.tokens.get((t, d), 0))
                for t in targets for d in ("input", "output")])
    out.family("claude_harness_exporter_unknown_target_total", "counter", "Probes refused: no such target",
               [({}, stats.unknown_target)])
    return out.text()
