"""Shared test helpers."""

from __future__ import annotations

import atexit
import json
import os
import socket
from pathlib import Path
from typing import Any

import jsonschema

from harness.resources import schemas_dir


def bare_env(**variables: str) -> dict[str, str]:
    """A minimal environment for a child process that keeps the test's clock: the pinned lifecycle day and, under
    `faketime`, its preload, so the child and this process agree on the time (a signature, a token's expiry)."""
    keep = ("CLAUDE_HARNESS_TODAY", "LD_PRELOAD", "DYLD_INSERT_LIBRARIES", "DYLD_FORCE_FLAT_NAMESPACE")
    clock = {k: v for k, v in os.environ.items() if k in keep or k.startswith("FAKETIME")}
    return {"PATH": "/usr/bin:/bin", **clock, **variables}


def validate_report(report: dict[str, Any]) -> None:
    schema = json.loads((schemas_dir() / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)


def read_report(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / "report.json").read_text())
    validate_report(data)
    return data


def make_tls_files(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, for an emulator served over TLS in tests."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

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
    return cert_file, key_file


_HELD: list[socket.socket] = []
atexit.register(lambda: [held.close() for held in _HELD])  # closed at exit, not left to the garbage collector


def dead_port() -> int:
    """A loopback port nothing listens on, and nothing else can take while this process runs: bound, never
    listening (a connection to it is refused), held open. A port found free and let go can be taken by another
    test's server before it is used."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    _HELD.append(held)
    return int(held.getsockname()[1])


def claude_code_machine(tmp_path: Path, monkeypatch: Any, env: dict[str, str], *, no_claude: bool = True) -> Path:
    """A machine whose only Claude Code configuration is ``env`` in the user settings file (HOME and the working
    folder under tmp_path); ``no_claude``: no claude binary on PATH, so the newest facts apply. Returns where the
    reports go."""
    home, work = tmp_path / "home", tmp_path / "work"
    (home / ".claude").mkdir(parents=True)
    (work / ".claude").mkdir(parents=True)
    (home / ".claude" / "settings.json").write_text(json.dumps({"env": env}))
    monkeypatch.setenv("HOME", str(home))
    if no_claude:
        monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.chdir(work)
    return tmp_path / "reports"
