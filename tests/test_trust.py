"""Verdicts a user can trust on endpoints that only partly serve a provider's API (issue: gateways, mocks).

Pre-checks are hints: the real message request decides. Route answers (404 naming no model, 405, 501) are
never "past authentication" and never transient. Recognised gateway and SDK texts map to their causes, and
what matches nothing is unclassified rather than a cause whose advice would not fit.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.checks.credentials import token_is_usable
from harness.cli import main
from harness.config import Target, build_target
from harness.diagnosis import Evidence, classify, fingerprints
from harness.explain import explain_text
from harness.ladder import TargetRun, run_target
from harness.probe import Prober
from harness.redact import Redactor
from harness.replay import _healthy
from harness.report import build_report
from harness.wire import message_body
from tests.helpers import read_report

BASE = "https://api.anthropic.com"
ENV = {"ANTHROPIC_API_KEY": "k-trust-123456"}


# --- the fingerprint table -------------------------------------------------------------------------------------
@pytest.mark.parametrize("row", fingerprints(), ids=[r.id for r in fingerprints()])
def test_each_fingerprint_decides_its_own_example(row: Any) -> None:
    result = classify(Evidence(provider="anthropic", status=row.example_status, body=row.example_body))
    assert result.rule == row.id
    expected = {"@route": "config.invalid-endpoint"}.get(row.cause, row.cause)
    assert result.cause == expected


# --- routes, server errors, honesty ----------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "body", "other_route", "cause", "transient"), [
    (404, {"detail": "Not Found"}, False, "config.invalid-endpoint", False),
    (404, {"detail": "Not Found"}, True, "endpoint.unsupported", False),
    (404, "<html><title>404 Not Found</title></html>", False, "config.invalid-endpoint", False),
    (405, "", False, "config.invalid-endpoint", False),
    (501, "<html><title>Error response</title><body>Unsupported method ('POST')</body></html>", False,
     "config.invalid-endpoint", False),
    (404, {"type": "error", "error": {"type": "not_found_error", "message": "model: claude-x"}}, False,
     "model.not-found", False),
    (500, "Traceback (most recent call last):\n  File \"app.py\", line 3\nKeyError: 'x'", False,
     "endpoint.server-error", False),
    (500, "Internal Server Error", False, "endpoint.server-error", False),
    (500, {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}, False,
     "provider.server-error", True),
    (529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, False,
     "provider.overloaded", True),
    (400, "bad", False, "unclassified", False),
    (403, "<html><title>Access Denied</title></html>", False, "unclassified", False),
    (413, {"type": "error", "error": {"type": "request_too_large", "message": "too big"}}, False,
     "request.too-large", False),
])
def test_status_taxonomy(status: int, body: Any, other_route: bool, cause: str, transient: bool) -> None:
    result = classify(Evidence(provider="anthropic", status=status, body=body, other_route_works=other_route,
                               model="claude-x"))
    assert (result.cause, result.transient) == (cause, transient), result.rule


def test_openrouter_body_code_stands_in_for_a_missing_status() -> None:
    pasted = '{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/credits"}}'
    assert explain_text(pasted, provider="openrouter", auth=None)["cause"] == "billing.insufficient-credits"


@pytest.mark.parametrize(("text", "cause"), [
    ("anthropic.AuthenticationError: Error code: 401 - {'type': 'error', 'error': {'type': 'authentication_error', "
     "'message': 'invalid x-api-key'}, 'request_id': 'req_011Test'}", "auth.invalid-key"),
    ("openai.APIConnectionError: Connection error.", "network.connect"),
    ("anthropic.APIConnectionError: Connection error.", "network.connect"),
    ("anthropic.APITimeoutError: Request timed out.", "network.timeout"),
    ("httpx.ConnectError: [Errno -2] Name or service not known", "network.dns"),
    ("openai.NotFoundError: Error code: 404 - {'error': {'message': 'nonexistent/model is not a valid model ID', "
     "'code': 404}}", "model.not-found"),
    ("openai.BadRequestError: Error code: 400 - {'error': {'message': 'litellm.BadRequestError: Invalid model name "
     "passed in model=claude-x. Call `/v1/models` to view available models for your key.', 'type': "
     "'invalid_request_error', 'param': 'model', 'code': '400'}}", "model.not-found"),
    ("HTTP/1.1 413 Request Entity Too Large\n\n{\"type\":\"error\",\"error\":{\"type\":\"request_too_large\","
     "\"message\":\"Request exceeds the maximum allowed number of bytes.\"}}", "request.too-large"),
])
def test_explain_reads_sdk_and_gateway_texts(text: str, cause: str) -> None:
    assert explain_text(text, provider="anthropic", auth=None)["cause"] == cause


def test_explain_recognises_an_entra_token_rejection_without_auth_hint() -> None:
    pasted = ('HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer\n\n{"statusCode":401,"message":"Unauthorized. '
              'Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or '
              'have expired."}')
    result = explain_text(pasted, provider="foundry", auth=None)
    assert result["cause"] == "auth.token-invalid", "a bearer-token rejection is not 'the API key was rejected'"
    assert result["evidence"]["auth"] == "entra"
    expired = ('HTTP/1.1 401\n\n{"error":{"code":"401","message":"IDX10223: Lifetime validation failed. '
               'The token is expired."}}')
    assert explain_text(expired, provider="foundry", auth=None)["cause"] == "auth.token-expired"


# --- Entra forensics with an injected clock ---------------------------------------------------------------------
NOW = 1_800_000_000.0
SCOPE = "https://cognitiveservices.azure.com/.default"


def _details(aud: str, exp: float) -> dict[str, Any]:
    return {"token_format": "jwt", "claims": {"aud": aud, "exp": int(exp), "tid": "t-1"}}


def test_expired_token_is_named_with_when_it_expired() -> None:
    verdict = token_is_usable(_details("https://cognitiveservices.azure.com", NOW - 3 * 3600 - 120), SCOPE, NOW)
    assert not verdict.passed and verdict.cause == "auth.token-expired"
    assert "2027-01-15 04:58:00 UTC" in verdict.message and "3 h 2 min ago" in verdict.message


def test_wrong_audience_names_both_audiences_and_the_scope() -> None:
    verdict = token_is_usable(_details("https://management.azure.com", NOW + 600), SCOPE, NOW)
    assert not verdict.passed and verdict.cause == "auth.token-wrong-audience"
    assert "https://management.azure.com" in verdict.message and SCOPE in verdict.message


def test_valid_token_says_when_it_expires() -> None:
    verdict = token_is_usable(_details("https://ai.azure.com", NOW + 3000), SCOPE, NOW)
    assert verdict.passed and "50 min 0 s from now" in verdict.message


def test_expired_entra_token_is_named_before_any_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", "foundry", "--auth", "entra", "--fault", "expired-token",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    report = read_report(tmp_path)
    check = next(c for c in report["checks"] if c["id"] == "credentials.obtained")
    assert code == 1 and check["status"] == "failed" and check["cause"] == "auth.token-expired"
    assert "expired at" in check["message"] and "UTC" in check["message"] and "ago" in check["message"]
    probes = [c["status"] for c in report["checks"]
              if c["layer"] in ("auth", "model", "message", "stream") and c["id"] != "model.lifecycle"]
    assert probes == ["blocked"] * 5, "no request is sent with a token known to be expired"
    assert "Root cause: auth.token-expired" in out


# --- the ladder on partial endpoints ------------------------------------------------------------------------------
def _target(**extra: Any) -> Target:
    return build_target({"provider": "anthropic", "model": "claude-haiku-4-5", **extra}, ENV, default_id="t1")


def _run(target: Target, routes: dict[tuple[str, str], Any]) -> TargetRun:
    router = respx.Router(assert_all_called=False)
    for (method, path), answer in routes.items():
        route = router.route(method=method, url=BASE + path)
        if callable(answer):
            route.mock(side_effect=answer)
        else:
            route.mock(return_value=answer)
    router.route().mock(return_value=httpx.Response(404, json={"detail": "Not Found"}))

    async def go() -> TargetRun:
        async with Prober(Redactor(), transport=httpx.MockTransport(router.async_handler), retries=0) as prober:
            return await run_target(target, prober)

    return asyncio.run(go())


def _healthy_messages(request: httpx.Request) -> httpx.Response:
    streamed = json.loads(request.content).get("stream") is True
    return _healthy("anthropic", "stream" if streamed else "message")


def _verdict(run: TargetRun) -> tuple[str, int, str | None]:
    report = build_report([run], mode="mocked", redactor=Redactor())
    roots = [d["cause"] for d in report["diagnoses"] if d["root"]]
    return report["summary"]["verdict"], report["summary"]["exit_code"], roots[0] if roots else None


def test_gateway_without_count_tokens_is_healthy_with_a_warning() -> None:
    run = _run(_target(), {("POST", "/v1/messages"): _healthy_messages})
    assert _verdict(run) == ("healthy", 0, None)
    precheck = run.check("precheck.served")
    assert precheck is not None and precheck.status == "warning" and precheck.cause == "endpoint.not-served"
    assert "the verdict was taken from POST /v1/messages" in precheck.message


def test_plain_web_server_at_the_base_url_is_an_invalid_endpoint() -> None:
    page = httpx.Response(501, html="<html><title>Error response</title><p>Unsupported method ('POST')</p></html>")
    run = _run(_target(), {("GET", ""): httpx.Response(200, html="<html>Directory listing</html>"),
                           ("POST", "/v1/messages"): page, ("POST", "/v1/messages/count_tokens"): page})
    assert _verdict(run) == ("broken", 1, "config.invalid-endpoint")
    auth = run.check("auth.accepted")
    assert auth is not None and auth.status == "failed", "a 501 never means 'past authentication'"


def test_count_tokens_estimate_does_not_vouch_for_an_unknown_model() -> None:
    unknown = httpx.Response(400, json={"type": "error", "error": {"type": "invalid_request_error", "message":
                             "anthropic_messages: Invalid model name passed in model=claude-x."}})
    run = _run(_target(model="claude-x"), {
        ("POST", "/v1/messages/count_tokens"): httpx.Response(200, json={"input_tokens": 9,
                                                                         "litellm_count_source": "local_estimate"}),
        ("POST", "/v1/messages"): unknown})
    assert _verdict(run) == ("broken", 1, "model.not-found")
    precheck = run.check("precheck.served")
    assert precheck is not None and precheck.status == "warning" and "local estimate" in precheck.message


def test_a_missing_key_route_never_lets_a_wrong_key_pass() -> None:
    target = build_target({"provider": "openrouter", "base_url": "https://gw.example.test/api/v1", "gateway": True},
                          {"OPENROUTER_API_KEY": "k-wrong-123"}, default_id="t1")
    router = respx.Router(assert_all_called=False)
    router.post("https://gw.example.test/api/v1/chat/completions").mock(return_value=httpx.Response(
        401, json={"error": {"message": "Authentication Error, Invalid proxy server token passed.",
                             "type": "auth_error", "param": "None", "code": "401"}}))
    router.route().mock(return_value=httpx.Response(404, json={"detail": "Not Found"}))

    async def go() -> TargetRun:
        async with Prober(Redactor(), transport=httpx.MockTransport(router.async_handler), retries=0) as prober:
            return await run_target(target, prober)

    run = asyncio.run(go())
    assert _verdict(run) == ("broken", 1, "auth.invalid-key")


def test_openai_format_streams_ask_for_usage() -> None:
    body = message_body("openai-chat", "m", 8, stream=True)
    assert body["stream_options"] == {"include_usage": True}
    assert "stream_options" not in message_body("anthropic-messages", "m", 8, stream=True)


# --- property: a pre-check that carries no provider verdict never changes the verdict --------------------------
_MESSAGE_SCENARIOS = {
    "healthy": _healthy_messages,
    "bad-key": httpx.Response(401, json={"type": "error", "error": {"type": "authentication_error",
                                                                     "message": "invalid x-api-key"}}),
    "unknown-model": httpx.Response(404, json={"type": "error", "error": {"type": "not_found_error",
                                                                           "message": "model: claude-haiku-4-5"}}),
    "rate-limited": httpx.Response(429, json={"type": "error", "error": {"type": "rate_limit_error",
                                                                          "message": "slow down"}}),
    "crash": httpx.Response(500, text="Internal Server Error"),
    "route-missing": httpx.Response(404, json={"detail": "Not Found"}),
}
_NON_VERDICT_BODIES = st.sampled_from([
    "", "Not Found", "<html><title>404 Not Found</title></html>", '{"detail":"Not Found"}', '{"foo": 1}',
    '{"error":{"message":"Not found","type":"not_found"}}', "Traceback (most recent call last):", "[]",
])
_NON_VERDICT_STATUS = st.sampled_from([200, 404, 405, 500, 501, 502, 503])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=st.sampled_from(sorted(_MESSAGE_SCENARIOS)), status=_NON_VERDICT_STATUS, body=_NON_VERDICT_BODIES)
def test_non_verdict_precheck_never_changes_the_verdict(scenario: str, status: int, body: str) -> None:
    answer = httpx.Response(status, text=body)
    messages = _MESSAGE_SCENARIOS[scenario]
    target = _target()
    with_precheck = _run(target, {("POST", "/v1/messages/count_tokens"): answer, ("POST", "/v1/messages"): messages})
    spec = dataclasses.replace(target.provider, count_tokens_path=None)
    without = _run(dataclasses.replace(target, provider=spec), {("POST", "/v1/messages"): messages})
    assert _verdict(with_precheck) == _verdict(without)
