"""GitHub Actions output: one annotation per failed check, then a one-line summary. Returns a string."""

from __future__ import annotations

from typing import Any


def _escape(text: str) -> str:
    # workflow-command escaping: % first, then line breaks
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(report: dict[str, Any]) -> str:
    lines = []
    roots = {(d["target"], d["check"]): d for d in report["diagnoses"]}
    for check in report["checks"]:
        if check["status"] == "warning":
            strict = bool(report["summary"].get("strict"))  # --strict: a warning fails the run, so it is an error
            title = f"{check['target']}: {check['id']} (warning{', --strict' if strict else ''})"
            level = "error" if strict else "warning"
            lines.append(f"::{level} title={_escape(title).replace(',', '%2C').replace(':', '%3A')}::"
                         f"{_escape(check['message'])}")
            continue
        if check["status"] != "failed":
            continue
        diag = roots.get((check["target"], check["id"]))
        level = "warning" if check.get("transient") else "error"
        title = f"{check['target']}: {check.get('cause')}" + (f" - {diag['title']}" if diag else "")
        body = check["message"] + (f"\nFix: {diag['steps'][0]}" if diag else "")
        lines.append(f"::{level} title={_escape(title).replace(',', '%2C').replace(':', '%3A')}::{_escape(body)}")
    s = report["summary"]
    lines.append(f"claude-harness: {s['verdict']} (exit {s['exit_code']}): {s['passed']} passed, {s['failed']} failed,"
                 f" {s['blocked']} blocked")
    return "\n".join(lines) + "\n"
