"""The pytest plugin's runtime: targets from options, one ladder run per target, the suites judge it.

Registered by harness/pytest_entry.py (the ``pytest11`` entry point, which only declares the options) when a
--harness-… option is used or the suites are collected. Reports are written on the controller in
``pytest_sessionfinish``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from .config import Target, build_targets, infer_providers, load_toml_targets, sdk_target, toml_strict
from .emulated import IN_PROCESS_BASES, emulated_targets
from .emulator import FAULTS, EmulatorSettings, RunningEmulator, create_app, unknown_faults
from .emulator.inprocess import StreamingASGITransport
from .emulator.tokens import in_process_credential
from .errors import HarnessError
from .ladder import Ladder, TargetRun
from .probe import Prober
from .providers import PROVIDERS
from .redact import Redactor
from .report import apply_strict, build_report, merge_reports, renderings
from .report.writer import prepare_report_dir, write_report
from .runner import RunOptions, enforce_budget, worst_case


@dataclass
class HarnessSession:
    targets: list[Target]
    mode: str
    skip_reason: str | None = None
    transport: httpx.AsyncBaseTransport | None = None
    credential_factory: Any = None
    emulator: RunningEmulator | None = None
    runs: dict[str, TargetRun] = field(default_factory=dict)
    profile: str = "smoke"
    worker_reports: list[dict[str, Any]] = field(default_factory=list)
    redactor: Redactor = field(default_factory=Redactor)
    options: RunOptions = field(default_factory=RunOptions)
    transient: str = "fail"  # fail | xfail
    strict: bool = False  # --harness-strict (or strict = true in --harness-config): warnings fail
    deadline: float | None = None


SESSION_KEY = pytest.StashKey[HarnessSession]()


# pytest option (without the harness_ prefix) -> the `check` flag attribute it mirrors
_MIRRORED = ("config", "provider", "base_url", "resource", "region", "project", "model", "auth", "api_key_env",
             "entra_scope", "anthropic_version", "timeout", "max_tokens", "retries", "max_retry_wait", "deadline",
             "max_billable_calls", "max_output_tokens", "ca_bundle", "profile", "workspace_id")
_CHECK_FLAGS = re.compile(r"--(?!harness-)(config|provider|base-url|resource|region|project|model|auth|api-key-env|"
                          r"entra-scope|"
                          r"anthropic-version|header|gateway|allow-insecure-http|timeout|max-tokens|retries|"
                          r"max-retry-wait|deadline|max-billable-calls|max-output-tokens|ca-bundle|insecure|"
                          r"emulator|mocked|fault|report-dir|profile|workspace-id)\b")


def as_pytest_options(text: str) -> str:
    """Hints name the pytest option a pytest user would change, not the command line's flag."""
    return _CHECK_FLAGS.sub(lambda m: f"--harness-{m.group(1)}", text)


def _namespace(config: pytest.Config) -> argparse.Namespace:
    """The pytest options as the `check` command's arguments, so both share one validation path."""
    get = config.getoption
    args = argparse.Namespace(**{name: get(f"harness_{name}") for name in _MIRRORED})
    args.config = Path(args.config) if args.config else None
    args.ca_bundle = Path(args.ca_bundle) if args.ca_bundle else None
    args.profile = args.profile or "smoke"
    args.header = list(get("harness_header"))
    args.gateway = bool(get("harness_gateway"))
    args.allow_insecure_http = bool(get("harness_allow_insecure_http"))
    args.insecure = bool(get("harness_insecure"))
    args.http_referer = args.x_title = None
    args.concurrency = get("harness_concurrency") or 1
    args.per_host, args.per_deployment = None, 4
    return args


