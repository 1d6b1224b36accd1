"""The report: one JSON document and its renderings."""

from __future__ import annotations

from harness.report.model import EXIT_CODES, build_report, verdict_of
from harness.report.terminal import render_terminal

__all__ = ["EXIT_CODES", "build_report", "render_terminal", "verdict_of"]
