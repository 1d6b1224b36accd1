"""`--auth entra` runs the real DefaultAzureCredential chain against the emulator's
managed-identity endpoint (IDENTITY_ENDPOINT on loopback, never 169.254.169.254)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from tests.helpers import read_report


@pytest.mark.parametrize(("fault", "cause"), [
    (None, None),
    ("wrong-audience", "auth.token-wrong-audience"),
    ("expired-token", "auth.token-expired"),
    ("token-endpoint-down", "auth.credential-unavailable"),
])
def test_entra_with_real_default_azure_credential(fault: str | None, cause: str | None, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--emulator", "--auth", "entra", "--report-dir", str(tmp_path)]
    if fault:
        argv += ["--fault", fault]
    code = main(argv)
    captured = capsys.readouterr()
    report = read_report(tmp_path)
    assert [t["provider"] for t in report["targets"]] == ["foundry"]
    assert report["targets"][0]["auth"] == "entra"
    if cause is None:
        assert code == 0, captured.out
        claims = report["targets"][0]["credential_details"]["claims"]
        assert claims["aud"] == "https://cognitiveservices.azure.com"
    else:
        assert code == 1
        assert report["diagnoses"][0]["cause"] == cause
    if fault == "wrong-audience":
        assert report["targets"][0]["credential_details"]["claims"]["aud"] == "https://management.azure.com"
    text = (tmp_path / "report.json").read_text() + captured.out + captured.err
    assert "eyJ" not in text, "a token leaked into the output"
    assert "Traceback" not in captured.err


def test_identity_environment_is_restored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    main(["check", "--emulator", "--auth", "entra", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    assert "IDENTITY_ENDPOINT" not in os.environ and "IDENTITY_HEADER" not in os.environ
