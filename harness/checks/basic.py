"""The first checks: the endpoint answers, credentials are accepted, the model
exists, a message comes back with text and usage, a stream ends properly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..diagnosis import Classification, Evidence, classify
from ..observation import Observation
from ..providers import PROVIDERS, WireFormat
from ..providers.base import SSE
from ..wire import Reading, read_message, read_stream, usage_counts

# check id -> layer, in ladder order
CHECK_LAYERS: dict[str, str] = {
    "config.valid": "config",
    "model.lifecycle": "model",  # offline, from the lifecycle data: a retired model is named before any request
    "network.reachable": "network",
    "gateway.startup": "network",  # Claude Code's own start-up call to an Anthropic-format gateway (a hint)
    "credentials.obtained": "credentials",
    "claude-code.list-profiles": "model",  # Claude Code's start-up calls on Bedrock / Vertex (check --claude-code)
    "claude-code.tier-opus": "model",
    "claude-code.tier-sonnet": "model",
    "claude-code.tier-haiku": "model",
    "claude-code.tier-fable": "model",
    "auth.accepted": "auth",
    "model.available": "model",
    "model.access": "model",  # Bedrock's control plane: access granted, offered in the region (a hint)
    "precheck.served": "auth",
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
    warning: bool = False  # passed, but with something the user should act on (contract §4)

    @staticmethod
    def ok(message: str) -> Verdict:
        return Verdict(True, message)

    @staticmethod
    def warn(message: str, cause: str | None = None) -> Verdict:
        """Not a failure: the target works, but something here needs the user's attention."""
        return Verdict(True, message, cause, warning=True)

    @staticmethod
    def skip(message: str) -> Verdict:
        """Not applicable to this target: reported as skipped, never as passed."""
        return Verdict(True, message, skipped=True)


@dataclass(frozen=True)
class Context:
    """What a judge knows about the target besides the observation."""

    provider: str
    auth: str
    model: str | None = None
    other_route_works: bool = False  # another API route of this base URL answered as the provider would


CREDENTIAL_HEADERS = frozenset({"x-api-key", "api-key", "authorization", "ocp-apim-subscription-key"})


def evidence_of(obs: Observation, provider: str, auth: str, *, after_200: bool = False, body: Any = None,
                model: str | None = None, other_route_works: bool = False) -> Evidence:
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
        model=model,
        other_route_works=other_route_works,
        sent_headers=tuple(sorted(k.lower() for k in obs.request_headers if k.lower() in CREDENTIAL_HEADERS)),
    )


def classify_answer(obs: Observation, ctx: Context) -> Classification:
    return classify(evidence_of(obs, ctx.provider, ctx.auth, model=ctx.model,
                                other_route_works=ctx.other_route_works))


def seen_answer(obs: Observation, result: Classification) -> str:
    """One line on what came back: the status, the error's type or code, its message (or the raw body)."""
    if obs.status is None:
        return f"no HTTP answer ({obs.phase}: {obs.error})"
    detail = " ".join((result.info.message or (obs.body_text or "")[:200]).split())
    kind = result.info.type or result.info.code
    code = f" {kind}" if kind and kind != str(obs.status) else ""
    return f"HTTP {obs.status}{code}: {detail}".rstrip(": ")


def _failure(obs: Observation, ctx: Context, what: str) -> Verdict:
    result = classify_answer(obs, ctx)
    decided = f" [{result.rule}]" if result.rule else ""
    again = ""
    if obs.retries and all(r.get("status") == obs.status for r in obs.retries):
        again = f" (the same status on {len(obs.retries) + 1} attempts)"
    return Verdict(False, f"expected {what}; got {seen_answer(obs, result)}{decided}{again}", result.cause,
                   result.transient)


def endpoint_answers(obs: Observation) -> Verdict:
    if obs.answered and obs.status in (403, 407):  # a forward proxy answering for the endpoint is no answer from it
        refusal = classify_answer(obs, Context("", ""))
        if refusal.cause.startswith("proxy."):
            return Verdict(False, f"expected an answer from {obs.url}; the proxy answered instead: "
                                  f"{seen_answer(obs, refusal)} [{refusal.rule}]", refusal.cause)
    if obs.answered:
        return Verdict.ok(f"{obs.method} {obs.url} answered HTTP {obs.status} in {obs.timings.total_ms:.0f} ms")
    result = classify(Evidence(provider="", phase=obs.phase, error_text=obs.error))
    return Verdict(False, f"expected any HTTP answer from {obs.url}; {obs.phase} failed: {obs.error}", result.cause)


