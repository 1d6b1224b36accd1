"""The emulator as a development server: the official SDKs, unchanged, exercise an app's tool, thinking and
stop branches, and get the real API's rejections (issue: apps behave against it as against the real API)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import jsonschema
import openai
import pytest

from harness.emulator import EmulatorSettings, RunningEmulator
from harness.emulator.behaviour import minimal_instance

WEATHER = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {"type": "object", "properties": {
        "city": {"type": "string", "minLength": 2}, "unit": {"enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1}, "alerts": {"type": "boolean"}},
        "required": ["city", "unit", "days"]},
}
ASK = [{"role": "user", "content": "What is the weather in Paris? Use get_weather."}]


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as running:
        yield running


@pytest.fixture
def claude(emu: RunningEmulator) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(api_key="any-key", base_url=emu.url, max_retries=0) as client:
        yield client


@pytest.mark.parametrize("choice", [{"type": "any"}, {"type": "tool", "name": "get_weather"}, {"type": "auto"}])
def test_tool_use_answers_a_valid_input(claude: anthropic.Anthropic, choice: dict[str, str]) -> None:
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=256, tools=[WEATHER],  # type: ignore[list-item]
                                     tool_choice=choice, messages=ASK)  # type: ignore[arg-type]
    assert message.stop_reason == "tool_use"
    block = next(b for b in message.content if b.type == "tool_use")
    assert block.name == "get_weather"
    jsonschema.validate(block.input, WEATHER["input_schema"])
    # the app's next turn: the tool result, answered with text
    follow = claude.messages.create(
        model="claude-sonnet-4-6", max_tokens=256, tools=[WEATHER], messages=[  # type: ignore[list-item]
            *ASK, {"role": "assistant", "content": [b.model_dump() for b in message.content]},  # type: ignore[misc]
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": block.id, "content": "18 C"}]}])
    assert follow.stop_reason == "end_turn" and follow.content[0].type == "text"


def test_auto_without_a_named_tool_answers_text(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=64, tools=[WEATHER],  # type: ignore[list-item]
                                     messages=[{"role": "user", "content": "Hello!"}])
    assert message.stop_reason == "end_turn" and message.content[0].type == "text"


def test_streamed_tool_use_assembles_in_the_sdk(claude: anthropic.Anthropic) -> None:
    with claude.messages.stream(model="claude-sonnet-4-6", max_tokens=256, tools=[WEATHER],  # type: ignore[list-item]
                                tool_choice={"type": "any"}, messages=ASK) as stream:
        final = stream.get_final_message()
    block = next(b for b in final.content if b.type == "tool_use")
    jsonschema.validate(block.input, WEATHER["input_schema"])
    assert final.stop_reason == "tool_use"


def test_extended_thinking_answers_a_signed_thinking_block(claude: anthropic.Anthropic) -> None:
    thinking = {"type": "enabled", "budget_tokens": 1024}
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=2048, thinking=thinking,  # type: ignore[arg-type]
                                     messages=[{"role": "user", "content": "Hello!"}])
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.content[0].signature  # type: ignore[union-attr]
    with claude.messages.stream(model="claude-sonnet-4-6", max_tokens=2048, thinking=thinking,  # type: ignore[arg-type]
                                messages=[{"role": "user", "content": "Hello!"}]) as stream:
        kinds = {event.type for event in stream}
        final = stream.get_final_message()
    assert "thinking" in kinds and "signature" in kinds
    assert final.content[0].type == "thinking" and final.usage.output_tokens == message.usage.output_tokens


def test_stop_sequences_and_max_tokens(claude: anthropic.Anthropic) -> None:
    stopped = claude.messages.create(model="claude-haiku-4-5", max_tokens=64, stop_sequences=["emulator"],
                                     messages=[{"role": "user", "content": "Hello!"}])
    assert stopped.stop_reason == "stop_sequence" and stopped.stop_sequence == "emulator"
    assert "emulator" not in stopped.content[0].text  # type: ignore[union-attr]
    cut = claude.messages.create(model="claude-haiku-4-5", max_tokens=1, messages=[{"role": "user", "content": "x"}])
    assert cut.stop_reason == "max_tokens" and cut.usage.output_tokens == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_tokens": 0}, "max_tokens"),
    ({"messages": []}, "at least one message"),
    ({"messages": [{"role": "assistant", "content": "hi"}]}, "first message must use the \"user\" role"),
    ({"messages": [{"role": "user", "content": [{"type": "video", "url": "x"}]}]}, "does not match"),
    ({"extra_body": {"temperature": 1.5}}, "temperature"),  # SDK 2.x sends it only through extra_body
    ({"tools": [WEATHER], "tool_choice": {"type": "tool", "name": "nope"}}, "tool 'nope' not found"),
    ({"thinking": {"type": "enabled", "budget_tokens": 2048}, "max_tokens": 2048}, "budget_tokens"),
])
def test_invalid_requests_raise_the_sdks_bad_request_error(claude: anthropic.Anthropic, kwargs: dict[str, Any],
                                                            message: str) -> None:
    request: dict[str, Any] = {"model": "claude-haiku-4-5", "max_tokens": 64,
                               "messages": [{"role": "user", "content": "Hello!"}], **kwargs}
    with pytest.raises(anthropic.BadRequestError) as info:
        claude.messages.create(**request)
    assert info.value.status_code == 400 and message in str(info.value)
    assert info.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]


def test_models_api_list_retrieve_and_pagination(claude: anthropic.Anthropic) -> None:
    listed = [m.id for m in claude.models.list(limit=2)]
    assert len(listed) >= 3, "the SDK follows has_more / last_id through every page"
    assert claude.models.retrieve("claude-haiku-4-5").id == "claude-haiku-4-5"
    with pytest.raises(anthropic.NotFoundError):
        claude.models.retrieve("claude-no-such-model")
    page = claude.models.list(limit=1)
    assert page.has_more and len(page.data) == 1


def test_async_client(emu: RunningEmulator) -> None:
    async def go() -> str:
        async with anthropic.AsyncAnthropic(api_key="k", base_url=emu.url, max_retries=0) as client:
            message = await client.messages.create(model="claude-haiku-4-5", max_tokens=8,
                                                   messages=[{"role": "user", "content": "Hello!"}])
            return message.content[0].text  # type: ignore[union-attr]

    assert asyncio.run(go())


def test_openai_tools_required_and_limits(emu: RunningEmulator) -> None:
    with openai.OpenAI(base_url=f"{emu.url}/api/v1", api_key="any", max_retries=0) as client:
        _openai_checks(client)


def _openai_checks(client: openai.OpenAI) -> None:
    tool = {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER["input_schema"]}}
    completion = client.chat.completions.create(model="anthropic/claude-sonnet-4.6", tools=[tool],  # type: ignore[list-item]
                                                tool_choice="required", messages=ASK)  # type: ignore[arg-type]
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.tool_calls
    import json

    jsonschema.validate(json.loads(choice.message.tool_calls[0].function.arguments),  # type: ignore[union-attr]
                        WEATHER["input_schema"])
    cut = client.chat.completions.create(model="anthropic/claude-sonnet-4.6", max_completion_tokens=2,
                                         messages=[{"role": "user", "content": "Hello!"}])
    assert cut.choices[0].finish_reason == "length" and cut.usage and cut.usage.completion_tokens == 2
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="anthropic/claude-sonnet-4.6", messages=[])


def test_health_endpoint(emu: RunningEmulator) -> None:
    assert httpx.get(f"{emu.url}/health").json() == {"status": "ok"}


@pytest.mark.parametrize(("schema", "value"), [
    ({"type": "object", "properties": {"a": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
      "required": ["a"]}, {"a": ["x"]}),
    ({"anyOf": [{"type": "null"}, {"type": "number", "minimum": 3}]}, None),
    ({"type": ["null", "integer"]}, 0),
])
def test_minimal_instances(schema: dict[str, Any], value: Any) -> None:
    assert minimal_instance(schema) == value
    jsonschema.validate(minimal_instance(schema), schema)


def test_latency_and_stream_pacing_on_request(emu: RunningEmulator) -> None:
    """Apps test their timeouts and streaming UIs: per-request latency and pacing (lower bounds only)."""
    import time

    body = {"model": "claude-haiku-4-5", "max_tokens": 16, "stream": True,
            "messages": [{"role": "user", "content": "Hello!"}]}
    start = time.perf_counter()
    with httpx.stream("POST", f"{emu.url}/v1/messages", json=body, timeout=30,
                      headers={"x-api-key": "k", "x-emulator-tokens-per-second": "20",
                               "x-emulator-latency-ms": "200"}) as response:
        events = [line for line in response.iter_lines() if line.startswith("event:")]
    elapsed = time.perf_counter() - start
    assert len(events) >= 8 and elapsed >= 0.2 + (len(events) - 1) / 20 * 0.9


def test_openrouter_model_by_id(emu: RunningEmulator) -> None:
    headers = {"authorization": "Bearer any"}
    found = httpx.get(f"{emu.url}/api/v1/models/anthropic/claude-haiku-4.5", headers=headers)
    assert found.status_code == 200 and found.json()["data"]["id"] == "anthropic/claude-haiku-4.5"
    missing = httpx.get(f"{emu.url}/api/v1/models/anthropic/no-such-model", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == 404
