"""The report: one JSON document and its renderings."""

from __future__ import annotations

from typing import Any

from .github import render_github
from .html import render_html
from .junit import render_junit
from .markdown import render_markdown
from .model import EXIT_CODES, apply_strict, build_report, merge_reports, verdict_of
from .terminal import render_terminal


def renderings(report: dict[str, Any]) -> dict[str, str]:
    """Every file rendered from report.json, by file name."""
    return {
        "report.md": render_markdown(report),
        "report.html": render_html(report),
        "junit.xml": render_junit(report),
        "terminal.txt": render_terminal(report),
    }


__all__ = [
    "EXIT_CODES",
    "apply_strict",
    "build_report",
    "merge_reports",
    "render_github",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_terminal",
    "renderings",
    "verdict_of",
]
