"""The terminal summary: one screen, root cause first. Returns a string."""

from __future__ import annotations

from typing import Any

from .model import counted, failing_line, gateway_note, path_note, retries_line, spent, tally

_MARK = {"passed": "ok  ", "warning": "WARN", "failed": "FAIL", "blocked": "--  ", "skipped": "skip", "error": "ERR "}


def render_terminal(report: dict[str, Any], *, report_dir: str | None = None) -> str:
    lines: list[str] = []
    for target in report["targets"]:
        tid = target["id"]
        lines.append(
            f"{tid}: {target['provider']} {target['endpoint']} model={target['model']} auth={target['auth']}"
            f"  -> {target['verdict'].upper()}"
        )
        if gateway_note(target):
            lines.append(f"  ({gateway_note(target)})")
        if path_note(target):
            lines.append(f"  {path_note(target)}")
        lines += [f"  from: {line}" for line in target.get("provenance", [])]
        for check in (c for c in report["checks"] if c["target"] == tid):
            first, *rest = check["message"].splitlines() or [""]
            head = f"  [{_MARK.get(check['status'], check['status'])}] {check['id']:<28} "
            lines.append(head + first)
            lines += [" " * len(head) + line.strip() for line in rest if line.strip()]  # keep the message column
            if retries_line(check):
                lines.append(" " * len(head) + retries_line(check))
        stream = (target.get("timings") or {}).get("stream") or {}
        if stream.get("ttft_text_ms") is not None:
            rate = f", {stream['output_tokens_per_s']} tokens/s" if stream.get("output_tokens_per_s") else ""
            lines.append(f"  timing: stream first byte {stream['ttfb_ms']:.0f} ms, first text "
                         f"{stream['ttft_text_ms']:.0f} ms, total {stream['total_ms']:.0f} ms{rate}")
        for diag in (d for d in report["diagnoses"] if d["target"] == tid and d["root"]):
            lines.append(f"  Root cause: {diag['cause']} - {diag['title']}")
            for number, step in enumerate(diag["steps"][:3], start=1):
                lines.append(f"    {number}. {step}")
            if diag.get("request_ids"):
                ids = ", ".join(f"{k}={v}" for k, v in diag["request_ids"].items())
                lines.append(f"    Request ids for support: {ids}")
        for diag in (d for d in report["diagnoses"] if d["target"] == tid and not d["root"]):
            lines.append(f"  Next problem: {diag['cause']} - {diag['evidence']}")
        lines.append("")
    if report.get("matrix"):
        from .matrix import render_matrix_terminal

        lines.append(render_matrix_terminal(report["matrix"]))
    if report.get("features_matrix"):
        from ..features.matrix import render_features_terminal

        lines.append(render_features_terminal(report["features_matrix"]))
    summary = report["summary"]
    failing = failing_line(report)
    lines.append(
        f"Verdict: {summary['verdict']} (exit {summary['exit_code']}) - " + (f"{failing} - " if failing else "") +
        f"{tally(summary)}; {spent(report)}"
    )
    if summary.get("strict") and summary.get("warning"):
        lines.append(f"--strict: {counted(summary['warning'], 'warning')} fail the run (exit {summary['exit_code']}).")
    if not report.get("complete", True):
        lines.append("The run was interrupted: the report holds what was observed so far.")
    if report_dir:
        lines.append(f"Report: {report_dir}/report.json")
    return "\n".join(lines) + "\n"
