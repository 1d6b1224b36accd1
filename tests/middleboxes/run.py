"""Run real middleboxes on 127.0.0.1 in front of the emulator and check the harness's verdict on each case.

    python -m tests.middleboxes.run                               # check, print a table, exit 1 on a wrong verdict
    python -m tests.middleboxes.run --record fixtures/middleboxes # also write the scrubbed answers, with versions

Servers: nginx, haproxy and squid from PATH (Debian: apt-get install nginx haproxy squid), mitmdump from PATH or
HARNESS_MITMDUMP (PyPI: pip install 'mitmproxy>=11,<12'). A missing server's cases are skipped with a reason.
Every server binds 127.0.0.1 and forwards only to the emulator on 127.0.0.1; nothing leaves this machine.
The recorded answers are replayed by tests/test_middleboxes_replay.py in the fast suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config import build_target
from harness.emulator import EmulatorSettings, RunningEmulator
from harness.report import build_report
from harness.runner import RunOptions, run_targets
from tests.certs import make_ca, make_leaf
from tests.helpers import dead_port

KEY = "sk-ant-middlebox-test-key-0001"
PROXY_USER, PROXY_PASSWORD = "alice", "proxy-secret-77"


@dataclass
class Case:
    server: str
    name: str
    expected_cause: str | None  # the root cause; None: healthy
    expected_exit: int
    base: str = "plain"  # which emulator: plain | tls | slow | paced
    env: dict[str, str] = field(default_factory=dict)
    ca_bundle: bool = False  # trust the test CA (or mitmproxy's)
    profile: str = "smoke"
    warning: str | None = None  # a warning cause expected on a passing run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def version(argv: list[str]) -> str:
    out = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (out.stdout + out.stderr).strip().splitlines()[0]


@contextlib.contextmanager
def process(argv: list[str], port: int, cwd: Path) -> Iterator[None]:
    with open(cwd / "server.log", "wb") as log:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_port(port)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


# --- server configurations -----------------------------------------------------------------------------------------

def nginx_conf(folder: Path, port: int, upstream: int, extra: str, location: str = "") -> Path:
    conf = folder / "nginx.conf"
    conf.write_text(f"""
daemon off; worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off; client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
  server {{
    listen 127.0.0.1:{port};
    {extra}
    location / {{ {location} proxy_pass http://127.0.0.1:{upstream}; }}
  }}
}}
""")
    return conf


def haproxy_conf(folder: Path, port: int, upstream: int, extra: str) -> Path:
    conf = folder / "haproxy.cfg"
    conf.write_text(f"""
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
frontend f
  bind 127.0.0.1:{port}
  {extra}
  default_backend b
backend b
  server s1 127.0.0.1:{upstream}
""")
    return conf


def squid_conf(folder: Path, port: int, mode: str) -> Path:
    passwd = folder / "passwd"
    hashed = subprocess.run(["openssl", "passwd", "-apr1", PROXY_PASSWORD], capture_output=True, text=True,
                            check=True).stdout.strip()
    passwd.write_text(f"{PROXY_USER}:{hashed}\n")
    for path in (folder.parent, folder, passwd):  # squid's helper runs as the unprivileged proxy user
        path.chmod(0o755)
    rules = {
        "open": "http_access allow all",
        "auth": f"auth_param basic program /usr/lib/squid/basic_ncsa_auth {passwd}\n"
                "acl authed proxy_auth REQUIRED\nhttp_access allow authed\nhttp_access deny all",
        "deny": "acl emulator dst 127.0.0.1\nhttp_access deny emulator\nhttp_access allow all",
    }[mode]
    conf = folder / "squid.conf"
    conf.write_text(f"""
