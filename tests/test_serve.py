"""`claude-harness serve`: the cost guard, the cache, the free module, unknown targets, the scrape-timeout header
and secrets, against the in-process emulator (no socket) through the exporter's real HTTP app."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.cli import main
from harness.config import build_targets
from harness.emulator import EmulatorSettings, create_app
from harness.emulator.inprocess import StreamingASGITransport
from harness.lifecycle import lookup
from harness.serve.app import create_app as exporter_app
from harness.serve.service import ProbeService, ServeTarget, effective_timeout

BASE = "http://emulator.invalid"
KEY_ENV = "SERVE_TEST_KEY"
CANARY = "CANARY-serve-4e1d9b7c2a6f03"


class Counting(httpx.AsyncBaseTransport):
    """The emulator in-process, with every request it was sent written down."""

    def __init__(self, settings: EmulatorSettings | None = None) -> None:
        self.inner = StreamingASGITransport(create_app(settings or EmulatorSettings()))
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)

    def billable(self) -> list[str]:
        return [s for s in self.sent if s.startswith("POST") and s.endswith("/v1/messages")]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def targets(*tables: dict[str, Any], interval: float = 300.0, key: str = "emulator-key-0000"
            ) -> dict[str, ServeTarget]:
    raws = [{"provider": "anthropic", "base_url": BASE, "model": "claude-haiku-4-5", "api_key_env": KEY_ENV,
             "allow_insecure_http": True, **t} for t in tables]
    return {t.id: ServeTarget(t, interval) for t in build_targets(raws, {KEY_ENV: key})}


def scrape(service: ProbeService, *paths: str, headers: dict[str, str] | None = None,
           logs: list[str] | None = None) -> list[httpx.Response]:
    """GET each path from the exporter app, all at once (concurrent scrapes)."""
    app = exporter_app(service, log=(logs.append if logs is not None else lambda _: None))

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://exporter") as client:
            return list(await asyncio.gather(*(client.get(p, headers=headers) for p in paths)))

    return asyncio.run(go())


def samples(text: str) -> dict[str, float]:
    """'name{labels}' -> value, for every sample line of an exposition."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def test_healthy_target_succeeds_on_every_layer() -> None:
    emulator = Counting()
    service = ProbeService(targets({"name": "ok"}), transport=emulator)
    response, = scrape(service, "/probe?target=ok&module=smoke")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    got = samples(response.text)
    assert got["probe_success"] == 1
    for layer in ("network", "credentials", "auth", "model", "message", "first_byte", "first_token", "stream"):
        assert got[f'probe_claude_layer_success{{layer="{layer}"}}'] == 1, layer
    assert got['probe_claude_layer_duration_seconds{layer="first_token"}'] > 0
    assert got["probe_claude_billable_calls"] == 2 and len(emulator.billable()) == 2
    assert got['probe_claude_tokens{direction="output"}'] > 0
    assert got["probe_claude_cached"] == 0
    assert not any(name.startswith("probe_claude_failure") for name in got)


def test_broken_target_names_its_root_cause() -> None:
    service = ProbeService(targets({"name": "bad", "headers": {"x-emulator-fault": "invalid-key"}}),
                           transport=Counting())
    got = samples(scrape(service, "/probe?target=bad&module=smoke")[0].text)
    assert got["probe_success"] == 0
    assert got['probe_claude_failure{cause="auth.invalid-key",transient="false"}'] == 1
    assert got['probe_claude_layer_success{layer="auth"}'] == 0
    assert got['probe_claude_layer_success{layer="network"}'] == 1
    # blocked layers are not decided, not failed
    assert 'probe_claude_layer_success{layer="stream"}' not in got
    assert got['probe_claude_layer_undecided{layer="stream"}'] == 1


