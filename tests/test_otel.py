"""OpenTelemetry export (extra [otel]) to a loopback OTLP/HTTP receiver that decodes every request with the
official opentelemetry-proto protobufs: a span per probe, the GenAI client metrics, the opt-in switch, no secrets."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("opentelemetry.exporter.otlp.proto.http",
                    reason="needs the extra: pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http")

from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from harness.cli import main
from harness.serve.otel import Telemetry
from harness.serve.service import ProbeService
from tests.test_serve import Counting, samples, scrape, targets

CANARY = "CANARY-otel-9a8b7c6d5e4f3210"


class Receiver:
    """An OTLP/HTTP collector on 127.0.0.1 that keeps what it was sent, decoded."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self.traces: list[trace_service_pb2.ExportTraceServiceRequest] = []
        self.metrics: list[metrics_service_pb2.ExportMetricsServiceRequest] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if self.headers.get("content-encoding") == "gzip":
                    body = gzip.decompress(body)
                receiver.raw.append(body)
                assert self.headers.get("content-type") == "application/x-protobuf"
                if self.path == "/v1/traces":
                    receiver.traces.append(trace_service_pb2.ExportTraceServiceRequest.FromString(body))
                    answer = trace_service_pb2.ExportTraceServiceResponse().SerializeToString()
                elif self.path == "/v1/metrics":
                    receiver.metrics.append(metrics_service_pb2.ExportMetricsServiceRequest.FromString(body))
                    answer = metrics_service_pb2.ExportMetricsServiceResponse().SerializeToString()
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def spans(self) -> list[tuple[str, dict[str, Any]]]:
        return [(span.name, _attributes(span.attributes)) for request in self.traces
                for resource in request.resource_spans for scope in resource.scope_spans for span in scope.spans]

    def points(self, name: str) -> list[tuple[dict[str, Any], int, float]]:
        """(attributes, count, sum) of every histogram point of the metric, from the last export (cumulative)."""
        found: list[tuple[dict[str, Any], int, float]] = []
        for request in self.metrics[-1:]:
            for resource in request.resource_metrics:
                for scope in resource.scope_metrics:
                    for metric in scope.metrics:
                        if metric.name == name:
                            found += [(_attributes(p.attributes), p.count, p.sum)
                                      for p in metric.histogram.data_points]
        return found

    def units(self) -> dict[str, str]:
        return {m.name: m.unit for r in self.metrics for rm in r.resource_metrics for s in rm.scope_metrics
                for m in s.metrics}


def _attributes(pairs: Any) -> dict[str, Any]:
    out = {}
    for pair in pairs:
        kind = pair.value.WhichOneof("value")
        out[pair.key] = getattr(pair.value, kind) if kind else None
    return out


@pytest.fixture()
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # the exporter speaks to loopback directly
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SEMCONV_STABILITY_OPT_IN"):
        monkeypatch.delenv(name, raising=False)
    found = Receiver()
    found.thread.start()
    try:
        yield found
    finally:
        found.server.shutdown()
        found.server.server_close()


def test_each_probe_is_a_span_with_genai_client_metrics(receiver: Receiver) -> None:
    telemetry = Telemetry(receiver.url, {})
    service = ProbeService(targets({"name": "ok"}) | targets({"name": "bad",
                                                             "headers": {"x-emulator-fault": "invalid-key"}}),
                           transport=Counting(), telemetry=telemetry)
    ok, _ = scrape(service, "/probe?target=ok&module=smoke", "/probe?target=bad&module=smoke")
    cached, = scrape(service, "/probe?target=ok&module=smoke")
    telemetry.close()
    assert samples(cached.text)["probe_claude_cached"] == 1
    spans = receiver.spans()
    assert sorted(name for name, _ in spans) == ["claude-harness.probe bad", "claude-harness.probe ok",
                                                 "claude-harness.probe ok"]
    bad_span = next(a for n, a in spans if n == "claude-harness.probe bad")
    assert bad_span["error.type"] == "auth.invalid-key" and bad_span["claude_harness.success"] is False
    assert sorted(a["claude_harness.cached"] for n, a in spans if n.endswith(" ok")) == [False, True]

    durations = receiver.points("gen_ai.client.operation.duration")
    by_target = {}
    for attributes, count, _ in durations:
        assert attributes["gen_ai.operation.name"] == "chat"
        assert attributes["gen_ai.system"] == "anthropic" and "gen_ai.provider.name" not in attributes
        assert attributes["gen_ai.request.model"] == "claude-haiku-4-5"
        assert attributes["server.address"] == "emulator.invalid"
        key = attributes.get("error.type")
        by_target[key] = by_target.get(key, 0) + count
    # ok: one message and one stream, no error; bad: one rejected message; the cached scrape sent nothing
    assert by_target == {None: 2, "auth.invalid-key": 1}
    first_chunk = receiver.points("gen_ai.client.operation.time_to_first_chunk")
    assert [count for _, count, _ in first_chunk] == [1]
    tokens = {a["gen_ai.token.type"]: 0.0 for a, _, _ in receiver.points("gen_ai.client.token.usage")}
    for attributes, _, total in receiver.points("gen_ai.client.token.usage"):
        tokens[attributes["gen_ai.token.type"]] += total
    exposition = samples(ok.text)
    assert tokens == {"input": exposition['probe_claude_tokens{direction="input"}'],
                      "output": exposition['probe_claude_tokens{direction="output"}']}
    assert receiver.units() == {"gen_ai.client.operation.duration": "s",
                                "gen_ai.client.operation.time_to_first_chunk": "s",
                                "gen_ai.client.token.usage": "{token}"}


