"""Many targets: budgets refused before any request, per-host limits, deadlines, exit codes, GitHub output."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.cli import main
from harness.config import build_target
from harness.emulator import EmulatorSettings, create_app
from harness.emulator.inprocess import StreamingASGITransport
from harness.errors import HarnessError
from harness.probe import TARGET_EXTENSION
from harness.runner import RunOptions, run_and_report, worst_case
from tests.helpers import read_report


def targets(count: int, host: str = "emulator.invalid") -> list[Any]:
    env = {"K": "key-123456"}
    return [build_target({"provider": "anthropic", "name": f"t{i}", "base_url": f"http://{host}",
                          "api_key_env": "K", "allow_insecure_http": True}, env, default_id=f"t{i}")
            for i in range(count)]


class CountingTransport(httpx.AsyncBaseTransport):
    """Serves the emulator in-process and records how many requests are in flight (in all, and per host), and how
    many targets have one in flight."""

    def __init__(self, delay: float = 0.0) -> None:
        self.inner = StreamingASGITransport(create_app(EmulatorSettings()))
        self.in_flight = 0
        self.peak = 0
        self.calls = 0
        self.delay = delay
        self.per_target: Counter[str] = Counter()
        self.peak_targets = 0
        self.per_host: Counter[str] = Counter()
        self.peak_per_host = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target, host = request.extensions.get(TARGET_EXTENSION, ""), request.url.host
        self.calls += 1
        self.in_flight += 1
        self.per_target[target] += 1
        self.per_host[host] += 1
        self.peak = max(self.peak, self.in_flight)
        self.peak_targets = max(self.peak_targets, sum(1 for n in self.per_target.values() if n))
        self.peak_per_host = max(self.peak_per_host, self.per_host[host])
        try:
            await asyncio.sleep(self.delay)
            response = await self.inner.handle_async_request(request)
            await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=response.content)
        finally:
            self.in_flight -= 1
            self.per_target[target] -= 1
            self.per_host[host] -= 1


def test_budget_refusal_happens_before_any_request() -> None:
    transport = CountingTransport()
    plan = targets(5)
    assert worst_case(plan, "smoke").billable_calls == 10
    with pytest.raises(HarnessError) as info:
        run_and_report(plan, mode="mocked", transport=transport,
                       options=RunOptions(max_billable_calls=6, max_output_tokens=100))
    assert transport.calls == 0
    assert "10 billable calls, 4 over --max-billable-calls 6" in str(info.value)
    assert "up to 160 output tokens, 60 over --max-output-tokens 100" in str(info.value)


def test_budget_refusal_from_the_cli_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--max-billable-calls", "1", "--report-dir", str(tmp_path)])
    assert code == 2 and "exceeds the budget" in capsys.readouterr().err
    assert not (tmp_path / "report.json").exists()


def test_per_host_limit_bounds_concurrency() -> None:
    """An explicit host cap counts requests in flight, a target's own side-by-side requests included."""
    transport = CountingTransport(delay=0.01)
    report = run_and_report(targets(6), mode="mocked", transport=transport,
                            options=RunOptions(concurrency=6, per_host=2, per_deployment=100, retries=0))
    assert report["summary"]["verdict"] == "healthy"
    assert transport.peak == 2
    transport = CountingTransport(delay=0.01)
    run_and_report(targets(1), mode="mocked", transport=transport, options=RunOptions(per_host=1, retries=0))
    assert transport.peak == 1, "one target's requests go out one at a time under a host cap of 1"


