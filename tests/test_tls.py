"""TLS verification is on by default; a custom CA bundle works; turning it off is explicit and reported."""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli import main
from harness.emulator import EmulatorSettings, RunningEmulator
from tests.helpers import read_report


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningEmulator, Path]]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "claude-harness test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
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
    assert report["diagnoses"][0]["cause"] == "network.tls"
    assert "CA bundle" in " ".join(report["diagnoses"][0]["steps"])


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
