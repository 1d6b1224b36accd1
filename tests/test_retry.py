"""Retries that respect the provider: the pure policy, and the probe with a fake clock."""

from __future__ import annotations

import asyncio
import email.utils

import httpx
import pytest

from harness import retry
from harness.probe import Prober, ProbeRequest
from harness.redact import Redactor

NOW = 1_800_000_000.0


def decide(status: int | None, headers: dict[str, str] | None = None, body: str = "", *, attempt: int = 0,
           phase: str | None = None, retries: int = 2, max_wait: float = 30.0) -> retry.RetryDecision:
    return retry.decide(attempt=attempt, retries=retries, status=status, phase=phase, headers=headers or {},
                        body_text=body, jitter=0.0, max_wait_s=max_wait, now=NOW)


def test_retry_after_forms() -> None:
    assert retry.parse_retry_after({"retry-after": "7"}) == 7.0
    assert retry.parse_retry_after({"Retry-After": "1.5"}) == 1.5
    assert retry.parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    date = email.utils.formatdate(NOW + 12, usegmt=True)
    assert retry.parse_retry_after({"retry-after": date}, now=NOW) == pytest.approx(12.0)
    assert retry.parse_retry_after({"retry-after": "soon"}) is None
    assert retry.parse_retry_after({}) is None


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 529])
def test_transient_statuses_are_retried(status: int) -> None:
    assert decide(status).retry


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 422])
def test_setup_errors_are_not_retried(status: int) -> None:
    decision = decide(status)
    assert not decision.retry and f"HTTP {status} is not retried" == decision.reason


def test_spend_limit_429_is_not_retried() -> None:
    body = ('{"type":"error","error":{"type":"rate_limit_error",'
            '"details":{"error_code":"enforced_spend_limit_reached"}}}')
    decision = decide(429, body=body)
    assert not decision.retry and "spend limit" in decision.reason


def test_retry_after_is_honoured_and_capped() -> None:
    assert decide(429, {"retry-after": "7"}).wait_s == 7.0
    capped = decide(429, {"retry-after": "3600"})
    assert not capped.retry and "exceeds the cap" in capped.reason


def test_x_should_retry_overrides_status() -> None:
    assert not decide(503, {"x-should-retry": "false"}).retry
    assert decide(400, {"x-should-retry": "true"}).retry


def test_connection_errors_retried_but_not_tls_or_dns() -> None:
    assert decide(None, phase="connect").retry
    assert decide(None, phase="timeout").retry
    assert not decide(None, phase="tls").retry
    assert not decide(None, phase="dns").retry


def test_retries_are_bounded_and_backoff_grows_with_jitter_only_shorter() -> None:
    assert not decide(529, attempt=2, retries=2).retry
    assert [retry.backoff(n, 0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert retry.backoff(1, 0.999) == pytest.approx(0.75, rel=0.01)


def run_probe(responses: list[httpx.Response], *, retries: int = 2) -> tuple[object, list[float], int]:
    slept: list[float] = []
    calls = 0

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return responses[min(calls - 1, len(responses) - 1)]

    async def go() -> object:
        async with Prober(Redactor(), transport=httpx.MockTransport(handler), retries=retries, sleep=fake_sleep,
                          jitter=lambda: 0.0) as prober:
            return await prober.send(ProbeRequest("message", "POST", "https://h.test/v1/messages", {}, {"a": 1}))

    obs = asyncio.run(go())
    return obs, slept, calls


def test_probe_honours_retry_after_with_a_fake_clock() -> None:
    obs, slept, calls = run_probe([httpx.Response(429, headers={"retry-after": "3"}, json={}),
                                   httpx.Response(200, json={"ok": True})])
    assert calls == 2 and slept == [3.0]
    assert obs.status == 200  # type: ignore[attr-defined]
    assert obs.retries == [{"attempt": 1, "status": 429, "phase": None, "wait_s": 3.0,  # type: ignore[attr-defined]
                            "reason": "retry-after 3 s"}]


def test_probe_does_not_retry_401_or_spend_limit() -> None:
    _, slept, calls = run_probe([httpx.Response(401, json={})])
    assert calls == 1 and slept == []
    spend = {"type": "error", "error": {"type": "rate_limit_error", "message": "You have reached your API usage "
                                        "limits", "details": {"error_code": "enforced_spend_limit_reached"}}}
    _, slept, calls = run_probe([httpx.Response(429, json=spend)])
    assert calls == 1 and slept == []


def test_probe_backs_off_then_gives_up() -> None:
    obs, slept, calls = run_probe([httpx.Response(529, json={})])
    assert calls == 3 and slept == [0.5, 1.0]
    assert [r["status"] for r in obs.retries] == [529, 529]  # type: ignore[attr-defined]
