"""`check --matrix`: the same prompt on every host, side by side, with input_tokens compared per model family."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.report.matrix import build_matrix, render_matrix_terminal
from tests.helpers import read_report


def test_matrix_on_the_emulators_providers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--matrix", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    report = read_report(tmp_path)
    assert code == 0
    rows = report["matrix"]["rows"]
    assert sorted(r["provider"] for r in rows) == ["anthropic", "bedrock", "bedrock-mantle", "claude-platform-aws",
                                                   "foundry", "openrouter", "vertex"]
    assert all(r["input_tokens"] and r["ttft_text_ms"] is not None for r in rows)
    haiku = next(c for c in report["matrix"]["usage_consistency"] if c["family"] == "claude-haiku-4-5")
    assert haiku["consistent"] and set(haiku["input_tokens"]) == {
        "emulated-anthropic", "emulated-openrouter", "emulated-bedrock", "emulated-vertex", "emulated-bedrock-mantle",
        "emulated-claude-platform-aws"}
    assert "Cross-host matrix" in out and "claude-haiku-4-5: input_tokens consistent" in out
    assert "## Cross-host matrix" in (tmp_path / "report.md").read_text()
    html = (tmp_path / "report.html").read_text()
    assert '<section class="target" id="matrix">' in html and "<svg" in html and "<script" not in html


def test_matrix_flags_a_family_counted_differently() -> None:
    def target(tid: str, provider: str, model: str, tokens: int) -> dict[str, object]:
        return {"id": tid, "provider": provider, "endpoint": "https://x", "model": model, "verdict": "healthy",
                "timings": {"message": {"input_tokens": tokens}, "stream": {"ttfb_ms": 5.0, "ttft_text_ms": 9.0}}}

    report = {"targets": [target("a", "anthropic", "claude-sonnet-4-6", 19),
                          target("o", "openrouter", "anthropic/claude-sonnet-4.6", 38),
                          target("f", "foundry", "my-deployment", 19),
                          target("b", "bedrock", "eu.anthropic.claude-sonnet-4-6", 38),
                          target("v", "vertex", "claude-sonnet-4-6", 19)]}
    matrix = build_matrix(report)
    assert matrix["usage_consistency"] == [{"family": "claude-sonnet-4-6", "consistent": False,
                                            "input_tokens": {"a": 19, "o": 38, "b": 38, "v": 19}}]
    assert "claude-sonnet-4-6: input_tokens INCONSISTENT (a=19, o=38, b=38, v=19)" in render_matrix_terminal(matrix)
