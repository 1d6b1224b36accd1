"""The example workflow uses only flags and exit codes the tool really has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.cli import _parser

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_workflow_flags_exist() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((DOCS / "examples" / "github-actions.yml").read_text())
    assert set(workflow["jobs"]) == {"smoke", "suites"}
    text = (DOCS / "examples" / "github-actions.yml").read_text()
    check = _parser()._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    known = {opt for action in check._actions for opt in action.option_strings}
    used = set(re.findall(r"claude-harness check[^\n]*(?:\n\s+--[^\n]*)*", text)[0].split())
    flags = {word for word in used if word.startswith("--")}
    assert flags and flags <= known, flags - known
