"""litellm's Python client against the emulator's Anthropic API: plain, streamed (with usage), tools, and
``response_format`` with a JSON schema (issue 24: a client library nobody here wrote). Skipped when litellm is not
installed (`pip install litellm`; .ci/run installs it when it can).

litellm fetches its model-cost map and its Anthropic beta-header table from GitHub when it is imported or first
used; the offline switches below keep it on its bundled copies, and the test fails if anything asks the resolver
for a host other than the loopback.
"""

from __future__ import annotations

import importlib
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from harness.emulator import EmulatorSettings, RunningEmulator

MODEL = "anthropic/claude-haiku-4-5"
OFFLINE = {"LITELLM_OFFLINE_MODE": "true", "LITELLM_LOCAL_MODEL_COST_MAP": "True",
           "LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS": "True", "LITELLM_MODE": "PRODUCTION"}  # PRODUCTION: no .env read
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WEATHER = {"type": "function", "function": {"name": "get_weather", "description": "The weather in a city.",
                                             "parameters": {"type": "object", "properties": {
                                                 "city": {"type": "string"}}, "required": ["city"]}}}
PERSON = {"type": "json_schema", "json_schema": {"name": "person", "strict": True, "schema": {
    "type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
    "required": ["name", "age"], "additionalProperties": False}}}


@pytest.fixture
def litellm(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in OFFLINE.items():
        monkeypatch.setenv(name, value)
    asked: list[str] = []
    resolve = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host) not in LOOPBACK:
            asked.append(str(host))
            raise socket.gaierror(f"the test allows loopback only, not {host}")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    try:
        module = importlib.import_module("litellm")
    except ImportError:
        pytest.skip("pip install litellm")
    yield module
    assert not asked, f"litellm asked for hosts off the machine: {asked}"


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as running:
        yield running


def call(litellm: Any, emu: RunningEmulator, content: str, model: str = MODEL, **extra: Any) -> Any:
    return litellm.completion(model=model, api_base=emu.url, api_key="anything", max_tokens=256, num_retries=0,
                              messages=[{"role": "user", "content": content}], **extra)


def test_litellm_plain_and_streamed_with_usage(litellm: Any, emu: RunningEmulator) -> None:
    plain = call(litellm, emu, "Hello")
    assert plain.choices[0].message.content and plain.choices[0].finish_reason == "stop"
    assert plain.usage.prompt_tokens > 0 and plain.usage.completion_tokens > 0
    chunks = list(call(litellm, emu, "Hello", stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    usage = [c.usage for c in chunks if getattr(c, "usage", None) is not None][-1]
    assert (usage.prompt_tokens, usage.completion_tokens) == (plain.usage.prompt_tokens,
                                                              plain.usage.completion_tokens)


def test_litellm_tools(litellm: Any, emu: RunningEmulator) -> None:
    answer = call(litellm, emu, "What is the weather in Paris?", tools=[WEATHER], tool_choice="required")
    choice = answer.choices[0]
    assert choice.finish_reason == "tool_calls"
    [tool_call] = choice.message.tool_calls
    assert tool_call.function.name == "get_weather" and "city" in json.loads(tool_call.function.arguments)


# litellm sends a model its table says has structured outputs `output_format` (with the structured-outputs beta),
# and any other (here one it does not know) a forced `json_tool_call` tool whose input it returns as the content
@pytest.mark.parametrize("model", [MODEL, "anthropic/claude-emulated-1"], ids=["output_format", "json_tool_call"])
def test_litellm_response_format_json_schema(litellm: Any, emu: RunningEmulator, model: str) -> None:
    answer = call(litellm, emu, "Ada, 36", model=model, response_format=PERSON)
    person = json.loads(answer.choices[0].message.content)
    assert set(person) == {"name", "age"} and isinstance(person["age"], int)
    assert answer.choices[0].finish_reason == "stop"
