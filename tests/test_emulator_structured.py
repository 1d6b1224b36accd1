"""Structured outputs: the emulator answers a document the requested schema accepts, through the official clients
(issue 24, item 1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Literal

import anthropic
import jsonschema
import openai
import pydantic
import pytest

from harness.emulator import EmulatorSettings, RunningEmulator
from harness.emulator.schema_instance import minimal_valid_instance

SCHEMAS: list[dict[str, Any]] = [
    {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
     "required": ["name", "age"], "additionalProperties": False},
    {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 2, "uniqueItems": True},
    {"type": "integer", "exclusiveMinimum": 5, "multipleOf": 4},
    {"type": "number", "minimum": -3.5, "maximum": 10},
    {"type": "integer", "maximum": -7},
    {"type": "string", "minLength": 12, "maxLength": 20},
    {"type": ["null", "string"], "format": "date-time"},
    {"anyOf": [{"type": "object", "properties": {"kind": {"const": "a"}}, "required": ["kind"]},
               {"type": "string"}]},
    {"allOf": [{"type": "object", "properties": {"a": {"type": "boolean"}}, "required": ["a"]},
               {"properties": {"b": {"enum": ["x", "y"]}}, "required": ["b"]}]},
    {"$defs": {"node": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"},
                                                         "children": {"type": "array",
                                                                      "items": {"$ref": "#/$defs/node"}}},
                        "required": ["id", "children"]}},
     "$ref": "#/$defs/node"},
    {"type": "object", "minProperties": 2, "properties": {"p": {"type": "number"}, "q": {"type": "null"}}},
    {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}], "minItems": 2},
    {"type": "object", "required": ["free"], "additionalProperties": {"type": "integer", "minimum": 3}},
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=range(len(SCHEMAS)))
def test_the_minimal_instance_validates(schema: dict[str, Any]) -> None:
    instance = minimal_valid_instance(schema)
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())
    assert minimal_valid_instance(schema) == instance  # deterministic


class Person(pydantic.BaseModel):
    name: str
    age: int
    role: Literal["admin", "user"]
    tags: list[str]


PERSON_SCHEMA = {"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer"},
                                                  "email": {"type": "string", "format": "email"}},
                 "required": ["name", "age", "email"], "additionalProperties": False}
ASK = [{"role": "user", "content": "Extract the person: Ada, 36, ada@example.com"}]


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as running:
        yield running


@pytest.fixture
def claude(emu: RunningEmulator) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(api_key="any-key", base_url=emu.url, max_retries=0) as client:
        yield client


def test_output_config_json_schema_answers_valid_json(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=ASK,  # type: ignore[arg-type]
                                     output_config={"format": {"type": "json_schema", "schema": PERSON_SCHEMA}})
    assert message.stop_reason == "end_turn"
    text = "".join(b.text for b in message.content if b.type == "text")
    jsonschema.validate(json.loads(text), PERSON_SCHEMA, format_checker=jsonschema.FormatChecker())


def test_messages_parse_returns_the_pydantic_model(claude: anthropic.Anthropic) -> None:
    parsed = claude.messages.parse(model="claude-sonnet-4-6", max_tokens=512, messages=ASK,  # type: ignore[arg-type]
                                   output_format=Person)
    person = parsed.parsed_output
    assert isinstance(person, Person)
    assert person.role in ("admin", "user")


def test_beta_output_format_streamed_assembles_valid_json(claude: anthropic.Anthropic) -> None:
    with claude.beta.messages.stream(model="claude-sonnet-4-6", max_tokens=512, messages=ASK,  # type: ignore[arg-type]
                                     betas=["structured-outputs-2025-11-13"],
                                     extra_body={"output_format": {"type": "json_schema",  # the beta wire field
                                                                   "schema": PERSON_SCHEMA}}) as stream:
        deltas = [e for e in stream if e.type == "content_block_delta"]
        final = stream.get_final_message()
    assert len(deltas) > 1  # streamed in pieces, as the real API streams a document
    text = "".join(b.text for b in final.content if b.type == "text")
    jsonschema.validate(json.loads(text), PERSON_SCHEMA, format_checker=jsonschema.FormatChecker())


def test_a_small_max_tokens_cuts_the_document(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=2, messages=ASK,  # type: ignore[arg-type]
                                     output_config={"format": {"type": "json_schema", "schema": PERSON_SCHEMA}})
    assert message.stop_reason == "max_tokens"
    with pytest.raises(ValueError):
        json.loads(message.content[0].text)  # type: ignore[union-attr]


@pytest.mark.parametrize(("tool", "key"), [({"type": "bash_20250124", "name": "bash"}, "command"),
                                           ({"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"},
                                            "path"),
                                           ({"type": "computer_20250124", "name": "computer",
                                             "display_width_px": 1024, "display_height_px": 768}, "action")])
def test_schema_tools_get_their_documented_input(claude: anthropic.Anthropic, tool: dict[str, Any],
                                                  key: str) -> None:
    message = claude.beta.messages.create(model="claude-sonnet-4-6", max_tokens=256, tools=[tool],  # type: ignore[list-item]
                                          tool_choice={"type": "any"}, messages=ASK,  # type: ignore[arg-type]
                                          betas=["computer-use-2025-01-24"])
    block = next(b for b in message.content if b.type == "tool_use")
    assert block.name == tool["name"] and key in block.input  # type: ignore[operator]


def test_server_tools_are_not_answered_as_client_tool_use(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=256, messages=ASK,  # type: ignore[arg-type]
                                     tools=[{"type": "web_search_20250305", "name": "web_search"}])
    assert all(b.type != "tool_use" for b in message.content)


def test_openrouter_response_format_json_schema(emu: RunningEmulator) -> None:
    with openai.OpenAI(api_key="sk-or-any", base_url=f"{emu.url}/api/v1", max_retries=0) as client:
        completion = client.chat.completions.create(
            model="anthropic/claude-sonnet-4.6", messages=ASK,  # type: ignore[arg-type]
            response_format={"type": "json_schema", "json_schema": {"name": "person", "strict": True,
                                                                    "schema": PERSON_SCHEMA}})
        parsed = client.chat.completions.parse(model="anthropic/claude-sonnet-4.6", messages=ASK,  # type: ignore[arg-type]
                                               response_format=Person)
    text = completion.choices[0].message.content or ""
    jsonschema.validate(json.loads(text), PERSON_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert isinstance(parsed.choices[0].message.parsed, Person)


SEARCH = [{"role": "user", "content": "Use web_search to find the emulator's home page."}]


def test_a_named_server_tool_answers_its_use_and_result_before_the_text(claude: anthropic.Anthropic) -> None:
    tools: Any = [{"type": "web_search_20250305", "name": "web_search", "max_uses": 1}]
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=256, messages=SEARCH,  # type: ignore[arg-type]
                                     tools=tools)
    assert [b.type for b in message.content] == ["server_tool_use", "web_search_tool_result", "text"]
    use, result = message.content[0], message.content[1]
    assert result.tool_use_id == use.id and result.content[0].url  # type: ignore[union-attr]
    assert message.stop_reason == "end_turn"
    assert message.usage.server_tool_use is not None and message.usage.server_tool_use.web_search_requests == 1
    with claude.messages.stream(model="claude-sonnet-4-6", max_tokens=256, messages=SEARCH,  # type: ignore[arg-type]
                                tools=tools) as stream:
        final = stream.get_final_message()
    assert [b.type for b in final.content] == ["server_tool_use", "web_search_tool_result", "text"]
    assert final.content[0].input == use.input  # type: ignore[union-attr]


def test_code_execution_runs_on_the_server_side(claude: anthropic.Anthropic) -> None:
    message = claude.messages.create(model="claude-sonnet-4-6", max_tokens=256,  # type: ignore[arg-type]
                                     messages=[{"role": "user", "content": "Run it in code_execution."}],
                                     tools=[{"type": "code_execution_20250825", "name": "code_execution"}])
    assert [b.type for b in message.content] == ["server_tool_use", "bash_code_execution_tool_result", "text"]
    assert message.content[1].content.stdout == "pong\n"  # type: ignore[union-attr]
