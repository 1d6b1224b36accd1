"""The tool as a user gets it: the installed package, run from outside the source tree, in a terminal, in pipes,
interrupted, with the providers and flags the README promises."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from importlib.util import find_spec
from pathlib import Path

import httpx
import pytest

from harness import commands
from harness.cli import main
from harness.config import build_target
from harness.emulator import EmulatorSettings, create_app
from harness.emulator.server import request_log
from harness.providers import PROVIDERS
from harness.reproduce import sdk_snippet
from tests.helpers import bare_env, read_report

REPORT_FILES = {"report.json", "report.md", "report.html", "junit.xml", "terminal.txt"}


def _installed_script() -> Path:
    """The console script pip installed beside this interpreter, with the package it runs (not this checkout)."""
    script = Path(sys.executable).parent / "claude-harness"
    spec = find_spec("claude_harness")
    if not script.is_file() or spec is None or spec.origin is None:
        pytest.skip("the package is not installed in this environment: pip install '.[test]'")
    assert "site-packages" in spec.origin, f"claude_harness comes from {spec.origin}, not from an installed wheel"
    return script


def _in_a_terminal(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run a command with a pseudo-terminal as standard input, output and error, as a terminal user does."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, cwd=cwd, env=env,
                            close_fds=True)
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 5)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            data = os.read(leader, 4096)
        except OSError:  # the other side closed: the process ended
            break
        if not data:
            break
        seen += data
    code = proc.wait(timeout=60)
    os.close(leader)
    return code, seen.decode(errors="replace")


def test_the_installed_check_shows_progress_in_a_terminal_and_exits_0(tmp_path: Path) -> None:
    """The README's first command, as typed in a terminal: the live progress line takes the path that crashed."""
    script = _installed_script()
    code, shown = _in_a_terminal([str(script), "check", "--emulator"], tmp_path,
                                 bare_env(HOME=str(tmp_path), TERM="xterm"))
    assert code == 0, shown
    assert "done ·" in shown and "\x1b[K" in shown, "no progress line on the terminal"
    assert "Traceback" not in shown
    assert {p.name for p in (tmp_path / "reports").iterdir()} >= REPORT_FILES
    assert read_report(tmp_path / "reports")["summary"]["verdict"] == "healthy"


