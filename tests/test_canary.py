"""Canary secrets never appear in any output: report files, stdout, stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.emulator import EmulatorSettings, RunningEmulator

CANARY = "sk-ant-api03-CANARYcanaryCANARY0123456789"


def all_output(tmp_path: Path, captured: pytest.CaptureResult[str]) -> str:
    files = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    return files + captured.out + captured.err


@pytest.mark.parametrize("fault", [None, "invalid-key", "missing-role", "unknown-model", "rate-limited",
                                   "error-after-200", "html-error", "drop-connection"])
@pytest.mark.parametrize("auth", ["x-api-key", "bearer"])
def test_canary_never_leaks(fault: str | None, auth: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY)
    with RunningEmulator(EmulatorSettings()) as emu:
        argv = ["check", "--provider", "anthropic", "--base-url", emu.url, "--auth", auth, "--retries", "0",
                "--api-key-env",
                "CANARY_KEY", "--report-dir", str(tmp_path)]
        if fault:
            argv += ["--header", f"x-emulator-fault: {fault}"]
        main(argv)
        main([*argv, "--format", "json"])
    output = all_output(tmp_path, capsys.readouterr())
    assert CANARY not in output
    assert CANARY[-12:] not in output and CANARY[8:20] not in output
    assert "sha256:" in output  # the credential is identified by fingerprint instead


def test_redaction_is_what_stops_the_canary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """With the redactor disabled the canary does reach the output: the test above can fail."""
    from harness import redact

    monkeypatch.setattr(redact.Redactor, "headers", lambda self, headers: dict(headers))
    monkeypatch.setattr(redact.Redactor, "text", lambda self, value: value)
    monkeypatch.setattr(redact.Redactor, "data", lambda self, value: value)
    monkeypatch.setattr(redact.Secret, "describe", lambda self: self.reveal())
    monkeypatch.setenv("CANARY_KEY", CANARY)
    with RunningEmulator(EmulatorSettings()) as emu:
        main(["check", "--provider", "anthropic", "--base-url", emu.url, "--api-key-env", "CANARY_KEY",
              "--retries", "0",
              "--header", "x-emulator-fault: invalid-key", "--report-dir", str(tmp_path)])
    assert CANARY in all_output(tmp_path, capsys.readouterr())
