"""TLS verification is on by default; a custom CA bundle works; turning it off is explicit and reported."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main
from harness.emulator import EmulatorSettings, RunningEmulator
from tests.helpers import make_tls_files, read_report


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningEmulator, Path]]:
    cert_file, key_file = make_tls_files(tmp_path_factory.mktemp("tls"))
    with RunningEmulator(EmulatorSettings(), tls=(str(cert_file), str(key_file))) as emu:
        yield emu, cert_file


def check(emu: RunningEmulator, tmp_path: Path, *extra: str) -> int:
    return main(["check", "--provider", "anthropic", "--base-url", emu.url, "--api-key-env", "K", "--retries", "0",
                 "--report-dir", str(tmp_path), *extra])


def test_unknown_ca_is_a_tls_failure_by_default(tls_emulator: tuple[RunningEmulator, Path], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("K", "key-123456")
    assert check(tls_emulator[0], tmp_path) == 1
    capsys.readouterr()
    report = read_report(tmp_path)
    diagnosis = report["diagnoses"][0]
    assert diagnosis["cause"] == "network.tls-untrusted"  # a self-signed certificate: its issuer is not trusted
    assert "--ca-bundle" in " ".join(diagnosis["steps"]) and "NODE_EXTRA_CA_CERTS" in " ".join(diagnosis["steps"])
    assert diagnosis["tls"]["issuer"] == "commonName=claude-harness test CA"
    assert diagnosis["tls"]["self_signed"] is True and diagnosis["tls"]["tls_interception"] is False


@pytest.mark.parametrize("how", ["flag", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_custom_ca_bundle(how: str, tls_emulator: tuple[RunningEmulator, Path], tmp_path: Path,
                          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("K", "key-123456")
    emu, cert = tls_emulator
    extra: list[str] = []
    if how == "flag":
        extra = ["--ca-bundle", str(cert)]
    else:
        monkeypatch.setenv(how, str(cert))
    assert check(emu, tmp_path, *extra) == 0
    capsys.readouterr()


def test_insecure_is_explicit_and_reported(tls_emulator: tuple[RunningEmulator, Path], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("K", "key-123456")
    assert check(tls_emulator[0], tmp_path, "--insecure") == 0
    capsys.readouterr()
    assert "TLS verification was turned off (--insecure)" in read_report(tmp_path)["notes"]
