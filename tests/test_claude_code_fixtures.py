"""What the real Claude Code 2.1.197 sent (fixtures/claude-code/, recorded by tests/claude_code_live/run.py),
replayed against the emulator in the fast suite: every recorded request is answered as it was, the main call's
shape is what the observed-behaviour data says, and the emulator's rules hold for Claude Code's real bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from harness.emulator import create_app
from harness.emulator.behaviour import plan_anthropic

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "claude-code"
MODES = ("anthropic", "foundry", "bedrock", "vertex")
DROPPED = {"host", "content-length", "connection", "accept-encoding", "x-amz-date", "x-amz-content-sha256",
           "x-claude-code-session-id"}


def recording(mode: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{mode}.json").read_text())
    return data


def _replayable(entry: dict[str, Any]) -> dict[str, str]:
    headers = {k: v for k, v in entry["headers"].items() if k not in DROPPED}
    if "x-api-key" in headers:
        headers["x-api-key"] = "sk-ant-replayed-000000"
    if "authorization" in headers:  # SigV4 cannot be replayed: a Bedrock API key, or an OAuth token, instead
        headers["authorization"] = "Bearer ya29.replayed-token"
    return headers


def _send(client: TestClient, entry: dict[str, Any], body: Any = None, headers: dict[str, str] | None = None
          ) -> Any:
    path = entry["path"] + (f"?{entry['query']}" if entry["query"] else "")
    payload = entry["body"] if body is None else body
    return client.request(entry["method"], path, headers=headers or _replayable(entry),
                          content=json.dumps(payload).encode() if payload is not None else None)


@pytest.mark.parametrize("mode", MODES)
def test_every_recorded_request_is_answered_as_it_was(mode: str) -> None:
    recorded = recording(mode)
    assert recorded["claude_code_version"] == "2.1.197" and recorded["exit_code"] == 0
    with TestClient(create_app()) as client:
        for entry in recorded["requests"]:
            answer = _send(client, entry)
            assert answer.status_code == entry["status"], (entry["path"], answer.text[:300])


def _main_call(mode: str) -> dict[str, Any]:
    posts: list[dict[str, Any]] = [r for r in recording(mode)["requests"] if r["method"] == "POST"]
    return posts[-1]


@pytest.mark.parametrize("mode", MODES)
def test_claude_codes_prompt_does_not_make_the_emulator_call_a_tool(mode: str) -> None:
    body = dict(_main_call(mode)["body"])
    assert len(body["tools"]) >= 9  # Claude Code's tool list, and a <system-reminder> naming the agents
    assert "<system-reminder>" in json.dumps(body["messages"])
    answer = plan_anthropic(body)
    assert answer.tool is None and answer.text == "pong from the claude-harness emulator."


def test_a_mid_conversation_system_message_needs_its_beta_and_is_refused_in_claude_codes_words() -> None:
    entry = _main_call("anthropic")
    assert [m["role"] for m in entry["body"]["messages"]] == ["user", "system"]
    headers = _replayable(entry)
    headers["anthropic-beta"] = ",".join(b for b in headers["anthropic-beta"].split(",")
                                         if b != "mid-conversation-system-2026-04-07")
    with TestClient(create_app()) as client:
        refused = _send(client, entry, headers=headers)
    assert refused.status_code == 400
    message = refused.json()["error"]["message"]
    # Claude Code 2.1.197 retries without the system message only when the 400 says these words
    assert "Unexpected role" in message and "input message role" in message


def test_bedrock_carries_the_betas_in_the_body_and_vertex_in_the_header() -> None:
    bedrock = _main_call("bedrock")
    assert bedrock["body"]["anthropic_version"] == "bedrock-2023-05-31"
    assert "interleaved-thinking-2025-05-14" in bedrock["body"]["anthropic_beta"]
    vertex = _main_call("vertex")
    assert vertex["body"]["anthropic_version"] == "vertex-2023-10-16"
    assert "claude-code-20250219" in vertex["headers"]["anthropic-beta"]


def test_a_tool_the_user_names_gets_inputs_that_make_sense_for_it() -> None:
    tools = {t["name"]: t for t in _main_call("anthropic")["body"]["tools"]}
    for name, expected in (("Bash", {"command": "echo pong"}), ("Read", {"file_path": "/etc/hosts"})):
        body = {"model": "m", "max_tokens": 64, "tools": [tools[name]],
                "messages": [{"role": "user", "content": f"use {name} please"}]}
        call = plan_anthropic(body).tool
        assert call is not None and call["name"] == name
        assert {k: call["input"][k] for k in expected} == expected
    # a tool named only inside a system reminder is not a request for it
    reminder = {"model": "m", "max_tokens": 64, "tools": [tools["Bash"]], "messages": [{"role": "user", "content": [
        {"type": "text", "text": "<system-reminder>You may use Bash.</system-reminder>"},
        {"type": "text", "text": "say pong"}]}]}
    assert plan_anthropic(reminder).tool is None


# The one sentence Claude Code 2.1.197 prints for a model its start-up check cannot use, whatever Bedrock's
# reason was (the use-case form never submitted, the version at its end of life): explain names the model.
SAME_SENTENCE = {"use-case-form", "model-end-of-life"}


def _printed() -> list[dict[str, Any]]:
    texts: list[dict[str, Any]] = json.loads((FIXTURES / "printed-texts.json").read_text())["texts"]
    return [t for t in texts if t["exit_code"] != 0]


@pytest.mark.parametrize("seen", _printed(), ids=lambda t: f"{t['mode']}:{t['fault']}")
def test_explain_reads_what_claude_code_printed_and_its_json_line(seen: dict[str, Any]) -> None:
    from harness.explain import explain_text

    expected = "model.not-found" if seen["fault"] in SAME_SENTENCE else seen["expected_cause"]
    assert explain_text(seen["printed"], provider=None, auth=None)["cause"] == expected
    assert explain_text(seen["json_line"], provider=None, auth=None)["cause"] == expected


def test_faults_claude_code_survives_print_its_answer() -> None:
    texts = json.loads((FIXTURES / "printed-texts.json").read_text())["texts"]
    survived = {t["fault"] for t in texts if t["exit_code"] == 0}
    # it retries a broken stream without streaming, and takes a stream with no end marker as complete
    assert {"truncated-stream", "error-after-200", "drop-connection"} <= survived
    assert all(t["printed"] == "pong from the claude-harness emulator." for t in texts if t["exit_code"] == 0)


# --- the 24 settings: what the real CLI sent (fixtures/claude-code/settings.json), against what the check sends --
SETTINGS: dict[str, Any] = json.loads((FIXTURES / "settings.json").read_text())["settings"]
OFFLINE_SETTINGS = [s for s in SETTINGS if "FOUNDRY_AUTH_TOKEN" not in s]  # that one asks the Azure chain


@pytest.mark.parametrize("setting", OFFLINE_SETTINGS)
def test_the_check_sends_what_claude_code_sent(setting: str, tmp_path: Path) -> None:
    """The check in a fresh interpreter (google-auth reads GCE_METADATA_HOST at import), everything on loopback."""
    import subprocess
    import sys

    from tests.claude_code_live.run import _serve, mode_env
    from tests.claude_code_live.score import RUNS, matches, summary

    _, mode, extra, aspects = next(r for r in RUNS if r[0] == setting)
    log: list[dict[str, Any]] = []
    server, port = _serve(log, [])
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(FIXTURES.parents[1]),
           **mode_env(mode, f"http://127.0.0.1:{port}"), **extra}
    try:
        subprocess.run([sys.executable, "-m", "harness", "check", "--claude-code", "--retries", "0", "--report-dir",
                        str(tmp_path / "r")], env={k: v for k, v in env.items() if v}, cwd=tmp_path,
                       capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    finally:
        server.should_exit = True
    check = summary(log)
    for aspect in aspects:
        assert matches(aspect, SETTINGS[setting]["claude_code"], check), (aspect, SETTINGS[setting]["claude_code"],
                                                                         check)


def test_a_one_turn_interactive_session_made_the_calls_of_claude_p() -> None:
    """fixtures/claude-code/interactive.json: why the facts say a one-turn session calls what -p calls."""
    sessions = json.loads((FIXTURES / "interactive.json").read_text())["sessions"]
    for mode, session in sessions.items():
        assert "pong from the claude-harness emulator." in session["screen"]
        seen = sorted((r["m"], r["p"]) for r in session["requests"])
        printed = sorted((r["method"], r["path"]) for r in recording(mode)["requests"])
        assert seen == printed, mode
