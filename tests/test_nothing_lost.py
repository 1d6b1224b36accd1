"""Reports are written atomically; an interrupted run still writes what it observed."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness import cli, commands
from harness.emulator import EmulatorSettings, create_app
from harness.emulator.inprocess import StreamingASGITransport
from harness.report.writer import write_atomic, write_report
from tests.helpers import read_report


class InterruptingTransport(httpx.AsyncBaseTransport):
    """Serves the emulator, then behaves like Ctrl-C at the first streamed message, once the message (sent beside
    it) has been answered and read."""

    def __init__(self) -> None:
        self.inner = StreamingASGITransport(create_app(EmulatorSettings()))
        self.message_answered = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = request.content.replace(b" ", b"")
        if b'"stream":true' in body:
            await self.message_answered.wait()
            await asyncio.sleep(0.05)  # the ladder reads and judges the message
            raise KeyboardInterrupt
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/v1/messages"):
            self.message_answered.set()
        return response


def test_ctrl_c_writes_an_incomplete_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    real = commands.StreamingASGITransport
    monkeypatch.setattr(commands, "StreamingASGITransport", lambda app: InterruptingTransport())
    code = cli.main(["check", "--mocked", "--provider", "anthropic", "--report-dir", str(tmp_path)])
    monkeypatch.setattr(commands, "StreamingASGITransport", real)
    out = capsys.readouterr().out
    assert code == 130
    report = read_report(tmp_path)
    assert report["complete"] is False and report["summary"]["interrupted"] is True
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["message.text-and-usage"] == "passed"  # observed before the interruption, kept
    assert statuses["stream.completes"] == "skipped"
    # the stream never ran: the target is not "healthy" anywhere, and every channel says exit 130
    assert report["targets"][0]["verdict"] == "inconclusive" and report["summary"]["exit_code"] == 130
    assert "-> INCONCLUSIVE" in out and "(exit 130)" in out
    assert 'class="badge inconclusive"' in (tmp_path / "report.html").read_text()
    assert (tmp_path / "report.html").exists() and (tmp_path / "junit.xml").exists()


def test_failed_write_leaves_the_old_report_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n')

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, '{"new": true, "half": ')
    assert target.read_text() == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_write_report_replaces_every_file(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("stale")
    written = write_report(tmp_path, {"a": 1}, {"report.md": "# hi\n"})
    assert [p.name for p in written] == ["report.json", "report.md"]
    assert (tmp_path / "report.json").read_text().startswith("{")
