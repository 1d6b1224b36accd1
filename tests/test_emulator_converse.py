"""Bedrock Converse, ConverseStream, CountTokens and ListFoundationModels through boto3, and Node-style metadata
detection (issue 24, item 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest

from harness.cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from harness.emulator import EmulatorSettings, RunningEmulator
from tests.test_emulator_usage import png

boto3 = pytest.importorskip("boto3")
PROFILE = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
          "required": ["city", "days"]}
TOOLS = {"tools": [{"toolSpec": {"name": "get_weather", "description": "Weather", "inputSchema": {"json": SCHEMA}}}],
         "toolChoice": {"any": {}}}
HELLO = [{"role": "user", "content": [{"text": "Hello!"}]}]


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as running:
        yield running


def _client(emu: RunningEmulator, service: str = "bedrock-runtime") -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=f"{emu.url}/bedrock",
                        aws_access_key_id=EMULATOR_ACCESS_KEY, aws_secret_access_key=EMULATOR_SECRET_KEY)


@pytest.fixture
def runtime(emu: RunningEmulator) -> Iterator[Any]:
    client = _client(emu)
    yield client
    client.close()


def test_converse_answers_text_with_usage(runtime: Any) -> None:
    answer = runtime.converse(modelId=PROFILE, messages=HELLO, system=[{"text": "Be brief."}],
                              inferenceConfig={"maxTokens": 64})
    assert answer["stopReason"] == "end_turn"
    assert answer["output"]["message"]["content"][0]["text"]
    usage = answer["usage"]
    assert usage["inputTokens"] > 0 and usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    counted = runtime.count_tokens(modelId="anthropic.claude-haiku-4-5-20251001-v1:0",  # a foundation-model id
                                   input={"converse": {"messages": HELLO, "system": [{"text": "Be brief."}]}})
    assert counted["inputTokens"] == usage["inputTokens"]


def test_converse_tool_use_round_trip(runtime: Any) -> None:
    answer = runtime.converse(modelId=PROFILE, messages=HELLO, toolConfig=TOOLS)
    assert answer["stopReason"] == "tool_use"
    use = answer["output"]["message"]["content"][0]["toolUse"]
    jsonschema.validate(use["input"], SCHEMA)
    follow = runtime.converse(modelId=PROFILE, toolConfig={"tools": TOOLS["tools"]}, messages=[
        *HELLO, answer["output"]["message"],
        {"role": "user", "content": [{"toolResult": {"toolUseId": use["toolUseId"], "content": [{"text": "18 C"}]}}]}])
    assert follow["stopReason"] == "end_turn"


def test_converse_thinking_and_images(runtime: Any) -> None:
    image = {"image": {"format": "png", "source": {"bytes": png(750, 750)}}}
    answer = runtime.converse(modelId=PROFILE, messages=[{"role": "user", "content": [image, {"text": "What?"}]}],
                              inferenceConfig={"maxTokens": 2048},
                              additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 1024}})
    kinds = [next(iter(block)) for block in answer["output"]["message"]["content"]]
    assert kinds == ["reasoningContent", "text"]
    assert answer["output"]["message"]["content"][0]["reasoningContent"]["reasoningText"]["signature"]
    plain = runtime.converse(modelId=PROFILE, messages=[{"role": "user", "content": [{"text": "What?"}]}])
    assert answer["usage"]["inputTokens"] - plain["usage"]["inputTokens"] == 750


def test_converse_stream_events_assemble(runtime: Any) -> None:
    stream = runtime.converse_stream(modelId=PROFILE, messages=HELLO, toolConfig=TOOLS)["stream"]
    events = list(stream)
    names = [next(iter(e)) for e in events]
    assert names[0] == "messageStart" and names[-2:] == ["messageStop", "metadata"]
    assert events[-2]["messageStop"]["stopReason"] == "tool_use"
    partial = "".join(e["contentBlockDelta"]["delta"]["toolUse"]["input"] for e in events
                      if "contentBlockDelta" in e)
    jsonschema.validate(json.loads(partial), SCHEMA)
    assert events[-1]["metadata"]["usage"]["inputTokens"] > 0
    text = runtime.converse_stream(modelId=PROFILE, messages=HELLO)["stream"]
    assert "".join(e["contentBlockDelta"]["delta"]["text"] for e in text if "contentBlockDelta" in e)


def test_converse_errors_come_in_bedrock_shapes(runtime: Any) -> None:
    with pytest.raises(runtime.exceptions.ValidationException) as caught:
        runtime.converse(modelId=PROFILE, messages=HELLO, inferenceConfig={"temperature": 0.5, "topP": 0.5})
    assert caught.value.response["Error"]["Message"] == (
        "The model returned the following errors: `temperature` and `top_p` cannot both be specified for this "
        "model. Please use only one.")
    with pytest.raises(runtime.exceptions.ValidationException):
        runtime.converse(modelId="anthropic.claude-haiku-4-5-20251001-v1:0", messages=HELLO)  # needs a profile
    with pytest.raises(runtime.exceptions.ResourceNotFoundException):
        runtime.converse(modelId="anthropic.nonexistent-model-v1:0", messages=HELLO)
    with pytest.raises(runtime.exceptions.ValidationException):
        runtime.converse(modelId=PROFILE, messages=[{"role": "assistant", "content": [{"text": "hi"}]}])


def test_list_foundation_models(emu: RunningEmulator) -> None:
    control = _client(emu, "bedrock")
    try:
        listed = control.list_foundation_models(byProvider="anthropic")["modelSummaries"]
        ids = {m["modelId"] for m in listed}
        assert "anthropic.claude-haiku-4-5-20251001-v1:0" in ids and "anthropic.claude-opus-4-6-v1" in ids
        assert all(m["providerName"] == "Anthropic" for m in listed)
        assert control.list_foundation_models(byProvider="meta")["modelSummaries"] == []
    finally:
        control.close()


def test_metadata_detection_as_node_google_auth_asks(emu: RunningEmulator) -> None:
    answer = httpx.get(f"{emu.url}/computeMetadata/v1/instance", headers={"Metadata-Flavor": "Google"})
    assert answer.status_code == 200 and answer.headers["metadata-flavor"] == "Google"
    assert httpx.get(f"{emu.url}/computeMetadata/v1/instance").status_code == 403


def test_count_tokens_with_invoke_model_body_and_foundation_id(runtime: Any) -> None:
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 16, "messages": [
        {"role": "user", "content": "Hello!"}]}
    counted = runtime.count_tokens(modelId="anthropic.claude-sonnet-4-6-v1",
                                   input={"invokeModel": {"body": json.dumps(body).encode()}})
    assert counted["inputTokens"] > 0


def test_invoke_model_passes_the_model_rejection_on(runtime: Any) -> None:
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 2048, "messages": [
        {"role": "user", "content": "Hello!"}], "thinking": {"type": "enabled", "budget_tokens": 1024},
        "tools": [{"name": "f", "input_schema": {"type": "object"}}], "tool_choice": {"type": "any"}}
    with pytest.raises(runtime.exceptions.ValidationException) as caught:
        runtime.invoke_model(modelId=PROFILE, body=json.dumps(body))
    assert caught.value.response["Error"]["Message"] == (
        "The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.")


def test_converse_answers_the_aws_error_faults(emu: RunningEmulator) -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{emu.url}/bedrock",
                          aws_access_key_id=EMULATOR_ACCESS_KEY, aws_secret_access_key=EMULATOR_SECRET_KEY)

    def fault(request: Any, **_: Any) -> None:
        request.headers["x-emulator-fault"] = "rate-limited"

    client.meta.events.register_first("before-sign.bedrock-runtime.Converse", fault)
    try:
        with pytest.raises(client.exceptions.ThrottlingException):
            client.converse(modelId=PROFILE, messages=HELLO)
    finally:
        client.close()
