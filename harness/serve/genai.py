"""What a probe's generations look like in the OpenTelemetry GenAI semantic conventions. Pure: no SDK here.

Names follow the conventions as of the split into open-telemetry/semantic-conventions-genai (2026). Where a name
changed after v1.36.0 (gen_ai.system became gen_ai.provider.name), the old name is emitted unless
OTEL_SEMCONV_STABILITY_OPT_IN lists gen_ai_latest_experimental, as the conventions ask of instrumentations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..features.run import BILLABLE_PREFIX as FEATURE_PROBE_PREFIX
from ..ladder import TIER_PROBE_PREFIX, TargetRun
from ..providers import ProviderSpec
from ..wire import read_message, read_stream, usage_counts

OPT_IN_VARIABLE = "OTEL_SEMCONV_STABILITY_OPT_IN"
LATEST = "gen_ai_latest_experimental"
OPERATION = "chat"  # the Messages API is a chat completion in the conventions' terms
# The conventions' ExplicitBucketBoundaries
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864)
GENERATIONS = ("message", "stream", "truncated")


def latest_conventions(env: Mapping[str, str]) -> bool:
    return LATEST in {v.strip() for v in env.get(OPT_IN_VARIABLE, "").split(",")}


@dataclass(frozen=True)
class Generation:
    """One generation request of a probe, with its attributes and measurements."""

    probe: str
    attributes: Mapping[str, Any]
    duration_s: float
    first_chunk_s: float | None
    input_tokens: int | None
    output_tokens: int | None


def provider_name(spec: ProviderSpec) -> str:
    """gen_ai.provider.name: the conventions' well-known value the provider names (its spec's ``otel_name``), else
    the harness's provider name."""
    return spec.otel_name or spec.name


def base_attributes(run: TargetRun, *, latest: bool) -> dict[str, Any]:
    t = run.target
    parts = urlsplit(t.base_url)
    provider_key = "gen_ai.provider.name" if latest else "gen_ai.system"
    out: dict[str, Any] = {"gen_ai.operation.name": OPERATION,
                           provider_key: provider_name(t.provider),
                           "gen_ai.request.model": t.model, "server.address": parts.hostname or ""}
    if parts.port is not None:
        out["server.port"] = parts.port
    return out


def _is_generation(name: str, body: Any) -> bool:
    """The ladder's generation rungs, and Claude Code's tier probes and feature probes that generate (a body with
    max_tokens: not a count_tokens, a listing or the negative probes)."""
    if name in GENERATIONS:
        return True
    return name.startswith((TIER_PROBE_PREFIX, FEATURE_PROBE_PREFIX)) and isinstance(body, dict) \
        and "max_tokens" in body


def generations(run: TargetRun, *, latest: bool) -> list[Generation]:
    """The generation requests the probe sent (none for module=free or a cached answer)."""
    wire = run.target.provider.wire
    found = []
    for name, obs in run.observations.items():
        if not _is_generation(name, obs.request_body):
            continue
        attributes = base_attributes(run, latest=latest)
        asked = obs.request_body.get("model") if isinstance(obs.request_body, dict) else None
        if isinstance(asked, str) and asked:  # a tier probe asks for its tier's model (the clouds: in the path)
            attributes["gen_ai.request.model"] = asked
        error = _error_type(run, name)
        if error is not None:
            attributes["error.type"] = error
        first_chunk = None
        counts = None
        if obs.ok:
            reading = read_stream(wire, obs) if obs.streamed else read_message(wire, obs)
            counts = usage_counts(wire, reading.usage)
            body = None if obs.streamed else obs.json()
            if isinstance(body, dict) and isinstance(body.get("model"), str):
                attributes["gen_ai.response.model"] = body["model"]
            if obs.streamed and obs.events:
                first_chunk = obs.events[0].at_ms / 1000.0
        found.append(Generation(name, attributes, (obs.timings.total_ms or 0.0) / 1000.0, first_chunk,
                                counts[0] if counts else None, counts[1] if counts else None))
    return found


def _error_type(run: TargetRun, probe: str) -> str | None:
    """The catalogue cause of the check this request failed (low cardinality), else what the transport said."""
    obs = run.observations[probe]
    failed = next((c for c in run.checks if c.probe == probe and c.status in ("failed", "error")), None)
    if failed is not None:
        return failed.cause or "_OTHER"
    if obs.ok:
        return None
    if obs.phase is not None:
        return obs.phase  # timeout, connect, dns, tls, ...
    return str(obs.status) if obs.status is not None else "_OTHER"
