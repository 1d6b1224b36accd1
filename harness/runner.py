"""Runs the ladder for many targets concurrently and builds the report.

Concurrency is bounded globally (targets at once), per deployment and optionally per host
(requests in flight: a target's own requests go out side by side and each one counts);
one target's layers are still judged in order.
A cost guard refuses a plan beyond the budget before anything is sent, and a
whole-run deadline (or Ctrl-C) still yields a report of what was observed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from . import retry
from .auth import CredentialFactory
from .checks.conformance import TRUNCATION_MAX_TOKENS
from .config import Target
from .errors import HarnessError
from .features.run import plan_cost, plan_lines
from .inflight import RequestLimits
from .ladder import Ladder, TargetRun
from .probe import Prober
from .record import record_runs
from .redact import Redactor
from .report import build_report
from .report.model import INTERRUPTED_EXIT_CODE, utc_now


@dataclass(frozen=True)
class RunOptions:
    profile: str = "smoke"
    concurrency: int = 32  # targets probed at once
    per_deployment: int = 4  # requests in flight at once to one host, model and credential (what providers limit)
    per_host: int | None = None  # an optional cap on requests in flight per host (a gateway with its own limit)
    retries: int = retry.DEFAULT_RETRIES
    max_retry_wait_s: float = retry.DEFAULT_MAX_WAIT_S
    deadline_s: float | None = None  # the whole run
    verify: bool | str = True
    client_cert: tuple[str, str | None, str | None] | None = None  # (cert, key, passphrase): mTLS
    max_billable_calls: int | None = None
    max_output_tokens: int | None = None
    progress: Any = None  # a TerminalProgress (probing / retrying / finished), or None for no display
    on_runs: Any = None  # called with the finished runs before the report is built (OpenTelemetry export)
    in_order: bool = False  # internal: each probe after the one before (the old order), only as a benchmark baseline
    on_plan: Any = None  # called with the features plan's cost lines before anything is sent (printed by check)


@dataclass(frozen=True)
class Cost:
    billable_calls: int
    output_tokens: int


def worst_case(targets: Sequence[Target], profile: str) -> Cost:
    """The most a plan can bill: every billable probe generating its full max_tokens.

    Retries do not add to it: they follow answers that generated nothing (429, 529, 5xx, no connection).
    """
    calls = tokens = 0
    for target in targets:
        calls += 2
        tokens += 2 * target.max_tokens
        shape = target.claude_code_shape  # Claude Code's start-up tier probes (max_tokens 1) and thinking budget
        if shape is not None:
            calls += shape.billable_startup
            tokens += shape.billable_startup + shape.extra_output_tokens
        if profile == "full":
            calls += 3  # max_tokens probe, and the negative probes should the endpoint accept them
            tokens += TRUNCATION_MAX_TOKENS + 2
        for _feature, feature_calls, feature_tokens in plan_cost(target, profile):
            calls += feature_calls
            tokens += feature_tokens
    return Cost(calls, tokens)


def enforce_budget(cost: Cost, options: RunOptions) -> None:
    problems = []
    if options.max_billable_calls is not None and cost.billable_calls > options.max_billable_calls:
        problems.append(f"{cost.billable_calls} billable calls, {cost.billable_calls - options.max_billable_calls} "
                        f"over --max-billable-calls {options.max_billable_calls}")
    if options.max_output_tokens is not None and cost.output_tokens > options.max_output_tokens:
        problems.append(f"up to {cost.output_tokens} output tokens, {cost.output_tokens - options.max_output_tokens} "
                        f"over --max-output-tokens {options.max_output_tokens}")
    if problems:
        raise HarnessError(
            "The plan exceeds the budget: " + "; ".join(problems) + ". Nothing was sent.",
            fix="Raise the budget, check fewer targets, lower --max-tokens, or use --profile smoke.",
        )


async def run_ladders(
    ladders: Sequence[Ladder], prober: Prober, options: RunOptions
) -> list[TargetRun]:
    gate = asyncio.Semaphore(max(1, options.concurrency))
    # Providers rate-limit per deployment or model and per credential, so that is what the default keys on, per
    # request in flight: 20 deployments of one Foundry resource run side by side, 20 targets on one deployment and
    # key share its limit.
    limits = RequestLimits(per_deployment=options.per_deployment, per_host=options.per_host)

    async def one(ladder: Ladder) -> TargetRun:
        target = ladder.target
        async with gate:
            ladder.limits = limits
            ladder.on_probe = options.progress.probing if options.progress else None
            await ladder.execute()
            if options.progress:
                options.progress.finished(target.id, "done")
            return ladder.run

    return list(await asyncio.gather(*(one(ladder) for ladder in ladders)))


def run_and_report(
    targets: Sequence[Target],
    *,
    mode: str,
    options: RunOptions | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    credential_factory: CredentialFactory | None = None,
    notes: Sequence[str] = (),
    record_to: Path | None = None,
) -> dict[str, Any]:
    """Check every target and build the report; a deadline or Ctrl-C yields an incomplete one.

    With ``record_to``, what was observed is also written there as scrubbed fixtures.
    """
    options = options or RunOptions()
    feature_plan = plan_lines(targets, options.profile)
    if feature_plan and options.on_plan is not None:
        options.on_plan(feature_plan)  # before the budget check: a refused plan shows what it would have cost
    enforce_budget(worst_case(targets, options.profile), options)
    started_at = utc_now()
    if options.progress:
        options.progress.state.total = len(targets)
    redactor = Redactor()
    for target in targets:
        for value in target.secret_values():
            redactor.add(value)
    deadline = time.monotonic() + options.deadline_s if options.deadline_s is not None else None
    ladders = [Ladder(t, None, credential_factory, profile=options.profile, deadline=deadline,
                      in_order=options.in_order) for t in targets]
    notes = [*notes, *feature_plan]
    interrupted = False

    async def main() -> None:
        async with Prober(redactor, transport=transport, verify=options.verify, client_cert=options.client_cert,
                          retries=options.retries, max_retry_wait_s=options.max_retry_wait_s,
                          deadline=deadline) as prober:
            for ladder in ladders:
                ladder.prober = prober
            if options.progress:
                prober.on_retry = lambda req, wait, why: options.progress.retrying(req.target, wait, why)
            try:
                await run_ladders(ladders, prober, options)
            finally:
                if options.progress:
                    options.progress.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        interrupted = True
        notes.append("interrupted (Ctrl-C): the report holds what was observed before")
        for ladder in ladders:
            ladder.stop("the run was interrupted")
    runs = [ladder.finish() for ladder in ladders]
    if options.on_runs is not None:
        options.on_runs(runs)
    deadline_hit = any(ladder.stopped_reason and "deadline" in ladder.stopped_reason for ladder in ladders)
    if deadline_hit:
        notes.append(f"the run deadline of {options.deadline_s:g} s was reached before every check ran")
    if record_to is not None:
        record_runs(runs, record_to, redactor)
        notes.append(f"observations recorded to {record_to} (scrubbed)")
    return build_report(runs, mode=mode, redactor=redactor, incomplete=interrupted or deadline_hit,
                        interrupted=interrupted, notes=notes, started_at=started_at)


def interrupted_report(mode: str) -> dict[str, Any]:
    """The report of a run stopped by Ctrl-C before any target was checked: every format is still written."""
    return build_report([], mode=mode, redactor=Redactor(), incomplete=True, interrupted=True,
                        notes=["interrupted (Ctrl-C) before any target was checked: nothing was sent"])


def mark_interrupted(report: dict[str, Any]) -> None:
    """Ctrl-C after every check had finished: the report is complete, the exit code says it was interrupted."""
    report["summary"].update(interrupted=True, exit_code=INTERRUPTED_EXIT_CODE)
    report.setdefault("notes", []).append("interrupted (Ctrl-C) after every check had finished")


async def run_targets(
    targets: Sequence[Target],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    credential_factory: CredentialFactory | None = None,
    options: RunOptions | None = None,
    redactor: Redactor | None = None,
) -> tuple[list[TargetRun], Redactor]:
    """The async entry point for callers with their own event loop (the pytest plugin, benchmarks)."""
    options = options or RunOptions()
    redactor = redactor or Redactor()
    for target in targets:
        for value in target.secret_values():
            redactor.add(value)
    async with Prober(redactor, transport=transport, verify=options.verify, client_cert=options.client_cert,
                      retries=options.retries, max_retry_wait_s=options.max_retry_wait_s) as prober:
        ladders = [Ladder(t, prober, credential_factory, profile=options.profile, in_order=options.in_order)
                   for t in targets]
        await run_ladders(ladders, prober, options)
    return [ladder.finish() for ladder in ladders], redactor