http_port 127.0.0.1:{port}
{rules}
pid_filename {folder}/squid.pid
cache deny all
cache_dir null /tmp
access_log none
cache_log {folder}/cache.log
coredump_dir {folder}
shutdown_lifetime 0 seconds
visible_hostname middlebox-test
""")
    return conf


# --- cases --------------------------------------------------------------------------------------------------------

def cases() -> list[Case]:
    dead = f"http://127.0.0.1:{dead_port()}"  # a free port could be taken by another test's server before use
    return [
        # squid as the forward proxy: plain http (HTTP_PROXY) and CONNECT to the TLS emulator (HTTPS_PROXY)
        Case("squid", "healthy-http", None, 0, env={"HTTP_PROXY": "{squid-open}"}),
        Case("squid", "healthy-connect", None, 0, base="tls", ca_bundle=True, env={"HTTPS_PROXY": "{squid-open}"}),
        Case("squid", "auth-required-http", "proxy.auth-required", 1, env={"HTTP_PROXY": "{squid-auth}"}),
        Case("squid", "auth-required-connect", "proxy.auth-required", 1, base="tls", ca_bundle=True,
             env={"HTTPS_PROXY": "{squid-auth}"}),
        Case("squid", "fix-credentials", None, 0, base="tls", ca_bundle=True,
             env={"HTTPS_PROXY": "{squid-auth-credentials}"}),
        Case("squid", "untrusted-through-proxy", "network.tls-untrusted", 1, base="tls",
             env={"HTTPS_PROXY": "{squid-auth-credentials}"}),  # the certificate is read through the tunnel too
        Case("squid", "denied-http", "proxy.denied", 1, env={"HTTP_PROXY": "{squid-deny}"}),
        Case("squid", "denied-connect", "proxy.denied", 1, base="tls", ca_bundle=True,
             env={"HTTPS_PROXY": "{squid-deny}"}),
        Case("squid", "fix-no-proxy", None, 0, base="tls", ca_bundle=True,
             env={"HTTPS_PROXY": "{squid-deny}", "NO_PROXY": "127.0.0.1"}),
        Case("none", "proxy-unreachable", "proxy.unreachable", 1, base="tls", ca_bundle=True,
             env={"HTTPS_PROXY": dead}),
        # nginx as a reverse proxy in front of the emulator
        Case("nginx", "healthy", None, 0, base="nginx-ok"),
        Case("nginx", "upstream-down", "middlebox.error", 1, base="nginx-down"),
        Case("nginx", "read-timeout", "middlebox.timeout", 1, base="nginx-timeout"),
        Case("nginx", "body-too-large", "middlebox.error", 1, base="nginx-413"),
        Case("nginx", "credential-stripped", "auth.credential-stripped", 1, base="nginx-strip"),
        Case("nginx", "denied", "middlebox.blocked", 1, base="nginx-deny"),
        Case("nginx", "buffered-smoke", None, 0, base="nginx-buffered", warning="stream.buffered"),
        Case("nginx", "buffered-full", "stream.buffered", 1, base="nginx-buffered", profile="full"),
        Case("nginx", "fix-unbuffered", None, 0, base="nginx-unbuffered"),
        # HAProxy
        Case("haproxy", "healthy", None, 0, base="haproxy-ok"),
        Case("haproxy", "server-timeout", "middlebox.timeout", 1, base="haproxy-timeout"),
        Case("haproxy", "no-server", "middlebox.error", 1, base="haproxy-down"),
        Case("haproxy", "denied", "middlebox.blocked", 1, base="haproxy-deny"),
        # mitmproxy intercepting TLS
        Case("mitmproxy", "interception-untrusted", "network.tls-untrusted", 1, base="tls", ca_bundle=True,
             env={"HTTPS_PROXY": "{mitm}"}),
        Case("mitmproxy", "fix-trust-its-ca", None, 0, base="tls", env={"HTTPS_PROXY": "{mitm}"}),
        Case("mitmproxy", "buffered-by-default", None, 0, base="paced-tls", env={"HTTPS_PROXY": "{mitm}"},
             warning="stream.buffered"),
        Case("mitmproxy", "fix-stream-large-bodies", None, 0, base="paced-tls",
             env={"HTTPS_PROXY": "{mitm-streaming}"}),
    ]


def mitmdump() -> str | None:
    return os.environ.get("HARNESS_MITMDUMP") or shutil.which("mitmdump")


def missing(server: str) -> str | None:
    binary = {"nginx": "nginx", "haproxy": "haproxy", "squid": "squid"}.get(server)
    if server == "mitmproxy":
        return None if mitmdump() else "mitmdump not found (pip install 'mitmproxy>=11,<12', or HARNESS_MITMDUMP)"
    if binary and not shutil.which(binary):
        return f"{binary} not found on PATH (apt-get install {binary})"
    return None


class Lab:
    """Every server the cases need, started once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.stack = contextlib.ExitStack()
        self.urls: dict[str, str] = {}
        self.versions: dict[str, str] = {}
        self.ca = make_ca(folder)
        self.mitm_ca: Path | None = None

    def __enter__(self) -> Lab:
        f = self.folder
        plain = self.stack.enter_context(RunningEmulator(EmulatorSettings()))
        slow = self.stack.enter_context(RunningEmulator(EmulatorSettings(faults=("slow-first-byte",),
                                                                         slow_seconds=3.0)))
        paced = self.stack.enter_context(RunningEmulator(EmulatorSettings(tokens_per_second=25.0)))
        cert, key = make_leaf(f, self.ca)
        tls = self.stack.enter_context(RunningEmulator(EmulatorSettings(), tls=(str(cert), str(key))))
        paced_tls = self.stack.enter_context(RunningEmulator(EmulatorSettings(tokens_per_second=25.0),
                                                             tls=(str(cert), str(key))))
        self.urls.update(plain=plain.url, tls=tls.url, **{"paced-tls": paced_tls.url})
        if not missing("nginx"):
            self.versions["nginx"] = version(["nginx", "-v"])
            for name, upstream, extra, location in (
                ("nginx-ok", plain.port, "", "proxy_buffering off; proxy_http_version 1.1;"),
                ("nginx-down", free_port(), "", ""),
                ("nginx-timeout", slow.port, "proxy_read_timeout 1s;", ""),
                ("nginx-413", plain.port, "client_max_body_size 100;", ""),
                ("nginx-strip", plain.port, "", 'proxy_set_header x-api-key "";'),
                ("nginx-deny", plain.port, "", "deny all;"),
                ("nginx-buffered", paced.port, "gzip on; gzip_types text/event-stream; gzip_min_length 1;", ""),
                ("nginx-unbuffered", paced.port, "", "proxy_buffering off; proxy_http_version 1.1;"),
            ):
                port = free_port()
                folder = f / name
                folder.mkdir()
                conf = nginx_conf(folder, port, upstream, extra, location)
                self.stack.enter_context(process(["nginx", "-c", str(conf), "-p", str(folder)], port, folder))
                self.urls[name] = f"http://127.0.0.1:{port}"
        if not missing("haproxy"):
            self.versions["haproxy"] = version(["haproxy", "-v"])
            for name, upstream, extra in (
                ("haproxy-ok", plain.port, ""),
                ("haproxy-timeout", slow.port, "timeout server 1s"),
                ("haproxy-down", free_port(), ""),
                ("haproxy-deny", plain.port, "http-request deny"),
            ):
                port = free_port()
                folder = f / name
                folder.mkdir()
                conf = haproxy_conf(folder, port, upstream, extra)
                if name == "haproxy-timeout":
                    conf.write_text(conf.read_text().replace("timeout server 30s", "timeout server 1s")
                                    .replace("  timeout server 1s\n  default_backend", "  default_backend"))
                self.stack.enter_context(process(["haproxy", "-f", str(conf)], port, folder))
                self.urls[name] = f"http://127.0.0.1:{port}"
        if not missing("squid"):
            self.versions["squid"] = version(["squid", "-v"])
            for mode in ("open", "auth", "deny"):
                port = free_port()
                folder = f / f"squid-{mode}"
                folder.mkdir()
                conf = squid_conf(folder, port, mode)
                self.stack.enter_context(process(["squid", "-N", "-f", str(conf)], port, folder))
                self.urls[f"squid-{mode}"] = f"http://127.0.0.1:{port}"
            self.urls["squid-auth-credentials"] = self.urls["squid-auth"].replace(
                "http://", f"http://{PROXY_USER}:{PROXY_PASSWORD}@")
        binary = mitmdump()
        if binary:
            self.versions["mitmproxy"] = version([binary, "--version"])
            confdir = f / "mitm"
            confdir.mkdir()
            for name, extra in (("mitm", []), ("mitm-streaming", ["--set", "stream_large_bodies=1"])):
                port = free_port()
                folder = f / name
                folder.mkdir(exist_ok=True)
                self.stack.enter_context(process([binary, "--listen-host", "127.0.0.1", "--listen-port", str(port),
                                                  "--set", f"confdir={confdir}", "--ssl-insecure", "-q", *extra],
                                                 port, folder))
                self.urls[name] = f"http://127.0.0.1:{port}"
            self.mitm_ca = confdir / "mitmproxy-ca-cert.pem"
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()


