"""Message Batches, Files, Models retrieve and the request rules, through the anthropic SDK (issue 24, items 3-4)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from harness.emulator import EmulatorSettings, RunningEmulator
from harness.emulator.catalogue import known_ids
from tests.test_emulator_usage import FakeClock, png

HELLO = [{"role": "user", "content": "Hello"}]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def claude(clock: FakeClock) -> Iterator[anthropic.Anthropic]:
    with RunningEmulator(EmulatorSettings(clock=clock, batch_seconds=60)) as running, \
            anthropic.Anthropic(api_key="any-key", base_url=running.url, max_retries=0) as client:
        yield client


def test_a_batch_processes_deterministically_and_returns_jsonl_results(claude: anthropic.Anthropic,
                                                                        clock: FakeClock) -> None:
    batch = claude.messages.batches.create(requests=[
        {"custom_id": "ok", "params": {"model": "claude-sonnet-4-6", "max_tokens": 32, "messages": HELLO}},
        {"custom_id": "bad", "params": {"model": "claude-sonnet-4-6", "max_tokens": 32, "messages": HELLO,
                                        "temperature": 0.5, "top_p": 0.5}},
    ])  # type: ignore[list-item]
    assert batch.processing_status == "in_progress" and batch.request_counts.processing == 2
    assert claude.messages.batches.retrieve(batch.id).processing_status == "in_progress"  # 60 s not yet passed
    clock.now += 61
    ended = claude.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended" and ended.results_url
    assert (ended.request_counts.succeeded, ended.request_counts.errored) == (1, 1)
    results = {r.custom_id: r.result for r in claude.messages.batches.results(batch.id)}
    assert results["ok"].type == "succeeded" and results["ok"].message.content[0].type == "text"  # type: ignore[union-attr]
    assert results["bad"].type == "errored"
    assert "top_p" in results["bad"].error.error.message  # type: ignore[union-attr]
    assert [b.id for b in claude.messages.batches.list()] == [batch.id]
    assert claude.messages.batches.delete(batch.id).type == "message_batch_deleted"
    with pytest.raises(anthropic.NotFoundError):
        claude.messages.batches.retrieve(batch.id)


def test_a_canceled_batch_ends_with_canceled_results(claude: anthropic.Anthropic, clock: FakeClock) -> None:
    batch = claude.beta.messages.batches.create(requests=[
        {"custom_id": "a", "params": {"model": "claude-haiku-4-5", "max_tokens": 8, "messages": HELLO}}])  # type: ignore[list-item]
    canceling = claude.beta.messages.batches.cancel(batch.id)
    assert canceling.processing_status == "canceling" and canceling.cancel_initiated_at is not None
    with pytest.raises(anthropic.BadRequestError):
        claude.beta.messages.batches.delete(batch.id)  # in progress
    clock.now += 61
    assert claude.beta.messages.batches.retrieve(batch.id).request_counts.canceled == 1
    assert [r.result.type for r in claude.beta.messages.batches.results(batch.id)] == ["canceled"]


def test_files_upload_list_download_delete_and_use_in_a_message(claude: anthropic.Anthropic) -> None:
    image = png(750, 750)
    uploaded = claude.beta.files.upload(file=("chart.png", image, "image/png"))
    assert uploaded.filename == "chart.png" and uploaded.size_bytes == len(image)
    assert uploaded.mime_type == "image/png"
    assert [f.id for f in claude.beta.files.list()] == [uploaded.id]
    assert claude.beta.files.retrieve_metadata(uploaded.id).id == uploaded.id
    assert claude.beta.files.download(uploaded.id).read() == image
    content: list[Any] = [{"type": "image", "source": {"type": "file", "file_id": uploaded.id}},
                          {"type": "text", "text": "What is this?"}]
    counted = claude.beta.messages.count_tokens(model="claude-sonnet-4-6", betas=["files-api-2025-04-14"],
                                                messages=[{"role": "user", "content": content}])
    plain = claude.beta.messages.count_tokens(model="claude-sonnet-4-6",
                                              messages=[{"role": "user", "content": content[1:]}])
    assert counted.input_tokens - plain.input_tokens == 750  # 750 x 750 / 750
    message = claude.beta.messages.create(model="claude-sonnet-4-6", max_tokens=16, betas=["files-api-2025-04-14"],
                                          messages=[{"role": "user", "content": content}])
    assert message.stop_reason == "end_turn"
    assert claude.beta.files.delete(uploaded.id).type == "file_deleted"
    with pytest.raises(anthropic.NotFoundError):
        claude.beta.messages.create(model="claude-sonnet-4-6", max_tokens=16, betas=["files-api-2025-04-14"],
                                    messages=[{"role": "user", "content": content}])


@pytest.mark.parametrize("model", known_ids())
def test_models_retrieve_serves_every_public_id(claude: anthropic.Anthropic, model: str) -> None:
    info = claude.models.retrieve(model)
    assert info.id == model and info.max_input_tokens and info.max_tokens
    assert info.capabilities is not None and info.capabilities.batch.supported


def test_models_retrieve_of_an_unknown_id_is_404(claude: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError):
        claude.models.retrieve("claude-nope-1")


BAD_IMAGE = [{"role": "user", "content": [
    {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                 "data": base64.b64encode(b"not an image at all").decode()}}]}]
ORPHAN = [{"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_x", "content": "18 C"}]}]
TOOL = {"name": "f", "input_schema": {"type": "object"}}
REJECTED = [
    ({"temperature": 0.5, "top_p": 0.9},
     "`temperature` and `top_p` cannot both be specified for this model. Please use only one."),
    ({"max_tokens": 200000}, "max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens "
                             "for claude-sonnet-4-6"),
    ({"thinking": {"type": "enabled", "budget_tokens": 1024}, "max_tokens": 2048, "tools": [TOOL],
      "tool_choice": {"type": "any"}}, "Thinking may not be enabled when tool_choice forces tool use."),
    ({"messages": ORPHAN}, "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. "
                           "Each `tool_result` block must have a corresponding `tool_use` block in the previous "
                           "message."),
    ({"messages": [*HELLO, {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_y", "name": "f",
                                                              "input": {}}]},
                   {"role": "user", "content": "and?"}]},
     "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_y. Each "
     "`tool_use` block must have a corresponding `tool_result` block in the next message."),
    ({"frobnicate": True}, "frobnicate: Extra inputs are not permitted"),
    ({"messages": BAD_IMAGE}, "Could not process image"),
]


@pytest.mark.parametrize(("extra", "message"), REJECTED, ids=[m[:30] for _, m in REJECTED])
def test_requests_the_api_rejects_are_rejected_with_its_message(claude: anthropic.Anthropic, extra: dict[str, Any],
                                                                message: str) -> None:
    params: dict[str, Any] = {"model": "claude-sonnet-4-6", "max_tokens": 64, "messages": HELLO}
    params.update({k: v for k, v in extra.items() if k in params})
    body = {k: v for k, v in extra.items() if k not in params}  # on the wire, as any client sends them
    with pytest.raises(anthropic.BadRequestError) as caught:
        claude.messages.create(**params, extra_body=body, timeout=30)
    assert caught.value.status_code == 400
    assert caught.value.body == {"type": "error", "error": {"type": "invalid_request_error", "message": message}}


def test_older_models_accept_temperature_with_top_p(claude: anthropic.Anthropic,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-01-15")  # before Claude 3.7 Sonnet retired (2026-02-19)
    message = claude.messages.create(model="claude-3-7-sonnet-20250219", max_tokens=16, messages=HELLO,  # type: ignore[arg-type]
                                     extra_body={"temperature": 0.5, "top_p": 0.9})
    assert message.stop_reason == "end_turn"


def test_tool_pairing_looks_past_mid_conversation_system_messages() -> None:
    from harness.emulator.rules import rejection

    use = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}
    body: dict[str, Any] = {"model": "claude-opus-4-8", "max_tokens": 64, "messages": [
        *HELLO, {"role": "assistant", "content": [use]}, {"role": "system", "content": "agents: none"},
        {"role": "user", "content": [result]}]}
    assert rejection(body, "generate") is None
    body["messages"][-1] = {"role": "user", "content": "no result"}
    broken = rejection(body, "generate")
    assert broken is not None and broken.rule == "tool-use-without-tool-result"


def test_foundry_serves_files_but_not_batches_or_models(clock: FakeClock) -> None:
    """Foundry documents the Message Batches and Models APIs as not supported; its "Hosted on Anthropic"
    deployments (the emulated kind) serve the Files API, which "Hosted on Azure" ones refuse."""
    import httpx  # the Foundry client itself has no batches or files

    with RunningEmulator(EmulatorSettings(clock=clock)) as running:
        for path in ("/anthropic/v1/messages/batches", "/anthropic/v1/models/claude-sonnet-4-6"):
            answer = httpx.get(f"{running.url}{path}", headers={"api-key": "any-key"})
            assert answer.status_code == 404 and answer.json()["error"]["code"] == "api_not_supported"
        files = httpx.get(f"{running.url}/anthropic/v1/files", headers={"api-key": "any-key"})
        assert files.status_code == 200 and files.json()["data"] == []