def _session(config: pytest.Config) -> HarnessSession:
    from .commands import _apply_flags, _flag_target, _options

    env = dict(os.environ)
    args = _namespace(config)
    flags = _flag_target(args)
    faults = frozenset(config.getoption("harness_fault"))
    emulated = bool(config.getoption("harness_mocked") or config.getoption("harness_emulator"))
    if faults and not emulated:
        raise HarnessError("--harness-fault only applies to the built-in emulator.",
                           fix="Add --harness-emulator or --harness-mocked.")
    bad = unknown_faults(sorted(faults))
    if bad:
        raise HarnessError(f"Unknown fault(s): {', '.join(bad)}.", fix=f"Known faults: {', '.join(FAULTS)}.")
    options = _options(args, env, emulated=emulated)
    if config.getoption("harness_mocked"):
        settings = EmulatorSettings(faults=faults, slow_seconds=1.5)
        targets = emulated_targets(IN_PROCESS_BASES, flags, env, faults=faults, in_process=True)
        return HarnessSession(targets, "mocked", transport=StreamingASGITransport(create_app(settings)),
                              credential_factory=in_process_credential(settings), options=options)
    if config.getoption("harness_emulator"):
        emulator = RunningEmulator(EmulatorSettings(faults=faults, slow_seconds=1.5)).start()
        bases = {p: emulator.base_url(p) for p in PROVIDERS}
        targets = emulated_targets(bases, {k: v for k, v in flags.items() if k != "auth" or v != "entra"}, env,
                                   faults=faults)
        return HarnessSession(targets, "emulator", emulator=emulator, options=options)
    if args.config is not None:
        if any(k in flags for k in ("provider", "base_url", "resource", "model", "auth", "api_key_env")):
            raise HarnessError("--harness-config and per-target options (--harness-provider, …) are alternatives.",
                               fix="Put the settings in the TOML file, or drop --harness-config.")
        raws = [_apply_flags(raw, flags) for raw in load_toml_targets(args.config)]
        return HarnessSession(build_targets(raws, env, source=args.config), "live", options=options)
    if "provider" in flags:
        return HarnessSession(build_targets([flags], env), "live", options=options)
    providers = infer_providers(env)
    if not providers:
        looked = ", ".join(sorted({p.key_env for p in PROVIDERS.values()}))
        reason = (f"no live target: set one of {looked} (or pass --harness-config / --harness-provider); "
                  "--harness-emulator runs the suites against the built-in emulator")
        return HarnessSession([], "live", skip_reason=reason, options=options)
    raws = [{**sdk_target(PROVIDERS[p], env)[0], **flags} for p in providers]
    return HarnessSession(build_targets(raws, env), "live", options=options)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "harness_check(id): the harness check a suite test asserts")
    # with pytest-xdist --dist loadgroup, all tests of one target run on one worker: one ladder per target
    config.addinivalue_line("markers", "xdist_group(name): keep tests of one group on one pytest-xdist worker")
    try:
        session = _session(config)
        session.profile = session.options.profile
        session.transient = config.getoption("harness_transient") or "fail"
        config_file = config.getoption("harness_config")
        session.strict = bool(config.getoption("harness_strict")) or bool(
            config_file and toml_strict(Path(config_file)))
        if session.skip_reason and config.getoption("harness_require_live"):
            raise HarnessError(f"--harness-require-live: {session.skip_reason}",
                               fix="Provide the target's secret to this job, or drop --harness-require-live.")
        enforce_budget(worst_case(session.targets, session.profile), session.options)
        xdist = bool(getattr(config.option, "numprocesses", None)) or hasattr(config, "workerinput")
        if session.options.concurrency > 1 and xdist:
            raise HarnessError("--harness-concurrency and pytest-xdist (-n) both set how targets run in parallel.",
                               fix="Use one: -n N --dist loadgroup, or --harness-concurrency N.")
        if session.options.deadline_s is not None:
            session.deadline = time.monotonic() + session.options.deadline_s
        config.stash[SESSION_KEY] = session
    except HarnessError as exc:
        raise pytest.UsageError(as_pytest_options(str(exc))) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is not None and session.emulator is not None:
        session.emulator.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    session = config.stash.get(SESSION_KEY, None)
    if session is None:
        return []
    if not session.targets:
        return [f"claude-harness: {session.skip_reason}"]
    return [f"claude-harness ({session.mode}): " + ", ".join(
        f"{t.id}={t.provider.name}:{t.base_url} model={t.model} auth={t.auth}" for t in session.targets)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "harness_target" not in metafunc.fixturenames:
        return
    session = metafunc.config.stash[SESSION_KEY]
    if session.targets:
        params = [pytest.param(t, id=t.id, marks=pytest.mark.xdist_group(f"claude-harness-{t.id}"))
                  for t in session.targets]
        metafunc.parametrize("harness_target", params, scope="session")
    else:
        marks = pytest.mark.skip(reason=session.skip_reason or "no target")
        metafunc.parametrize("harness_target", [pytest.param(None, marks=marks, id="no-target")], scope="session")


class SuiteCheck:
    """What a suite test holds: the target's run, and a way to assert one check of it."""

    def __init__(self, run: TargetRun, node: pytest.Item, transient: str = "fail", strict: bool = False) -> None:
        self.run = run
        self._node = node
        self._transient = transient
        self._strict = strict

    def expect(self, check_id: str) -> None:
        check = self.run.check(check_id)
        props = self._node.user_properties
        props.append(("provider", self.run.target.provider.name))
        props.append(("target", self.run.target.id))
        props.append(("check", check_id))
        if check is None:
            pytest.fail(f"{check_id} was not part of this target's run")
        for name, value in check.request_ids.items():
            props.append((name, value))
        if check.cause:
            props.append(("cause", check.cause))
        if check.status == "blocked":
            pytest.skip(f"{check_id} blocked by {check.blocked_by}")
        if check.status == "skipped":
            pytest.skip(check.message)
        if check.status == "warning":  # passes: warnings never fail a run (contract §4); CI sees the property
            props.append(("warning", check.message))
            if self._strict:  # --harness-strict, as `check --strict`: warnings fail
                pytest.fail(as_pytest_options(f"{check_id} warning (--harness-strict): {check.message}"),
                            pytrace=False)
            return
        if check.status != "passed":
            from .diagnosis import entry, steps_for

            target = self.run.target
            steps = " ".join(steps_for(entry(check.cause or "unclassified"), target.provider.name,
                                       gateway=self.run.gateway)[:2])
            message = as_pytest_options(f"{check_id} [{check.cause}]: {check.message}\nFix: {steps}")
            if check.transient and self._transient == "xfail":
                pytest.xfail(f"transient: {message}")
            pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def harness_run(request: pytest.FixtureRequest, harness_target: Target) -> TargetRun:
    session = request.config.stash[SESSION_KEY]
    if session.options.concurrency > 1 and not session.runs:  # probe every target now, N at once
        session.runs.update(asyncio.run(_run_all(session)))
    if harness_target.id not in session.runs:
        session.runs[harness_target.id] = asyncio.run(_run_one(session, harness_target))
    return session.runs[harness_target.id]


async def _run_all(session: HarnessSession) -> dict[str, TargetRun]:
    gate = asyncio.Semaphore(session.options.concurrency)

    async def one(target: Target) -> tuple[str, TargetRun]:
        async with gate:
            return target.id, await _run_one(session, target)

    return dict(await asyncio.gather(*(one(t) for t in session.targets)))


@pytest.fixture
def harness(request: pytest.FixtureRequest, harness_run: TargetRun) -> SuiteCheck:
    session = request.config.stash[SESSION_KEY]
    return SuiteCheck(harness_run, request.node, session.transient, session.strict)


async def _run_one(session: HarnessSession, target: Target) -> TargetRun:
    for value in target.secret_values():
        session.redactor.add(value)
    o = session.options
    async with Prober(session.redactor, transport=session.transport, verify=o.verify, retries=o.retries,
                      max_retry_wait_s=o.max_retry_wait_s, deadline=session.deadline) as prober:
        ladder = Ladder(target, prober, session.credential_factory, profile=session.profile,
                        deadline=session.deadline)
        await ladder.execute()
        return ladder.finish()


def _report(state: HarnessSession) -> dict[str, Any] | None:
    parts = list(state.worker_reports)
    if state.runs:
        parts.insert(0, build_report(list(state.runs.values()), mode=state.mode, redactor=state.redactor))
    merged = merge_reports(parts) if parts else None
    return apply_strict(merged) if merged is not None and state.strict else merged


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist controller: collect what a worker observed."""
    state = node.config.stash.get(SESSION_KEY, None)
    payload = getattr(node, "workeroutput", {}).get("claude_harness_report")
    if state is not None and payload:
        state.worker_reports.append(json.loads(payload))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(SESSION_KEY, None)
    if state is None:
        return
    if hasattr(config, "workerinput"):  # an xdist worker: hand the runs to the controller, which writes
        if state.runs:
            partial = build_report(list(state.runs.values()), mode=state.mode, redactor=state.redactor)
            config.workeroutput["claude_harness_report"] = json.dumps(partial)  # type: ignore[attr-defined]
        return
    directory = config.getoption("harness_report_dir", None)
    merged = _report(state)
    if not directory or merged is None:
        return
    write_report(prepare_report_dir(Path(directory)), merged, renderings(merged))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(SESSION_KEY, None)
    if state is None or hasattr(config, "workerinput"):
        return
    report = _report(state)
    if report is None:
        return
    roots = [d for d in report["diagnoses"] if d["root"]]
    if roots:
        terminalreporter.section("claude-harness root causes")
        for diag in roots:
            terminalreporter.write_line(f"{diag['target']}: {diag['cause']} - {diag['title']}")
            terminalreporter.write_line(f"    1. {as_pytest_options(diag['steps'][0])}")