def run_case(lab: Lab, case: Case) -> dict[str, Any]:
    env = {k: lab.urls[v.strip("{}")] if v.startswith("{") else v for k, v in case.env.items()}
    base = lab.urls[case.base]
    bundle: str | bool = True
    if case.ca_bundle:
        bundle = str(lab.ca.pem)
    elif case.server == "mitmproxy" and lab.mitm_ca is not None:
        bundle = str(lab.mitm_ca)
    saved = {k: os.environ.get(k) for k in (*env, "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
                                             "https_proxy", "no_proxy", "ALL_PROXY", "all_proxy")}
    for name in saved:
        os.environ.pop(name, None)
    os.environ.update(env)
    try:
        target = build_target({"provider": "anthropic", "base_url": base, "model": "claude-haiku-4-5",
                               "auth": "x-api-key", "api_key_env": "MIDDLEBOX_KEY", "name": "t1"},
                              {"MIDDLEBOX_KEY": KEY}, default_id="t1")
        import asyncio

        runs, redactor = asyncio.run(run_targets([target], options=RunOptions(profile=case.profile, retries=1,
                                                                             verify=bundle)))
        report = build_report(runs, mode="live", redactor=redactor)
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value
    run = runs[0]
    roots = [d for d in report["diagnoses"] if d["root"]]
    root = roots[0] if roots else None
    warnings = [c.get("cause") for c in report["checks"] if c["status"] == "warning"]
    probe = next((c.probe for c in run.checks if root and c.id == root["check"]), None)
    obs = run.observations.get(probe or "") if probe else run.observations.get("stream")
    answer: dict[str, Any] = {}
    if obs is not None:
        answer = {"probe": obs.probe, "status": obs.status, "phase": obs.phase,
                  "error": redactor.text(obs.error or "") or None, "headers": redactor.headers(obs.headers),
                  "body": redactor.text(obs.body_text or "")[:4000] if obs.status else None,
                  "sent_headers": sorted(k.lower() for k in obs.request_headers
                                         if k.lower() in ("x-api-key", "authorization", "api-key")),
                  "details": redactor.data(obs.details),
                  "arrivals_ms": [e.at_ms for e in obs.events], "event_names": [e.event.event for e in obs.events],
                  "event_data": [redactor.text(e.event.data) for e in obs.events] if obs.streamed else [],
                  "ttfb_ms": obs.timings.ttfb_ms, "total_ms": obs.timings.total_ms, "streamed": obs.streamed}
    return {
        "server": case.server, "case": case.name, "version": lab.versions.get(case.server, ""),
        "profile": case.profile,
        "expected": {"exit_code": case.expected_exit, "root": case.expected_cause, "warning": case.warning},
        "seen": {"exit_code": report["summary"]["exit_code"], "root": root["cause"] if root else None,
                 "warnings": warnings, "path": report["targets"][0]["path"],
                 "evidence": root["evidence"] if root else None, "tls": root.get("tls") if root else None,
                 "steps": root["steps"] if root else []},
        "answer": answer,
    }


