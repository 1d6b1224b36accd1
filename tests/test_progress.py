"""Live progress on a terminal: the layer each target is on, for how long, and retries; silent otherwise."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from harness.cli import main
from harness.progress import ProgressState
from harness.report.terminal import render_terminal


def test_status_line_names_layers_elapsed_time_and_retries() -> None:
    state = ProgressState(total=3)
    state.probing("t1", "network", now=0.0)
    state.probing("t1", "message", now=1.0)
    state.probing("t2", "count_tokens", now=1.5)
    state.retrying("t2", 7.0, "429 (retry-after)", now=2.0)
    state.finished("t3", "healthy")
    line = state.status_line(now=3.5)
    assert line.startswith("claude-harness: 1/3 done · t2: retrying in 7 s after 429 (retry-after)")
    assert "t1: message (2.5 s)" in line
    assert len(state.status_line(now=3.5, width=40)) == 40


def test_no_progress_when_not_a_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--mocked", "--provider", "anthropic", "--report-dir", str(tmp_path)]) == 0
    assert "done ·" not in capsys.readouterr().err


def _on_a_terminal(argv: list[str], cwd: Path, *, answer: bytes = b"", after: bytes = b"") -> str:
    """Run the CLI with a pseudo-terminal as its standard streams; type ``answer`` once ``after`` appears."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "harness", *argv], stdin=follower, stdout=follower,
                            stderr=follower, cwd=cwd, close_fds=True)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
        if answer and after in seen:
            os.write(leader, answer)
            answer = b""
    proc.wait(timeout=60)
    os.close(leader)
    return seen.decode(errors="replace")


def test_progress_on_a_terminal_and_quiet_silences_it(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    argv = ["check", "--emulator", "--provider", "anthropic", "--report-dir", str(tmp_path / "r")]
    shown = _on_a_terminal(argv, repo)
    assert "claude-harness: 0/1 done · emulated-anthropic: network" in shown
    assert "emulated-anthropic: stream" in shown and "\x1b[K" in shown
    quiet = _on_a_terminal([*argv, "--quiet"], repo)
    assert "done ·" not in quiet and "Verdict: healthy" in quiet


def test_retries_appear_in_the_terminal_summary() -> None:
    check = {"target": "t1", "id": "message.text-and-usage", "status": "failed", "message": "expected 200; got 429",
             "retries": [{"attempt": 1, "status": 429, "phase": None, "wait_s": 7.0, "reason": "retry-after"}]}
    report = {"targets": [{"id": "t1", "provider": "anthropic", "endpoint": "https://x", "model": "m",
                           "auth": "x-api-key", "verdict": "transient"}],
              "checks": [check], "diagnoses": [],
              "usage": {"billable_calls": 0, "input_tokens": 0, "output_tokens": 0},
              "summary": {"passed": 0, "failed": 1, "blocked": 0, "verdict": "transient", "exit_code": 3}}
    assert "retried 1 time: 429 waited 7 s (retry-after)" in render_terminal(report)


def test_retries_appear_in_markdown_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", "anthropic", "--fault", "server-error", "--retries", "1",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 3
    for text in (out, (tmp_path / "report.md").read_text(), (tmp_path / "report.html").read_text()):
        assert "retried 1 time: 500 waited" in text


def test_explain_on_a_terminal_says_how_to_finish_the_paste() -> None:
    repo = Path(__file__).resolve().parents[1]
    pasted = b'HTTP/1.1 401 Unauthorized\n\n{"type":"error","error":{"type":"authentication_error"}}\n\x04'
    seen = _on_a_terminal(["explain"], repo, answer=pasted, after=b"Ctrl-D")
    assert "paste the error" in seen.lower() and "auth.invalid-key" in seen


def test_one_call_is_singular_and_statuses_are_not_doubled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--mocked", "--provider", "anthropic", "--fault", "invalid-key", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "0 billable calls" in out
    from harness.report.model import counted

    assert counted(1, "billable call") == "1 billable call" and counted(2, "warning") == "2 warnings"
    assert "HTTP 401 401" not in out and "got HTTP 401 authentication_error: " in out
