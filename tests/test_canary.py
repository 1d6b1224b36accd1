"""Canary secrets never appear in any output channel: report files in every format, stdout,
stderr, logs, JUnit, the GitHub job summary; for every emulator fault and every provider."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from harness.cli import main
from harness.emulator import FAULTS, EmulatorSettings, RunningEmulator, fault_applies

CANARY = "CANARY-opaque-7f3a9c1e5b2d4f60a8"  # no known key shape: only knowing the secret can hide it
SHAPED = "-".join(["sk", "ant", "api03", "CANARYcanaryCANARY0123456789"])  # key-shaped, built at run time
FORMATS = ("text", "json", "github")
CASES = [(f.name, p) for f in FAULTS.values() if f.scope != "token"
         for p in ("foundry", "anthropic", "openrouter") if fault_applies(f, p)]


def leaks(text: str, secret: str) -> list[str]:
    """The secret, or any 10-character piece of it, found in text."""
    pieces = {secret[i:i + 10] for i in range(len(secret) - 9)}
    return sorted(p for p in pieces if p in text)


def everything(tmp_path: Path, captured: tuple[str, str], logs: str) -> str:
    files = "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())
    return files + captured[0] + captured[1] + logs


@pytest.mark.parametrize(("fault", "provider"), CASES, ids=[f"{f}-{p}" for f, p in CASES])
def test_canary_never_leaks_for_any_fault(fault: str, provider: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "step-summary.md"))
    caplog.set_level(logging.DEBUG)
    fmt = FORMATS[CASES.index((fault, provider)) % len(FORMATS)]
    main(["check", "--mocked", "--provider", provider, "--fault", fault, "--api-key-env", "CANARY_KEY",
          "--slow-seconds", "1.2", "--format", fmt, "--report-dir", str(tmp_path / "reports")])
    output = everything(tmp_path, tuple(capsys.readouterr()), caplog.text)
    assert "sha256:" in output  # the credential is identified by fingerprint instead
    assert leaks(output, CANARY) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("secret", [CANARY, SHAPED])
@pytest.mark.parametrize("auth", ["x-api-key", "bearer"])
def test_canary_over_a_real_socket_full_profile(fmt: str, secret: str, auth: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("CANARY_KEY", secret)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "step-summary.md"))
    caplog.set_level(logging.DEBUG)
    with RunningEmulator(EmulatorSettings()) as emu:
        for fault in (None, "echo-key", "invalid-key", "error-after-200"):
            argv = ["check", "--provider", "anthropic", "--base-url", emu.url, "--auth", auth, "--retries", "0",
                    "--api-key-env", "CANARY_KEY", "--profile", "full", "--format", fmt,
                    "--report-dir", str(tmp_path / f"r-{fault}")]
            if fault:
                argv += ["--header", f"x-emulator-fault: {fault}"]
            main(argv)
    assert leaks(everything(tmp_path, tuple(capsys.readouterr()), caplog.text), secret) == []


def test_echoed_key_is_scrubbed_but_the_diagnosis_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY)
    main(["check", "--mocked", "--provider", "openrouter", "--fault", "echo-key", "--api-key-env", "CANARY_KEY",
          "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "Incorrect API key provided: [REDACTED] sha256:" in out
    assert "Root cause: auth.invalid-key" in out


def test_plugin_outputs_carry_no_canary(pytester: pytest.Pytester, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY)
    junit = tmp_path / "junit.xml"
    result = pytester.runpytest("--pyargs", "claude_harness_suites", "-p", "no:cacheprovider", "--harness-mocked",
                                "--harness-fault", "echo-key", "--harness-api-key-env", "CANARY_KEY", "-rA",
                                f"--junitxml={junit}", f"--harness-report-dir={tmp_path / 'reports'}")
    result.assert_outcomes(passed=18, failed=6, skipped=18 + 78)  # 6 targets: Vertex has no API keys to echo
    output = "\n".join(result.outlines + result.errlines)
    assert leaks(output + everything(tmp_path, ("", ""), ""), CANARY) == []


def test_redaction_is_what_stops_the_canary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """With the redactor disabled the canary does reach the output: the tests above can fail."""
    from harness import redact

    monkeypatch.setattr(redact.Redactor, "headers", lambda self, headers: dict(headers))
    monkeypatch.setattr(redact.Redactor, "text", lambda self, value: value)
    monkeypatch.setattr(redact.Redactor, "data", lambda self, value: value)
    monkeypatch.setenv("CANARY_KEY", CANARY)
    main(["check", "--mocked", "--provider", "anthropic", "--fault", "echo-key", "--api-key-env", "CANARY_KEY",
          "--report-dir", str(tmp_path)])
    assert leaks(everything(tmp_path, tuple(capsys.readouterr()), ""), CANARY)


def test_each_writer_depends_on_the_redactor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Bypassing the last redaction pass of the report alone already lets the echoed key through."""
    from harness.redact import Redactor

    real = Redactor.data
    monkeypatch.setattr(Redactor, "data", lambda self, value: value)
    monkeypatch.setenv("CANARY_KEY", CANARY)
    main(["check", "--mocked", "--provider", "anthropic", "--fault", "echo-key", "--api-key-env", "CANARY_KEY",
          "--report-dir", str(tmp_path)])
    monkeypatch.setattr(Redactor, "data", real)
    capsys.readouterr()
    # the probe scrubbed the body as it read it, so the report stays clean even then: two independent layers
    assert leaks((tmp_path / "report.json").read_text(), CANARY) == []


