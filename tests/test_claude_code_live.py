"""The real Claude Code CLI (npm @anthropic-ai/claude-code, pinned in tests/claude_code_live/run.py) against the
emulator in every mode, in a loopback-only network namespace with telemetry off and a scratch HOME.

Skipped with the reason where the CLI, unshare or namespaces are missing; CI installs the CLI with
``python -m tests.claude_code_live.run install``.
"""

from __future__ import annotations

import json

import pytest

from tests.claude_code_live import run as live

REASON = live.why_not_runnable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")
# -p with one prompt: a start-up call or three, one tier probe per unpinned tier, then the one answer
MAX_REQUESTS = {"anthropic": 2, "foundry": 1, "bedrock": 5, "vertex": 9}


@pytest.mark.parametrize("mode", live.MODES)
def test_claude_p_answers_in_one_turn_against_the_emulator(mode: str) -> None:
    result = live.run(mode, timeout=90)
    assert result["exit_code"] == 0, result["stdout"] + result["stderr"]
    line = json.loads(result["stdout"])
    assert line["is_error"] is False and line["num_turns"] == 1
    assert line["result"] == "pong from the claude-harness emulator."
    messages = [r for r in result["requests"] if r["method"] == "POST" and "count" not in r["path"]]
    assert len(result["requests"]) <= MAX_REQUESTS[mode], [r["path"] for r in result["requests"]]
    assert all(r["status"] < 400 for r in result["requests"]), [(r["path"], r["status"]) for r in result["requests"]]
    main = messages[-1]
    assert "claude-code-20250219" in main["headers"].get("anthropic-beta", "")
    assert main["headers"]["x-app"] == "cli"


def test_a_refused_mid_conversation_system_message_is_retried_without_it() -> None:
    """A gateway that drops the beta header: the emulator refuses the role in the words Claude Code's retry logic
    matches, and Claude Code resends without the system message and answers."""
    result = live.run("anthropic", strip_betas=("mid-conversation-system-2026-04-07",), timeout=90)
    assert result["exit_code"] == 0, result["stdout"]
    statuses = [r["status"] for r in result["requests"] if r["method"] == "POST"]
    assert statuses == [400, 200]
    retried = [r for r in result["requests"] if r["method"] == "POST"][-1]["body"]
    assert [m["role"] for m in retried["messages"]] == ["user"]
