"""The classifier maps evidence to exactly one cause; the catalogue covers every cause."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.diagnosis import Evidence, catalogue, classify
from harness.resources import fixtures_dir

CONTRACT_CAUSES = {
    "config.missing-credentials", "config.conflicting-endpoint", "config.invalid-endpoint", "network.dns",
    "network.connect", "network.tls", "network.timeout", "auth.invalid-key", "auth.token-invalid",
    "auth.credential-unavailable", "auth.wrong-scheme", "auth.permission-denied", "auth.key-auth-disabled",
    "model.not-found", "model.invalid-parameter", "endpoint.unsupported", "rate-limit.exceeded",
    "billing.insufficient-credits", "billing.spend-limit", "moderation.flagged", "access.region-blocked",
    "provider.overloaded", "provider.unavailable", "provider.server-error", "request.invalid",
    "stream.error-event", "conformance.schema", "conformance.stream", "conformance.usage", "conformance.headers",
    "unclassified",
}


def test_every_contract_cause_has_a_complete_entry() -> None:
    entries = catalogue()
    assert set(entries) >= CONTRACT_CAUSES
    for entry in entries.values():
        assert entry.title and entry.explanation and entry.steps and entry.sources


def fixture(provider: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((fixtures_dir() / provider / "errors" / f"{name}.json").read_text())
    return data


@pytest.mark.parametrize(("provider", "name", "auth", "cause"), [
    ("foundry", "invalid-key", "api-key", "auth.invalid-key"),
    ("foundry", "token-invalid", "entra", "auth.token-invalid"),
    ("foundry", "token-invalid", "bearer", "auth.token-invalid"),
    ("foundry", "missing-role", "entra", "auth.permission-denied"),
    ("foundry", "key-auth-disabled", "api-key", "auth.key-auth-disabled"),
    ("foundry", "unknown-model", "api-key", "model.not-found"),
    ("foundry", "invalid-model-parameter", "api-key", "model.invalid-parameter"),
    ("foundry", "unsupported", "api-key", "endpoint.unsupported"),
    ("foundry", "rate-limited", "api-key", "rate-limit.exceeded"),
    ("anthropic", "invalid-key", "x-api-key", "auth.invalid-key"),
    ("anthropic", "missing-role", "x-api-key", "auth.permission-denied"),
    ("anthropic", "unknown-model", "x-api-key", "model.not-found"),
    ("anthropic", "insufficient-credits", "x-api-key", "billing.insufficient-credits"),
    ("anthropic", "spend-limit", "x-api-key", "billing.spend-limit"),
    ("anthropic", "overloaded", "x-api-key", "provider.overloaded"),
    ("anthropic", "server-error", "x-api-key", "provider.server-error"),
    ("anthropic", "html-error", "x-api-key", "provider.unavailable"),
    ("openrouter", "invalid-key", "bearer", "auth.invalid-key"),
    ("openrouter", "unknown-model", "bearer", "model.not-found"),
    ("openrouter", "insufficient-credits", "bearer", "billing.insufficient-credits"),
    ("openrouter", "rate-limited", "bearer", "rate-limit.exceeded"),
    ("openrouter", "bad-gateway", "bearer", "provider.unavailable"),
    ("openrouter", "unavailable", "bearer", "provider.unavailable"),
])
def test_fixture_bodies_classify(provider: str, name: str, auth: str, cause: str) -> None:
    data = fixture(provider, name)
    result = classify(Evidence(provider=provider, auth=auth, status=data["status"], body=data["body"]))
    assert result.cause == cause


@pytest.mark.parametrize(("evidence", "cause"), [
    (Evidence(provider="foundry", phase="dns"), "network.dns"),
    (Evidence(provider="foundry", phase="tls"), "network.tls"),
    (Evidence(provider="foundry", phase="connect"), "network.connect"),
    (Evidence(provider="foundry", phase="timeout"), "network.timeout"),
    (Evidence(provider="foundry", auth="entra", phase="credential"), "auth.credential-unavailable"),
    (Evidence(provider="openrouter", auth="bearer", status=403,
              body={"error": {"code": 403, "message": "Request blocked", "metadata": {"reasons": ["violence"],
                                                                                        "flagged_input": "x"}}}),
     "moderation.flagged"),
    (Evidence(provider="openrouter", auth="bearer", status=403,
              body={"error": {"code": 403, "message": "This model is not available in your region."}}),
     "access.region-blocked"),
    (Evidence(provider="openrouter", auth="bearer", status=404,
              body={"error": {"code": 404, "message": "No endpoints found that support tool use."}}),
     "model.no-endpoints"),
    (Evidence(provider="anthropic", auth="x-api-key", status=400,
              body={"type": "error", "error": {"type": "invalid_request_error",
                                               "message": "You have reached your specified API usage limits."}}),
     "billing.spend-limit"),
    (Evidence(provider="anthropic", auth="x-api-key", status=400,
              body={"type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: too big"}}),
     "request.invalid"),
    (Evidence(provider="anthropic", auth="x-api-key", status=200, after_200=True,
              body={"error": {"type": "overloaded_error", "message": "Overloaded"}}), "stream.error-event"),
    (Evidence(provider="foundry", auth="api-key", status=404, body="<html><title>404</title></html>"),
     "config.invalid-endpoint"),
    (Evidence(provider="foundry", auth="api-key", status=418, body="teapot"), "unclassified"),
])
def test_evidence_classifies(evidence: Evidence, cause: str) -> None:
    assert classify(evidence).cause == cause


def test_same_401_body_means_different_things_per_auth_mode() -> None:
    body = fixture("foundry", "token-invalid")["body"]
    assert classify(Evidence(provider="foundry", auth="entra", status=401, body=body)).cause == "auth.token-invalid"
    key_body = fixture("foundry", "invalid-key")["body"]
    assert classify(Evidence(provider="foundry", auth="api-key", status=401, body=key_body)).cause == "auth.invalid-key"


def test_error_event_transience_follows_its_type() -> None:
    overloaded = classify(Evidence(provider="anthropic", status=200, after_200=True,
                                   body={"error": {"type": "overloaded_error"}}))
    invalid = classify(Evidence(provider="anthropic", status=200, after_200=True,
                                body={"error": {"type": "invalid_request_error"}}))
    assert overloaded.transient and not invalid.transient


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500)
@given(status=st.none() | st.integers(min_value=100, max_value=599),
       body=json_values | st.binary(max_size=200),
       provider=st.sampled_from(["foundry", "anthropic", "openrouter"]),
       auth=st.sampled_from(["api-key", "x-api-key", "bearer", "entra"]),
       phase=st.none() | st.sampled_from(["dns", "connect", "tls", "timeout", "read", "protocol", "credential"]),
       after_200=st.booleans())
def test_classifier_is_total(status: int | None, body: Any, provider: str, auth: str, phase: str | None,
                             after_200: bool) -> None:
    result = classify(Evidence(provider=provider, auth=auth, status=status, body=body, phase=phase,
                               after_200=after_200))
    assert result.cause in catalogue()


def test_steps_for_other_providers_are_left_out() -> None:
    from harness.diagnosis import entry, steps_for

    foundry = " ".join(steps_for(entry("model.not-found"), "foundry"))
    openrouter = " ".join(steps_for(entry("model.not-found"), "openrouter"))
    assert "Models + endpoints" in foundry and "openrouter.ai/models" not in foundry
    assert "openrouter.ai/models" in openrouter and "Models + endpoints" not in openrouter
    assert "Foundry:" not in foundry, "a provider's own steps are shown without their label"
    anthropic = " ".join(steps_for(entry("auth.permission-denied"), "anthropic"))
    assert "RBAC" not in anthropic and "Workspaces" in anthropic, "no Azure advice on an Anthropic target"
    assert "Gateway:" not in anthropic
    assert "Gateway:" in " ".join(steps_for(entry("model.not-found"), "anthropic", gateway=True))
    assert all(steps_for(entry(cause), provider) for cause in CONTRACT_CAUSES
               for provider in ("foundry", "anthropic", "openrouter"))


def test_wrong_scheme_key_sent_as_bearer_to_foundry() -> None:
    body = fixture("foundry", "invalid-key")["body"]  # the key gateway's answer to a bearer it cannot read
    assert classify(Evidence(provider="foundry", auth="bearer", status=401, body=body)).cause == "auth.wrong-scheme"


def test_message_without_usage_is_conformance_usage() -> None:
    import json as _json

    from harness.checks import message_has_text_and_usage
    from harness.observation import Observation

    obs = Observation(probe="message", method="POST", url="u", status=200,
                      body_text=_json.dumps({"type": "message", "content": [{"type": "text", "text": "hi"}]}))
    verdict = message_has_text_and_usage(obs, "anthropic-messages", "anthropic", "x-api-key")
    assert not verdict.passed and verdict.cause == "conformance.usage"


def test_fingerprint_ids_are_unique() -> None:
    """A decision names the row that made it (evidence.decided_by): two rows with one id make that ambiguous."""
    import sys
    from pathlib import Path

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    root = Path(__file__).resolve().parents[1] / "harness"
    ids: list[str] = []
    for table in [root / "diagnosis" / "fingerprints.toml", *sorted((root / "providers").glob("*/fingerprints.toml"))]:
        ids += [row["id"] for row in tomllib.loads(table.read_text(encoding="utf-8")).get("fingerprints", [])]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
