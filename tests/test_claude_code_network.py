"""`check --claude-code` resolves Claude Code's proxy, CA and client-certificate variables with where each came
from, applies them to the probes, and flags a settings-file NODE_EXTRA_CA_CERTS (Claude Code does not apply it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.claude_code_network import network_settings
from harness.cli import main
from harness.emulator import EmulatorSettings, RunningEmulator
from tests.certs import make_ca, make_leaf
from tests.helpers import claude_code_machine, dead_port, read_report


def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Path:
    reports = claude_code_machine(tmp_path, monkeypatch, env, no_claude=False)
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
                 "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    return reports


def test_a_settings_file_proxy_is_applied_reported_and_never_shows_its_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    port = dead_port()
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, {
            "ANTHROPIC_BASE_URL": emu.url, "ANTHROPIC_API_KEY": "k-claude-code-123456",
            "HTTP_PROXY": f"http://carol:proxy-pass-9x@127.0.0.1:{port}"})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    report = read_report(reports)
    assert code == 1
    assert {d["cause"] for d in report["diagnoses"] if d["root"]} == {"proxy.unreachable"}
    target = report["targets"][0]
    assert target["path"]["proxy"] == f"http://127.0.0.1:{port}"
    assert f"HTTP_PROXY = http://127.0.0.1:{port} (from ~/.claude/settings.json env)" in target["provenance"]
    line = f"path: through the proxy http://127.0.0.1:{port} (from HTTP_PROXY)"
    assert line in out  # every format shows the path
    assert line in (reports / "report.md").read_text() and line in (reports / "report.html").read_text()
    junit = (reports / "junit.xml").read_text()
    assert 'name="path.proxy_source" value="HTTP_PROXY"' in junit and 'name="path.via" value="proxy"' in junit
    for name in ("report.json", "report.md", "report.html", "junit.xml"):
        assert "proxy-pass-9x" not in out + (reports / name).read_text()
    import os
    assert "HTTP_PROXY" not in os.environ  # the shell's environment is restored


@pytest.mark.parametrize("where", ["settings", "shell"])
def test_node_extra_ca_certs_counts_only_from_the_shell(where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    ca = make_ca(tmp_path)
    cert, key = make_leaf(tmp_path, ca)
    with RunningEmulator(EmulatorSettings(), tls=(str(cert), str(key))) as emu:
        env = {"ANTHROPIC_BASE_URL": emu.url, "ANTHROPIC_API_KEY": "k-claude-code-123456"}
        if where == "settings":
            env["NODE_EXTRA_CA_CERTS"] = str(ca.pem)
        reports = _machine(tmp_path, monkeypatch, env)
        if where == "shell":
            monkeypatch.setenv("NODE_EXTRA_CA_CERTS", str(ca.pem))
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    capsys.readouterr()
    report = read_report(reports)
    if where == "settings":  # Claude Code would not trust it, so neither do the probes; and the user is told
        assert code == 1
        assert {d["cause"] for d in report["diagnoses"] if d["root"]} == {"network.tls-untrusted"}
        assert any("Claude Code does not apply it from a settings file" in n for n in report["notes"])
    else:
        assert code == 0, report["diagnoses"]
        assert f"NODE_EXTRA_CA_CERTS = {ca.pem} (from environment)" in report["targets"][0]["provenance"]


def test_client_certificate_settings_are_resolved_and_the_passphrase_never_shown() -> None:
    net = network_settings({"CLAUDE_CODE_CLIENT_CERT": ("/etc/c.pem", ".claude/settings.json env"),
                            "CLAUDE_CODE_CLIENT_KEY": ("/etc/k.pem", "environment"),
                            "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE": ("hunter2-pass", "environment"),
                            "CLAUDE_CODE_CERT_STORE": ("system", "environment")})
    assert net.client_cert == ("/etc/c.pem", "/etc/k.pem", "hunter2-pass")
    assert "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE = [set, not shown] (from environment)" in net.provenance
    assert "hunter2" not in " ".join(net.provenance + net.notes)
    assert any("CLAUDE_CODE_CERT_STORE=system" in n for n in net.notes)


def test_claude_codes_client_certificate_is_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """An endpoint that requires mutual TLS: refused without the certificate, healthy with Claude Code's."""
    ca = make_ca(tmp_path)
    server_cert, server_key = make_leaf(tmp_path, ca, stem="server")
    client_cert, client_key = make_leaf(tmp_path, ca, names=("claude-code-client",), stem="client")
    with RunningEmulator(EmulatorSettings(), tls=(str(server_cert), str(server_key)), client_ca=str(ca.pem)) as emu:
        env = {"ANTHROPIC_BASE_URL": emu.url, "ANTHROPIC_API_KEY": "k-claude-code-123456"}
        reports = _machine(tmp_path, monkeypatch, env)
        monkeypatch.setenv("NODE_EXTRA_CA_CERTS", str(ca.pem))
        refused = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports / "no-cert")])
        (tmp_path / "home" / ".claude" / "settings.json").write_text(json.dumps({"env": {
            **env, "CLAUDE_CODE_CLIENT_CERT": str(client_cert), "CLAUDE_CODE_CLIENT_KEY": str(client_key)}}))
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports / "cert")])
    capsys.readouterr()
    assert refused == 1
    assert read_report(reports / "no-cert")["diagnoses"][0]["cause"].startswith("network.")
    report = read_report(reports / "cert")
    assert code == 0, report["diagnoses"]
    assert f"CLAUDE_CODE_CLIENT_CERT = {client_cert} (from ~/.claude/settings.json env)" in \
        report["targets"][0]["provenance"]


def test_no_proxy_separated_by_spaces_as_claude_code_takes_it() -> None:
    net = network_settings({"NO_PROXY": ("localhost 127.0.0.1  .corp.example", ".claude/settings.json env"),
                            "HTTPS_PROXY": ("http://u:secret-pw@proxy:3128", "environment")})
    assert net.proxy_env["NO_PROXY"] == "localhost,127.0.0.1,.corp.example"
    assert "HTTPS_PROXY = http://proxy:3128 (from environment)" in net.provenance