def test_transient_cause_is_labelled_transient() -> None:
    service = ProbeService(targets({"name": "busy", "headers": {"x-emulator-fault": "overloaded"}}),
                           transport=Counting())
    got = samples(scrape(service, "/probe?target=busy&module=smoke")[0].text)
    assert got["probe_success"] == 0
    assert got['probe_claude_failure{cause="provider.overloaded",transient="true"}'] == 1


def test_free_module_sends_no_billable_call_and_names_the_layers_it_cannot_decide() -> None:
    emulator = Counting()
    service = ProbeService(targets({"name": "ok"}), transport=emulator)
    response, = scrape(service, "/probe?target=ok&module=free")
    assert emulator.billable() == []
    assert "POST /v1/messages/count_tokens" in emulator.sent  # the free pre-check did run
    got = samples(response.text)
    assert got["probe_success"] == 1
    assert got['probe_claude_layer_success{layer="network"}'] == 1
    assert got['probe_claude_layer_success{layer="precheck"}'] == 1
    for layer in ("auth", "model", "message", "first_byte", "first_token", "stream"):
        assert got[f'probe_claude_layer_undecided{{layer="{layer}"}}'] == 1
        assert f'probe_claude_layer_success{{layer="{layer}"}}' not in got
    assert "# undecided layers (module=free): auth, model, message, first_byte, first_token, stream" in response.text
    assert got["probe_claude_billable_calls"] == 0


def test_free_module_ignores_the_billable_interval() -> None:
    emulator = Counting()
    service = ProbeService(targets({"name": "ok"}), transport=emulator, clock=Clock())
    scrape(service, "/probe?target=ok&module=free")
    scrape(service, "/probe?target=ok&module=free")
    assert emulator.sent.count("GET /") == 2  # both probed the network for real


def test_second_billable_scrape_inside_the_interval_sends_nothing() -> None:
    emulator, clock = Counting(), Clock()
    service = ProbeService(targets({"name": "ok"}, interval=300), transport=emulator, clock=clock)
    first = samples(scrape(service, "/probe?target=ok&module=smoke")[0].text)
    sent = len(emulator.sent)
    clock.now += 299
    second_response, = scrape(service, "/probe?target=ok&module=full")
    second = samples(second_response.text)
    assert len(emulator.sent) == sent  # nothing at all was sent
    assert second["probe_claude_cached"] == 1 and first["probe_claude_cached"] == 0
    assert second["probe_success"] == first["probe_success"] == 1
    assert second["probe_claude_billable_calls"] == 0  # this scrape spent nothing
    assert "inside the minimum billable interval of 300 s" in second_response.text
    clock.now += 2  # past the interval: probed again
    third = samples(scrape(service, "/probe?target=ok&module=smoke")[0].text)
    assert third["probe_claude_cached"] == 0 and len(emulator.billable()) == 4
    metrics = samples(scrape(service, "/metrics")[0].text)
    assert metrics['claude_harness_exporter_cache_hits_total{target="ok"}'] == 1
    assert metrics['claude_harness_exporter_billable_calls_total{target="ok"}'] == 4
    assert metrics['claude_harness_exporter_probes_total{module="smoke",result="success"}'] == 2
    assert metrics['claude_harness_exporter_probes_total{module="full",result="cached"}'] == 1


def test_the_interval_is_per_target() -> None:
    emulator, clock = Counting(), Clock()
    tables = targets({"name": "slow"}, interval=600) | targets({"name": "fast"}, interval=10)
    service = ProbeService(tables, transport=emulator, clock=clock)
    scrape(service, "/probe?target=slow&module=smoke", "/probe?target=fast&module=smoke")
    clock.now += 11
    slow, fast = scrape(service, "/probe?target=slow&module=smoke", "/probe?target=fast&module=smoke")
    assert samples(slow.text)["probe_claude_cached"] == 1
    assert samples(fast.text)["probe_claude_cached"] == 0
    assert len(emulator.billable()) == 6


