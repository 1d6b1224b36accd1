"""`--profile full` against every healthy emulated provider: zero failures, within the stated budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.conformance import CONFORMANCE_CHECKS, TRUNCATION_MAX_TOKENS
from harness.cli import main
from tests.helpers import read_report


@pytest.mark.parametrize("provider", ["foundry", "anthropic", "openrouter"])
def test_full_profile_is_green_and_within_budget(provider: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--emulator", "--provider", provider, "--profile", "full", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert code == 0, [c for c in report["checks"] if c["status"] == "failed"]
    assert report["summary"]["failed"] == 0
    ids = {c["id"] for c in report["checks"]}
    assert set(CONFORMANCE_CHECKS) <= ids
    usage = report["usage"]
    assert usage["billable_calls"] == 3  # one message, one stream, one max_tokens probe
    assert usage["output_tokens"] <= 2 * 16 + TRUNCATION_MAX_TOKENS


def test_full_profile_finds_a_broken_stream_without_blocking_the_rest(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", "anthropic", "--profile", "full", "--fault", "truncated-stream",
                 "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert code == 1
    assert report["diagnoses"][0]["cause"] == "conformance.stream"
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["stream.completes"] == "failed"
    assert statuses["stream.grammar"] == "blocked"  # a failed smoke layer blocks the conformance checks


def test_smoke_profile_runs_no_conformance_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--mocked", "--provider", "foundry", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert not {c["id"] for c in report["checks"]} & set(CONFORMANCE_CHECKS)
    assert report["usage"]["billable_calls"] == 2