def test_global_limit_bounds_concurrency_across_hosts() -> None:
    transport = CountingTransport(delay=0.01)
    plan = targets(3, "a.invalid") + targets(3, "b.invalid")
    plan = [build_target({"provider": "anthropic", "name": f"x{i}", "base_url": t.base_url, "api_key_env": "K",
                          "allow_insecure_http": True}, {"K": "key-123456"}, default_id="x")
            for i, t in enumerate(plan)]
    run_and_report(plan, mode="mocked", transport=transport, options=RunOptions(concurrency=3, per_deployment=100,
                                                                               retries=0))
    assert transport.peak_targets == 3, "--concurrency counts targets probed at once"
    transport = CountingTransport(delay=0.01)
    run_and_report(plan, mode="mocked", transport=transport, options=RunOptions(concurrency=3, per_host=3, retries=0))
    assert transport.peak_targets <= 3
    assert transport.peak_per_host == 3, "--per-host counts requests in flight to one host"


def test_deadline_stops_the_run_and_still_writes_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--emulator", "--provider", "anthropic", "--fault", "slow-first-byte", "--slow-seconds",
                 "5", "--timeout", "30", "--deadline", "1", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert report["complete"] is False
    assert code == 4 and report["summary"]["verdict"] == "inconclusive"
    skipped = [c for c in report["checks"] if c["status"] == "skipped"]
    assert skipped and all("deadline" in c["message"] for c in skipped)
    assert any("deadline" in n for n in report["notes"])


@pytest.mark.parametrize(("fault", "code", "verdict"), [
    ("invalid-key", 1, "broken"),  # setup broken
    ("overloaded", 3, "transient"),  # only the provider's passing trouble
])
def test_exit_code_taxonomy(fault: str, code: int, verdict: str, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--mocked", "--fault", fault, "--report-dir", str(tmp_path)]) == code
    capsys.readouterr()
    assert read_report(tmp_path)["summary"]["verdict"] == verdict


def test_all_blocked_run_is_inconclusive() -> None:
    """Every probe cut short by the deadline: nothing was checked, so the run is inconclusive (exit 4)."""
    report = run_and_report(targets(3), mode="mocked", transport=CountingTransport(delay=5.0),
                            options=RunOptions(deadline_s=0.05, retries=0))
    assert report["summary"]["verdict"] == "inconclusive" and report["summary"]["exit_code"] == 4
    assert report["summary"]["passed"] == 6  # only the offline checks: config and model lifecycle of each target
    assert report["summary"]["failed"] == 0
    assert report["complete"] is False


def test_github_format_annotates_failures_and_writes_the_job_summary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code = main(["check", "--mocked", "--fault", "missing-role", "--provider", "foundry", "--format", "github",
                 "--report-dir", str(tmp_path / "r")])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("::error title=emulated-foundry%3A auth.permission-denied")
    assert "Fix: Assign an Azure RBAC role" in out[0]
    assert out[-1].startswith("claude-harness: broken (exit 1)")
    assert summary.read_text().startswith("# claude-harness report: broken")
    assert os.environ["GITHUB_STEP_SUMMARY"] == str(summary)


def test_transient_failures_are_warnings_in_github_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--mocked", "--fault", "overloaded", "--provider", "anthropic", "--format", "github",
          "--report-dir", str(tmp_path)])
    assert capsys.readouterr().out.startswith("::warning ")


def test_default_limits_follow_what_providers_limit() -> None:
    """By default, distinct deployments on one host run side by side; one deployment and key gets 4 requests in
    flight at once, however many targets share it."""
    env = {"K": "key-123456"}
    deployments = [build_target({"provider": "anthropic", "name": f"d{i}", "base_url": "http://emulator.invalid",
                                 "model": f"deployment-{i}", "api_key_env": "K", "allow_insecure_http": True}, env,
                                default_id="d") for i in range(10)]
    transport = CountingTransport(delay=0.02)
    run_and_report(deployments, mode="mocked", transport=transport, options=RunOptions(retries=0))
    assert transport.peak_targets == 10, "one host with many deployments is not throttled to a per-host limit"
    assert transport.peak > 10, "each target's own requests go out side by side"
    transport = CountingTransport(delay=0.02)
    run_and_report(targets(10), mode="mocked", transport=transport, options=RunOptions(retries=0))
    assert transport.peak == 4, "targets sharing a deployment and key stay within the per-deployment default"
