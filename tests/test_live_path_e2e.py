"""The live code path over real HTTP: the CLI against the emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main
from harness.emulator import EmulatorSettings, RunningEmulator
from tests.helpers import read_report

CANARY = "canary-e2e-key-Pq7wL2"


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings(slow_seconds=1.5)) as emu:
        yield emu


def check_foundry(emu: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    monkeypatch.setenv("MY_FOUNDRY_KEY", CANARY)
    return main([
        "check", "--provider", "foundry", "--base-url", f"{emu.url}/anthropic", "--model", "my-deployment",
        "--auth", "api-key", "--api-key-env", "MY_FOUNDRY_KEY", "--report-dir", str(tmp_path), "--retries", "0",
        *extra,
    ])


def test_healthy_foundry_report(emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    code = check_foundry(emulator, tmp_path, monkeypatch)
    out = capsys.readouterr().out
    report = read_report(tmp_path)
    assert code == 0
    assert report["mode"] == "live"
    assert report["summary"]["verdict"] == "healthy"
    assert report["diagnoses"] == []
    assert {c["status"] for c in report["checks"] if c["id"] != "model.lifecycle"} == {"passed"}
    assert report["usage"]["billable_calls"] == 2
    assert report["usage"]["output_tokens"] > 0
    assert report["targets"][0]["endpoint"] == f"{emulator.url}/anthropic"
    assert "Verdict: healthy" in out
    everything = (tmp_path / "report.json").read_text() + out
    assert CANARY not in everything


@pytest.mark.parametrize(("fault", "cause", "failed_check", "exit_code"), [
    ("invalid-key", "auth.invalid-key", "auth.accepted", 1),
    ("missing-role", "auth.permission-denied", "auth.accepted", 1),
    ("unknown-model", "model.not-found", "model.available", 1),
    ("rate-limited", "rate-limit.exceeded", "message.text-and-usage", 3),
])
def test_broken_foundry_report(fault: str, cause: str, failed_check: str, exit_code: int,
                               emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    code = check_foundry(emulator, tmp_path, monkeypatch, "--header", f"x-emulator-fault: {fault}")
    out = capsys.readouterr().out
    report = read_report(tmp_path)
    assert code == exit_code == report["summary"]["exit_code"]
    root = [d for d in report["diagnoses"] if d["root"]]
    assert len(root) == 1 and root[0]["cause"] == cause
    failed = [c for c in report["checks"] if c["status"] == "failed"]
    assert [c["id"] for c in failed] == [failed_check]
    assert failed[0]["request_ids"].get("apim-request-id")
    assert "$MY_FOUNDRY_KEY" in failed[0]["reproduce"]
    blocked = [c for c in report["checks"] if c["status"] == "blocked"]
    assert blocked and all(c["blocked_by"] == failed_check for c in blocked)
    assert f"Root cause: {cause}" in out
    assert CANARY not in (tmp_path / "report.json").read_text() + out


def test_connection_refused_is_network_connect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        url = emu.url
    monkeypatch.setenv("K", "some-key-1")
    code = main(["check", "--provider", "anthropic", "--base-url", url, "--api-key-env", "K", "--retries", "0",
                 "--report-dir", str(tmp_path)])
    report = read_report(tmp_path)
    assert code == 1
    assert report["diagnoses"][0]["cause"] == "network.connect"
    assert [c["status"] for c in report["checks"]][2:] == ["failed"] + ["blocked"] * 6


def test_tls_to_plain_http_server_is_network_tls(emulator: RunningEmulator, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K", "some-key-1")
    code = main(["check", "--provider", "anthropic", "--base-url", f"https://127.0.0.1:{emulator.port}",
                 "--retries", "0",
                 "--api-key-env", "K", "--report-dir", str(tmp_path), "--format", "json"])
    report = read_report(tmp_path)
    assert code == 1 and report["diagnoses"][0]["cause"] == "network.tls"
