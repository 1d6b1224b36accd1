"""The features matrix: rows are features, columns targets, cells supported / failed / not offered (pure).

Built from the report's feature.<name> checks and rendered into every format (the HTML cell carries the reason
as its title, shown on hover)."""

from __future__ import annotations

from html import escape
from typing import Any

_STATES = {"passed": "supported", "warning": "supported", "failed": "failed", "blocked": "blocked"}


def _state(check: dict[str, Any]) -> str:
    if check["status"] == "skipped":
        return "not offered" if check["message"].startswith("not offered") else "not checked"
    return _STATES.get(check["status"], str(check["status"]))


def features_matrix(report: dict[str, Any]) -> dict[str, Any] | None:
    checks = [c for c in report["checks"] if c["id"].startswith("feature.")]
    if not checks:
        return None
    targets = [t["id"] for t in report["targets"] if any(c["target"] == t["id"] for c in checks)]
    features: list[str] = []
    for check in checks:
        name = check["id"].removeprefix("feature.")
        if name not in features:
            features.append(name)
    rows = []
    for feature in features:
        cells = {}
        for check in (c for c in checks if c["id"] == f"feature.{feature}"):
            cells[check["target"]] = {"state": _state(check), "reason": check["message"]}
        rows.append({"feature": feature, "cells": cells})
    return {"targets": targets, "rows": rows}


def target_states(matrix: dict[str, Any] | None, target: str) -> list[tuple[str, str]]:
    """(feature, state) for one target's column (JUnit carries them as test-suite properties)."""
    if not matrix:
        return []
    return [(row["feature"], row["cells"][target]["state"]) for row in matrix["rows"] if target in row["cells"]]


def _cell(row: dict[str, Any], target: str) -> dict[str, str]:
    return row["cells"].get(target) or {"state": "—", "reason": "not asked for this target"}


def render_features_terminal(matrix: dict[str, Any]) -> str:
    table = [["feature", *matrix["targets"]]] + [[r["feature"], *(_cell(r, t)["state"] for t in matrix["targets"])]
                                                 for r in matrix["rows"]]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["Features matrix:"] + ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                                    for row in table]
    return "\n".join(lines) + "\n"


def render_features_markdown(matrix: dict[str, Any]) -> list[str]:
    out = ["", "## Features matrix", "", "| feature | " + " | ".join(matrix["targets"]) + " |",
           "|" + " --- |" * (len(matrix["targets"]) + 1)]
    out += ["| " + " | ".join([r["feature"], *(_cell(r, t)["state"] for t in matrix["targets"])]) + " |"
            for r in matrix["rows"]]
    return out


def render_features_html(matrix: dict[str, Any]) -> list[str]:
    parts = ['<section class="target" id="features"><h2>Features matrix</h2><table><tr><th>feature</th>']
    parts += [f"<th>{escape(t)}</th>" for t in matrix["targets"]]
    parts.append("</tr>")
    for row in matrix["rows"]:
        parts.append(f"<tr><td><code>{escape(row['feature'])}</code></td>")
        for target in matrix["targets"]:
            cell = _cell(row, target)
            css = {"supported": "passed", "failed": "failed"}.get(cell["state"], "skipped")
            parts.append(f'<td class="{css}" title="{escape(cell["reason"], quote=True)}">{escape(cell["state"])}</td>')
        parts.append("</tr>")
    parts.append("</table></section>")
    return parts
