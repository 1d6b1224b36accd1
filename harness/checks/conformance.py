"""The full profile's checks: schemas, stream grammar, usage arithmetic, headers and
error shapes (pure judges over observations already made)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..diagnosis import Evidence, classify
from ..diagnosis.provider_facts import facts
from ..observation import Observation
from ..providers import ProviderSpec
from ..retry import parse_retry_after
from ..wire import read_message, read_stream, usage_counts
from .basic import Verdict
from .grammar import check_anthropic_stream, check_openrouter_stream
from .schema import violations

CONFORMANCE_CHECKS = (
    "schema.message",
    "schema.stream-events",
    "schema.auxiliary",
    "stream.grammar",
    "usage.message",
    "usage.stream",
    "usage.stream-vs-message",
    "usage.max-tokens",
    "headers.request-id",
    "headers.rate-limit",
    "errors.bad-key",
    "errors.bad-model",
    "errors.unsupported-endpoints",
)
# What only the provider itself promises: a compatible gateway that differs gets a warning, not a failure.
PROVIDER_ONLY_CHECKS = frozenset({"headers.request-id", "headers.rate-limit", "errors.bad-key", "errors.bad-model",
                                  "errors.unsupported-endpoints", "schema.auxiliary"})
TRUNCATION_MAX_TOKENS = 3
TRUNCATION_PROMPT = "Count from 1 to 200, separated by commas."
_EVENT_SCHEMAS = {
    "message_start": "MessageStartEvent", "content_block_start": "ContentBlockStartEvent",
    "content_block_delta": "ContentBlockDeltaEvent", "content_block_stop": "ContentBlockStopEvent",
    "message_delta": "MessageDeltaEvent", "message_stop": "MessageStopEvent", "ping": "PingEvent",
    "error": "ErrorEvent",
}


@dataclass(frozen=True)
class Observed:
    """What the full profile has seen for one target."""

    spec: ProviderSpec
    auth: str
    max_tokens: int
    message: Observation
    stream: Observation
    auxiliary: list[Observation]
    truncated: Observation | None = None
    bad_key: Observation | None = None
    bad_model: Observation | None = None
    unsupported: tuple[Observation, ...] = ()

    @property
    def wire(self) -> str:
        return self.spec.wire

    @property
    def messages(self) -> bool:
        """Anthropic's Messages format (else OpenAI's chat completions)."""
        return self.spec.wire == "anthropic-messages"


def _fail(message: str, cause: str = "conformance.schema") -> Verdict:
    return Verdict(False, message, cause)


def message_matches_schema(o: Observed) -> Verdict:
    name = "CompleteMessage" if o.messages else "ChatCompletion"
    found = violations(o.wire, name, o.message.json())
    if found:
        return _fail(f"the message does not match {name}: " + "; ".join(found))
    return Verdict.ok(f"the message matches {name}")


def stream_events_match_schemas(o: Observed) -> Verdict:
    checked = 0
    for number, timed in enumerate(o.stream.events, start=1):
        event = timed.event
        if o.messages:
            name = _EVENT_SCHEMAS.get(event.event or "")
            if name is None:
                continue  # unknown event types are allowed
        else:
            if event.data.strip() == "[DONE]":
                continue
            name = "ChatCompletionChunk"
        instance = _json(event.data)
        found = violations(o.wire, name, instance)
        if found:
            return _fail(f"event {number} ({event.event or 'data'}) does not match {name}: " + "; ".join(found))
        checked += 1
    return Verdict.ok(f"{checked} stream events match their schemas")


def auxiliary_responses_match_schemas(o: Observed) -> Verdict:
    names = {"count_tokens": facts(o.spec.name).count_tokens_schema, "key_info": "KeyInfo", "models": "ModelsList"}
    seen = []
    for obs in o.auxiliary:
        name = names.get(obs.probe)
        if name is None or not obs.ok:
            continue
        found = violations(o.wire, name, obs.json())
        if found:
            return _fail(f"{obs.method} {obs.url} does not match {name}: " + "; ".join(found))
        seen.append(name)
    return Verdict.ok(f"{', '.join(seen) or 'no auxiliary responses'} match their schemas")


def stream_follows_grammar(o: Observed) -> Verdict:
    events = [t.event for t in o.stream.events]
    result = check_anthropic_stream(events) if o.messages else check_openrouter_stream(events)
    if result.ok:
        return Verdict.ok(result.message)
    if result.error_event is not None:
        kind = result.error_event.get("type") or result.error_event.get("code")
        verdict = classify(Evidence(provider=o.spec.name, auth=o.auth, status=200, after_200=True,
                                    body={"error": result.error_event}))
        return Verdict(False, f"{result.message}: {kind}", "stream.error-event", verdict.transient)
    return _fail(result.message, "conformance.stream")


def _counts_problem(usage: dict[str, Any] | None, keys: tuple[str, ...]) -> str | None:
    if usage is None:
        return "no usage object"
    for key in keys:
        value = usage.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            return f"usage.{key} is {value!r}, not an integer"
        if value < 0:
            return f"usage.{key} is negative ({value})"
    return None


def message_usage_is_consistent(o: Observed) -> Verdict:
    reading = read_message(o.spec.wire, o.message)
    keys = ("input_tokens", "output_tokens") if o.messages else (
        "prompt_tokens", "completion_tokens", "total_tokens")
    problem = _counts_problem(reading.usage, keys)
    if problem:
        return _fail(f"message {problem}", "conformance.usage")
    assert reading.usage is not None
    counts = usage_counts(o.spec.wire, reading.usage)
    assert counts is not None
    if counts[1] > o.max_tokens:
        return _fail(f"output tokens {counts[1]} exceed max_tokens {o.max_tokens}", "conformance.max-tokens")
    if not o.messages and reading.usage["total_tokens"] != counts[0] + counts[1]:
        return _fail(f"total_tokens {reading.usage['total_tokens']} != prompt_tokens {counts[0]} + "
                     f"completion_tokens {counts[1]}", "conformance.usage")
    return Verdict.ok(f"message usage in={counts[0]} out={counts[1]} (max_tokens {o.max_tokens})")


def stream_usage_is_consistent(o: Observed) -> Verdict:
    if not o.messages:
        usages = [_json(t.event.data).get("usage") for t in o.stream.events
                  if isinstance(_json(t.event.data), dict) and isinstance(_json(t.event.data).get("usage"), dict)]
        if len(usages) != 1:
            return _fail(f"expected usage exactly once, in the final chunk; it came {len(usages)} times",
                         "conformance.usage")
        problem = _counts_problem(usages[0], ("prompt_tokens", "completion_tokens", "total_tokens"))
        if problem:
            return _fail(f"stream {problem}", "conformance.usage")
        u = usages[0]
        if u["total_tokens"] != u["prompt_tokens"] + u["completion_tokens"]:
            return _fail(f"stream total_tokens {u['total_tokens']} != {u['prompt_tokens']} + "
                         f"{u['completion_tokens']}", "conformance.usage")
        return Verdict.ok(f"one usage chunk: prompt={u['prompt_tokens']} completion={u['completion_tokens']}")
    start_usage: dict[str, Any] | None = None
    outputs: list[int] = []
    for timed in o.stream.events:
        data = _json(timed.event.data)
        if not isinstance(data, dict):
            continue
        if timed.event.event == "message_start" and isinstance(data.get("message"), dict):
            start_usage = data["message"].get("usage")
        elif timed.event.event == "message_delta" and isinstance(data.get("usage"), dict):
            value = data["usage"].get("output_tokens")
            if isinstance(value, int):
                outputs.append(value)
    problem = _counts_problem(start_usage, ("input_tokens", "output_tokens"))
    if problem:
        return _fail(f"message_start {problem}", "conformance.usage")
    if not outputs:
        return _fail("no message_delta carried usage.output_tokens", "conformance.usage")
    if any(later < earlier for earlier, later in itertools.pairwise(outputs)):
        return _fail(f"message_delta output_tokens decrease: {outputs} (they are cumulative)", "conformance.usage")
    final = read_stream(o.spec.wire, o.stream).usage or {}
    if final.get("output_tokens") != outputs[-1] or outputs[-1] > o.max_tokens:
        return _fail(f"final output_tokens {final.get('output_tokens')} (last delta {outputs[-1]}, max_tokens "
                     f"{o.max_tokens})", "conformance.usage")
    assert start_usage is not None
    return Verdict.ok(f"stream usage cumulative {outputs}; final = message_start (in={start_usage['input_tokens']}) "
                      f"overlaid by the last message_delta (out={outputs[-1]})")


def stream_usage_matches_message(o: Observed) -> Verdict:
    message = usage_counts(o.spec.wire, read_message(o.spec.wire, o.message).usage)
    streamed = usage_counts(o.spec.wire, read_stream(o.spec.wire, o.stream).usage)
    if message is None or streamed is None:
        return _fail(f"usage missing: message {message}, stream {streamed}", "conformance.usage")
    if message[0] != streamed[0]:
        return _fail(f"the same request counted {message[0]} input tokens unstreamed and {streamed[0]} streamed"
                     + (" (about double: cumulative usage summed?)" if streamed[0] >= 2 * message[0] > 0 else ""),
                     "conformance.usage")
    return Verdict.ok(f"input tokens agree: {message[0]} unstreamed and streamed")


def max_tokens_stops_generation(o: Observed) -> Verdict:
    if o.truncated is None or not o.truncated.ok:
        status = None if o.truncated is None else o.truncated.status
        return _fail(f"the max_tokens probe did not return 200 (status {status})", "conformance.max-tokens")
    reading = read_message(o.spec.wire, o.truncated)
    expected = "max_tokens" if o.messages else "length"
    counts = usage_counts(o.spec.wire, reading.usage)
    if reading.stop_reason != expected:
        return _fail(f"with max_tokens={TRUNCATION_MAX_TOKENS} the stop reason is {reading.stop_reason!r}, "
                     f"expected {expected!r}: max_tokens was ignored", "conformance.max-tokens")
    if counts is None or counts[1] > TRUNCATION_MAX_TOKENS:
        return _fail(f"with max_tokens={TRUNCATION_MAX_TOKENS} output tokens are {counts and counts[1]}",
                     "conformance.max-tokens")
    return Verdict.ok(f"max_tokens={TRUNCATION_MAX_TOKENS} stopped with {expected!r} after {counts[1]} tokens")


def request_ids_present(o: Observed) -> Verdict:
    required = o.spec.documented_request_id_headers
    if not required:
        seen = {h: o.message.header(h) for h in o.spec.request_id_headers if o.message.header(h)}
        return Verdict.ok(f"no request id header is documented; seen: {seen or 'none'}")
    for obs in (o.message, o.stream):
        missing = [h for h in required if not obs.header(h)]
        if missing:
            return _fail(f"the {obs.probe} response lacks {', '.join(missing)}", "conformance.headers")
    return Verdict.ok(f"{', '.join(required)} present on message and stream responses")


_RATE_FAMILY = re.compile(r"^anthropic-ratelimit-([a-z-]+)-(limit|remaining|reset)$")


def rate_limit_headers_well_formed(o: Observed) -> Verdict:
    for obs in (o.message, o.stream, *o.auxiliary, *(x for x in (o.bad_key, o.bad_model) if x)):
        announced = obs.header("retry-after") is not None or obs.header("retry-after-ms") is not None
        if announced and parse_retry_after(obs.headers) is None:
            return _fail(f"retry-after {obs.header('retry-after')!r} on {obs.probe} is neither seconds nor an "
                         "HTTP date", "conformance.headers")
    found = {k.lower(): v for k, v in o.message.headers.items() if _RATE_FAMILY.match(k.lower())}
    if o.spec.ratelimit_header_prefix is None:
        note = "absent, as documented" if not found else f"{len(found)} present though not documented"
        return Verdict.ok(f"{o.spec.display_name} rate-limit headers: {note}")
    if not found:
        return _fail(f"no {o.spec.ratelimit_header_prefix}* headers on the message response", "conformance.headers")
    for name, value in found.items():
        kind = _RATE_FAMILY.match(name).group(2)  # type: ignore[union-attr]
        if kind in ("limit", "remaining") and not value.strip().isdigit():
            return _fail(f"{name}: {value!r} is not a whole number", "conformance.headers")
        if kind == "reset" and not _rfc3339(value):
            return _fail(f"{name}: {value!r} is not an RFC 3339 time", "conformance.headers")
    return Verdict.ok(f"{len(found)} anthropic-ratelimit-* headers, all well-formed")


def _rfc3339(value: str) -> bool:
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _error_schema(o: Observed) -> str:
    return facts(o.spec.name).error_schema  # the provider's own (its diagnosis.toml), else ErrorResponse


def bad_key_is_rejected_as_documented(o: Observed) -> Verdict:
    obs = o.bad_key
    if obs is None or obs.status is None:
        return _fail(f"the bad-key probe got no answer ({obs and obs.error})", "conformance.errors")
    where = f"{obs.method} {_path(obs.url)}"
    expected = " or ".join(map(str, o.spec.bad_key_statuses))
    if obs.status not in o.spec.bad_key_statuses:
        return _fail(f"a deliberately wrong credential got HTTP {obs.status} at {where}, expected {expected}",
                     "conformance.errors")
    found = violations(o.wire, o.spec.credential_error_schema(o.auth) or _error_schema(o), obs.json())
    if found:
        return _fail(f"the {obs.status} body at {where} is not the documented error shape: " + "; ".join(found),
                     "conformance.errors")
    return Verdict.ok(f"a wrong credential gets {obs.status} with the documented error body at {where}")


def bad_model_is_rejected_as_documented(o: Observed) -> Verdict:
    obs = o.bad_model
    expected = o.spec.bad_model_status or (400 if o.spec.wire == "openai-chat" else 404)
    if obs is None or obs.status is None:
        return _fail(f"the unknown-model probe got no answer ({obs and obs.error})", "conformance.errors")
    where = f"{obs.method} {_path(obs.url)}"
    if obs.status != expected:
        return _fail(f"an unknown model got HTTP {obs.status} at {where}, expected {expected}", "conformance.errors")
    found = violations(o.wire, _error_schema(o), obs.json())
    if found:
        return _fail(f"the {expected} body at {where} is not the documented error shape: " + "; ".join(found),
                     "conformance.errors")
    cause = classify(Evidence(provider=o.spec.name, auth=o.auth, status=obs.status, body=obs.json(),
                              headers={k.lower(): v for k, v in obs.headers.items()})).cause
    if cause != "model.not-found":
        return _fail(f"the unknown-model answer at {where} reads as {cause}, not model.not-found",
                     "conformance.errors")
    return Verdict.ok(f"an unknown model gets {expected} with the documented not-found body at {where}")


def unsupported_endpoints_answer_as_documented(o: Observed) -> Verdict:
    if not o.unsupported:
        return Verdict.skip(f"not applicable: {o.spec.display_name} documents no unsupported endpoints")
    for obs in o.unsupported:
        if obs.status != 404:
            return _fail(f"{obs.method} {obs.url} got HTTP {obs.status}, expected 404 (documented as unsupported)",
                         "conformance.errors")
    return Verdict.ok(f"{len(o.unsupported)} unsupported endpoints answer 404")


JUDGES = {
    "schema.message": message_matches_schema,
    "schema.stream-events": stream_events_match_schemas,
    "schema.auxiliary": auxiliary_responses_match_schemas,
    "stream.grammar": stream_follows_grammar,
    "usage.message": message_usage_is_consistent,
    "usage.stream": stream_usage_is_consistent,
    "usage.stream-vs-message": stream_usage_matches_message,
    "usage.max-tokens": max_tokens_stops_generation,
    "headers.request-id": request_ids_present,
    "headers.rate-limit": rate_limit_headers_well_formed,
    "errors.bad-key": bad_key_is_rejected_as_documented,
    "errors.bad-model": bad_model_is_rejected_as_documented,
    "errors.unsupported-endpoints": unsupported_endpoints_answer_as_documented,
}


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"


def _json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError:
        return None