HEADER_CANARY = "CANARY-hdr-9f4e2b7c1a6d3e8f05"


@pytest.mark.parametrize("fault", [None, "invalid-key", "unknown-model"])
@pytest.mark.parametrize("how", ["flag", "env", "toml"])
def test_secret_custom_headers_never_leak(how: str, fault: str | None, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                          caplog: pytest.LogCaptureFixture) -> None:
    """An API Management key in front of Foundry (Ocp-Apim-Subscription-Key) is a secret in every output."""
    monkeypatch.setenv("CANARY_KEY", CANARY)
    monkeypatch.setenv("APIM_KEY", HEADER_CANARY)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(out / "step-summary.md"))
    caplog.set_level(logging.DEBUG)
    value = "env:APIM_KEY" if how == "env" else HEADER_CANARY
    with RunningEmulator(EmulatorSettings()) as emu:
        if how == "toml":
            config = tmp_path / "t.toml"
            config.write_text(f'[[targets]]\nprovider = "foundry"\nbase_url = "{emu.url}/anthropic"\n'
                              f'model = "d1"\napi_key_env = "CANARY_KEY"\n'
                              f'headers = {{"Ocp-Apim-Subscription-Key" = "{value}", "X-Team" = "ml"'
                              + (f', "x-emulator-fault" = "{fault}"' if fault else "") + "}\n")
            argv = ["check", "--config", str(config)]
        else:
            argv = ["check", "--provider", "foundry", "--base-url", f"{emu.url}/anthropic", "--model", "d1",
                    "--api-key-env", "CANARY_KEY", "--header", f"Ocp-Apim-Subscription-Key: {value}",
                    "--header", "X-Team: ml"]
        argv += ["--retries", "0", "--profile", "full", "--format", "github", "--report-dir", str(out / "r"),
                 "--record", str(out / "rec")]
        if fault and how != "toml":
            argv += ["--header", f"x-emulator-fault: {fault}"]
        main(argv)
    output = everything(out, tuple(capsys.readouterr()), caplog.text)  # the input config is not output
    where = [output[max(0, i - 150):i + 40] for i in [m.start() for m in re.finditer("9f4e2b7c1a", output)]][:2]
    assert leaks(output, HEADER_CANARY) == [], f"a secret custom header leaked: {where}"
    assert leaks(output, CANARY) == []
    if fault:
        assert '"Ocp-Apim-Subscription-Key: $' in output, "the reproduction names a variable instead"
    if fault:
        assert "X-Team: ml" in output, "headers that are not secret stay readable in the reproduction"
