"""Installing claude-harness never breaks or changes an unrelated pytest run in the user's project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _project(root: Path) -> Path:
    """A user's project with names we must not collide with: its own harness.py and suites/ package."""
    (root / "harness.py").write_text("def helper() -> int:\n    return 1\n")
    (root / "suites").mkdir()
    (root / "suites" / "__init__.py").write_text("")
    (root / "suites" / "test_mine.py").write_text("from harness import helper\n\n\ndef test_mine():\n"
                                                 "    assert helper() == 1\n")
    (root / "test_top.py").write_text("from harness import helper\n\n\ndef test_top():\n    assert helper() == 1\n")
    return root


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANTHROPIC_API_KEY": "k-isolation-123456", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _installed() -> bool:
    from importlib.util import find_spec

    return find_spec("claude_harness") is not None


@pytest.mark.skipif(not _installed(), reason="claude-harness is not installed (pip install '.[test]')")
def test_a_project_with_its_own_harness_and_suites_is_untouched(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = _pytest(project, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    assert "claude-harness (" not in done.stdout and "claude-harness:" not in done.stdout, "inert: no header"
    own = _pytest(project, "-q", "--pyargs", "suites")
    assert own.returncode == 0 and "1 passed" in own.stdout, "the project's suites are its own"


@pytest.mark.skipif(not _installed(), reason="claude-harness is not installed (pip install '.[test]')")
def test_our_suites_run_from_that_project_too(tmp_path: Path) -> None:
    project = _project(tmp_path)
    done = _pytest(project, "-q", "--pyargs", "claude_harness_suites", "--harness-mocked")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "49 passed" in done.stdout  # 7 smoke tests x 7 providers