def _absolute_self_imports(root: Path, names: set[str]) -> list[str]:
    """Imports of the checkout's package names inside the installed package, outside type-checking blocks and
    outside `except ImportError` fallbacks (which only a source checkout reaches)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded: set[int] = set()
        for node in ast.walk(tree):
            is_type_checking = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            is_fallback = isinstance(node, ast.ExceptHandler) and "ImportError" in ast.unparse(node.type or node)
            if is_type_checking or is_fallback:
                guarded.update(id(inner) for inner in ast.walk(node) if inner is not node)
        for node in ast.walk(tree):
            if id(node) in guarded:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            found += [f"{path.relative_to(root)}:{node.lineno}: {m}" for m in modules if m.split(".")[0] in names]
    return found


def test_the_installed_package_never_imports_itself_by_its_checkout_name() -> None:
    _installed_script()
    spec = find_spec("claude_harness")
    suites = find_spec("claude_harness_suites")
    assert spec is not None and spec.origin is not None and suites is not None and suites.origin is not None
    bad = _absolute_self_imports(Path(spec.origin).parent, {"harness", "suites"})
    bad += _absolute_self_imports(Path(suites.origin).parent, {"harness", "suites"})
    assert bad == [], "absolute imports that crash the installed tool: " + ", ".join(bad)


def test_the_checkout_never_imports_itself_by_name() -> None:
    """The same rule on the source tree, so it holds before anything is installed."""
    root = Path(__file__).resolve().parents[1]
    bad = _absolute_self_imports(root / "harness", {"harness", "suites"})
    bad += _absolute_self_imports(root / "suites", {"harness", "suites"})
    assert bad == [], "absolute imports that crash the installed tool: " + ", ".join(bad)


def test_the_import_scan_finds_an_absolute_import(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    from harness.progress import X\n    return X\n")
    (tmp_path / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import harness\n"
                                   "try:\n    from .x import y\nexcept ImportError:\n    from harness.x import y\n")
    assert _absolute_self_imports(tmp_path, {"harness"}) == ["a.py:2: harness.progress"]


def test_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    script = _installed_script()
    done = subprocess.run(["bash", "-c", f"set -o pipefail; '{script}' models --provider anthropic | head -1"],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path, env=bare_env())
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr == "", done.stderr
    assert done.returncode in (0, 141)  # 141: ended by the closed pipe, as a shell reports it


def _interrupt_soon(argv: list[str], cwd: Path, started: Path, after_s: float) -> int:
    """Ctrl-C ``after_s`` seconds after the run has begun (its report folder exists)."""
    # Ctrl-C must reach it even where this test runs with SIGINT ignored (a background CI job): a small exec
    # wrapper restores the default first (preexec_fn is not safe in a process with threads).
    restore = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
               "os.execv(sys.argv[1], sys.argv[1:])")
    proc = subprocess.Popen([sys.executable, "-c", restore, *argv], cwd=cwd, env=bare_env(HOME=str(cwd)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(after_s)
    proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=60)


@pytest.mark.parametrize("after_s", [0.0, 0.1, 0.25, 0.4])
def test_ctrl_c_at_any_moment_leaves_every_report_format(tmp_path: Path, after_s: float) -> None:
    """Whenever Ctrl-C lands (starting the emulator, checking, stopping it), the folder holds a whole report."""
    script = _installed_script()
    code = _interrupt_soon([str(script), "check", "--emulator", "--report-dir", "r"], tmp_path, tmp_path / "r",
                           after_s)
    if code == 0:
        pytest.skip("the run finished before the interrupt arrived (a fast machine)")
    assert code in (130, -signal.SIGINT)
    assert {p.name for p in (tmp_path / "r").iterdir()} >= REPORT_FILES
    report = read_report(tmp_path / "r")
    assert report["summary"].get("interrupted") or report["complete"]


def test_ctrl_c_before_any_target_writes_an_incomplete_report(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "_check_emulated", interrupted)
    assert main(["check", "--emulator", "--report-dir", str(tmp_path)]) == 130
    capsys.readouterr()
    assert {p.name for p in tmp_path.iterdir()} >= REPORT_FILES
    report = read_report(tmp_path)
    assert report["complete"] is False and report["summary"]["interrupted"] is True
    assert "incomplete run" in (tmp_path / "report.md").read_text().lower()


def test_ctrl_c_while_the_emulator_stops_keeps_the_finished_report(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.emulator import RunningEmulator

    real_exit = RunningEmulator.__exit__

    def exit_then_interrupt(self: RunningEmulator, *exc: object) -> None:
        real_exit(self, *exc)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(RunningEmulator, "__exit__", exit_then_interrupt)
    assert main(["check", "--emulator", "--provider", "anthropic", "--report-dir", str(tmp_path)]) == 130
    capsys.readouterr()
    report = read_report(tmp_path)
    assert report["complete"] is True and report["summary"]["passed"] > 0
    assert report["summary"]["interrupted"] is True


@pytest.mark.parametrize("flag", [["--claude-settings", "settings.json"], ["--run-helpers"]])
def test_claude_code_flags_without_claude_code_are_a_usage_error(tmp_path: Path, flag: list[str],
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --claude-code they used to be ignored, and auto-detection sent the exported key elsewhere."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-not-sent")
    sent: list[object] = []
    monkeypatch.setattr(commands, "run_and_report", lambda *a, **k: sent.append(a))
    assert main(["check", *flag, "--report-dir", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert flag[0] in err and "--claude-code" in err and "Traceback" not in err
    assert sent == [] and not (tmp_path / "r").exists()


@pytest.mark.parametrize("key", ["sk-ant-abc\u2019def", "sk-ant-abc\u00a0def", "sk-ant-abc\x7fdef", "clé-42"])
def test_an_unsendable_key_is_a_usage_error_naming_the_variable(tmp_path: Path, key: str,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", key)
    code = main(["check", "--provider", "anthropic", "--base-url", "http://127.0.0.1:9", "--api-key-env", "MY_KEY",
                 "--report-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "MY_KEY" in err and "network" not in err and "Traceback" not in err
    assert key not in err  # the message points at the character, never prints the key


def test_an_unsendable_aws_secret_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret\u2013with-dash")
    assert main(["check", "--provider", "bedrock", "--region", "us-east-1", "--base-url", "http://127.0.0.1:9",
                 "--report-dir", str(tmp_path / "r")]) == 2
    assert "AWS_SECRET_ACCESS_KEY" in capsys.readouterr().err


def test_a_fault_that_does_not_fit_a_provider_is_skipped_there_and_logged(tmp_path: Path) -> None:
    """`emulate --fault echo-key`: Vertex has no API key to echo, so its requests are answered, not a 500."""
    log_path = tmp_path / "log.jsonl"

    async def send() -> tuple[httpx.Response, httpx.Response]:
        with log_path.open("a") as log:
            app = request_log(create_app(EmulatorSettings(faults=frozenset({"echo-key"}))), log)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
                path = "/vertex/v1/projects/p/locations/global/publishers/anthropic/models/claude-haiku-4-5@20251001"
                answer = await c.post(f"{path}:rawPredict", headers={"authorization": "Bearer ya29.test"},
                                      json={"anthropic_version": "vertex-2023-10-16", "max_tokens": 8,
                                            "messages": [{"role": "user", "content": "hi"}]})
                echoed = await c.post("/v1/messages", headers={"x-api-key": "sk-ant-echo-me"},
                                      json={"model": "claude-haiku-4-5", "max_tokens": 8,
                                            "messages": [{"role": "user", "content": "hi"}]})
        return answer, echoed

    answer, echoed = asyncio.run(send())
    assert answer.status_code == 200, answer.text
    assert echoed.status_code == 401 and "sk-ant-echo-me" in echoed.text
    entries = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert entries[0]["faults_skipped"] == ["echo-key"] and "faults_skipped" not in entries[1]


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_models_takes_every_provider(provider: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--provider", provider]) == 0
    assert "status" in capsys.readouterr().out


@pytest.mark.parametrize("provider", ["bedrock", "vertex"])
def test_the_pytest_plugin_takes_every_provider(pytester: pytest.Pytester, provider: str) -> None:
    result = pytester.runpytest("--pyargs", "claude_harness_suites", "-p", "no:cacheprovider", "--harness-mocked",
                                "--harness-provider", provider)
    result.assert_outcomes(passed=7, skipped=13)  # 7 smoke tests (lifecycle included); conformance waits for full


_AUTHS = {"foundry": ["api-key", "x-api-key", "entra"], "anthropic": ["x-api-key", "bearer"],
          "openrouter": ["bearer"], "bedrock": ["sigv4", "bearer"], "vertex": ["adc", "bearer"],
          "bedrock-mantle": ["sigv4", "bearer", "x-api-key"], "claude-platform-aws": ["sigv4", "x-api-key", "bearer"]}
_PLACES = {"bedrock": {"region": "us-east-1"}, "vertex": {"region": "global", "project": "p"},
           "bedrock-mantle": {"region": "us-east-1"},
           "claude-platform-aws": {"region": "us-west-2", "workspace_id": "wrkspc_01AbCdEf23GhIj"}}


@pytest.mark.parametrize(("provider", "auth"), [(p, a) for p, auths in _AUTHS.items() for a in auths])
@pytest.mark.parametrize("stream", [False, True])
def test_every_reproduction_snippet_is_valid_python(provider: str, auth: str, stream: bool) -> None:
    assert set(_AUTHS) == set(PROVIDERS), "a provider without a reproduction test"
    env = {"K": "k", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s"}
    raw = {"provider": provider, "auth": auth, "base_url": "http://127.0.0.1:9/x", "gateway": True,
           "model": "claude-haiku-4-5", **_PLACES.get(provider, {})}
    if auth not in ("entra", "sigv4", "adc"):
        raw["api_key_env"] = "K"
    snippet = sdk_snippet(build_target(raw, env, default_id="t"), stream=stream)
    assert snippet is not None
    tree = ast.parse(snippet)  # a SyntaxError here is what a user pasting it would get
    calls = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert any(c.endswith(("messages.create", "completions.create")) for c in calls)


@pytest.mark.parametrize("name", ["report.json", "junit.xml", "terminal.txt"])
def test_a_report_file_name_taken_by_a_folder_is_refused_before_anything_is_sent(
        tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / name).mkdir()
    sent: list[object] = []
    monkeypatch.setattr(commands, "run_and_report", lambda *a, **k: sent.append(a))
    assert main(["check", "--mocked", "--provider", "anthropic", "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err and sent == []
    assert not (tmp_path / "report.md").exists()


@pytest.mark.parametrize(("broken", "content"), [("target.json", "{bad"), ("target.json", '{"a": 1}'),
                                                 ("message.json", "{]"), ("count_tokens.json", '{"body": 1}')])
def test_a_damaged_recording_is_a_usage_error_naming_the_file(tmp_path: Path, broken: str, content: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    recording = tmp_path / "rec"
    assert main(["check", "--mocked", "--provider", "anthropic", "--record", str(recording),
                 "--report-dir", str(tmp_path / "r1")]) == 0
    target = next(recording.iterdir())
    (target / broken).write_text(content)
    capsys.readouterr()
    assert main(["check", "--replay", str(recording), "--report-dir", str(tmp_path / "r2")]) == 2
    err = capsys.readouterr().err
    assert broken in err and "Traceback" not in err


@pytest.mark.parametrize(("argv", "words"), [(["--provider", "nosuch"], ["Unknown provider 'nosuch'"]),
                                             (["--provider", "anthropic", "--auth", "sigv4"], ["'sigv4'", "x-api-key"]),
                                             (["--auth", "bogus"], ["'bogus'"])])
def test_emulated_runs_check_the_provider_and_auth_as_live_runs_do(tmp_path: Path, argv: list[str],
                                                                   words: list[str],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--mocked", *argv, "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert all(word in err for word in words) and "fault" not in err


@pytest.mark.parametrize("flag", ["--latency", "--tokens-per-second", "--slow-seconds"])
def test_emulate_refuses_a_negative_duration(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulate", "--port", "0", flag, "-1"]) == 2
    assert flag in capsys.readouterr().err


@pytest.mark.parametrize("command, needed", [("check", []), ("models", []), ("explain", []), ("emulate", []),
                                             ("serve", ["--config", "targets.toml"])])
def test_an_unknown_flag_shows_the_subcommands_usage(command: str, needed: list[str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, *needed, "--no-such-flag"])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert f"usage: claude-harness {command}" in err
    assert f"claude-harness {command}: error: unrecognized arguments: --no-such-flag" in err


def test_an_unknown_flag_before_the_subcommand_is_the_top_levels(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--no-such-flag", "check"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "claude-harness: error: unrecognized arguments: --no-such-flag" in err
