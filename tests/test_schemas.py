"""The response schemas accept what the providers document and what the SDKs model,
and reject instances with a required field removed or a type changed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.checks.schema import schema_names, violations

SPECS = Path(__file__).resolve().parents[2] / "shared" / "specs"
needs_specs = pytest.mark.skipif(not SPECS.is_dir(), reason=f"the reference specs are not at {SPECS}")


@pytest.fixture(scope="module")
def anthropic_spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SPECS / "anthropic-openapi.tryAGI.json").read_text())["components"]["schemas"]
    return data


@pytest.fixture(scope="module")
def openrouter_spec() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    data: dict[str, Any] = yaml.safe_load((SPECS / "openrouter-openapi.yaml").read_text())
    return data


@needs_specs
def test_anthropic_spec_examples(anthropic_spec: dict[str, Any]) -> None:
    for example in anthropic_spec["Message"]["examples"]:
        assert violations("anthropic", "CompleteMessage", example) == []
    for example in anthropic_spec["CountMessageTokensResponse"]["examples"]:
        assert violations("anthropic", "CountTokens", example) == []


@needs_specs
def test_openrouter_spec_examples(openrouter_spec: dict[str, Any]) -> None:
    schemas = openrouter_spec["components"]["schemas"]
    assert violations("openrouter", "ChatCompletion", schemas["ChatResult"]["example"]) == []
    assert violations("openrouter", "ChatCompletionChunk", schemas["ChatStreamChunk"]["example"]) == []
    assert violations("openrouter", "Usage", schemas["ChatUsage"]["example"]) == []
    assert violations("openrouter", "ModelsList", schemas["ModelsListResponse"]["example"]) == []
    key = openrouter_spec["paths"]["/key"]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    assert violations("openrouter", "KeyInfo", key) == []
    error_examples = [v["example"] for k, v in schemas.items() if k.endswith("ResponseErrorData") and "example" in v]
    assert len(error_examples) >= 5
    for example in error_examples:
        assert violations("openrouter", "ErrorResponse", {"error": example}) == []
    # OpenRouter's Anthropic-compatible /messages endpoint uses the Anthropic shapes with extra fields
    assert violations("anthropic", "CompleteMessage", schemas["BaseMessagesResult"]["example"]) == []
    assert violations("anthropic", "ErrorResponse", schemas["AnthropicMessagesErrorResponse"]["example"]) == []


def test_sdk_types_validate() -> None:
    anthropic = pytest.importorskip("anthropic")
    openai = pytest.importorskip("openai")
    message = anthropic.types.Message(
        id="msg_1", type="message", role="assistant", model="claude-x", stop_reason="end_turn", stop_sequence=None,
        content=[anthropic.types.TextBlock(type="text", text="hi", citations=None)],
        usage=anthropic.types.Usage(input_tokens=3, output_tokens=1, cache_read_input_tokens=None),
    )
    assert violations("anthropic", "CompleteMessage", message.model_dump(mode="json")) == []
    start = anthropic.types.RawMessageStartEvent(type="message_start", message=message)
    assert violations("anthropic", "MessageStartEvent", start.model_dump(mode="json")) == []
    delta = anthropic.types.RawMessageDeltaEvent(
        type="message_delta", delta={"stop_reason": "end_turn", "stop_sequence": None},
        usage={"output_tokens": 4, "input_tokens": None})
    assert violations("anthropic", "MessageDeltaEvent", delta.model_dump(mode="json")) == []
    completion = openai.types.chat.ChatCompletion(
        id="gen-1", object="chat.completion", created=1, model="m",
        choices=[{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hi"}}],
        usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2})
    assert violations("openrouter", "ChatCompletion", completion.model_dump(mode="json")) == []
    chunk = openai.types.chat.ChatCompletionChunk(
        id="gen-1", object="chat.completion.chunk", created=1, model="m",
        choices=[{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}])
    assert violations("openrouter", "ChatCompletionChunk", chunk.model_dump(mode="json")) == []


def test_openrouter_error_finish_reason_and_string_codes_are_legal() -> None:
    chunk = {"id": "gen", "object": "chat.completion.chunk", "created": 1, "model": "m", "provider": "OpenAI",
             "error": {"code": "server_error", "message": "boom"},
             "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]}
    assert violations("openrouter", "ChatCompletionChunk", chunk) == []


def test_every_schema_is_named() -> None:
    assert {"CompleteMessage", "ErrorResponse", "MessageStartEvent", "FoundryError"} <= set(schema_names("anthropic"))
    assert {"ChatCompletion", "ChatCompletionChunk", "KeyInfo", "ModelsList"} <= set(schema_names("openrouter"))


# --- property tests --------------------------------------------------------------------------------------------
counts = st.integers(min_value=0, max_value=10**6)
text = st.text(max_size=20)
extra = st.dictionaries(st.text(min_size=1, max_size=8).filter(lambda k: k not in {
    "id", "type", "role", "content", "model", "stop_reason", "usage", "stop_sequence", "stop_details", "container",
    "object", "created", "choices", "system_fingerprint"}), st.integers() | text, max_size=3)

anthropic_messages = st.builds(
    lambda msg_id, model, blocks, stop, i, o, cache, more: {
        "id": msg_id, "type": "message", "role": "assistant", "model": model, "content": blocks,
        "stop_reason": stop, "stop_sequence": None,
        "usage": {"input_tokens": i, "output_tokens": o, "cache_read_input_tokens": cache}, **more},
    text.filter(bool), text,
    st.lists(st.one_of(st.builds(lambda t: {"type": "text", "text": t}, text),
                       st.builds(lambda n: {"type": "tool_use", "id": "tu", "name": n, "input": {}}, text),
                       st.builds(lambda k: {"type": f"future_{k}", "payload": k}, text)), max_size=3),
    st.sampled_from(["end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal", "some_future_reason"]),
    counts, counts, st.none() | counts, extra,
)
chat_completions = st.builds(
    lambda gen, model, created, content, finish, p, c, more: {
        "id": gen, "object": "chat.completion", "created": created, "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}, **more},
    text, text, st.integers(min_value=0), st.none() | text,
    st.sampled_from(["stop", "length", "tool_calls", "content_filter", "error", None]), counts, counts, extra,
)
REQUIRED = {
    ("anthropic", "CompleteMessage"): ["id", "type", "role", "content", "model", "stop_reason", "usage"],
    ("openrouter", "ChatCompletion"): ["id", "choices", "created", "model", "object"],
}
WRONG_TYPES = {"id": 7, "content": "text", "usage": [], "choices": {}, "created": "now", "model": 1,
               "stop_reason": 5, "object": "thing", "type": "msg", "role": "user"}


@settings(max_examples=200)
@given(anthropic_messages)
def test_generated_messages_are_accepted(instance: dict[str, Any]) -> None:
    assert violations("anthropic", "CompleteMessage", instance) == []


@settings(max_examples=200)
@given(chat_completions)
def test_generated_completions_are_accepted(instance: dict[str, Any]) -> None:
    assert violations("openrouter", "ChatCompletion", instance) == []


@settings(max_examples=200)
@given(st.data())
def test_removing_a_required_field_or_changing_its_type_is_rejected(data: st.DataObject) -> None:
    family, name = data.draw(st.sampled_from(sorted(REQUIRED)))
    instance = data.draw(anthropic_messages if family == "anthropic" else chat_completions)
    field = data.draw(st.sampled_from(REQUIRED[(family, name)]))
    broken = copy.deepcopy(instance)
    if data.draw(st.booleans()):
        del broken[field]
        expected = f"'{field}' is a required property"
    else:
        broken[field] = WRONG_TYPES[field]
        expected = f"$.{field}:"
    found = violations(family, name, broken)
    assert any(expected in v for v in found), found
