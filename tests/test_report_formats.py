"""Every report format is rendered from report.json and says the same thing."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.cli import main
from harness.diagnosis.guide import render_troubleshooting
from tests import browser

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def broken(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    main(["check", "--mocked", "--provider", "foundry", "--fault", "missing-role", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    return tmp_path


@pytest.fixture
def healthy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    main(["check", "--mocked", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    return tmp_path


def test_all_formats_are_written(broken: Path) -> None:
    assert {p.name for p in broken.iterdir()} >= {"report.json", "report.md", "report.html", "junit.xml",
                                                  "terminal.txt"}


def test_markdown_leads_with_root_cause_and_reproduction(broken: Path) -> None:
    md = (broken / "report.md").read_text()
    assert md.startswith("# claude-harness report: broken (exit 1)")
    assert "### Root cause: `auth.permission-denied`" in md
    assert "Cognitive Services User" in md
    assert "```bash\ncurl " in md and "$CLAUDE_HARNESS_EMULATOR_KEY" in md
    assert "AnthropicFoundry(" in md


def test_junit_carries_cause_provider_and_request_ids(broken: Path) -> None:
    tree = ET.parse(broken / "junit.xml")
    cases = list(tree.iter("testcase"))
    assert len(cases) == 9
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["auth.accepted"]
    props = {p.get("name"): p.get("value") for p in failed[0].iter("property")}
    assert props["cause"] == "auth.permission-denied" and props["provider"] == "foundry"
    assert props["apim-request-id"] and props["request-id"]
    failure = failed[0].find("failure")
    assert failure is not None and "The identity lacks permission" in (failure.get("message") or "")
    assert len([c for c in cases if c.find("skipped") is not None]) == 3


def test_html_is_self_contained_and_escaped(broken: Path) -> None:
    page = (broken / "report.html").read_text()
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"(src|href)\s*=", page)
    assert 'id="verdict">broken<' in page and "auth.permission-denied" in page
    assert "`00000000-0000-0000-0000-0000000000e1`" in page  # message text kept, escaped
    report = json.loads((broken / "report.json").read_text())
    assert all(d["title"] in page for d in report["diagnoses"])


def test_healthy_formats_have_no_diagnosis(healthy: Path) -> None:
    assert "Root cause" not in (healthy / "report.md").read_text()
    assert "Root cause" not in (healthy / "report.html").read_text()
    assert ET.parse(healthy / "junit.xml").find(".//failure") is None


def test_terminal_summary_fits_one_screen_for_a_broken_target(broken: Path) -> None:
    lines = (broken / "terminal.txt").read_text().splitlines()
    assert len(lines) <= 24
    assert any(line.strip().startswith("Root cause: auth.permission-denied") for line in lines)


def test_troubleshooting_guide_is_generated_from_the_catalogue() -> None:
    assert (DOCS / "troubleshooting.md").read_text() == render_troubleshooting(), (
        "docs/troubleshooting.md is stale: run python docs/generate.py")


@pytest.mark.skipif(browser.chromium() is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_report_in_a_real_headless_browser(broken: Path, tmp_path: Path) -> None:
    result = browser.dump_dom(broken / "report.html", tmp_path / "profile")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert 'id="verdict">broken<' in dom
    assert "Root cause: The identity lacks permission (403)" in dom
    shot = tmp_path / "shot.png"
    result = browser.screenshot(broken / "report.html", shot, tmp_path / "profile2")
    assert result.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def test_timings_separate_first_token_from_first_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--emulator", "--provider", "anthropic", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    timings = json.loads((tmp_path / "report.json").read_text())["targets"][0]["timings"]
    stream = timings["stream"]
    assert 0 < stream["ttfb_ms"] <= stream["ttft_any_ms"] <= stream["ttft_text_ms"] <= stream["total_ms"]
    assert stream["output_tokens_per_s"] > 0 and timings["message"]["output_tokens_per_s"] > 0
    assert "timing: stream first byte" in out


def test_many_targets_summary_names_failing_targets_first(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import re
    import stat

    from harness.emulator import RunningEmulator

    monkeypatch.setenv("K", "k-summary-123456")
    old = os.umask(0o022)
    try:
        with RunningEmulator() as emu:
            config = tmp_path / "t.toml"
            config.write_text(
                f'[[targets]]\nname = "a-ok"\nprovider = "anthropic"\nbase_url = "{emu.url}"\napi_key_env = "K"\n\n'
                f'[[targets]]\nname = "z-bad"\nprovider = "anthropic"\nbase_url = "{emu.url}"\n'
                f'model = "nonexistent-model"\napi_key_env = "K"\n')
            code = main(["check", "--config", str(config), "--retries", "0", "--report-dir", str(tmp_path / "r")])
    finally:
        os.umask(old)
    out = capsys.readouterr().out
    assert code == 1
    assert "Verdict: broken (exit 1) - failing: z-bad (model.not-found)" in out
    md = (tmp_path / "r" / "report.md").read_text()
    table = md.split("| target | verdict | root cause |")[1]
    assert table.index("z-bad") < table.index("a-ok"), "failing targets come first"
    assert md.index("## z-bad") < md.index("## a-ok")
    html = (tmp_path / "r" / "report.html").read_text()
    assert html.index('href="#target-z-bad"') < html.index('href="#target-a-ok"')
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", report["started_at"])
    assert report["started_at"] <= report["finished_at"]
    junit = ET.parse(tmp_path / "r" / "junit.xml")
    times = [float(c.get("time") or "nan") for c in junit.iter("testcase")]
    assert times and all(t >= 0 for t in times) and any(t > 0 for t in times)
    mode = stat.S_IMODE((tmp_path / "r" / "report.json").stat().st_mode)
    assert mode == 0o644, f"report files follow the umask like other files the user creates ({oct(mode)})"


def test_multi_line_messages_keep_the_terminal_layout() -> None:
    from harness.report.terminal import render_terminal

    report = {"targets": [{"id": "t1", "provider": "foundry", "endpoint": "https://x/anthropic", "model": "d",
                           "auth": "entra", "verdict": "broken"}],
              "checks": [{"target": "t1", "id": "credentials.obtained", "status": "failed",
                          "message": "no token could be obtained: DefaultAzureCredential failed.\n"
                                     "  EnvironmentCredential: not configured\n  ManagedIdentityCredential: down"}],
              "diagnoses": [], "usage": {"billable_calls": 0, "input_tokens": 0, "output_tokens": 0},
              "summary": {"passed": 0, "failed": 1, "blocked": 0, "verdict": "broken", "exit_code": 1}}
    lines = render_terminal(report).splitlines()
    start = next(i for i, line in enumerate(lines) if "credentials.obtained" in line)
    column = lines[start].index("no token")
    assert lines[start + 1].index("EnvironmentCredential") == column
    assert lines[start + 2].index("ManagedIdentityCredential") == column


def test_an_offline_run_says_its_billable_calls_billed_nothing(tmp_path: Path) -> None:
    assert main(["check", "--mocked", "--provider", "anthropic", "--report-dir", str(tmp_path), "-q",
                 ]) == 0
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "2 billable calls, " in markdown and "(nothing billed: mocked run)" in markdown
    from harness.report.model import spent

    live = {"mode": "live", "usage": {"billable_calls": 1, "input_tokens": 3, "output_tokens": 4}}
    assert spent(live) == "1 billable call, 3 input / 4 output tokens"
