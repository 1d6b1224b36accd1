"""Recorded fixtures replayed by respx through the unchanged probe and ladder."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from harness.config import build_target
from harness.emulator import FAULTS
from harness.ladder import TargetRun, run_target
from harness.probe import Prober
from harness.redact import Redactor
from harness.replay import replay_router
from harness.resources import load_error_fixture

TARGETS = {
    "foundry": {"provider": "foundry", "resource": "myres", "model": "claude-sonnet-4-6"},
    "anthropic": {"provider": "anthropic"},
    "openrouter": {"provider": "openrouter"},
    "bedrock": {"provider": "bedrock", "region": "us-east-1"},
    "vertex": {"provider": "vertex", "region": "us-east5", "project": "p", "auth": "bearer"},
}
ENV = {"ANTHROPIC_FOUNDRY_API_KEY": "k-123456", "ANTHROPIC_API_KEY": "k-123456", "OPENROUTER_API_KEY": "k-123456",
       "AWS_ACCESS_KEY_ID": "REPLAYKEYID", "AWS_SECRET_ACCESS_KEY": "replay-secret",
       "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.replay-token"}


def replay(provider: str, fault: str | None = None) -> TargetRun:
    target = build_target(TARGETS[provider], ENV, default_id=provider)
    router = replay_router(target, fault)

    async def go() -> TargetRun:
        async with Prober(Redactor(), transport=httpx.MockTransport(router.async_handler)) as prober:
            return await run_target(target, prober)

    return asyncio.run(go())


@pytest.mark.parametrize("provider", list(TARGETS))
def test_healthy_fixtures_pass_every_check(provider: str) -> None:
    run = replay(provider)
    # Vertex ids are in the lifecycle data too (Google's dates, or Anthropic's as a labelled fallback); Bedrock's
    # control plane (GetFoundationModel) says the lifecycle, and adds model.access
    expected = {"bedrock": ["passed"] * 10}.get(provider, ["passed"] * 9)
    assert [c.status for c in run.checks] == expected, [c.message for c in run.checks]
    assert run.usage["billable_calls"] == 2


CASES = [
    (name, provider) for name, fault in FAULTS.items() if fault.behaviour == "fixture" and fault.scope != "token"
    for provider in TARGETS if load_error_fixture(provider, name) is not None
]


@pytest.mark.parametrize(("fault", "provider"), CASES, ids=[f"{f}-{p}" for f, p in CASES])
def test_error_fixtures_replay_to_their_cause(fault: str, provider: str) -> None:
    run = replay(provider, fault)
    failed = [c for c in run.checks if c.status == "failed"]
    assert len(failed) == 1
    assert failed[0].cause == FAULTS[fault].expected_cause
