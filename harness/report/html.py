"""report.html: one self-contained page (inline CSS, no scripts, no external assets). Returns a string."""

from __future__ import annotations

from html import escape
from typing import Any

from .model import gateway_note, path_note, retries_line, spent, tally, target_summaries

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c9cfdb}main{padding:20px 28px;max-width:1100px}
section.target{background:#fff;border:1px solid #dde1e8;border-radius:8px;margin:0 0 22px;padding:18px 22px}
h2{margin:0 0 4px;font-size:18px}.meta{color:#5a6475;font-size:13px;margin-bottom:12px;word-break:break-all}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;font-size:13px;margin-left:8px;
vertical-align:middle}.healthy{background:#d9f5e3;color:#0f6b34}.broken{background:#fde0df;color:#a3211a}
.transient{background:#fff1d6;color:#8a5a00}.inconclusive{background:#e6e8ee;color:#454d5c}
.root{border-left:4px solid #c7362d;background:#fff7f6;padding:10px 16px;margin:10px 0 16px;border-radius:4px}
.root.transient-cause{border-color:#d48a00;background:#fffaf0}.root h3{margin:0 0 6px;font-size:16px}
.root ol{margin:6px 0 6px 20px;padding:0}.small{font-size:12.5px;color:#5a6475}
table{border-collapse:collapse;width:100%;font-size:13.5px}td,th{border-top:1px solid #e6e8ee;padding:6px 8px;
text-align:left;vertical-align:top}th{color:#5a6475;font-weight:600}td.status{white-space:nowrap;font-weight:600}
.passed{color:#0f6b34}.failed{color:#a3211a}.warning{color:#8a5a00}.blocked,.skipped{color:#6b7280}code,pre{font-family:ui-monospace,
SFMono-Regular,Menlo,monospace;font-size:12.5px}pre{background:#f1f3f6;padding:8px 10px;border-radius:4px;
overflow-x:auto;white-space:pre-wrap;word-break:break-all}details{margin-top:8px}
"""


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def render_html(report: dict[str, Any]) -> str:
    s = report["summary"]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>claude-harness: {_e(s['verdict'])}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>claude-harness report <span class=\"badge {_e(s['verdict'])}\" id=\"verdict\">"
        f"{_e(s['verdict'])}</span></h1>",
        f"<p>mode {_e(report['mode'])} · exit {_e(s['exit_code'])} · {_e(tally(s))} · "
        f"{_e(spent(report))}</p></header><main>",
    ]
    if not report.get("complete", True):
        parts.append('<p class="root"><strong>Incomplete run:</strong> what was observed before it stopped.</p>')
    rows = target_summaries(report)
    if len(rows) > 1:
        parts.append('<section class="target" id="summary"><h2>Targets</h2><table><tr><th>target</th>'
                     "<th>verdict</th><th>root cause</th></tr>")
        for r in rows:
            cause = f"<code>{_e(r['cause'])}</code> {_e(r['title'])}" if r["cause"] else "—"
            parts.append(f'<tr><td><a href="#target-{_e(r["id"])}">{_e(r["id"])}</a></td>'
                         f'<td><span class="badge {_e(r["verdict"])}">{_e(r["verdict"])}</span></td>'
                         f"<td>{cause}</td></tr>")
        parts.append("</table></section>")
    if report.get("matrix"):
        from .matrix import render_matrix_html

        parts += render_matrix_html(report["matrix"])
    if report.get("features_matrix"):
        from ..features.matrix import render_features_html

        parts += render_features_html(report["features_matrix"])
    order = {r["id"]: i for i, r in enumerate(rows)}
    for target in sorted(report["targets"], key=lambda t: order[t["id"]]):
        tid = target["id"]
        parts.append(f'<section class="target" id="target-{_e(tid)}">')
        parts.append(f"<h2>{_e(tid)}<span class=\"badge {_e(target['verdict'])}\">{_e(target['verdict'])}</span></h2>")
        parts.append(f"<div class=\"meta\">{_e(target['provider'])} · {_e(target['endpoint'])} · model "
                     f"<code>{_e(target['model'])}</code> · auth {_e(target['auth'])}</div>")
        if gateway_note(target):
            parts.append(f'<div class="small">{_e(gateway_note(target))}</div>')
        if path_note(target):
            parts.append(f'<div class="small">{_e(path_note(target) or "")}</div>')
        if target.get("provenance"):
            items = "".join(f"<li>{_e(line)}</li>" for line in target["provenance"])
            parts.append(f'<div class="small">Where each value came from:<ul>{items}</ul></div>')
        for diag in (d for d in report["diagnoses"] if d["target"] == tid):
            css = "root transient-cause" if diag.get("transient") else "root"
            label = "Root cause" if diag["root"] else "Also"
            parts.append(f'<div class="{css}"><h3>{label}: {_e(diag["title"])} <code>{_e(diag["cause"])}</code></h3>')
            parts.append(f"<div>{_e(diag['explanation'])}</div><ol>")
            parts += [f"<li>{_e(step)}</li>" for step in diag["steps"]]
            parts.append("</ol>")
            if diag.get("request_ids"):
                ids = ", ".join(f"{_e(k)}: <code>{_e(v)}</code>" for k, v in diag["request_ids"].items())
                parts.append(f'<div class="small">Request ids for support: {ids}</div>')
            parts.append(f'<div class="small">Sources: {_e("; ".join(diag["sources"]))}</div></div>')
        parts.append("<table><tr><th>status</th><th>check</th><th>what was expected and seen</th></tr>")
        for check in (c for c in report["checks"] if c["target"] == tid):
            cause = f" <code>{_e(check['cause'])}</code>" if check.get("cause") else ""
            repro = ""
            if check.get("reproduce"):
                repro = f"<details><summary>reproduce</summary><pre>{_e(check['reproduce'])}</pre>"
                if check.get("reproduce_sdk"):
                    repro += f"<pre>{_e(check['reproduce_sdk'])}</pre>"
                repro += "</details>"
            retried = f'<div class="small">{_e(retries_line(check))}</div>' if retries_line(check) else ""
            parts.append(f"<tr><td class=\"status {_e(check['status'])}\">{_e(check['status'])}</td>"
                         f"<td><code>{_e(check['id'])}</code></td><td>{_e(check['message'])}{cause}{retried}{repro}"
                         "</td></tr>")
        parts.append("</table></section>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