def correct(result: dict[str, Any]) -> bool:
    exp, seen = result["expected"], result["seen"]
    ok = seen["exit_code"] == exp["exit_code"] and seen["root"] == exp["root"]
    if exp["warning"]:
        ok = ok and exp["warning"] in seen["warnings"]
    elif exp["root"] is None:
        ok = ok and not seen["warnings"]
    return bool(ok)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", type=Path, help="write each case's scrubbed answer here")
    parser.add_argument("--only", help="run only the cases of this server")
    args = parser.parse_args(argv)
    wrong = 0
    with tempfile.TemporaryDirectory(prefix="middleboxes-") as tmp, Lab(Path(tmp)) as lab:
        for case in cases():
            if args.only and case.server != args.only:
                continue
            reason = missing(case.server)
            if reason:
                print(f"SKIP  {case.server:<10} {case.name:<24} {reason}")
                continue
            result = run_case(lab, case)
            good = correct(result)
            wrong += not good
            seen = result["seen"]
            print(f"{'ok' if good else 'WRONG':<5} {case.server:<10} {case.name:<24} exit {seen['exit_code']} "
                  f"root {seen['root']} warnings {seen['warnings']} path {json.dumps(seen['path'])}")
            if not good:
                print(f"      expected {result['expected']}; evidence {seen['evidence']}")
            if args.record:
                folder = args.record / case.server
                folder.mkdir(parents=True, exist_ok=True)
                text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
                for secret in (KEY, PROXY_PASSWORD):
                    assert secret not in text, f"{case.name}: a secret would be recorded"
                text = text.replace(tmp, "/tmp/middleboxes")
                (folder / f"{case.name}.json").write_text(text)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