def test_concurrent_scrapes_of_one_target_send_once() -> None:
    emulator = Counting(EmulatorSettings(latency_seconds=0.05))
    service = ProbeService(targets({"name": "ok"}), transport=emulator, clock=Clock())
    responses = scrape(service, *["/probe?target=ok&module=smoke"] * 4)
    assert len(emulator.billable()) == 2  # one message and one stream, for all four scrapes
    cached = sorted(samples(r.text)["probe_claude_cached"] for r in responses)
    assert cached == [0, 1, 1, 1]


def test_a_run_that_never_reached_a_billable_call_does_not_start_the_interval() -> None:
    emulator, clock = Counting(), Clock()
    service = ProbeService(targets({"name": "down", "base_url": "http://127.0.0.1:9"}), clock=clock)
    got = samples(scrape(service, "/probe?target=down&module=smoke")[0].text)
    assert got["probe_success"] == 0
    assert any(name.startswith('probe_claude_failure{cause="network.') for name in got)
    again = samples(scrape(service, "/probe?target=down&module=smoke")[0].text)
    assert again["probe_claude_cached"] == 0  # nothing billable was sent, so nothing to guard
    assert emulator.sent == []


@pytest.mark.parametrize(("path", "words"), [
    ("/probe?target=nope&module=smoke", ["Unknown target 'nope'", "ok"]),
    ("/probe?module=smoke", ["target parameter is missing", "ok"]),
    ("/probe?target=ok&module=expensive", ["Unknown module 'expensive'", "free, smoke, full"]),
])
def test_bad_probe_requests_are_400_with_a_message_and_send_nothing(path: str, words: Sequence[str]) -> None:
    emulator = Counting()
    service = ProbeService(targets({"name": "ok"}), transport=emulator)
    response, = scrape(service, path)
    assert response.status_code == 400
    for word in words:
        assert word in response.text
    assert emulator.sent == []


@pytest.mark.parametrize(("header", "seconds"), [(None, 29.5), ("10", 9.5), ("2.5", 2.0), ("0.3", 0.1)])
def test_effective_timeout_follows_prometheus_header(header: str | None, seconds: float) -> None:
    assert effective_timeout(header) == pytest.approx(seconds)


@pytest.mark.parametrize("header", ["soon", "-1", "0", "nan", "inf"])
def test_a_bad_timeout_header_is_400(header: str) -> None:
    emulator = Counting()
    service = ProbeService(targets({"name": "ok"}), transport=emulator)
    response, = scrape(service, "/probe?target=ok&module=smoke",
                       headers={"X-Prometheus-Scrape-Timeout-Seconds": header})
    assert response.status_code == 400 and "X-Prometheus-Scrape-Timeout-Seconds".lower() in response.text.lower()
    assert emulator.sent == []


def test_the_scrape_timeout_header_cuts_a_slow_probe_short() -> None:
    emulator = Counting(EmulatorSettings(slow_seconds=30))
    service = ProbeService(targets({"name": "slow", "headers": {"x-emulator-fault": "slow-first-byte"},
                                    "timeout": 60}), transport=emulator)
    response, = scrape(service, "/probe?target=slow&module=smoke",
                       headers={"X-Prometheus-Scrape-Timeout-Seconds": "1.5"})
    got = samples(response.text)
    assert got["probe_success"] == 0
    assert got["probe_duration_seconds"] < 30  # it did not wait for the endpoint's 30 s
    assert "the probe stopped early" in response.text and "1 s" in response.text
    # the cut is the scrape's, not the endpoint's fault: no root cause is claimed
    assert not any(name.startswith("probe_claude_failure") for name in got)


def test_retirement_date_is_a_unix_timestamp() -> None:
    service = ProbeService(targets({"name": "old", "model": "claude-sonnet-4-5"}), transport=Counting())
    got = samples(scrape(service, "/probe?target=old&module=free")[0].text)
    retires = lookup("anthropic", "claude-sonnet-4-5").retires
    assert retires is not None
    expected = datetime(retires.year, retires.month, retires.day, tzinfo=timezone.utc).timestamp()
    assert got["probe_claude_model_retirement_timestamp_seconds"] == expected


