"""The first checks: the endpoint answers, credentials are accepted, the model
exists, a message comes back with text and usage, a stream ends properly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.diagnosis import Evidence, classify
from harness.observation import Observation
from harness.providers import WireFormat
from harness.wire import Reading, read_message, read_stream, usage_counts

# check id -> layer, in ladder order
CHECK_LAYERS: dict[str, str] = {
    "config.valid": "config",
    "network.reachable": "network",
    "credentials.obtained": "credentials",
    "auth.accepted": "auth",
    "model.available": "model",
    "message.text-and-usage": "message",
    "stream.completes": "stream",
}


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str
    cause: str | None = None
    transient: bool = False
    skipped: bool = False

    @staticmethod
    def ok(message: str) -> Verdict:
        return Verdict(True, message)

    @staticmethod
    def skip(message: str) -> Verdict:
        """Not applicable to this target: reported as skipped, never as passed."""
        return Verdict(True, message, skipped=True)


def evidence_of(obs: Observation, provider: str, auth: str, *, after_200: bool = False, body: Any = None) -> Evidence:
    parsed = obs.json()
    return Evidence(
        provider=provider,
        auth=auth,
        phase=obs.phase,
        status=obs.status,
        body=body if body is not None else (parsed if parsed is not None else (obs.body_text or "")),
        headers={k.lower(): v for k, v in obs.headers.items()},
        after_200=after_200,
        error_text=obs.error,
    )


def _failure(obs: Observation, provider: str, auth: str, what: str) -> Verdict:
    result = classify(evidence_of(obs, provider, auth))
    if obs.status is None:
        seen = f"no HTTP answer ({obs.phase}: {obs.error})"
    else:
        detail = result.info.message or (obs.body_text or "")[:200]
        code = f" {result.info.type or result.info.code}" if (result.info.type or result.info.code) else ""
        seen = f"HTTP {obs.status}{code}: {detail}".rstrip(": ")
    return Verdict(False, f"expected {what}; got {seen}", result.cause, result.transient)


def endpoint_answers(obs: Observation) -> Verdict:
    if obs.answered:
        return Verdict.ok(f"{obs.method} {obs.url} answered HTTP {obs.status} in {obs.timings.total_ms:.0f} ms")
    result = classify(Evidence(provider="", phase=obs.phase, error_text=obs.error))
    return Verdict(False, f"expected any HTTP answer from {obs.url}; {obs.phase} failed: {obs.error}", result.cause)


def credentials_accepted(obs: Observation, provider: str, auth: str) -> Verdict:
    if obs.ok:
        return Verdict.ok(f"{obs.method} {_path(obs.url)} accepted the credential (HTTP {obs.status})")
    if obs.status in (400, 404, 422):
        # The request got past authentication; what it says about the model is judged next.
        return Verdict.ok(f"{obs.method} {_path(obs.url)} got past authentication (HTTP {obs.status})")
    return _failure(obs, provider, auth, "the credential to be accepted")


def model_is_available(obs: Observation, provider: str, auth: str, model: str) -> Verdict:
    if obs.ok:
        return Verdict.ok(f"model {model!r} is served ({obs.method} {_path(obs.url)} HTTP {obs.status})")
    return _failure(obs, provider, auth, f"model {model!r} to be served")


def model_listed(obs: Observation, provider: str, auth: str, model: str) -> Verdict:
    if not obs.ok:
        return _failure(obs, provider, auth, "the model list")
    body = obs.json()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return Verdict(
            False, "expected a JSON object with a data list from the models endpoint", "conformance.schema"
        )
    ids = {item.get("id") for item in data if isinstance(item, dict)}
    base = model.split(":", 1)[0]  # variants such as :free or :nitro share the base id
    if model in ids or base in ids:
        return Verdict.ok(f"model {model!r} is among the {len(ids)} models listed")
    close = sorted(i for i in ids if isinstance(i, str) and base.split("/")[-1][:12] in i)[:3]
    hint = f"; similar ids: {', '.join(close)}" if close else ""
    message = f"expected {model!r} among the {len(ids)} listed model ids; it is not{hint}"
    return Verdict(False, message, "model.not-found")


def message_has_text_and_usage(obs: Observation, wire: WireFormat, provider: str, auth: str) -> Verdict:
    if obs.phase == "cap":
        return Verdict(False, f"expected a message of reasonable size; {obs.error}", "conformance.schema")
    if not obs.ok:
        return _failure(obs, provider, auth, "HTTP 200 with a message")
    reading = read_message(wire, obs)
    return _judge_reading(reading, obs, wire, provider, auth, streamed=False)


def stream_completes(obs: Observation, wire: WireFormat, provider: str, auth: str) -> Verdict:
    if obs.phase == "cap":
        return Verdict(False, f"expected the stream to end; {obs.error}", "conformance.stream")
    if obs.status is None or obs.status >= 300:
        return _failure(obs, provider, auth, "HTTP 200 with an event stream")
    if "text/event-stream" not in (obs.header("content-type") or ""):
        return Verdict(
            False,
            f"expected content-type text/event-stream; got {obs.header('content-type')!r}",
            "conformance.stream",
        )
    reading = read_stream(wire, obs)
    return _judge_reading(reading, obs, wire, provider, auth, streamed=True)


def _judge_reading(
    reading: Reading, obs: Observation, wire: WireFormat, provider: str, auth: str, *, streamed: bool
) -> Verdict:
    if reading.error is not None:
        result = classify(evidence_of(obs, provider, auth, after_200=True, body={"error": reading.error}))
        kind = reading.error.get("type") or reading.error.get("code")
        return Verdict(
            False,
            f"an error arrived after HTTP 200: {kind}: {reading.error.get('message', '')}",
            "stream.error-event",
            result.transient,
        )
    if streamed and not reading.terminated and obs.phase == "timeout":
        return Verdict(
            False,
            f"the stream stalled: no event within the timeout after {len(reading.event_types)} events ({obs.error})",
            "network.timeout",
        )
    if streamed and not reading.terminated:
        terminator = "message_stop" if wire == "anthropic-messages" else "data: [DONE]"
        last = reading.event_types[-1] if reading.event_types else "nothing"
        why = f" ({obs.phase}: {obs.error})" if obs.phase else ""
        return Verdict(
            False,
            f"expected the stream to end with {terminator}; it ended after {len(reading.event_types)} "
            f"events, the last being {last}{why}",
            "conformance.stream",
        )
    if not reading.text:
        return Verdict(False, "expected text content in the reply; there was none", "conformance.schema")
    counts = usage_counts(wire, reading.usage)
    if counts is None:
        return Verdict(False, f"expected a usage object with token counts; got {reading.usage!r}", "conformance.usage")
    kind = "stream" if streamed else "message"
    ttft = f", first token at {reading.ttft_text_ms:.0f} ms" if streamed and reading.ttft_text_ms is not None else ""
    return Verdict.ok(
        f"{kind} returned {reading.text.strip()[:40]!r} with usage in={counts[0]} out={counts[1]}"
        f" (stop: {reading.stop_reason}){ttft}"
    )


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"
