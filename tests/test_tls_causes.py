"""Certificate failures are told apart, each with what was presented and the fix that works; the fix applied
passes. The emulator serves TLS with certificates made at test time (tests/certs.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.emulator import EmulatorSettings, RunningEmulator
from tests.certs import Authority, make_ca, make_leaf
from tests.helpers import read_report


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_ca(tmp_path_factory.mktemp("ca"))


def _serve(tmp: Path, ca: Authority, **leaf: Any) -> RunningEmulator:
    cert, key = make_leaf(tmp, ca, **leaf)
    return RunningEmulator(EmulatorSettings(), tls=(str(cert), str(key)))


def _check(emu: RunningEmulator, report_dir: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--provider", "anthropic", "--base-url", emu.url, "--api-key-env", "K", "--retries", "0",
                 "--report-dir", str(report_dir), "--quiet", *extra])
    return code, read_report(report_dir)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("K", "key-123456")
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield


def test_an_inspecting_proxys_ca_is_named_and_the_fix_for_each_client_given(
        ca: Authority, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _serve(tmp_path, ca) as emu:
        code, report = _check(emu, tmp_path / "r")
        out = capsys.readouterr().out
        assert code == 1
        root = report["diagnoses"][0]
        assert root["cause"] == "network.tls-untrusted"
        assert root["tls"]["issuer"] == "commonName=Example Corp TLS Inspection CA, organizationName=Example Corp"
        assert root["tls"]["subject"] == "commonName=127.0.0.1"
        assert root["tls"]["tls_interception"] is True  # signed by a CA that is not public: inspection
        assert "TLS-inspecting proxy is the likely cause" in root["evidence"]
        steps = " ".join(root["steps"])
        for fix in ("--ca-bundle", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"):
            assert fix in steps
        assert "Example Corp TLS Inspection CA" in out
        # the fix: trust the CA
        code, report = _check(emu, tmp_path / "fixed", "--ca-bundle", str(ca.pem))
        capsys.readouterr()
        assert code == 0 and report["diagnoses"] == []
        assert report["targets"][0]["path"]["certificate"]["public_ca"] is False


def test_a_certificate_for_other_names_is_a_hostname_mismatch(ca: Authority, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    with _serve(tmp_path, ca, names=("gateway.internal.example",)) as emu:
        code, report = _check(emu, tmp_path / "r", "--ca-bundle", str(ca.pem))
        capsys.readouterr()
    root = report["diagnoses"][0]
    assert code == 1 and root["cause"] == "network.tls-hostname"
    assert root["tls"]["names"] == ["gateway.internal.example"]
    assert "127.0.0.1" in root["tls"]["verify_message"]


def test_an_expired_certificate_names_its_dates(ca: Authority, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with _serve(tmp_path, ca, expired=True) as emu:
        code, report = _check(emu, tmp_path / "r", "--ca-bundle", str(ca.pem))
        capsys.readouterr()
    root = report["diagnoses"][0]
    assert code == 1 and root["cause"] == "network.tls-expired"
    assert root["tls"]["not_after"] < report["started_at"]
    assert root["tls"]["not_after"] in root["evidence"]
