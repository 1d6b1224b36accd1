"""junit.xml: one test suite per target, one test case per check. Returns a string."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ..features.matrix import target_states


def render_junit(report: dict[str, Any]) -> str:
    root = ET.Element("testsuites", name="claude-harness")
    diagnoses = {(d["target"], d["cause"]): d for d in report["diagnoses"]}
    for target in report["targets"]:
        tid = target["id"]
        checks = [c for c in report["checks"] if c["target"] == tid]
        suite = ET.SubElement(
            root, "testsuite", name=f"claude-harness.{tid}", tests=str(len(checks)),
            failures=str(sum(c["status"] == "failed" for c in checks)),
            errors=str(sum(c["status"] == "error" for c in checks)),
            skipped=str(sum(c["status"] in ("blocked", "skipped") for c in checks)),
        )
        props = ET.SubElement(suite, "properties")
        for key in ("provider", "endpoint", "model", "auth", "verdict"):
            ET.SubElement(props, "property", name=key, value=str(target.get(key, "")))
        path = target.get("path") or {}
        if path:  # the network path (docs/proxies.md): never a proxy credential
            ET.SubElement(props, "property", name="path.via", value=str(path.get("via", "direct")))
            for key in ("proxy", "proxy_source"):
                if path.get(key):
                    ET.SubElement(props, "property", name=f"path.{key}", value=str(path[key]))
            if path.get("middleboxes"):
                ET.SubElement(props, "property", name="path.middleboxes", value=", ".join(path["middleboxes"]))
        for feature, state in target_states(report.get("features_matrix"), tid):  # the features matrix column
            ET.SubElement(props, "property", name=f"feature.{feature}", value=state)
        for check in checks:
            case = ET.SubElement(suite, "testcase", classname=f"{tid}.{check['layer']}", name=check["id"],
                                 time=f"{(check.get('duration_ms') or 0) / 1000:.3f}")
            case_props = ET.SubElement(case, "properties")
            ET.SubElement(case_props, "property", name="provider", value=target["provider"])
            if check.get("cause"):
                ET.SubElement(case_props, "property", name="cause", value=check["cause"])
            for key, value in (check.get("request_ids") or {}).items():
                ET.SubElement(case_props, "property", name=key, value=value)
            if check["status"] == "failed":
                diag = diagnoses.get((tid, check.get("cause", "")))
                title = f"{check.get('cause')}: {diag['title']}" if diag else str(check.get("cause"))
                failure = ET.SubElement(case, "failure", message=f"{title}: {check['message']}",
                                        type=str(check.get("cause")))
                lines = [check["message"]]
                if diag:
                    lines += ["", diag["explanation"], ""] + [f"{i}. {s}" for i, s in enumerate(diag["steps"], 1)]
                if check.get("reproduce"):
                    lines += ["", check["reproduce"]]
                failure.text = "\n".join(lines)
            elif check["status"] == "warning":
                ET.SubElement(case_props, "property", name="warning", value=str(check.get("cause") or "warning"))
                ET.SubElement(case, "system-out").text = f"warning: {check['message']}"
                if report["summary"].get("strict"):  # --strict: a warning fails the run, so the case fails too
                    ET.SubElement(case, "failure", message=f"warning (--strict): {check['message']}", type="warning")
            elif check["status"] in ("blocked", "skipped"):
                ET.SubElement(case, "skipped", message=check["message"])
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
