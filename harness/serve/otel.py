"""OpenTelemetry export (the optional extra [otel]): a span per probe, GenAI client metrics.

Sent over OTLP/HTTP (protobuf) to --otlp-endpoint, or where the standard OTEL_EXPORTER_OTLP_* variables say.
Only names the config gave (target, model, provider, host) and catalogue cause ids are sent: never a key, a
header or a body.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..errors import HarnessError
from ..ladder import TargetRun
from .exposition import ProbeResult
from .genai import DURATION_BUCKETS, TOKEN_BUCKETS, base_attributes, generations, latest_conventions

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                      "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
EXTRA_MODULE = "opentelemetry.exporter.otlp.proto.http"


def otel_installed() -> bool:
    try:
        return importlib.util.find_spec(EXTRA_MODULE) is not None
    except (ImportError, ValueError):
        return False


def telemetry_from(flag: str | None, env: Mapping[str, str]) -> tuple[Telemetry | None, str | None]:
    """The exporter the flag or the environment asks for, and a warning to print (or None).

    --otlp-endpoint without the extra is a usage error (exit 2); OTEL_EXPORTER_OTLP_ENDPOINT alone, set for other
    programs too, only earns a warning."""
    if flag is not None:
        parts = urlsplit(flag)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise HarnessError(f"--otlp-endpoint {flag!r} is not an http(s) URL.",
                               fix="Pass the collector's OTLP/HTTP base URL, e.g. http://127.0.0.1:4318.")
        if not otel_installed():
            raise HarnessError("--otlp-endpoint needs OpenTelemetry, from the optional extra [otel], which is not "
                               "installed.", fix="pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http")
        return Telemetry(flag, env), None
    named = [v for v in ENDPOINT_VARIABLES if env.get(v, "").strip()]
    if not named:
        return None, None
    if not otel_installed():
        return None, (f"{named[0]} is set but the optional extra [otel] is not installed: nothing is exported "
                      "(pip install opentelemetry-sdk opentelemetry-exporter-otlp-proto-http).")
    return Telemetry(None, env), None


class Telemetry:
    """A tracer and a meter provider of their own (the process's global providers are left alone)."""

    def __init__(self, endpoint: str | None, env: Mapping[str, str], *, span_exporter: Any = None,
                 metric_reader: Any = None) -> None:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        from .. import constants

        base = endpoint.rstrip("/") if endpoint else None
        resource = Resource.create({"service.name": env.get("OTEL_SERVICE_NAME") or "claude-harness",
                                    "service.version": constants.VERSION})
        spans = span_exporter or OTLPSpanExporter(endpoint=f"{base}/v1/traces" if base else None)
        reader = metric_reader or PeriodicExportingMetricReader(
            OTLPMetricExporter(endpoint=f"{base}/v1/metrics" if base else None))
        self._tracer_provider = TracerProvider(resource=resource)
        self._tracer_provider.add_span_processor(BatchSpanProcessor(spans))
        self._meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
        self.latest = latest_conventions(env)
        self._tracer = self._tracer_provider.get_tracer("claude-harness", constants.VERSION)
        meter = self._meter_provider.get_meter("claude-harness", constants.VERSION)
        self._duration = meter.create_histogram("gen_ai.client.operation.duration", unit="s",
                                                description="GenAI operation duration.",
                                                explicit_bucket_boundaries_advisory=DURATION_BUCKETS)
        self._first_chunk = meter.create_histogram(
            "gen_ai.client.operation.time_to_first_chunk", unit="s",
            description="Time to receive the first chunk of the response stream.",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS)
        self._tokens = meter.create_histogram("gen_ai.client.token.usage", unit="{token}",
                                              description="Number of input and output tokens used.",
                                              explicit_bucket_boundaries_advisory=TOKEN_BUCKETS)

    def probe(self, run: TargetRun, result: ProbeResult, start_ns: int, end_ns: int) -> None:
        """One span for the probe, and the GenAI metrics of each generation request it sent."""
        from opentelemetry.trace import SpanKind, Status, StatusCode

        attributes = {**base_attributes(run, latest=self.latest), **_probe_attributes(result)}
        span = self._tracer.start_span(f"claude-harness.probe {result.target}", kind=SpanKind.CLIENT,
                                       attributes=attributes, start_time=start_ns)
        for generation in generations(run, latest=self.latest):
            self._duration.record(generation.duration_s, generation.attributes)
            if generation.first_chunk_s is not None:
                self._first_chunk.record(generation.first_chunk_s, generation.attributes)
            for kind, count in (("input", generation.input_tokens), ("output", generation.output_tokens)):
                if count is not None:
                    self._tokens.record(count, {**generation.attributes, "gen_ai.token.type": kind})
            span.add_event(f"{generation.probe} answered", {"duration_s": generation.duration_s,
                                                            **({"error.type": generation.attributes["error.type"]}
                                                               if "error.type" in generation.attributes else {})})
        if not result.success:
            span.set_status(Status(StatusCode.ERROR, result.cause or "the probe did not pass"))
        span.end(end_time=end_ns)

    def cached(self, result: ProbeResult) -> None:
        """A scrape answered from the cache: a span saying so, and no metric (nothing was sent)."""
        now = time.time_ns()
        span = self._tracer.start_span(f"claude-harness.probe {result.target}", attributes=_probe_attributes(result),
                                       start_time=now)
        span.end(end_time=now)

    def runs(self, runs: Sequence[TargetRun], module: str, start_ns: int) -> None:
        """A one-off `check`: each target's run as a probe."""
        from .exposition import result_from_run

        end_ns = time.time_ns()
        for run in runs:
            self.probe(run, result_from_run(run, module=module, duration_s=(end_ns - start_ns) / 1e9),
                       start_ns, end_ns)

    def close(self) -> None:
        """Export what is pending and stop (bounded by the SDK's own export timeouts)."""
        self._tracer_provider.shutdown()
        self._meter_provider.shutdown()


def _probe_attributes(result: ProbeResult) -> dict[str, Any]:
    out: dict[str, Any] = {"claude_harness.target": result.target, "claude_harness.module": result.module,
                           "claude_harness.success": result.success, "claude_harness.cached": result.cached,
                           "claude_harness.billable_calls": 0 if result.cached else result.billable_calls}
    if result.cause:
        out["error.type"] = result.cause
        out["claude_harness.transient"] = result.transient
    return out
