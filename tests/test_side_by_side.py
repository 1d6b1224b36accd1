"""A target's requests go out side by side, and its layers are judged exactly as when they went one by one.

The emulator runs in-process behind a per-route delay (free calls answer before billable ones, as on a real
endpoint); the transport logs when each request started and ended, so the tests read the order of events,
never the wall-clock time of a run.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from benchmarks.round_trip import is_billable
from harness.config import Target, build_target
from harness.emulator import EmulatorSettings, create_app
from harness.emulator.inprocess import StreamingASGITransport
from harness.ladder import TargetRun
from harness.replay import api_kind
from harness.runner import RunOptions, run_and_report, run_targets

KEY = "key-side-by-side-0000"


@dataclass
class Sent:
    kind: str  # message, stream, count_tokens, or METHOD path for the rest
    started: float
    ended: float = 0.0


class StandIn(httpx.AsyncBaseTransport):
    """The emulator with free calls answering after ``free_s`` and billable ones after ``billable_s``; ``answer``
    may replace the answer for one kind of call."""

    def __init__(self, target: Target, *, free_s: float = 0.01, billable_s: float = 0.2,
                 settings: EmulatorSettings | None = None, answer: dict[str, httpx.Response] | None = None) -> None:
        # streams arrive event by event, as from a real endpoint (all at once would be a buffering proxy's shape)
        self.inner = StreamingASGITransport(create_app(settings or EmulatorSettings(tokens_per_second=200)))
        self.target, self.free_s, self.billable_s = target, free_s, billable_s
        self.answer = answer or {}
        self.sent: list[Sent] = []
        self.in_flight = self.peak = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        kind = api_kind(self.target, request) or f"{request.method} {request.url.path}"
        entry = Sent(kind, time.monotonic())
        self.sent.append(entry)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(self.billable_s if is_billable(request.method, request.url.path) else self.free_s)
            if kind in self.answer:  # a fresh copy each time: a response is read once
                canned = self.answer[kind]
                return httpx.Response(canned.status_code, headers=canned.headers, content=canned.content)
            response = await self.inner.handle_async_request(request)
            if kind == "stream" and response.status_code == 200:
                return response  # read by the prober as it arrives
            await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=response.content)
        finally:
            self.in_flight -= 1
            entry.ended = time.monotonic()

    def kinds(self) -> list[str]:
        return [s.kind for s in self.sent]

    def one(self, kind: str) -> Sent:
        found = [s for s in self.sent if s.kind == kind]
        assert len(found) == 1, (kind, self.kinds())
        return found[0]


def target(provider: str = "anthropic", key: str = KEY, **extra: Any) -> Target:
    bases = {"anthropic": "http://emulator.invalid", "foundry": "http://emulator.invalid/anthropic",
             "openrouter": "http://emulator.invalid/api/v1"}
    raw = {"provider": provider, "name": "t", "base_url": bases[provider], "api_key_env": "K",
           "allow_insecure_http": True, **extra}
    if provider == "foundry":
        raw.setdefault("model", "claude-sonnet-4-6")
    return build_target(raw, {"K": key}, default_id="t")


def run(t: Target, transport: httpx.AsyncBaseTransport, **options: Any) -> TargetRun:
    runs, _ = asyncio.run(run_targets([t], transport=transport, options=RunOptions(retries=0, **options)))
    return runs[0]


def verdicts(run_: TargetRun) -> list[tuple[str, str, str | None, str | None]]:
    return [(c.id, c.status, c.cause, c.blocked_by) for c in run_.checks]


@pytest.mark.parametrize("provider", ["anthropic", "foundry", "openrouter"])
def test_the_stream_goes_out_beside_the_message(provider: str) -> None:
    t = target(provider)
    transport = StandIn(t, free_s=0.02, billable_s=0.5)
    result = run(t, transport)
    assert all(c.status == "passed" for c in result.checks if c.id != "model.lifecycle"), verdicts(result)
    message, stream = transport.one("message"), transport.one("stream")
    assert stream.started < message.ended, "the stream was sent while the message was still in flight"
    first_free = min(s.ended for s in transport.sent if s.kind not in ("message", "stream"))
    assert stream.started >= first_free, "the stream waited for the free answers"
    assert result.usage["billable_calls"] == 2


@pytest.mark.parametrize("provider", ["anthropic", "foundry", "openrouter"])
def test_no_stream_is_sent_to_an_endpoint_that_refuses_the_key(provider: str) -> None:
    """The pre-check answers 401 before the (slower) message does: the stream is never sent, and every verdict
    is the one the old one-by-one order gives."""
    t = target(provider, key="bad-key-0000")  # the emulator refuses keys starting with "bad-"
    side_by_side = StandIn(t)
    result = run(t, side_by_side)
    in_order = run(t, StandIn(t), in_order=True)
    assert "stream" not in side_by_side.kinds()
    assert verdicts(result) == verdicts(in_order)
    assert result.check("auth.accepted").status == "failed"  # type: ignore[union-attr]
    assert result.check("stream.completes").status == "blocked"  # type: ignore[union-attr]
    assert result.usage["billable_calls"] == 0


def test_a_refused_stream_sent_beside_a_refused_message_bills_nothing() -> None:
    """count_tokens passes (it checks no key here) so the stream goes out beside the slower message; both are
    refused: the stream is kept as evidence of a blocked layer and never counted as billed."""
    t = target()
    refused = httpx.Response(401, json={"type": "error", "error": {"type": "authentication_error",
                                                                   "message": "invalid x-api-key"}})
    transport = StandIn(t, answer={"message": refused, "stream": refused})
    result = run(t, transport)
    assert transport.one("stream").started < transport.one("message").ended
    assert result.observations["stream"].status == 401
    assert result.check("auth.accepted").status == "failed"  # type: ignore[union-attr]
    assert result.check("stream.completes").status == "blocked"  # type: ignore[union-attr]
    assert result.usage["billable_calls"] == 0


def test_a_pre_check_refusal_the_message_contradicts_still_gets_its_stream() -> None:
    """count_tokens blames the key but the message works (a gateway that guards only that route): the stream is
    held back, then sent once the message passed, and judged as always."""
    t = target()
    refused = httpx.Response(401, json={"type": "error", "error": {"type": "authentication_error",
                                                                   "message": "invalid x-api-key"}})
    transport = StandIn(t, answer={"count_tokens": refused})
    result = run(t, transport)
    assert transport.one("stream").started >= transport.one("message").ended
    assert result.check("stream.completes").status == "passed"  # type: ignore[union-attr]
    assert result.check("precheck.served").status == "warning"  # type: ignore[union-attr]
    assert result.check("auth.accepted").status == "passed"  # type: ignore[union-attr]


@pytest.mark.parametrize("fault", ["invalid-key", "missing-role", "unknown-model", "rate-limited", "overloaded",
                                   "malformed-json", "truncated-stream", "error-after-200", "drop-connection"])
def test_verdicts_match_the_one_by_one_order(fault: str) -> None:
    t = target()
    settings = EmulatorSettings(faults=frozenset({fault}))
    result = run(t, StandIn(t, settings=settings))
    baseline = run(t, StandIn(t, settings=settings), in_order=True)
    assert verdicts(result) == verdicts(baseline)
    assert result.usage["billable_calls"] <= 2


def test_an_answer_for_a_blocked_layer_is_kept_as_evidence() -> None:
    """The message's body is broken (judged failed) while the stream, sent beside it, succeeded: the stream check
    is blocked as before, its answer is kept in the observations and counted as billed."""
    t = target()
    result = run(t, StandIn(t, settings=EmulatorSettings(faults=frozenset({"malformed-json"}))))
    assert result.check("message.text-and-usage").status == "failed"  # type: ignore[union-attr]
    stream = result.check("stream.completes")
    assert stream is not None and stream.status == "blocked" and stream.blocked_by == "message.text-and-usage"
    assert result.observations["stream"].ok
    assert result.usage["billable_calls"] == 2  # the accepted message and the accepted stream; never more


def test_observations_are_kept_in_the_ladder_order() -> None:
    t = target("openrouter")
    result = run(t, StandIn(t, free_s=0.0, billable_s=0.05))
    assert list(result.observations) == ["network", "key_info", "models", "message", "stream"]


def test_a_deployment_limit_of_one_sends_one_request_at_a_time() -> None:
    t = target()
    transport = StandIn(t)
    result = run(t, transport, per_deployment=1)
    assert transport.peak == 1
    assert result.check("stream.completes").status == "passed"  # type: ignore[union-attr]
    transport = StandIn(t)
    run(t, transport)
    assert transport.peak > 1, "by default a target's requests overlap"


def test_each_request_retries_on_its_own() -> None:
    """A 429 with retry-after-ms on the first message and the first stream: each is retried and records its own
    retry, the rest is unaffected."""
    t = target()
    limited = {"message": 1, "stream": 1}

    class RateLimitedOnce(StandIn):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            kind = api_kind(self.target, request) or ""
            if limited.get(kind):
                limited[kind] -= 1
                self.sent.append(Sent(f"429 {kind}", time.monotonic(), time.monotonic()))
                return httpx.Response(429, headers={"retry-after-ms": "10"},
                                      json={"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}})
            return await super().handle_async_request(request)

    transport = RateLimitedOnce(t)
    runs, _ = asyncio.run(run_targets([t], transport=transport, options=RunOptions(retries=2)))
    result = runs[0]
    assert [r["status"] for r in result.observations["message"].retries] == [429]
    assert [r["status"] for r in result.observations["stream"].retries] == [429]
    assert result.observations["count_tokens"].retries == []
    assert result.check("stream.completes").status == "passed"  # type: ignore[union-attr]
    assert result.usage["billable_calls"] == 2


def test_the_full_profile_sends_its_extra_probes_together() -> None:
    t = target()
    transport = StandIn(t, free_s=0.01, billable_s=0.3)
    result = run(t, transport, profile="full")
    truncated_or_negative = [s for s in transport.sent if s.kind == "message"][1:]  # after the smoke message
    assert len(truncated_or_negative) == 3  # the max_tokens call, the bad key and the unknown model
    assert max(s.started for s in truncated_or_negative) < min(s.ended for s in truncated_or_negative)
    assert result.usage["billable_calls"] == 3
    assert not [c for c in result.checks if c.status == "failed"]


def test_the_budget_is_refused_before_anything_is_sent() -> None:
    from harness.errors import HarnessError

    t = target()
    transport = StandIn(t)
    with pytest.raises(HarnessError, match="exceeds the budget"):
        run_and_report([t], mode="mocked", transport=transport, options=RunOptions(max_billable_calls=1))
    assert transport.sent == []


def test_the_benchmark_stand_in_prices_routes_as_providers_bill_them() -> None:
    billable = ["/v1/messages", "/anthropic/v1/messages", "/api/v1/chat/completions",
                "/bedrock/model/m/invoke", "/bedrock/model/m/invoke-with-response-stream",
                "/vertex/v1/projects/p/locations/l/publishers/anthropic/models/m:rawPredict",
                "/vertex/v1/projects/p/locations/l/publishers/anthropic/models/m:streamRawPredict"]
    free = ["/v1/messages/count_tokens", "/bedrock/model/m/count-tokens",
            "/vertex/v1/projects/p/locations/l/publishers/anthropic/models/count-tokens:rawPredict", "/api/v1/key"]
    assert all(is_billable("POST", p) for p in billable)
    assert not any(is_billable("POST", p) for p in free)
    assert not is_billable("GET", "/v1/messages")


def test_an_unreachable_host_blocks_everything_and_gets_no_stream() -> None:
    """The reachability probe goes out beside the message; when the host never answers, every layer above it is
    blocked as before, the message's failed attempt is kept as evidence, and no stream is sent."""
    t = target()
    sent: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        sent.append(api_kind(t, request) or request.method)
        raise httpx.ConnectError("connection refused", request=request)

    result = run(t, httpx.MockTransport(refuse))
    network = result.check("network.reachable")
    assert network is not None and network.status == "failed" and network.cause is not None
    assert {c.status for c in result.checks if c.id not in ("config.valid", "model.lifecycle",
                                                            "network.reachable")} == {"blocked"}
    assert "stream" not in sent and "message" in sent
    assert result.observations["message"].phase == "connect"
    assert result.credential_details == {} and result.usage["billable_calls"] == 0
