"""Claude Code's facts per version and its probe shape: which facts apply, what the probes carry, and a gateway
that refuses one of Claude Code's betas or fields is named with the setting that avoids it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from harness.claude_code_facts import all_facts, choose, installed_version
from harness.claude_code_shape import MID_CONVERSATION_BETA, build_shape
from harness.cli import main
from harness.emulator import EmulatorSettings, create_app
from tests.helpers import read_report

FACTS = all_facts()[-1]


def test_the_installed_version_is_asked_with_a_timeout_and_never_required() -> None:
    asked: list[list[str]] = []

    def runner(command: Any) -> str | None:
        asked.append(list(command))
        return "2.1.197 (Claude Code)\n"

    assert installed_version({"CLAUDE_HARNESS_CLAUDE_BIN": "/opt/claude"}, runner) == "2.1.197"
    assert asked == [["/opt/claude", "--version"]]
    assert installed_version({"PATH": "/nonexistent"}, runner) is None
    assert installed_version({"CLAUDE_HARNESS_CLAUDE_BIN": "/opt/claude"}, lambda c: None) is None


def test_facts_apply_to_their_version_and_warn_outside_it() -> None:
    exact = choose("2.1.197")
    assert exact.exact and exact.warning() is None and "2.1.197's" in exact.notes()[0]
    newer = choose("2.1.240")
    assert newer.facts.version == "2.1.197" and not newer.exact
    assert "2.1.240 is outside the observed data" in (newer.warning() or "")
    assert choose(None).warning() is None and "no claude binary" in choose(None).notes()[0]


def test_the_anthropic_shape_is_what_claude_code_sends_and_the_variables_change_it() -> None:
    shape = build_shape(FACTS, "anthropic", "claude-opus-4-8", {"ANTHROPIC_BETAS": "extra-2026-01-01"},
                        default_model=True)
    body, path, headers = shape.apply("stream", {"model": "claude-opus-4-8", "max_tokens": 16,
                                                 "messages": [{"role": "user", "content": "hi"}]}, "/v1/messages")
    assert path == "/v1/messages?beta=true" and headers["x-app"] == "cli"
    betas = headers["anthropic-beta"].split(",")
    assert betas[:2] == ["claude-code-20250219", "context-1m-2025-08-07"] and MID_CONVERSATION_BETA in betas
    assert betas.index("extra-2026-01-01") == betas.index("effort-2025-11-24") - 1  # appended before effort
    assert [m["role"] for m in body["messages"]] == ["user", "system"]
    assert body["thinking"] == {"type": "adaptive"} and body["output_config"] == {"effort": "high"}
    assert body["context_management"]["edits"][0]["type"] == "clear_thinking_20251015"
    assert [t["name"] for t in body["tools"]] == ["Bash"] and body["max_tokens"] == 16
    older = build_shape(FACTS, "anthropic", "claude-sonnet-4-6", {"CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": "1"})
    assert older.betas == ("claude-code-20250219", "interleaved-thinking-2025-05-14", "effort-2025-11-24")
    assert not older.mid_conversation_system and not older.context_management


def test_bedrock_carries_betas_in_the_body_ignores_anthropic_betas_and_budgets_its_thinking() -> None:
    # observed: Claude Code 2.1.197 on Bedrock with us.anthropic.claude-opus-4-6-v1 (adaptive, effort) and with
    # its default us.anthropic.claude-sonnet-4-5-20250929-v1:0 (thinking enabled, no effort)
    opus = build_shape(FACTS, "bedrock", "us.anthropic.claude-opus-4-6-v1", {"ANTHROPIC_BETAS": "x-2026-01-01"})
    body, path, headers = opus.apply("stream", {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 16,
                                                "messages": [{"role": "user", "content": "hi"}]}, "/model/m/x")
    assert path == "/model/m/x" and headers["anthropic-beta"] == "claude-code-20250219,effort-2025-11-24"
    assert body["anthropic_beta"] == ["interleaved-thinking-2025-05-14", "tool-search-tool-2025-10-19"]
    assert body["thinking"] == {"type": "adaptive"} and body["output_config"] == {"effort": "high"}
    sonnet = build_shape(FACTS, "bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", {})
    body, _, headers = sonnet.apply("stream", {"max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]},
                                    "/model/m/x")
    assert headers["anthropic-beta"] == "claude-code-20250219" and "output_config" not in body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 1024} and body["max_tokens"] == 1025
    assert "context_management" not in body and sonnet.extra_output_tokens == 1025


class _RefusingGateway:
    """An Anthropic-format gateway that refuses a body field, in front of the emulator."""

    def __init__(self, field: str) -> None:
        self.app = create_app(EmulatorSettings())
        self.field = field
        self.seen: list[dict[str, str]] = []  # each request's headers

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.seen.append({k.decode().lower(): v.decode() for k, v in scope["headers"]} | {":path": scope["path"]})
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        if self.field in json.loads(raw or b"{}"):
            payload = json.dumps({"type": "error", "error": {"type": "invalid_request_error",
                                                             "message": f"{self.field}: Extra inputs are not "
                                                                        "permitted"}}).encode()
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": payload})
            return
        sent = False

        async def replay() -> Any:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}

        await self.app(scope, replay, send)


@pytest.fixture
def gateway() -> Iterator[_RefusingGateway]:
    app = _RefusingGateway("context_management")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    app.url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"  # type: ignore[attr-defined]
    yield app
    server.should_exit = True
    thread.join(timeout=10)


def test_a_gateway_refusing_claude_codes_context_management_is_named_with_the_fix(
        gateway: _RefusingGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")  # no claude binary: the newest facts apply
    monkeypatch.setenv("ANTHROPIC_BASE_URL", gateway.url)  # type: ignore[attr-defined]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-gw-123456")
    monkeypatch.setenv("ANTHROPIC_MODEL", "claude-opus-4-8")
    code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(tmp_path / "r")])
    out = capsys.readouterr().out
    report = read_report(tmp_path / "r")
    checks = {c["id"]: c for c in report["checks"]}
    assert code == 1 and checks["message.text-and-usage"]["status"] == "passed"  # the message carries no thinking
    stream = checks["stream.completes"]
    assert stream["status"] == "failed" and "context_management" in stream["message"]
    assert "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 removes it" in stream["message"]
    assert "Claude Code facts applied: 2.1.197's" in out


def test_both_credentials_are_sent_as_claude_code_sends_them(
        gateway: _RefusingGateway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", gateway.url)  # type: ignore[attr-defined]
    monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "tok-both-7d1e9a")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-both-4c2b8f")
    gateway.field = "no_such_field"  # this gateway refuses nothing Claude Code sends
    code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(tmp_path / "r")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "sends both headers" in out
    messages = [h for h in gateway.seen if h[":path"] == "/v1/messages"]
    assert messages and all(h.get("authorization") == "Bearer tok-both-7d1e9a" and
                            h.get("x-api-key") == "sk-ant-both-4c2b8f" for h in messages)
    preconnect = [h for h in gateway.seen if h.get("user-agent") == "Bun/1.4.0"]
    assert preconnect and not any("authorization" in h or "x-api-key" in h for h in preconnect)
    assert "sk-ant-both-4c2b8f" not in (tmp_path / "r" / "report.json").read_text() + out


def test_the_second_credential_never_reaches_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from harness.emulator import RunningEmulator

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    with RunningEmulator() as emu:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", emu.url)
        monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "tok-canary-51f0c2")
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-canary-9e3d7a")
        monkeypatch.setenv("ANTHROPIC_CUSTOM_HEADERS", "x-emulator-fault: server-error")  # a failure: reproduce lines
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(tmp_path / "r")])
    out = capsys.readouterr()
    assert code in (1, 3)
    written = out.out + out.err + "".join(p.read_text() for p in (tmp_path / "r").iterdir() if p.is_file())
    assert "curl" in written and "x-api-key" in written.lower()
    assert "sk-ant-canary-9e3d7a" not in written and "tok-canary-51f0c2" not in written


@pytest.mark.parametrize(("refusal", "feature", "fix"), [
    ("messages.1: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not "
     "\"system\" as an input message role.", "mid-conversation system message", "forward the anthropic-beta header"),
    ("Unexpected value(s) `context-1m-2025-08-07` for the `anthropic-beta` header.", "beta context-1m-2025-08-07",
     "pin ANTHROPIC_MODEL=claude-opus-4-8"),  # observed: the pinned model is sent without context-1m
    ("Unexpected value(s) `prompt-caching-scope-2026-01-05` for the `anthropic-beta` header.",
     "beta prompt-caching-scope-2026-01-05", "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 removes it"),
    ("output_config: Extra inputs are not permitted", "body field output_config", "pin another model"),
])
def test_a_refusal_names_claude_codes_beta_or_field_and_the_fix(refusal: str, feature: str, fix: str) -> None:
    from harness.checks.basic import Verdict
    from harness.checks.claude_code import name_rejected_feature
    from harness.observation import Observation

    shape = build_shape(FACTS, "anthropic", "claude-opus-4-8", {}, default_model=True)
    obs = Observation(probe="message", method="POST", url="http://gw/v1/messages", status=400,
                      body_text=json.dumps({"type": "error", "error": {"type": "invalid_request_error",
                                                                       "message": refusal}}))
    named = name_rejected_feature(Verdict(False, "expected 200; got 400", "request.invalid"), obs, shape)
    assert f"refuses Claude Code's {feature}" in named.message and fix in named.message
    assert named.cause == "request.invalid"


OBSERVED = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "claude-code" / "models.json")
                      .read_text())["calls"]


@pytest.mark.parametrize("seen", OBSERVED, ids=lambda c: f"{c['mode']}:{c['env'] or 'default'}")
def test_the_shape_is_what_claude_code_sent_for_each_model_and_provider(seen: dict[str, Any]) -> None:
    """What the real claude -p sent on its main call (fixtures/claude-code/models.json), model by model."""
    shape = build_shape(FACTS, seen["mode"], seen["model"], seen["env"],
                        default_model="ANTHROPIC_MODEL" not in seen["env"])
    assert set(shape.betas) == set(seen["anthropic_beta"])
    assert list(shape.body_betas) == seen["body_anthropic_beta"]
    assert (shape.thinking, shape.effort) == (seen["thinking"], seen["effort"])
    assert shape.context_management == seen["context_management"]
    assert shape.mid_conversation_system == ("system" in seen["roles"])
