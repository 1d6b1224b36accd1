"""The cross-host matrix (`check --matrix`): every configured host side by side, from the report (pure).

Every target was sent the same prompt, so a model family served on several platforms must count the same
``input_tokens`` everywhere; where it does not, the matrix says so.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from ..lifecycle import canonical_model


def _family(provider: str, model: str) -> str:
    """One name for a model on every platform: claude-haiku-4-5, whatever the host's id or dated snapshot."""
    return re.sub(r"-\d{8}$", "", canonical_model(provider, model))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def build_matrix(report: dict[str, Any]) -> dict[str, Any]:
    """Rows (one per target) and the usage-consistency verdict per model family."""
    rows = []
    for target in report["targets"]:
        stream = (target.get("timings") or {}).get("stream") or {}
        message = (target.get("timings") or {}).get("message") or {}
        rows.append({
            "target": target["id"], "provider": target["provider"], "endpoint": target["endpoint"],
            "model": target["model"], "family": _family(target["provider"], target["model"]),
            "verdict": target.get("verdict", ""), "ttfb_ms": _number(stream.get("ttfb_ms")),
            "ttft_text_ms": _number(stream.get("ttft_text_ms")),
            "output_tokens_per_s": _number(stream.get("output_tokens_per_s")),
            "input_tokens": message.get("input_tokens"),
        })
    families: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["input_tokens"] is not None:
            families.setdefault(row["family"], []).append(row)
    consistency = []
    for family, members in sorted(families.items()):
        if len(members) < 2:
            continue
        counts = {m["target"]: m["input_tokens"] for m in members}
        consistency.append({"family": family, "input_tokens": counts, "consistent": len(set(counts.values())) == 1})
    return {"rows": rows, "usage_consistency": consistency}


def _fmt(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:.0f}{unit}"


_COLUMNS = ("target", "provider", "model", "verdict", "first byte", "first text", "tokens/s", "input tokens")


def _cells(row: dict[str, Any]) -> list[str]:
    return [row["target"], row["provider"], row["model"], row["verdict"], _fmt(row["ttfb_ms"], " ms"),
            _fmt(row["ttft_text_ms"], " ms"), _fmt(row["output_tokens_per_s"]),
            "—" if row["input_tokens"] is None else str(row["input_tokens"])]


def _consistency_lines(matrix: dict[str, Any]) -> list[str]:
    lines = []
    for item in matrix["usage_consistency"]:
        counts = ", ".join(f"{t}={n}" for t, n in item["input_tokens"].items())
        state = "consistent" if item["consistent"] else "INCONSISTENT"
        lines.append(f"{item['family']}: input_tokens {state} ({counts})")
    return lines or ["no model family is served by two hosts: nothing to compare"]


def render_matrix_terminal(matrix: dict[str, Any]) -> str:
    table = [list(_COLUMNS)] + [_cells(r) for r in matrix["rows"]]
    widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]
    lines = ["Cross-host matrix (the same prompt everywhere):"]
    lines += ["  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in table]
    lines += [f"  {line}" for line in _consistency_lines(matrix)]
    return "\n".join(lines) + "\n"


def render_matrix_markdown(matrix: dict[str, Any]) -> list[str]:
    out = ["", "## Cross-host matrix", "", "| " + " | ".join(_COLUMNS) + " |", "|" + " --- |" * len(_COLUMNS)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in matrix["rows"]]
    out += ["", *[f"- {line}" for line in _consistency_lines(matrix)]]
    return out


def render_matrix_html(matrix: dict[str, Any]) -> list[str]:
    parts = ['<section class="target" id="matrix"><h2>Cross-host matrix</h2><table><tr>']
    parts += [f"<th>{escape(c)}</th>" for c in _COLUMNS] + ["</tr>"]
    for row in matrix["rows"]:
        parts.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in _cells(row)) + "</tr>")
    parts.append("</table>")
    parts.append(_chart(matrix["rows"]))
    parts.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in _consistency_lines(matrix)) + "</ul>")
    parts.append("</section>")
    return parts


def _chart(rows: list[dict[str, Any]]) -> str:
    """An inline SVG bar chart of time to first byte and to first text (no script, no external asset)."""
    timed = [r for r in rows if r["ttft_text_ms"] is not None or r["ttfb_ms"] is not None]
    if not timed:
        return ""
    longest = max(max(r["ttft_text_ms"] or 0, r["ttfb_ms"] or 0) for r in timed) or 1.0
    bar, gap, label_w, width = 14, 10, 220, 640
    height = len(timed) * (2 * bar + gap) + 30
    svg = [f'<svg role="img" aria-label="time to first byte and first text per host" width="{width}" '
           f'height="{height}" xmlns="http://www.w3.org/2000/svg" style="font:12px system-ui,sans-serif">']
    for index, row in enumerate(timed):
        y = 10 + index * (2 * bar + gap)
        svg.append(f'<text x="0" y="{y + bar}" fill="#1d2330">{escape(row["target"])}</text>')
        for offset, (key, color) in enumerate((("ttfb_ms", "#9aa5b8"), ("ttft_text_ms", "#2f6fd6"))):
            value = row[key] or 0.0
            w = max(1.0, (width - label_w - 70) * value / longest)
            svg.append(f'<rect x="{label_w}" y="{y + offset * bar}" width="{w:.1f}" height="{bar - 2}" '
                       f'fill="{color}"><title>{key}: {value:.0f} ms</title></rect>')
            svg.append(f'<text x="{label_w + w + 4:.1f}" y="{y + offset * bar + bar - 4}" '
                       f'fill="#5a6475">{value:.0f} ms</text>')
    svg.append(f'<text x="{label_w}" y="{height - 4}" fill="#5a6475">grey: first byte · blue: first text</text>')
    return "".join(svg) + "</svg>"
