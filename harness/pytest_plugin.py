"""The pytest plugin: targets from options, one ladder run per target, the suites judge it.

Registered through the ``pytest11`` entry point. Reports are written on the
controller in ``pytest_sessionfinish``.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.config import Target, build_targets, infer_providers, load_toml_targets
from harness.emulated import IN_PROCESS_BASES, emulated_targets
from harness.emulator import EmulatorSettings, RunningEmulator, create_app
from harness.emulator.inprocess import StreamingASGITransport
from harness.emulator.tokens import in_process_credential
from harness.errors import HarnessError
from harness.ladder import TargetRun, run_target
from harness.probe import Prober
from harness.providers import PROVIDERS
from harness.redact import Redactor
from harness.report import build_report, merge_reports, renderings
from harness.report.writer import prepare_report_dir, write_report


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


SESSION_KEY = pytest.StashKey[HarnessSession]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claude-harness", "claude-harness targets")
    group.addoption("--harness-config", metavar="FILE", help="TOML file with [[targets]]")
    group.addoption("--harness-provider", choices=list(PROVIDERS), help="provider of a single target")
    group.addoption("--harness-base-url", help="endpoint root of a single target")
    group.addoption("--harness-model", help="model id or Foundry deployment name")
    group.addoption("--harness-auth", help="api-key, x-api-key, bearer or entra")
    group.addoption("--harness-api-key-env", metavar="VAR", help="variable holding the key")
    group.addoption("--harness-emulator", action="store_true", help="check the built-in emulator (loopback)")
    group.addoption("--harness-mocked", action="store_true", help="check the emulator in-process (no socket)")
    group.addoption("--harness-fault", action="append", default=[], help="emulator fault (repeatable)")
    group.addoption("--harness-report-dir", metavar="DIR", help="write report.json here at the end")
    group.addoption("--harness-profile", choices=("smoke", "full"), default="smoke",
                    help="smoke: prove it works; full: also validate schemas, streams, usage, headers, errors")


def _flags(config: pytest.Config) -> dict[str, Any]:
    names = ("provider", "base_url", "model", "auth", "api_key_env")
    return {n: v for n in names if (v := config.getoption(f"harness_{n}")) is not None}


def _session(config: pytest.Config) -> HarnessSession:
    env = dict(os.environ)
    flags = _flags(config)
    faults = frozenset(config.getoption("harness_fault"))
    if config.getoption("harness_mocked"):
        settings = EmulatorSettings(faults=faults, slow_seconds=1.5)
        targets = emulated_targets(IN_PROCESS_BASES, flags, env, faults=faults, in_process=True)
        return HarnessSession(targets, "mocked", transport=StreamingASGITransport(create_app(settings)),
                              credential_factory=in_process_credential(settings))
    if config.getoption("harness_emulator"):
        emulator = RunningEmulator(EmulatorSettings(faults=faults, slow_seconds=1.5)).start()
        bases = {p: emulator.base_url(p) for p in PROVIDERS}
        targets = emulated_targets(bases, {k: v for k, v in flags.items() if k != "auth" or v != "entra"}, env,
                                   faults=faults)
        return HarnessSession(targets, "emulator", emulator=emulator)
    config_file = config.getoption("harness_config")
    if config_file:
        return HarnessSession(build_targets(load_toml_targets(Path(config_file)), env), "live")
    if "provider" in flags:
        return HarnessSession(build_targets([flags], env), "live")
    providers = infer_providers(env)
    if not providers:
        looked = ", ".join(sorted({p.key_env for p in PROVIDERS.values()}))
        reason = (f"no live target: set one of {looked} (or pass --harness-config / --harness-provider); "
                  "--harness-emulator runs the suites against the built-in emulator")
        return HarnessSession([], "live", skip_reason=reason)
    return HarnessSession(build_targets([{"provider": p, "name": p} for p in providers], env), "live")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "harness_check(id): the harness check a suite test asserts")
    # with pytest-xdist --dist loadgroup, all tests of one target run on one worker: one ladder per target
    config.addinivalue_line("markers", "xdist_group(name): keep tests of one group on one pytest-xdist worker")
    try:
        session = _session(config)
        session.profile = config.getoption("harness_profile")
        config.stash[SESSION_KEY] = session
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None


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

    def __init__(self, run: TargetRun, node: pytest.Item) -> None:
        self.run = run
        self._node = node

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
        if check.status != "passed":
            from harness.diagnosis import entry, steps_for

            steps = " ".join(steps_for(entry(check.cause or "unclassified"), self.run.target.provider.name)[:2])
            pytest.fail(f"{check_id} [{check.cause}]: {check.message}\nFix: {steps}", pytrace=False)


@pytest.fixture(scope="session")
def harness_run(request: pytest.FixtureRequest, harness_target: Target) -> TargetRun:
    session = request.config.stash[SESSION_KEY]
    if harness_target.id not in session.runs:
        session.runs[harness_target.id] = asyncio.run(_run_one(session, harness_target))
    return session.runs[harness_target.id]


@pytest.fixture
def harness(request: pytest.FixtureRequest, harness_run: TargetRun) -> SuiteCheck:
    return SuiteCheck(harness_run, request.node)


async def _run_one(session: HarnessSession, target: Target) -> TargetRun:
    for value in target.secret_values():
        session.redactor.add(value)
    async with Prober(session.redactor, transport=session.transport) as prober:
        return await run_target(target, prober, session.credential_factory, profile=session.profile)


def _report(state: HarnessSession) -> dict[str, Any] | None:
    parts = list(state.worker_reports)
    if state.runs:
        parts.insert(0, build_report(list(state.runs.values()), mode=state.mode, redactor=state.redactor))
    return merge_reports(parts) if parts else None


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
            terminalreporter.write_line(f"    1. {diag['steps'][0]}")
