"""Server tools as the Messages API answers them: run on the provider's side, reported in the reply (pure).
When a request offers web search, web fetch or code execution and the last user message names the tool (its
``name``, as the client-tool rule has it) or asks for what it does (PURPOSE_WORDS), or ``tool_choice`` names
it, the reply carries a ``server_tool_use`` block, the tool's result block, then the text, with
``stop_reason: end_turn`` and the request counted in ``usage.server_tool_use``. The results are fixed and
deterministic (example.com, ``echo pong``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

EXAMPLE_URL = "https://example.com/"
EXAMPLE_TITLE = "Example Domain"


def _id(body: dict[str, Any], name: str) -> str:
    digest = hashlib.sha256((name + json.dumps(body, sort_keys=True, default=str)).encode()).hexdigest()[:24]
    return f"srvtoolu_emu{digest}"


def _web_search(tool_id: str, text: str) -> list[dict[str, Any]]:
    query = " ".join(text.split()[:8]) or "claude-harness"
    encrypted = base64.b64encode(f"emulator:{query}".encode()).decode()
    return [{"type": "server_tool_use", "id": tool_id, "name": "web_search", "input": {"query": query}},
            {"type": "web_search_tool_result", "tool_use_id": tool_id, "content": [
                {"type": "web_search_result", "url": EXAMPLE_URL, "title": EXAMPLE_TITLE,
                 "encrypted_content": encrypted, "page_age": None}]}]


def _web_fetch(tool_id: str, text: str) -> list[dict[str, Any]]:
    url = next((w for w in text.split() if w.startswith(("http://", "https://"))), EXAMPLE_URL)
    return [{"type": "server_tool_use", "id": tool_id, "name": "web_fetch", "input": {"url": url}},
            {"type": "web_fetch_tool_result", "tool_use_id": tool_id, "content": {
                "type": "web_fetch_result", "url": url, "retrieved_at": "2025-01-01T00:00:00Z",
                "content": {"type": "document", "title": EXAMPLE_TITLE, "citations": None, "source": {
                    "type": "text", "media_type": "text/plain", "data": "Example Domain"}}}}]


def _bash_execution(tool_id: str, text: str) -> list[dict[str, Any]]:
    return [{"type": "server_tool_use", "id": tool_id, "name": "bash_code_execution",
             "input": {"command": "echo pong"}},
            {"type": "bash_code_execution_tool_result", "tool_use_id": tool_id, "content": {
                "type": "bash_code_execution_result", "stdout": "pong\n", "stderr": "", "return_code": 0,
                "content": []}}]


def _code_execution(tool_id: str, text: str) -> list[dict[str, Any]]:
    return [{"type": "server_tool_use", "id": tool_id, "name": "code_execution", "input": {"code": "print('pong')"}},
            {"type": "code_execution_tool_result", "tool_use_id": tool_id, "content": {
                "type": "code_execution_result", "stdout": "pong\n", "stderr": "", "return_code": 0,
                "content": []}}]


# tool type prefix -> (how usage counts it, the blocks it answers)
SERVER_TOOLS: list[tuple[str, str | None, Any]] = [
    ("web_search_", "web_search_requests", _web_search),
    ("web_fetch_", "web_fetch_requests", _web_fetch),
    ("code_execution_2025052", None, _code_execution),  # the 2025-05-22 tool: Python
    ("code_execution_", None, _bash_execution),  # later versions: bash and the text editor
]
# What a prompt says when it asks for the tool without naming it ("Search the web for …"): the model would use it.
PURPOSE_WORDS = {"web_search_": ("search",), "web_fetch_": ("fetch",),
                 "code_execution_": ("code execution", "execute", "run code", "compute")}


def server_call(body: dict[str, Any], last_text: str) -> dict[str, Any] | None:
    """{"blocks", "usage"} for the server tool this request invokes, or None."""
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    choice = body.get("tool_choice") if isinstance(body.get("tool_choice"), dict) else {}
    assert isinstance(choice, dict)
    for tool in tools:
        kind, name = str(tool.get("type", "")), str(tool.get("name", ""))
        entry = next((e for e in SERVER_TOOLS if kind.startswith(e[0])), None)
        if entry is None or not name:
            continue
        named = choice.get("type") == "tool" and choice.get("name") == name
        words = next((w for prefix, w in PURPOSE_WORDS.items() if kind.startswith(prefix)), ())
        asked = name.lower() in last_text.lower() or any(word in last_text.lower() for word in words)
        if not named and not asked:
            continue
        _prefix, counter, answer = entry
        usage = {"web_search_requests": 0, "web_fetch_requests": 0}
        if counter:
            usage[counter] = 1
        return {"blocks": answer(_id(body, name), last_text), "usage": usage}
    return None
