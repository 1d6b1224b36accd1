"""Collecting these suites wakes the claude-harness pytest runtime (the plugin is inert otherwise)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    try:  # installed: the package is claude_harness; a source checkout: harness
        from claude_harness.pytest_entry import activate
    except ImportError:  # pragma: no cover - a source checkout without the wheel
        from harness.pytest_entry import activate
    activate(config)
