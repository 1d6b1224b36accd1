"""report.md: paste into a ticket or a pull request. Returns a string."""

from __future__ import annotations

from typing import Any

from .model import gateway_note, path_note, retries_line, spent, tally, target_summaries

_ICON = {"passed": "✅", "warning": "⚠️ warning", "failed": "❌", "blocked": "⏸️", "skipped": "⏭️", "error": "💥"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _anchor(target_id: str) -> str:
    return "".join(c for c in f"{target_id}: ".lower().replace(" ", "-") if c.isalnum() or c in "-_")


def render_markdown(report: dict[str, Any]) -> str:
    summary = report["summary"]
    out = [
        f"# claude-harness report: {summary['verdict']} (exit {summary['exit_code']})",
        "",
        f"Mode: {report['mode']} · {tally(summary)} · {spent(report)}",
    ]
    if not report.get("complete", True):
        out += ["", "> **Incomplete run**: the report holds what was observed before it stopped."]
    if len(report["targets"]) > 1:
        out += ["", "| target | verdict | root cause |", "| --- | --- | --- |"]
        out += [f"| [{r['id']}](#{_anchor(r['id'])}) | {r['verdict']} | "
                + (f"`{r['cause']}`: {_cell(r['title'] or '')}" if r["cause"] else "—") + " |"
                for r in target_summaries(report)]
    if report.get("matrix"):
        from .matrix import render_matrix_markdown

        out += render_matrix_markdown(report["matrix"])
    if report.get("features_matrix"):
        from ..features.matrix import render_features_markdown

        out += render_features_markdown(report["features_matrix"])
    order = {r["id"]: i for i, r in enumerate(target_summaries(report))}
    for target in sorted(report["targets"], key=lambda t: order[t["id"]]):
        tid = target["id"]
        where = f"`{target['provider']}` · `{target['endpoint']}`"
        out += ["", f"## {tid}: {target['verdict']}", "",
                f"{where} · model `{target['model']}` · auth `{target['auth']}`"]
        if gateway_note(target):
            out += ["", f"_{gateway_note(target)}_"]
        if path_note(target):
            out += ["", f"_{_cell(path_note(target) or '')}_"]
        if target.get("provenance"):
            out += ["", "Where each value came from:", ""] + [f"- {_cell(line)}" for line in target["provenance"]]
        for diag in (d for d in report["diagnoses"] if d["target"] == tid):
            label = "Root cause" if diag["root"] else "Also"
            out += ["", f"### {label}: `{diag['cause']}`: {diag['title']}", "", diag["explanation"], ""]
            out += [f"{i}. {step}" for i, step in enumerate(diag["steps"], start=1)]
            if diag.get("request_ids"):
                ids = ", ".join(f"`{k}: {v}`" for k, v in diag["request_ids"].items())
                out += ["", f"Request ids for support: {ids}"]
            out += ["", "Sources: " + "; ".join(diag["sources"])]
        out += ["", "| | check | result |", "| --- | --- | --- |"]
        for check in (c for c in report["checks"] if c["target"] == tid):
            cause = f" (`{check['cause']}`)" if check.get("cause") else ""
            retried = f"<br>_{_cell(retries_line(check))}_" if retries_line(check) else ""
            out.append(f"| {_ICON.get(check['status'], '')} | `{check['id']}` | {_cell(check['message'])}{cause}"
                       f"{retried} |")
        for check in (c for c in report["checks"] if c["target"] == tid and c.get("reproduce")):
            out += ["", f"Reproduce `{check['id']}`:", "", "```bash", check["reproduce"], "```"]
            if check.get("reproduce_sdk"):
                out += ["", "```python", check["reproduce_sdk"], "```"]
    return "\n".join(out) + "\n"