def test_free_probes_export_a_span_and_no_generation_metric(receiver: Receiver) -> None:
    telemetry = Telemetry(receiver.url, {})
    service = ProbeService(targets({"name": "ok"}), transport=Counting(), telemetry=telemetry)
    scrape(service, "/probe?target=ok&module=free")
    telemetry.close()
    assert [name for name, _ in receiver.spans()] == ["claude-harness.probe ok"]
    assert receiver.points("gen_ai.client.operation.duration") == []


def test_the_opt_in_switch_selects_the_latest_attribute_names(receiver: Receiver) -> None:
    telemetry = Telemetry(receiver.url, {"OTEL_SEMCONV_STABILITY_OPT_IN": "http,gen_ai_latest_experimental"})
    service = ProbeService(targets({"name": "ok"}), transport=Counting(), telemetry=telemetry)
    scrape(service, "/probe?target=ok&module=smoke")
    telemetry.close()
    for attributes, _, _ in receiver.points("gen_ai.client.operation.duration"):
        assert attributes["gen_ai.provider.name"] == "anthropic" and "gen_ai.system" not in attributes


@pytest.mark.parametrize(("provider", "expected"), [("anthropic", "anthropic"), ("bedrock", "aws.bedrock"),
                                                    ("vertex", "gcp.vertex_ai"), ("foundry", "azure.ai.inference"),
                                                    ("openrouter", "openrouter")])
def test_check_exports_a_one_off_run(provider: str, expected: str, receiver: Receiver, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", provider, "--otlp-endpoint", receiver.url,
                 "--report-dir", str(tmp_path / "r")])
    assert code == 0, capsys.readouterr()
    assert [name for name, _ in receiver.spans()] == [f"claude-harness.probe emulated-{provider}"]
    points = receiver.points("gen_ai.client.operation.duration")
    assert sum(count for _, count, _ in points) == 2
    assert {a["gen_ai.system"] for a, _, _ in points} == {expected}


def test_feature_probes_that_generate_are_genai_operations_too(receiver: Receiver, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # tools: two generations; count-tokens: a feature probe that does not generate (no max_tokens), not counted
    code = main(["check", "--mocked", "--provider", "anthropic", "--features", "tools,count-tokens",
                 "--otlp-endpoint", receiver.url, "--report-dir", str(tmp_path / "r")])
    assert code == 0, capsys.readouterr()
    points = receiver.points("gen_ai.client.operation.duration")
    assert sum(count for _, count, _ in points) == 2 + 2  # the message and the stream, then the tool round trip
    assert {a["gen_ai.request.model"] for a, _, _ in points} == {"claude-haiku-4-5"}


def test_the_standard_variable_turns_export_on(receiver: Receiver, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
    assert main(["check", "--mocked", "--provider", "anthropic", "--report-dir", str(tmp_path / "r")]) == 0
    assert [name for name, _ in receiver.spans()] == ["claude-harness.probe emulated-anthropic"]


@pytest.mark.parametrize("fault", ["echo-key", "invalid-key", None])
def test_no_secret_reaches_the_collector(fault: str | None, receiver: Receiver, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY)
    argv = ["check", "--mocked", "--provider", "anthropic", "--api-key-env", "CANARY_KEY", "--profile", "full",
            "--otlp-endpoint", receiver.url, "--report-dir", str(tmp_path / "r")]
    main(argv + (["--fault", fault] if fault else []))
    assert receiver.raw
    sent = b"".join(receiver.raw)
    assert [CANARY[i:i + 10] for i in range(len(CANARY) - 9) if CANARY[i:i + 10].encode() in sent] == []


@pytest.mark.parametrize("url", ["ftp://127.0.0.1:4318", "127.0.0.1:4318", "http://127.0.0.1:4318/?x=1"])
def test_a_bad_endpoint_is_a_usage_error(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--mocked", "--otlp-endpoint", url, "--report-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "--otlp-endpoint" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()