def test_debug_returns_the_probes_log_as_text() -> None:
    service = ProbeService(targets({"name": "bad", "headers": {"x-emulator-fault": "invalid-key"}}),
                           transport=Counting())
    response, = scrape(service, "/probe?target=bad&module=smoke&debug=true")
    assert response.headers["content-type"].startswith("text/plain")
    assert "request message: POST http://emulator.invalid/v1/messages -> 401" in response.text
    assert "check auth.accepted: failed cause=auth.invalid-key" in response.text
    log, _, metrics = response.text.partition("Metrics that would have been returned:\n")
    assert "probe_success 0" in metrics and "probe_success" not in log


@pytest.mark.parametrize("fault", ["echo-key", "invalid-key", "error-after-200", None])
@pytest.mark.parametrize("module", ["free", "smoke", "full"])
def test_canary_secrets_never_reach_metrics_labels_logs_or_debug(fault: str | None, module: str) -> None:
    headers = {"X-Gateway-Token": "env:SERVE_HEADER_SECRET"}
    if fault:
        headers["x-emulator-fault"] = fault
    raws = [{"provider": "anthropic", "base_url": BASE, "model": "claude-haiku-4-5", "api_key_env": KEY_ENV,
             "allow_insecure_http": True, "name": "canary", "headers": headers}]
    header_secret = CANARY[::-1]
    built = build_targets(raws, {KEY_ENV: CANARY, "SERVE_HEADER_SECRET": header_secret})
    service = ProbeService({t.id: ServeTarget(t, 0) for t in built}, transport=Counting())
    logs: list[str] = []
    seen = scrape(service, f"/probe?target=canary&module={module}", logs=logs)
    seen += scrape(service, f"/probe?target=canary&module={module}&debug=true", logs=logs)
    seen += scrape(service, "/metrics", logs=logs)
    everything = "\n".join([r.text for r in seen] + [str(dict(r.headers)) for r in seen] + logs)
    assert "probe_success" in everything and "sha256:" in everything  # debug names the key by fingerprint
    for secret in (CANARY, header_secret):
        pieces = {secret[i:i + 10] for i in range(len(secret) - 9)}
        assert sorted(p for p in pieces if p in everything) == []


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.toml"
    path.write_text(text)
    return path


GOOD = """[[targets]]
name = "ok"
provider = "anthropic"
base_url = "http://127.0.0.1:9"
model = "claude-haiku-4-5"
api_key_env = "SERVE_TEST_KEY"
"""


