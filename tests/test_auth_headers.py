"""Each auth mode sends exactly the documented headers (inspected with respx)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
import respx

from harness.config import build_target
from harness.ladder import TargetRun, run_target
from harness.probe import Prober
from harness.redact import Redactor

CANARY = "canary-secret-Zq81xY"


def healthy_anthropic(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/count_tokens"):
        return httpx.Response(200, json={"input_tokens": 12}, headers={"request-id": "req_1"})
    if path.endswith("/v1/messages"):
        body = json.loads(request.content)
        if body.get("stream"):
            stream = (
                'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":12,'
                '"output_tokens":1}}}\n\n'
                'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":'
                '{"type":"text_delta","text":"pong"}}\n\n'
                'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
                '"usage":{"output_tokens":2}}\n\n'
                'event: message_stop\ndata: {"type":"message_stop"}\n\n'
            )
            return httpx.Response(200, content=stream.encode(), headers={"content-type": "text/event-stream"})
        return httpx.Response(200, json={"type": "message", "content": [{"type": "text", "text": "pong"}],
                                         "stop_reason": "end_turn", "usage": {"input_tokens": 12, "output_tokens": 2}})
    return httpx.Response(404)


def run(raw: dict[str, Any], env: dict[str, str], factory: Any = None) -> tuple[TargetRun, respx.Router]:
    target = build_target(raw, env, default_id="t1")
    router = respx.Router(assert_all_called=False)
    router.route(host="res.services.ai.azure.com").mock(side_effect=healthy_anthropic)
    router.route(host="api.anthropic.com").mock(side_effect=healthy_anthropic)
    router.route(host="openrouter.ai").mock(side_effect=healthy_openrouter)

    async def go() -> TargetRun:
        async with Prober(Redactor(), transport=httpx.MockTransport(router.async_handler)) as prober:
            return await run_target(target, prober, factory)

    return asyncio.run(go()), router


def healthy_openrouter(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path.endswith("/key"):
        return httpx.Response(200, json={"data": {"label": "x", "limit": None}})
    if path.endswith("/models"):
        return httpx.Response(200, json={"data": [{"id": "anthropic/claude-haiku-4.5"}]})
    if path.endswith("/chat/completions"):
        if json.loads(request.content).get("stream"):
            chunks = (
                'data: {"choices":[{"index":0,"delta":{"content":"pong"},"finish_reason":null}]}\n\n'
                'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
                'data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}\n\n'
                "data: [DONE]\n\n"
            )
            return httpx.Response(200, content=chunks.encode(), headers={"content-type": "text/event-stream"})
        return httpx.Response(200, json={"choices": [{"message": {"content": "pong"}, "finish_reason": "stop"}],
                                         "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10}})
    return httpx.Response(404)


def authed_requests(router: respx.Router) -> list[httpx.Request]:
    return [call.request for call in router.calls if call.request.url.path not in ("/anthropic", "/", "/api/v1")]


FOUNDRY = {"provider": "foundry", "resource": "res", "model": "my-deployment"}


@pytest.mark.parametrize(("auth", "header", "expected"), [
    ("api-key", "api-key", CANARY),
    ("x-api-key", "x-api-key", CANARY),
    ("bearer", "authorization", f"Bearer {CANARY}"),
])
def test_foundry_key_modes_send_one_header(auth: str, header: str, expected: str) -> None:
    run_result, router = run({**FOUNDRY, "auth": auth}, {"ANTHROPIC_FOUNDRY_API_KEY": CANARY})
    requests = authed_requests(router)
    assert requests, "no authenticated request was sent"
    for request in requests:
        assert request.headers[header] == expected
        others = {"api-key", "x-api-key", "authorization"} - {header}
        assert not others & set(request.headers.keys())
        assert request.headers["anthropic-version"] == "2023-06-01"
        assert request.url.host == "res.services.ai.azure.com"
        assert request.url.path.startswith("/anthropic/v1/messages")
    # a deployment name of the user's own has no lifecycle data: that check is skipped, every other passes
    assert all(c.status == "passed" for c in run_result.checks if c.id != "model.lifecycle")


def test_network_probe_carries_no_credential() -> None:
    _, router = run({**FOUNDRY, "auth": "api-key"}, {"ANTHROPIC_FOUNDRY_API_KEY": CANARY})
    first = router.calls[0].request
    assert first.method == "GET" and first.url.path == "/anthropic"
    assert not {"api-key", "x-api-key", "authorization"} & set(first.headers.keys())


class FakeAccessToken:
    def __init__(self, token: str) -> None:
        self.token = token


def test_entra_sends_bearer_token_for_configured_scope() -> None:
    seen_scopes: list[str] = []

    class FakeCredential:
        def get_token(self, *scopes: str) -> FakeAccessToken:
            seen_scopes.extend(scopes)
            return FakeAccessToken("entra-token-value-123")

    result, router = run({**FOUNDRY, "auth": "entra", "entra_scope": "https://ai.azure.com/.default"}, {},
                         factory=FakeCredential)
    assert seen_scopes == ["https://ai.azure.com/.default"]
    for request in authed_requests(router):
        assert request.headers["authorization"] == "Bearer entra-token-value-123"
        assert "api-key" not in request.headers
    assert result.check("credentials.obtained").status == "passed"  # type: ignore[union-attr]


def test_entra_default_scope_is_the_foundry_seed_scope() -> None:
    seen: list[str] = []

    class FakeCredential:
        def get_token(self, *scopes: str) -> FakeAccessToken:
            seen.extend(scopes)
            return FakeAccessToken("tok-abcdef")

    run({**FOUNDRY, "auth": "entra"}, {}, factory=FakeCredential)
    assert seen == ["https://cognitiveservices.azure.com/.default"]


def test_entra_credential_unavailable_is_an_observation_not_a_crash() -> None:
    class BrokenCredential:
        def get_token(self, *scopes: str) -> FakeAccessToken:
            raise RuntimeError("DefaultAzureCredential failed to retrieve a token from the included credentials.")

    result, router = run({**FOUNDRY, "auth": "entra"}, {}, factory=BrokenCredential)
    check = result.check("credentials.obtained")
    assert check is not None and check.status == "failed"
    assert check.cause == "auth.credential-unavailable"
    assert not authed_requests(router), "no authenticated request may be sent without a token"
    assert result.check("auth.accepted").status == "blocked"  # type: ignore[union-attr]


def test_openrouter_bearer_and_attribution_headers() -> None:
    raw = {"provider": "openrouter", "http_referer": "https://example.test/app", "x_title": "Harness CI"}
    result, router = run(raw, {"OPENROUTER_API_KEY": CANARY})
    for request in authed_requests(router):
        assert request.headers["authorization"] == f"Bearer {CANARY}"
        assert request.headers["http-referer"] == "https://example.test/app"
        assert request.headers["x-title"] == "Harness CI"
        assert "anthropic-version" not in request.headers
    paths = [r.url.path for r in authed_requests(router)]
    assert paths[:2] == ["/api/v1/key", "/api/v1/models"]
    assert all(c.status == "passed" for c in result.checks)


@pytest.mark.parametrize(("auth", "header", "expected"), [
    ("x-api-key", "x-api-key", CANARY),
    ("bearer", "authorization", f"Bearer {CANARY}"),
])
def test_anthropic_modes_and_configurable_version(auth: str, header: str, expected: str) -> None:
    raw = {"provider": "anthropic", "auth": auth, "anthropic_version": "2026-10-21"}
    _, router = run(raw, {"ANTHROPIC_API_KEY": CANARY})
    for request in authed_requests(router):
        assert request.headers[header] == expected
        assert request.headers["anthropic-version"] == "2026-10-21"


def test_secret_never_recorded_in_observations() -> None:
    result, _ = run({**FOUNDRY, "auth": "api-key"}, {"ANTHROPIC_FOUNDRY_API_KEY": CANARY})
    for obs in result.observations.values():
        assert CANARY not in json.dumps(obs.request_headers)
