"""Request validation as the real APIs do it, with their messages (pure): what they reject, the emulator rejects.

Each function returns the error message of a 400 invalid_request_error, or None when the request is valid.
"""

from __future__ import annotations

from typing import Any

ANTHROPIC_BLOCK_TYPES = frozenset({"text", "image", "document", "tool_use", "tool_result", "thinking",
                                   "redacted_thinking", "server_tool_use", "web_search_tool_result", "search_result",
                                   "container_upload"})
OPENAI_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
# Claude Code sends a mid-conversation ``role: "system"`` message with this beta (header, or Bedrock's body
# ``anthropic_beta``); without it the API refuses the role in the words Claude Code's retry logic looks for.
MID_CONVERSATION_SYSTEM_BETA = "mid-conversation-system-2026-04-07"
UNEXPECTED_SYSTEM_ROLE = ("messages.{index}: Unexpected role \"system\". The Messages API accepts a top-level "
                          "`system` parameter, not \"system\" as an input message role.")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def anthropic_request_error(body: dict[str, Any], betas: frozenset[str] = frozenset()) -> str | None:
    """The Messages API's checks (count_tokens skips the max_tokens ones); ``betas`` are the request's
    ``anthropic-beta`` values."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    first = messages[0]
    if not isinstance(first, dict) or first.get("role") != "user":
        return "messages: first message must use the \"user\" role"
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role == "system" and index > 0:
            if MID_CONVERSATION_SYSTEM_BETA not in betas:
                return UNEXPECTED_SYSTEM_ROLE.format(index=index)
        elif role not in ("user", "assistant"):
            return f"messages.{index}.role: Input should be 'user' or 'assistant'"
        content = message.get("content")
        if isinstance(content, list):
            for block_index, block in enumerate(content):
                kind = block.get("type") if isinstance(block, dict) else None
                if kind not in ANTHROPIC_BLOCK_TYPES:
                    return (f"messages.{index}.content.{block_index}.type: Input tag '{kind}' found using 'type' "
                            f"does not match any of the expected tags")
        elif not isinstance(content, str):
            return f"messages.{index}.content: Input should be a valid string or list"
    temperature = body.get("temperature")
    if temperature is not None and (not _is_number(temperature) or not 0 <= temperature <= 1):
        return "temperature: Input should be less than or equal to 1"
    tools = body.get("tools") or []
    names = {t.get("name") for t in tools if isinstance(t, dict)}
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        if choice.get("type") not in ("auto", "any", "tool", "none"):
            return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"
        if choice.get("type") == "tool" and choice.get("name") not in names:
            return f"tool_choice: tool '{choice.get('name')}' not found in tools"
        if choice.get("type") in ("any", "tool") and not tools:
            return "tool_choice: tools must be provided when tool_choice is 'any' or 'tool'"
    return _thinking_error(body)


def anthropic_generation_error(body: dict[str, Any], betas: frozenset[str] = frozenset()) -> str | None:
    """What /v1/messages adds to the shared checks: max_tokens."""
    max_tokens = body.get("max_tokens")
    if max_tokens is None:
        return "max_tokens: Field required"
    if not _is_int(max_tokens) or max_tokens < 1:
        return "max_tokens: Input should be greater than or equal to 1"
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        budget = thinking.get("budget_tokens")
        if _is_int(budget) and budget >= max_tokens:
            return "`max_tokens` must be greater than `thinking.budget_tokens`"
    return anthropic_request_error(body, betas)


def request_betas(header: str | None, body: dict[str, Any]) -> frozenset[str]:
    """The betas a request turns on: the ``anthropic-beta`` header and the clouds' body ``anthropic_beta``."""
    found = {b.strip() for b in (header or "").split(",") if b.strip()}
    listed = body.get("anthropic_beta")
    if isinstance(listed, list):
        found.update(str(b) for b in listed)
    return frozenset(found)


def _thinking_error(body: dict[str, Any]) -> str | None:
    thinking = body.get("thinking")
    if thinking is None:
        return None
    if not isinstance(thinking, dict) or thinking.get("type") not in ("enabled", "disabled", "adaptive"):
        return "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'"
    if thinking["type"] == "enabled":
        budget = thinking.get("budget_tokens")
        if not isinstance(budget, int) or isinstance(budget, bool):
            return "thinking.enabled.budget_tokens: Field required"
        if budget < 1024:
            return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
    return None


def openai_request_error(body: dict[str, Any]) -> str | None:
    """The OpenAI-compatible chat completions checks (as OpenRouter and OpenAI answer them)."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: array must contain at least 1 element"
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in OPENAI_ROLES:
            return f"messages[{index}].role: invalid role"
    for key in ("max_tokens", "max_completion_tokens"):
        value = body.get(key)
        if value is not None and (not _is_int(value) or value < 1):
            return f"{key}: must be an integer greater than or equal to 1"
    temperature = body.get("temperature")
    if temperature is not None and (not _is_number(temperature) or not 0 <= temperature <= 2):
        return "temperature: must be between 0 and 2"
    n = body.get("n")
    if n is not None and n != 1:
        return "n: only n=1 is supported for this model"
    tools = body.get("tools") or []
    names = {(t.get("function") or {}).get("name") for t in tools if isinstance(t, dict)}
    choice = body.get("tool_choice")
    if choice == "required" and not tools:
        return "tool_choice: 'required' needs tools"
    if isinstance(choice, dict) and (choice.get("function") or {}).get("name") not in names:
        return f"tool_choice: function '{(choice.get('function') or {}).get('name')}' not found in tools"
    response_format = body.get("response_format")
    if response_format is not None and (not isinstance(response_format, dict)
                                        or response_format.get("type") not in ("text", "json_object",
                                                                              "json_schema")):
        return "response_format.type: must be 'text', 'json_object' or 'json_schema'"
    return None