@pytest.mark.parametrize(("config", "argv", "message"), [
    (None, [], "does not exist"),
    ("[[targets]]\nname = 'x'\n", [], "No provider given"),
    (GOOD + "min_billable_interval = 'often'\n", [], "min_billable_interval"),
    (GOOD + "min_billable_interval = -5\n", [], "min_billable_interval"),
    (GOOD, ["--min-billable-interval", "-1"], "--min-billable-interval must be at least 0"),
    (GOOD, ["--host", "example.com"], "--host 'example.com' is not an IP address"),
    (GOOD + "colour = 'red'\n", [], "unknown keys: colour"),
])
def test_bad_config_exits_2_before_binding(config: str | None, argv: list[str], message: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    monkeypatch.setenv(KEY_ENV, "k")
    path = write(tmp_path, config) if config is not None else tmp_path / "missing.toml"
    code = main(["serve", "--config", str(path), "--port", "0", *argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert message in err and "Traceback" not in err
    assert "exporter on" not in out  # nothing was bound or announced


def test_missing_credential_variable_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert main(["serve", "--config", str(write(tmp_path, GOOD)), "--port", "0"]) == 2
    assert re.search(r"SERVE_TEST_KEY is not set", capsys.readouterr().err)


def test_free_module_fails_on_a_credential_the_free_precheck_rejects() -> None:
    emulator = Counting()
    service = ProbeService(targets({"name": "bad", "headers": {"x-emulator-fault": "invalid-key"}}),
                           transport=emulator)
    got = samples(scrape(service, "/probe?target=bad&module=free")[0].text)
    assert emulator.billable() == []
    assert got["probe_success"] == 0
    assert got['probe_claude_failure{cause="auth.invalid-key",transient="false"}'] == 1
    assert got['probe_claude_layer_success{layer="auth"}'] == 0
    assert 'probe_claude_layer_undecided{layer="auth"}' not in got


def test_free_module_does_not_fail_on_a_precheck_the_endpoint_does_not_serve() -> None:
    # an OpenAI-format gateway, say, answers 404 to count_tokens: a hint, not a failure
    emulator = Counting()
    service = ProbeService(targets({"name": "gw", "gateway": True, "base_url": BASE + "/no-count-tokens"}),
                           transport=emulator)
    got = samples(scrape(service, "/probe?target=gw&module=free")[0].text)
    assert "POST /no-count-tokens/v1/messages/count_tokens" in emulator.sent
    assert got['probe_claude_layer_success{layer="precheck"}'] == 0
    assert got["probe_success"] == 1 and emulator.billable() == []


def test_the_documented_targets_file_loads_with_its_intervals() -> None:
    from harness.serve.command import serve_targets

    path = Path(__file__).resolve().parents[1] / "docs" / "examples" / "monitoring" / "targets.toml"
    loaded = serve_targets(path, {"FOUNDRY_EASTUS_KEY": "k", "ANTHROPIC_API_KEY": "k"}, 300)
    assert {name: t.min_billable_interval_s for name, t in loaded.items()} == {"foundry-eastus": 300,
                                                                                "anthropic": 900}
    assert loaded["foundry-eastus"].target.base_url == "https://my-foundry-eastus.services.ai.azure.com/anthropic"


RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "third-party" / "prometheus" / "scrape-requests.json"


def test_the_requests_a_real_prometheus_sends_are_answered() -> None:
    """Replays what Prometheus 2.42 sent through the documented relabelling (scripts/record_prometheus_scrapes.py):
    the query it builds, its Accept header (OpenMetrics first, the 0.0.4 text format as a fallback) and its
    scrape-timeout header."""
    import json

    recorded = json.loads(RECORDED.read_text())
    assert "2.42.0" in recorded["recorded_with"]
    emulator = Counting()
    service = ProbeService(targets({"name": "healthy"}) | targets({"name": "broken", "headers": {
        "x-emulator-fault": "invalid-key"}}), transport=emulator)
    answers = {}
    for request in recorded["requests"]:
        assert request["headers"]["X-Prometheus-Scrape-Timeout-Seconds"] == "1.5"
        response, = scrape(service, request["path"], headers=request["headers"])
        assert response.status_code == 200, request["path"]
        assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"  # what Accept allows
        if request["path"].startswith("/probe"):
            assert response.headers["content-encoding"] == "gzip"  # Prometheus asked for it
        answers[request["path"]] = samples(response.text)
    assert answers["/probe?module=smoke&target=healthy"]["probe_success"] == 1
    assert answers["/probe?module=smoke&target=broken"]["probe_success"] == 0
    assert answers["/probe?module=free&target=healthy"]["probe_success"] == 1
    assert answers["/metrics"]["claude_harness_exporter_unknown_target_total"] == 0
    assert len(emulator.billable()) == 3  # healthy: message and stream; broken: the rejected message


def test_a_free_probe_cut_short_by_the_scrape_timeout_is_not_a_success() -> None:
    class SlowCountTokens(Counting):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/count_tokens"):
                await asyncio.sleep(30)
            return await super().handle_async_request(request)

    # the network rung passed, then the free pre-check hung until the scrape's timeout cut the probe short
    emulator = SlowCountTokens()
    service = ProbeService(targets({"name": "slow", "timeout": 60}), transport=emulator)
    response, = scrape(service, "/probe?target=slow&module=free",
                       headers={"X-Prometheus-Scrape-Timeout-Seconds": "1.5"})
    got = samples(response.text)
    assert emulator.billable() == []
    assert got['probe_claude_layer_success{layer="network"}'] == 1
    assert got["probe_success"] == 0 and "the probe stopped early" in response.text


def test_serve_as_a_process_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import urllib.request

    from harness.emulator import RunningEmulator

    with RunningEmulator(EmulatorSettings()) as emu:
        config = write(tmp_path, GOOD.replace("http://127.0.0.1:9", emu.url))
        process = subprocess.Popen([sys.executable, "-m", "harness", "serve", "--config", str(config), "--port", "0"],
                                   cwd=Path(__file__).resolve().parents[1], env={**os.environ, KEY_ENV: CANARY},
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            assert banner.startswith("claude-harness exporter on http://127.0.0.1:"), banner
            base = "http://" + banner.split("http://", 1)[1].split()[0]
            direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with direct.open(base + "/-/healthy", timeout=10) as answer:
                assert answer.read() == b"Healthy\n"
            with direct.open(base + "/probe?target=ok&module=smoke", timeout=30) as answer:
                assert b"probe_success 1" in answer.read()
        finally:
            process.terminate()
            out, err = process.communicate(timeout=15)
    assert process.returncode == 0
    assert "claude-harness exporter stopped" in out
    assert "probe target=ok module=smoke result=success" in err
    assert CANARY[:12] not in out + err


def test_a_scrape_that_times_out_waiting_for_another_scrape_of_the_target_sends_nothing() -> None:
    class SlowMessages(Counting):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/v1/messages"):
                await asyncio.sleep(2.5)  # message and stream go out side by side: the first scrape holds ~2.5 s
            return await super().handle_async_request(request)

    emulator = SlowMessages()
    service = ProbeService(targets({"name": "ok"}), transport=emulator)
    app = exporter_app(service, log=lambda _: None)

    async def go() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://exporter") as client:
            first = asyncio.create_task(client.get("/probe?target=ok&module=smoke",
                                                   headers={"X-Prometheus-Scrape-Timeout-Seconds": "20"}))
            await asyncio.sleep(0.2)  # the first holds the target
            second = await client.get("/probe?target=ok&module=smoke",
                                      headers={"X-Prometheus-Scrape-Timeout-Seconds": "1.5"})
            return await first, second

    first, second = asyncio.run(go())
    assert samples(first.text)["probe_success"] == 1
    assert samples(second.text)["probe_success"] == 0
    assert "was still probing" in second.text and "nothing was sent" in second.text
    assert len(emulator.billable()) == 2  # the first scrape's message and stream only


def test_label_values_are_escaped() -> None:
    from harness.serve.exposition import ProbeResult, render_probe

    result = ProbeResult(target='a"b', module="smoke", success=False, duration_s=0.1, layer_success={},
                         layer_duration_s={}, cause='x\\y"z\nw')
    assert 'probe_claude_failure{cause="x\\\\y\\"z\\nw",transient="false"} 1' in render_probe(result)


def test_a_targets_features_are_not_sent_by_serve() -> None:
    """A TOML shared with `check --features` lists features; a smoke scrape still sends its two rungs only."""
    emulator = Counting()
    service = ProbeService(targets({"name": "ok", "features": ["tools", "caching", "thinking"]}),
                           transport=emulator, clock=Clock())
    got = samples(scrape(service, "/probe?target=ok&module=smoke")[0].text)
    assert got["probe_success"] == 1
    assert len(emulator.billable()) == 2 and got["probe_claude_billable_calls"] == 2
