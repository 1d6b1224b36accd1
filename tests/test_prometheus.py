"""A real Prometheus (Debian package `prometheus`) on loopback scrapes two `claude-harness serve` exporters (two
"locations") through the relabelling of docs/examples/monitoring/prometheus.yml, against the emulator; promtool
checks every exposition, the shipped config and rules, and runs the rules' unit tests.

Bounded: a 1 s scrape interval and a 60 s deadline on every wait; every process and temporary folder is removed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.emulator import EmulatorSettings, RunningEmulator

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples" / "monitoring"
DEADLINE_S = 60.0
MISSING = "needs Prometheus and promtool on PATH (Debian: apt-get install -y prometheus)"
needs_prometheus = pytest.mark.skipif(not (shutil.which("prometheus") and shutil.which("promtool")), reason=MISSING)
needs_promtool = pytest.mark.skipif(not shutil.which("promtool"), reason=MISSING)
KEY = "CANARY-prometheus-5c0ffee1d2e3"


def promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], input=stdin, capture_output=True, text=True, timeout=60, cwd=EXAMPLES)


@needs_promtool
def test_promtool_accepts_the_shipped_config_and_rules_and_their_tests_pass() -> None:
    checked = promtool("check", "config", "prometheus.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    rules = promtool("check", "rules", "claude-harness.rules.yml")
    assert rules.returncode == 0 and "SUCCESS: 7 rules found" in rules.stdout, rules.stdout + rules.stderr
    tested = promtool("test", "rules", "claude-harness.rules.test.yml")
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested.stdout + tested.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def get(url: str) -> str:
    with _DIRECT.open(url, timeout=10) as answer:
        return str(answer.read().decode())


def wait_ready(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            get(f"{base}/-/ready")
            return
        except OSError:
            if process.poll() is not None:
                assert process.stderr is not None
                raise AssertionError(f"prometheus exited: {process.stderr.read()}") from None
            if time.monotonic() > deadline:
                raise AssertionError(f"prometheus was not ready after {DEADLINE_S} s") from None
            time.sleep(0.2)


class Exporter:
    """`claude-harness serve` as a user runs it: a process of its own, stopped with SIGTERM."""

    def __init__(self, config: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harness", "serve", "--config", str(config), "--port", "0",
             "--min-billable-interval", "600"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        first = self.process.stdout.readline()  # 'claude-harness exporter on http://127.0.0.1:PORT (...)'
        assert first.startswith("claude-harness exporter on http://127.0.0.1:"), first + self.stop()
        self.address = first.split("http://", 1)[1].split()[0]

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            out, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        return out + err


def prometheus_config(exporters: dict[str, str], names: list[str]) -> dict[str, Any]:
    """The documented config, pointed at these exporters and targets, scraping every few seconds; the relabelling
    is used exactly as shipped."""
    yaml = pytest.importorskip("yaml")
    config: dict[str, Any] = yaml.safe_load((EXAMPLES / "prometheus.yml").read_text())
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    config.pop("rule_files")
    for job in config["scrape_configs"]:
        # every 3 s with a 3 s timeout: on a loaded machine the first probe (then cached) must not be cut short
        job["scrape_interval"], job["scrape_timeout"] = "3s", "3s"
        if job["job_name"] == "claude-harness-exporter":
            job["static_configs"] = [{"targets": [address], "labels": {"location": location}}
                                     for location, address in exporters.items()]
            continue
        assert [r["target_label"] for r in job["relabel_configs"]] == ["__param_target", "target", "instance",
                                                                       "__address__"]
        job["static_configs"] = [{"targets": names, "labels": {"location": location, "__exporter__": address}}
                                 for location, address in exporters.items()]
    return config


@pytest.fixture()
def workdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="claude-harness-prometheus-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def query(base: str, promql: str) -> list[dict[str, Any]]:
    answer = json.loads(get(f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": promql})))
    assert answer["status"] == "success", answer
    result: list[dict[str, Any]] = answer["data"]["result"]
    return result


def wait_for(base: str, promql: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        result = query(base, promql)
        if len(result) >= count:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Prometheus had {len(result)} of {count} series for {promql} after {DEADLINE_S} s")
        time.sleep(0.5)


@needs_prometheus
def test_prometheus_scrapes_healthy_and_broken_targets_through_the_documented_relabelling(workdir: Path) -> None:
    yaml = pytest.importorskip("yaml")
    env = {**os.environ, "PROM_TEST_KEY": KEY}
    with RunningEmulator(EmulatorSettings()) as emu:
        targets = workdir / "targets.toml"
        targets.write_text(
            f'[[targets]]\nname = "healthy"\nprovider = "anthropic"\nbase_url = "{emu.url}"\n'
            'model = "claude-haiku-4-5"\napi_key_env = "PROM_TEST_KEY"\n\n'
            f'[[targets]]\nname = "broken"\nprovider = "anthropic"\nbase_url = "{emu.url}"\n'
            'model = "claude-haiku-4-5"\napi_key_env = "PROM_TEST_KEY"\n'
            'headers = { "x-emulator-fault" = "invalid-key" }\n')
        exporters = {location: Exporter(targets, env) for location in ("eu-west", "us-east")}
        prometheus = None
        try:
            addresses = {location: e.address for location, e in exporters.items()}
            config = workdir / "prometheus.yml"
            config.write_text(yaml.safe_dump(prometheus_config(addresses, ["healthy", "broken"])))
            port = free_port()
            prometheus = subprocess.Popen(
                ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={workdir / 'data'}",
                 f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            base = f"http://127.0.0.1:{port}"
            wait_ready(prometheus, base)
            smoke = wait_for(base, 'probe_success{job="claude-smoke"}', 4)
            by_instance = {r["metric"]["instance"]: float(r["value"][1]) for r in smoke}
            assert by_instance == {"healthy@eu-west": 1, "healthy@us-east": 1, "broken@eu-west": 0,
                                   "broken@us-east": 0}
            assert {r["metric"]["target"] for r in smoke} == {"healthy", "broken"}
            failures = query(base, 'probe_claude_failure{job="claude-smoke"}')
            assert {(r["metric"]["target"], r["metric"]["cause"], r["metric"]["transient"]) for r in failures} == {
                ("broken", "auth.invalid-key", "false")}
            free = wait_for(base, 'probe_success{job="claude-free"}', 4)
            assert {r["metric"]["instance"]: float(r["value"][1]) for r in free} == by_instance
            # Scraped every second for a while: the cost guard let one billable probe per target and location through
            wait_for(base, 'probe_claude_cached{job="claude-smoke"} == 1', 4)
            # The exporters' own metrics are a separate scrape job, so they may lag the probes by a scrape: wait for
            # them rather than reading them once.
            spent = wait_for(base, 'claude_harness_exporter_billable_calls_total{target="healthy"} >= 2', 2)
            assert sorted(float(r["value"][1]) for r in spent) == [2, 2]  # one message and one stream
            wait_for(base, 'sum(claude_harness_exporter_cache_hits_total) > 0', 1)
            wait_for(base, 'sum(claude_harness_exporter_probes_total{module="free"}) >= 4', 1)
            up = query(base, "up")
            assert all(float(r["value"][1]) == 1 for r in up) and len(up) == 10  # 2 x (4 probes) + 2 exporters
            # every query of the shipped dashboard is valid PromQL on this Prometheus
            dashboard = json.loads((EXAMPLES / "grafana-dashboard.json").read_text())
            for panel in dashboard["panels"]:
                for target in panel["targets"]:
                    query(base, target["expr"].replace("$location", ".*").replace("$target", ".*"))
            # every exposition the exporter gives is valid Prometheus text
            address = addresses["eu-west"]
            for path in ("/probe?target=healthy&module=smoke", "/probe?target=broken&module=smoke",
                         "/probe?target=healthy&module=free", "/probe?target=broken&module=free",
                         "/probe?target=healthy&module=full", "/metrics"):
                text = get(f"http://{address}{path}")
                linted = promtool("check", "metrics", stdin=text)
                assert linted.returncode == 0, f"{path}: {linted.stdout}{linted.stderr}\n{text}"
        finally:
            logs = "".join(e.stop() for e in exporters.values())
            if prometheus is not None:
                prometheus.terminate()
                try:
                    prometheus.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    prometheus.kill()
                    prometheus.wait()
                assert prometheus.stderr is not None
                prometheus.stderr.close()
    assert "probe target=healthy module=smoke result=success" in logs
    assert "result=cached" in logs
    assert KEY[:12] not in logs
