"""Mock-server mode (`emulate --mock-server`): unknown batch, file and model ids answered with a synthesized
object, request rules off; the default stays faithful. And the legacy Text Completions route in both modes
(issue 24: the SDK's own resource tests, /v1/complete)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import httpx
import pytest

from harness.cli import _parser as build_parser
from harness.emulator import EmulatorSettings, RunningEmulator

Sdk = Callable[..., anthropic.Anthropic]  # (emulator, key="any-key") -> a strict client
HELLO = [{"role": "user", "content": "Hello"}]
LEGACY_PROMPT = "\n\nHuman: Hello, world!\n\nAssistant:"
RULE_BREAKERS: dict[str, dict[str, Any]] = {  # each breaks one rules.toml rule
    "temperature-with-top-p": {"temperature": 0.5, "top_p": 0.5},
    "max-tokens-above-limit": {"max_tokens": 900_000},
    "tool-result-without-tool-use": {"messages": [{"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_nowhere", "content": "42"}]}]},
    "unknown-file": {"messages": [{"role": "user", "content": [
        {"type": "document", "source": {"type": "file", "file_id": "file_nowhere"}},
        {"type": "text", "text": "Summarise"}]}]},
}


@pytest.fixture(scope="module")
def faithful() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as running:
        yield running


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings(mock_server=True)) as running:
        yield running


@pytest.fixture
def sdk() -> Iterator[Sdk]:
    """Strict SDK clients (the response must match the SDK's types), closed after the test."""
    made: list[anthropic.Anthropic] = []

    def make(emu: RunningEmulator, key: str = "any-key") -> anthropic.Anthropic:
        made.append(anthropic.Anthropic(api_key=key, base_url=emu.url, max_retries=0,
                                        _strict_response_validation=True))
        return made[-1]

    yield make
    for made_client in made:
        made_client.close()


def message(**overrides: Any) -> dict[str, Any]:
    return {"model": "claude-opus-4-6", "max_tokens": 64, "messages": HELLO, **overrides}


# --- the default stays faithful ---------------------------------------------------------------------------------
def test_default_unknown_ids_are_the_real_404s(faithful: RunningEmulator, sdk: Sdk) -> None:
    claude = sdk(faithful)
    for call in (lambda: claude.messages.batches.retrieve("message_batch_id"),
                 lambda: claude.messages.batches.cancel("message_batch_id"),
                 lambda: claude.messages.batches.delete("message_batch_id"),
                 lambda: claude.beta.files.retrieve_metadata("file_id"),
                 lambda: claude.beta.files.delete("file_id"),
                 lambda: claude.models.retrieve("model_id")):
        with pytest.raises(anthropic.NotFoundError):
            call()


@pytest.mark.parametrize("rule", sorted(RULE_BREAKERS))
def test_default_enforces_the_rules(faithful: RunningEmulator, rule: str) -> None:
    answer = httpx.post(f"{faithful.url}/v1/messages", headers={"x-api-key": "k"}, json=message(**RULE_BREAKERS[rule]))
    assert answer.status_code in (400, 404), answer.text


def test_default_keeps_the_beta_gate_and_the_retirement_schedule(faithful: RunningEmulator) -> None:
    gated = httpx.post(f"{faithful.url}/v1/messages", headers={"x-api-key": "k"},
                       json=message(context_management={"edits": []}))
    assert gated.status_code == 400 and "context_management" in gated.json()["error"]["message"]
    retired = httpx.post(f"{faithful.url}/v1/messages", headers={"x-api-key": "k"}, json=message(model="claude-2.1"))
    assert retired.status_code == 404 and retired.json()["error"]["message"] == "model: claude-2.1"


# --- mock-server mode: unknown ids --------------------------------------------------------------------------------
def test_mock_unknown_batch_ids_are_synthesized(mock: RunningEmulator, sdk: Sdk) -> None:
    claude = sdk(mock)
    batch = claude.messages.batches.retrieve("message_batch_id")
    assert (batch.id, batch.processing_status, batch.request_counts.succeeded) == ("message_batch_id", "ended", 1)
    assert batch.results_url and batch.results_url.endswith("/v1/messages/batches/message_batch_id/results")
    assert claude.beta.messages.batches.retrieve("message_batch_id").id == "message_batch_id"
    canceled = claude.messages.batches.cancel("message_batch_id")
    assert canceled.processing_status == "canceling" and canceled.cancel_initiated_at is not None
    assert claude.messages.batches.delete("message_batch_id").type == "message_batch_deleted"
    results = list(claude.messages.batches.results("message_batch_id"))
    assert [(r.custom_id, r.result.type) for r in results] == [("request-1", "succeeded")]
    assert claude.messages.batches.retrieve("message_batch_id").id == "message_batch_id"  # nothing was stored


def test_mock_unknown_file_and_model_ids_are_synthesized(mock: RunningEmulator, sdk: Sdk) -> None:
    claude = sdk(mock)
    meta = claude.beta.files.retrieve_metadata("file_id")
    assert (meta.id, meta.type, meta.size_bytes) == ("file_id", "file", 0)
    assert claude.beta.files.download("file_id").read() == b""
    assert claude.beta.files.delete("file_id").type == "file_deleted"
    model = claude.models.retrieve("model_id")
    assert (model.id, model.type, model.display_name) == ("model_id", "model", "model_id")
    assert claude.beta.models.retrieve("model_id").id == "model_id"


def test_mock_known_ids_are_still_answered_from_the_store(mock: RunningEmulator, sdk: Sdk) -> None:
    claude = sdk(mock)
    uploaded = claude.beta.files.upload(file=("notes.txt", b"hello there", "text/plain"))
    assert claude.beta.files.retrieve_metadata(uploaded.id).size_bytes == 11
    assert claude.beta.files.download(uploaded.id).read() == b"hello there"
    batch = claude.messages.batches.create(requests=[{"custom_id": "a", "params": message()}])  # type: ignore[list-item]
    assert claude.messages.batches.retrieve(batch.id).created_at == batch.created_at
    results = list(claude.messages.batches.results(batch.id))
    assert [r.custom_id for r in results] == ["a"]
    assert claude.models.retrieve("claude-opus-4-6").max_tokens == 128000  # the catalogue's own answer


def test_mock_still_authenticates(mock: RunningEmulator, sdk: Sdk) -> None:
    with pytest.raises(anthropic.AuthenticationError):
        sdk(mock, key="bad-key").messages.batches.retrieve("message_batch_id")
    with pytest.raises(anthropic.AuthenticationError):
        sdk(mock, key="bad-key").models.retrieve("model_id")


# --- mock-server mode: rules off, the schema still checked ---------------------------------------------------------
@pytest.mark.parametrize("rule", sorted(RULE_BREAKERS))
def test_mock_does_not_enforce_the_rules(mock: RunningEmulator, rule: str) -> None:
    answer = httpx.post(f"{mock.url}/v1/messages", headers={"x-api-key": "k"}, json=message(**RULE_BREAKERS[rule]))
    assert answer.status_code == 200, answer.text
    assert answer.json()["type"] == "message"
    counted = httpx.post(f"{mock.url}/v1/messages/count_tokens", headers={"x-api-key": "k"},
                         json={k: v for k, v in message(**RULE_BREAKERS[rule]).items() if k != "max_tokens"})
    assert counted.status_code == 200, counted.text


def test_mock_batches_answer_rule_breakers_as_succeeded(mock: RunningEmulator, sdk: Sdk) -> None:
    claude = sdk(mock)
    batch = claude.messages.batches.create(requests=[  # type: ignore[list-item]
        {"custom_id": rule, "params": message(**RULE_BREAKERS[rule])} for rule in sorted(RULE_BREAKERS)])
    assert {r.result.type for r in claude.messages.batches.results(batch.id)} == {"succeeded"}


def test_mock_has_no_beta_gate_and_no_retirement(mock: RunningEmulator, sdk: Sdk) -> None:
    claude = sdk(mock)
    sent = claude.beta.messages.create(**message(), extra_body={"context_management": {"edits": []}},
                                       betas=["string"])
    assert sent.type == "message"
    assert claude.messages.create(**message(model="claude-1.3")).model == "claude-1.3"


def test_mock_still_checks_the_schema_and_the_documented_triggers(mock: RunningEmulator) -> None:
    for broken in ({"max_tokens": 0}, {"temperature": 1.5}, {"messages": [{"role": "user", "content": [
            {"type": "nonsense"}]}]}):
        answer = httpx.post(f"{mock.url}/v1/messages", headers={"x-api-key": "k"}, json=message(**broken))
        assert answer.status_code == 400, broken
    unknown = httpx.post(f"{mock.url}/v1/messages", headers={"x-api-key": "k"}, json=message(model="nonexistent-x"))
    assert unknown.status_code == 404


# --- Text Completions (legacy) -------------------------------------------------------------------------------------
def complete(emu: RunningEmulator, **body: Any) -> httpx.Response:
    """POST /v1/complete (the legacy resource is gone from the anthropic SDK 2.x this project installs)."""
    return httpx.post(f"{emu.url}/v1/complete", headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
                      json={"max_tokens_to_sample": 256, "prompt": LEGACY_PROMPT, **body})


def test_complete_faithful_answers_as_the_real_api(faithful: RunningEmulator) -> None:
    current = complete(faithful, model="claude-sonnet-4-6")
    assert current.status_code == 400 and current.json()["error"] == {"type": "invalid_request_error", "message":
        '"claude-sonnet-4-6" is not supported on this API. Please use the Messages API instead.'}
    retired = complete(faithful, model="claude-2.1")
    assert retired.status_code == 404 and retired.json()["error"]["message"] == "model: claude-2.1"
    assert retired.headers["request-id"].startswith("req_")
    unknown = complete(faithful, model="nonexistent-model")
    assert unknown.status_code == 404
    missing = complete(faithful, model="claude-2.1", max_tokens_to_sample=None)
    assert missing.status_code == 400
    body = {"model": "claude-2.1", "prompt": LEGACY_PROMPT}
    absent = httpx.post(f"{faithful.url}/v1/complete", headers={"x-api-key": "k"}, json=body)
    assert absent.status_code == 400 and absent.json()["error"]["message"] == "max_tokens_to_sample: Field required"
    assert httpx.post(f"{faithful.url}/v1/complete", json=body).status_code == 401


def test_complete_mock_answers_a_completion_and_its_stream(mock: RunningEmulator) -> None:
    done = complete(mock, model="claude-2.1").json()
    assert done["type"] == "completion" and done["completion"] and done["stop_reason"] == "stop_sequence"
    assert done["model"] == "claude-2.1" and done["id"].startswith("compl_")
    cut = complete(mock, model="claude-2.1", max_tokens_to_sample=1).json()
    assert cut["stop_reason"] == "max_tokens" and len(cut["completion"]) < len(done["completion"])
    streamed = complete(mock, model="claude-2.1", stream=True)
    assert streamed.headers["content-type"].startswith("text/event-stream")
    events = [json.loads(line[6:]) for line in streamed.text.splitlines() if line.startswith("data: ")]
    completions = [e for e in events if e["type"] == "completion"]
    assert "".join(e["completion"] for e in completions) == done["completion"]
    assert completions[-1]["stop_reason"] == "stop_sequence"
    assert all(e["stop_reason"] is None for e in completions[:-1]) and {"type": "ping"} in events
    stopped = complete(mock, model="claude-sonnet-4-6", stop_sequences=[" from"]).json()
    assert stopped["stop_reason"] == "stop_sequence" and stopped["stop"] == " from"
    assert " from" not in stopped["completion"]


# --- the switch ----------------------------------------------------------------------------------------------------
def test_the_cli_flag_turns_the_mode_on() -> None:
    assert build_parser().parse_args(["emulate", "--mock-server"]).mock_server is True
    assert build_parser().parse_args(["emulate"]).mock_server is False
    assert EmulatorSettings().mock_server is False