# Causes that mean the endpoint judged the request or the model, which it does only after the credential.
PAST_AUTH_CAUSES = frozenset({"model.not-found", "model.invalid-parameter", "model.no-endpoints", "request.invalid",
                              "request.too-large", "model.access-denied", "model.inference-profile-required",
                              "model.retired", "request.unsupported-version", "request.unsupported-beta",
                              "model.wrong-id-format"})
# Causes that speak about the credential or about where the request went: the message decides these layers.
AUTH_LAYER_CAUSES = frozenset({"config.invalid-endpoint", "endpoint.unsupported", "access.region-blocked",
                               "config.missing-workspace"})  # the workspace id is what a credential is judged in


def speaks_to_auth(cause: str) -> bool:
    """Does an answer with this cause say anything about the credential (or the route it was sent to)?"""
    return cause.startswith("auth.") or cause in AUTH_LAYER_CAUSES or cause in PAST_AUTH_CAUSES


def credentials_accepted(obs: Observation, ctx: Context) -> Verdict:
    """Decided by the real message request: 2xx, or an answer whose body blames the model or the request."""
    where = f"{obs.method} {_path(obs.url)}"
    if obs.status is not None and 200 <= obs.status < 300:
        return Verdict.ok(f"{where} accepted the credential (HTTP {obs.status})")
    if obs.status is not None and obs.status < 500:
        result = classify_answer(obs, ctx)
        if result.cause in PAST_AUTH_CAUSES:
            return Verdict.ok(f"{where} got past authentication: HTTP {obs.status} blames the "
                              f"{'model' if result.cause.startswith('model.') else 'request'}, not the credential")
    return _failure(obs, ctx, f"{where} to accept the credential")


def model_is_available(obs: Observation, ctx: Context, hint: str = "") -> Verdict:
    if obs.status is not None and 200 <= obs.status < 300:
        return Verdict.ok(f"model {ctx.model!r} answered ({obs.method} {_path(obs.url)} HTTP {obs.status})")
    verdict = _failure(obs, ctx, f"model {ctx.model!r} to be served")
    return Verdict(False, verdict.message + hint, verdict.cause, verdict.transient)


def message_has_text_and_usage(obs: Observation, wire: WireFormat, provider: str, auth: str) -> Verdict:
    if obs.phase == "cap":
        return Verdict(False, f"expected a message of reasonable size; {obs.error}", "conformance.schema")
    if not obs.ok:
        return _failure(obs, Context(provider, auth), "HTTP 200 with a message")
    reading = read_message(wire, obs)
    return _judge_reading(reading, obs, wire, provider, auth, streamed=False)


def stream_completes(obs: Observation, wire: WireFormat, provider: str, auth: str) -> Verdict:
    if obs.phase == "cap":
        return Verdict(False, f"expected the stream to end; {obs.error}", "conformance.stream")
    if obs.status is None or obs.status >= 300:
        return _failure(obs, Context(provider, auth), "HTTP 200 with an event stream")
    expected = PROVIDERS[provider].stream_content_type if provider in PROVIDERS else SSE
    got = obs.header("content-type") or ""
    if expected not in got:
        if expected != SSE and SSE in got:  # a proxy re-framed a cloud's binary stream as SSE
            return Verdict(False, f"expected content-type {expected} from the streaming route; got {got!r}: "
                           "something between you and the provider re-framed the stream, and clients of this "
                           "provider (the AWS SDKs, Claude Code) reject it", "conformance.stream")
        return Verdict(
            False,
            f"expected content-type {expected} to a streaming request; got {obs.header('content-type')!r}",
            "stream.not-supported",
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


def startup_hello(obs: Observation) -> Verdict:
    """Claude Code sends HEAD /api/hello to an Anthropic-format gateway at start-up (its gateway protocol page);
    what it does with a failure is not documented, so a failure here is a warning, never a verdict."""
    where = f"HEAD {_path(obs.url)}"
    if obs.status is not None and 200 <= obs.status < 400:
        return Verdict.ok(f"{where} answered HTTP {obs.status} (Claude Code's start-up check)")
    seen = f"HTTP {obs.status}" if obs.status is not None else f"{obs.phase}: {obs.error}"
    return Verdict.warn(f"{where} answered {seen}: Claude Code calls it at start-up (not when a proxy or a client "
                        "certificate is set); what it does with a failure is not documented", "endpoint.not-served")
