"""Every emulator fault is diagnosed with its expected cause, and healthy targets pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.emulator import FAULTS, fault_applies
from harness.providers import PROVIDERS
from tests.helpers import read_report

CASES = [
    (fault.name, provider)
    for fault in FAULTS.values()
    for provider in ("foundry", "anthropic", "openrouter")
    if fault_applies(fault, provider) and fault.expected_cause != "stream.buffered"  # a warning in smoke: below
]


@pytest.mark.parametrize(("fault", "provider"), CASES, ids=[f"{f}-{p}" for f, p in CASES])
def test_fault_is_diagnosed(fault: str, provider: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--mocked", "--provider", provider, "--fault", fault, "--slow-seconds", "1.5",
            "--report-dir", str(tmp_path), *FAULTS[fault].check_args]
    code = main(argv)
    capsys.readouterr()
    report = read_report(tmp_path)
    roots = [d for d in report["diagnoses"] if d["root"]]
    assert [d["cause"] for d in roots] == [FAULTS[fault].expected_cause]
    assert code in (1, 3)
    assert report["summary"]["verdict"] in ("broken", "transient")


# Bedrock adds model.access; Vertex ids have no lifecycle data (skipped, saying so).
@pytest.mark.parametrize(("provider", "passed"), [("foundry", 9), ("anthropic", 9), ("openrouter", 9),
                                                  ("bedrock", 10), ("vertex", 9)])
def test_healthy_emulated_provider_has_no_diagnoses(provider: str, passed: int, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", provider, "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert code == 0
    assert report["diagnoses"] == []
    assert report["summary"]["passed"] == passed
    assert report["summary"]["warning"] == 0


def test_transient_faults_exit_3_and_setup_faults_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--mocked", "--fault", "overloaded", "--report-dir", str(tmp_path / "a")]) == 3
    assert main(["check", "--mocked", "--fault", "invalid-key", "--report-dir", str(tmp_path / "b")]) == 1
    assert main(["check", "--mocked", "--fault", "spend-limit", "--report-dir", str(tmp_path / "c")]) == 1
    capsys.readouterr()


def test_emulator_default_run_checks_every_provider(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--emulator", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    report = read_report(tmp_path)
    assert code == 0 and report["mode"] == "emulator"
    assert sorted(t["provider"] for t in report["targets"]) == sorted(PROVIDERS)
    assert "Verdict: healthy (exit 0)" in out


@pytest.mark.parametrize("provider", ["anthropic", "foundry", "openrouter"])
def test_a_buffered_stream_warns_in_smoke_and_fails_in_full(provider: str, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    base = ["check", "--mocked", "--provider", provider, "--fault", "buffered-stream"]
    assert main([*base, "--report-dir", str(tmp_path / "smoke")]) == 0
    capsys.readouterr()
    smoke = read_report(tmp_path / "smoke")
    stream = next(c for c in smoke["checks"] if c["id"] == "stream.completes")
    assert (stream["status"], stream.get("cause"), smoke["diagnoses"]) == ("warning", "stream.buffered", [])
    assert main([*base, "--profile", "full", "--report-dir", str(tmp_path / "full")]) == 1
    capsys.readouterr()
    full = read_report(tmp_path / "full")
    assert [d["cause"] for d in full["diagnoses"] if d["root"]] == ["stream.buffered"]
    assert not any(c["status"] == "blocked" for c in full["checks"])  # the conformance checks still ran
