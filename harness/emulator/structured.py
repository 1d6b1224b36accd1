"""What a request asks the reply to conform to: a structured-output schema, or a tool's input (pure).

Messages asks for JSON with ``output_config: {format: {type: json_schema, schema}}`` (GA) or the beta
``output_format: {type: json_schema, schema}``; the python SDK's ``messages.parse`` sends the former. Anthropic's
schema tools (bash, text editor, computer use, memory) carry no ``input_schema``: their inputs are the documented
minimal ones. Server tools (web search, code execution, ...) run on Anthropic's side and are never answered as a
client ``tool_use``.
"""

from __future__ import annotations

import json
from typing import Any

from .schema_instance import minimal_valid_instance

# type prefix of an Anthropic-defined client tool -> the smallest input its documentation shows
SCHEMA_TOOL_INPUTS: dict[str, dict[str, Any]] = {
    "bash_": {"command": "echo pong"},
    "text_editor_": {"command": "view", "path": "/tmp/example.txt"},
    "computer_": {"action": "screenshot"},
    "memory_": {"command": "view", "path": "/memories"},
}
SERVER_TOOL_PREFIXES = ("web_search_", "web_fetch_", "code_execution_", "tool_search_tool_", "mcp_toolset")
JSON_CHUNK = 8  # characters per streamed delta (and per output token) of a structured reply


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def anthropic_output_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a Messages request asks its text to follow, or None."""
    for fmt in (_as_dict(_as_dict(body.get("output_config")).get("format")), _as_dict(body.get("output_format"))):
        if fmt.get("type") == "json_schema" and isinstance(fmt.get("schema"), dict):
            return dict(fmt["schema"])
    return None


def openai_output_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    """OpenRouter/OpenAI ``response_format``: json_schema's schema, or an unconstrained object for json_object."""
    response_format = _as_dict(body.get("response_format"))
    if response_format.get("type") == "json_schema":
        schema = _as_dict(response_format.get("json_schema")).get("schema")
        return dict(schema) if isinstance(schema, dict) else {"type": "object"}
    if response_format.get("type") == "json_object":
        return {"type": "object"}
    return None


def structured_text(schema: dict[str, Any]) -> list[str]:
    """The minimal valid document, serialized compactly and cut into stream-sized pieces."""
    text = json.dumps(minimal_valid_instance(schema), separators=(",", ":"))
    return [text[i:i + JSON_CHUNK] for i in range(0, len(text), JSON_CHUNK)] or ["{}"]


def is_server_tool(tool: dict[str, Any]) -> bool:
    return str(tool.get("type", "")).startswith(SERVER_TOOL_PREFIXES)


# Harmless values for string properties whose name says what they hold (Claude Code's Bash, Read, Glob, Grep …).
SENSIBLE_STRINGS = {"command": "echo pong", "file_path": "/etc/hosts", "path": "/etc/hosts",
                    "notebook_path": "/etc/hosts", "pattern": "pong", "url": "http://127.0.0.1/",
                    "query": "pong", "prompt": "say pong", "description": "a harmless probe from the emulator",
                    "content": "pong", "old_string": "pong", "new_string": "pong"}


def sensible_instance(schema: Any) -> Any:
    """The smallest value the schema accepts (schema_instance), with harmless values for string properties whose
    name says what they hold, where the schema allows them: a command to run, a path to read (Claude Code's tools)."""
    return _sensible(schema, minimal_valid_instance(schema), None)


def _sensible(schema: Any, value: Any, name: str | None) -> Any:
    if isinstance(value, dict) and isinstance(schema, dict):
        properties = schema.get("properties") or {}
        return {key: _sensible(properties.get(key, {}), item, key) for key, item in value.items()}
    sensible = SENSIBLE_STRINGS.get(name or "")
    if (isinstance(value, str) and sensible is not None and isinstance(schema, dict)
            and not {"pattern", "enum", "const", "format"} & set(schema)
            and int(schema.get("minLength", 0)) <= len(sensible) <= int(schema.get("maxLength", len(sensible)))):
        return sensible
    return value


def tool_input(tool: dict[str, Any]) -> Any:
    """A client tool's input: valid against its input_schema, or the documented minimum of a schema tool."""
    kind = str(tool.get("type", ""))
    for prefix, example in SCHEMA_TOOL_INPUTS.items():
        if kind.startswith(prefix):
            return dict(example)
    schema = tool.get("input_schema", tool.get("parameters"))
    return sensible_instance(schema) if isinstance(schema, dict) else {}
