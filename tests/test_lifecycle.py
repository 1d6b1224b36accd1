"""Model lifecycle: warn 90 days before a model retires, fail once it has, with an injected clock."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from harness.cli import main
from harness.lifecycle import canonical_model, lookup, model_lifecycle, openrouter_id

RETIRES = date(2026, 11, 30)  # claude-sonnet-4-5, per the anthropic SDK's deprecation table


@pytest.mark.parametrize(("today", "status", "phrase"), [
    (date(2026, 8, 1), "warning", "deprecated and retires on 2026-11-30, in 121 days"),  # deprecated: always warned
    (date(2026, 9, 1), "warning", "in 90 days"),
    (date(2026, 11, 29), "warning", "in 1 days"),
    (date(2026, 11, 30), "failed", "retired on 2026-11-30 (0 days ago)"),
    (date(2027, 1, 1), "failed", "retired on 2026-11-30 (32 days ago)"),
])
def test_sonnet_4_5_lifecycle_by_date(today: date, status: str, phrase: str) -> None:
    verdict = model_lifecycle("anthropic", "claude-sonnet-4-5", today)
    got = "failed" if not verdict.passed else "warning" if verdict.warning else "passed"
    assert got == status and phrase in verdict.message
    assert "claude-sonnet-4-6" in verdict.message, "the documented replacement is named"
    assert verdict.cause == "model.retired"


def test_active_unknown_and_openrouter_models() -> None:
    assert model_lifecycle("anthropic", "claude-haiku-4-5", date(2026, 11, 22)).message.startswith(
        "'claude-haiku-4-5' is active")
    unknown = model_lifecycle("foundry", "my-deployment", date(2026, 11, 22))
    assert unknown.skipped and "no lifecycle data" in unknown.message
    assert canonical_model("openrouter", "anthropic/claude-sonnet-4.5:free") == "claude-sonnet-4-5"
    assert lookup("openrouter", "anthropic/claude-sonnet-4.5").retires == RETIRES
    assert openrouter_id("claude-sonnet-4-5") == "anthropic/claude-sonnet-4.5"
    assert openrouter_id("claude-sonnet-4-5-20250929") is None


def test_a_model_that_retires_soon_exits_0_with_a_visible_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")
    code = main(["check", "--mocked", "--provider", "anthropic", "--model", "claude-sonnet-4-5",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "[WARN] model.lifecycle" in out and "retires on 2026-11-30, in 8 days" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["targets"][0]["lifecycle"] == {"status": "deprecated", "retires": "2026-11-30",
                                                 "source": report["targets"][0]["lifecycle"]["source"]}
    assert "2026-11-30" in (tmp_path / "report.md").read_text()
    assert "2026-11-30" in (tmp_path / "report.html").read_text()
    assert 'name="warning"' in (tmp_path / "junit.xml").read_text()
    assert report["diagnoses"] == []


def test_a_retired_model_is_exit_1_with_model_retired(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-12-01")
    code = main(["check", "--mocked", "--provider", "anthropic", "--model", "claude-sonnet-4-5",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1 and "Root cause: model.retired" in out


def test_models_command_prints_the_table(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")
    assert main(["models", "--provider", "openrouter"]) == 0
    first = capsys.readouterr().out.splitlines()[1]
    assert first.split()[:4] == ["anthropic/claude-sonnet-4.5", "deprecated", "2026-11-30", "8"]


def test_the_models_api_takes_precedence_over_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model the table does not know, which the Anthropic Models API says retires soon: the API wins."""
    import asyncio

    import httpx
    import respx

    from harness.config import build_target
    from harness.ladder import TargetRun, run_target
    from harness.probe import Prober
    from harness.redact import Redactor
    from harness.replay import _healthy
    from harness.report import build_report

    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")
    target = build_target({"provider": "anthropic", "model": "claude-brand-new"}, {"ANTHROPIC_API_KEY": "k-123456"},
                          default_id="t1")
    router = respx.Router(assert_all_called=False)
    router.get("https://api.anthropic.com/v1/models/claude-brand-new").mock(return_value=httpx.Response(200, json={
        "id": "claude-brand-new", "type": "model", "lifecycle": "deprecated", "retires_at": "2026-12-15T00:00:00Z"}))
    router.post("https://api.anthropic.com/v1/messages").mock(side_effect=lambda request: _healthy(
        "anthropic", "stream" if b'"stream":true' in request.content.replace(b" ", b"") else "message"))
    router.route().mock(return_value=httpx.Response(404, json={"detail": "Not Found"}))

    async def go() -> TargetRun:
        async with Prober(Redactor(), transport=httpx.MockTransport(router.async_handler), retries=0) as prober:
            return await run_target(target, prober)

    run = asyncio.run(go())
    check = run.check("model.lifecycle")
    assert check is not None and check.status == "warning"
    assert "retires on 2026-12-15, in 23 days (per the Anthropic Models API)" in check.message
    report = build_report([run], mode="mocked", redactor=Redactor())
    assert report["targets"][0]["lifecycle"]["retires"] == "2026-12-15"
    assert report["summary"]["exit_code"] == 0
