"""`claude-harness emulate` serves on 127.0.0.1 and Ctrl-C stops it cleanly."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_emulate_serves_and_stops_on_ctrl_c() -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "harness", "emulate", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/anthropic/v1/messages",
                                      headers={"api-key": "anything"},
                                      json={"model": "d", "max_tokens": 8, "messages": [{"role": "user",
                                                                                        "content": "hi"}]})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "the emulator did not start"
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.headers["apim-request-id"]
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert f"http://127.0.0.1:{port}/anthropic" in out
    assert "invalid-key" in out  # the fault list is printed
    assert "Traceback" not in err


def test_malformed_requests_get_400_not_500() -> None:
    from harness.emulator import EmulatorSettings, RunningEmulator

    with RunningEmulator(EmulatorSettings()) as emu:
        url = f"{emu.url}/v1/messages"
        for body in ({"model": "m", "messages": 5, "max_tokens": 4}, {"messages": []},
                     {"model": "m", "messages": [], "max_tokens": "many"}):
            response = httpx.post(url, headers={"x-api-key": "k"}, json=body)
            assert response.status_code == 400
            assert response.json()["error"]["type"] == "invalid_request_error"
        assert httpx.post(url, headers={"x-api-key": "k"}, content=b"{not json").status_code == 400


def test_no_stray_threads_after_stop() -> None:
    import threading

    from harness.emulator import EmulatorSettings, RunningEmulator

    before = {t.ident for t in threading.enumerate()}
    with RunningEmulator(EmulatorSettings()) as emu:
        assert httpx.get(f"{emu.url}/").status_code == 200
        assert any(t.name == "claude-harness-emulator" for t in threading.enumerate())
    after = {t.ident for t in threading.enumerate() if t.is_alive()}
    assert after <= before


def test_emulate_on_a_busy_port_is_a_clear_error_before_any_banner() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "harness", "emulate", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in done.stderr and "--port" in done.stderr
    assert "emulator on" not in done.stdout and "Traceback" not in done.stderr


def test_every_emulate_option_is_described() -> None:
    done = subprocess.run([sys.executable, "-m", "harness", "emulate", "--help"], capture_output=True, text=True,
                          timeout=60)
    for option in ("--port", "--fault", "--slow-seconds"):
        line = next(x for x in done.stdout.splitlines() if x.strip().startswith(option))
        assert len(line.split(None, 2)) == 3 or option in ("--fault",), f"{option} has no description: {line!r}"
    assert "how long the slow-first-byte" in done.stdout and "x-emulator-" in done.stdout


def test_port_0_prints_the_port_logs_requests_and_stops_on_sigterm(tmp_path: Path) -> None:
    log = tmp_path / "requests.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "harness", "emulate", "--port", "0", "--log", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = first.split(" on ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        deadline = time.monotonic() + 20
        while True:
            try:
                assert httpx.get(f"{url}/health", timeout=2).json() == {"status": "ok"}
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the emulator did not answer"
                time.sleep(0.1)
        httpx.post(f"{url}/v1/messages", headers={"x-api-key": "secret-key-never-logged"},
                   json={"model": "m", "max_tokens": 4, "messages": [{"role": "user", "content": "hi"}]})
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "emulator stopped" in out and "Traceback" not in err
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert {"method": "POST", "path": "/v1/messages", "status": 200}.items() <= lines[-1].items()
    assert "secret-key-never-logged" not in log.read_text()


def test_only_loopback_hosts_are_served_without_a_warning() -> None:
    """Binding another address in a test would expose it: the rule itself is checked instead."""
    from harness.commands import is_loopback_host

    assert is_loopback_host("127.0.0.1") and is_loopback_host("::1") and is_loopback_host("localhost")
    assert not is_loopback_host("0.0.0.0") and not is_loopback_host("192.0.2.10")
