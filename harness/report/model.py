"""The report document (contract §2): built from target runs, pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from .. import constants
from ..diagnosis import TRANSIENT_CAUSES, entry, sources_for, steps_for
from ..features.matrix import features_matrix
from ..ladder import CheckResult, TargetRun
from ..lifecycle import lifecycle_today, lookup
from ..netpath import describe_path, path_line
from ..redact import Redactor
from ..wire import read_message, read_stream, usage_counts

SCHEMA_VERSION = 1
TOOL_NAME = "claude-harness"
TOOL_VERSION = constants.VERSION

EXIT_CODES = {"healthy": 0, "broken": 1, "transient": 3, "inconclusive": 4}
STATUSES = ("passed", "warning", "failed", "skipped", "blocked", "error")


def retries_line(check: dict[str, Any]) -> str:
    """'retried 2 times: 429 waited 7 s (retry-after), 529 waited 1.2 s (backoff)', or ''."""
    retries = check.get("retries") or []
    if not retries:
        return ""
    told = ", ".join(f"{r.get('status') or r.get('phase')} waited {r.get('wait_s', 0):g} s ({r.get('reason', '')})"
                     for r in retries)
    return f"retried {counted(len(retries), 'time')}: {told}"


def utc_now() -> str:
    """UTC, ISO 8601, to the second (contract §4: started_at / finished_at)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def counted(number: int, noun: str) -> str:
    """'1 billable call', '2 billable calls'."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def spent(report: dict[str, Any]) -> str:
    """'2 billable calls, 38 input / 12 output tokens', saying so when the run could not bill (emulator, replay)."""
    usage = report["usage"]
    offline = "" if report.get("mode") == "live" else f" (nothing billed: {report.get('mode')} run)"
    return (f"{counted(usage['billable_calls'], 'billable call')}, {usage['input_tokens']} input / "
            f"{usage['output_tokens']} output tokens{offline}")


def tally(summary: dict[str, Any]) -> str:
    """The one-line count every rendering shows."""
    return (f"{summary['passed']} passed, {counted(summary.get('warning', 0), 'warning')}, {summary['failed']} failed,"
            f" {summary['blocked']} blocked")


def gateway_note(target: dict[str, Any]) -> str | None:
    """How a target judged as a gateway is described (provider-only expectations become warnings)."""
    if target.get("gateway_detected"):
        return f"judged as a gateway: {target['gateway_detected']} answered; provider-only expectations are warnings"
    if target.get("gateway"):
        return "marked as a gateway (--gateway): provider-only expectations are warnings"
    return None


def path_note(target: dict[str, Any]) -> str | None:
    """The network path in one line, when there is more to say than 'direct' (docs/proxies.md)."""
    return path_line(target.get("path"))


def _check_dict(check: CheckResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": check.id,
        "target": check.target,
        "layer": check.layer,
        "status": check.status,
        "message": check.message,
    }
    if check.cause:
        out["cause"] = check.cause
        out["transient"] = check.transient
    if check.blocked_by:
        out["blocked_by"] = check.blocked_by
    if check.request_ids:
        out["request_ids"] = dict(check.request_ids)
    if check.retries:
        out["retries"] = list(check.retries)
    if check.reproduce:
        out["reproduce"] = check.reproduce
    if check.reproduce_sdk:
        out["reproduce_sdk"] = check.reproduce_sdk
    if check.not_run:
        out["not_run"] = True
    if check.duration_ms is not None:
        out["duration_ms"] = round(check.duration_ms, 1)
    return out


_VERDICT_ORDER = {"broken": 0, "transient": 1, "inconclusive": 2, "healthy": 3}


def target_summaries(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target, failing targets first: id, verdict, root cause and its title."""
    roots = {d["target"]: d for d in report["diagnoses"] if d["root"]}
    rows = [{"id": t["id"], "provider": t["provider"], "model": t["model"], "verdict": t.get("verdict", ""),
             "cause": roots[t["id"]]["cause"] if t["id"] in roots else None,
             "title": roots[t["id"]]["title"] if t["id"] in roots else None} for t in report["targets"]]
    return sorted(rows, key=lambda r: _VERDICT_ORDER.get(r["verdict"], 9))


def failing_line(report: dict[str, Any]) -> str:
    """'failing: t2 (model.not-found), t3 (auth.invalid-key)', or '' when no target failed."""
    failing = [r for r in target_summaries(report) if r["verdict"] in ("broken", "transient")]
    return "failing: " + ", ".join(f"{r['id']} ({r['cause'] or r['verdict']})" for r in failing) if failing else ""


def _diagnoses(run: TargetRun) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    failed = any(c.status == "failed" for c in run.checks)
    for check in sorted(run.checks, key=lambda c: c.status != "failed"):  # failures first: the root is one
        # A lifecycle warning on a failing target is the next problem the user meets: listed, never the root.
        next_problem = failed and check.status == "warning" and check.id == "model.lifecycle"
        if not (check.status == "failed" or next_problem) or not check.cause or check.cause in seen:
            continue
        seen.add(check.cause)
        cause = entry(check.cause)
        found.append(
            {
                "target": run.target.id,
                "cause": check.cause,
                "root": not next_problem and not any(d["root"] for d in found),
                "check": check.id,
                "title": cause.title,
                "explanation": cause.explanation,
                "steps": _parameter_steps(check.cause, check.message) + steps_for(
                    cause, run.target.provider.name, gateway=run.gateway,
                    claude_code=run.target.id.startswith("claude-code:")),  # check --claude-code
                "sources": sources_for(cause, run.target.provider.name),
                "evidence": check.message,
                "request_ids": dict(check.request_ids),
                "transient": check.transient,
            }
        )
        _add_path_evidence(run, check, found[-1])
    return found


def _parameter_steps(cause: str, message: str) -> list[str]:
    """A parameter error names the parameter, and for known conflicts the fix (diagnosis/parameters.toml)."""
    from ..diagnosis.parameters import parameter_steps

    return parameter_steps(message) if cause == "request.invalid" else []


def _add_path_evidence(run: TargetRun, check: CheckResult, diagnosis: dict[str, Any]) -> None:
    """TLS causes carry the presented certificate (and whether it looks like interception); advice to set a
    proxy variable is left out when one is set."""
    obs = run.observations.get(check.probe or "")
    tls = obs.details.get("tls") if obs is not None else None
    if tls and diagnosis["cause"].startswith("network.tls"):
        cert = tls.get("certificate") or {}
        info = {k: cert[k] for k in ("issuer", "subject", "names", "not_before", "not_after", "self_signed")
                if k in cert}
        info["verify_message"] = tls.get("verify_message")
        info["tls_interception"] = bool(cert) and not cert.get("public_ca") and not cert.get("self_signed")
        diagnosis["tls"] = info
        if info["tls_interception"]:
            diagnosis["evidence"] += (f" — the issuer ({cert.get('issuer')}) is not a public CA: a TLS-inspecting "
                                      "proxy is the likely cause")
    route = obs.details.get("route", {}) if obs is not None else {}
    if route.get("via") == "proxy":
        diagnosis["steps"] = [s for s in diagnosis["steps"] if "set HTTPS_PROXY" not in s]


def _timings(run: TargetRun) -> dict[str, Any]:
    """Per probe: total and time to first byte; for generations, time to first token (any content,
    and first text, separately) and output tokens per second from the provider-reported counts."""
    out: dict[str, Any] = {}
    wire = run.target.provider.wire
    for name, obs in run.observations.items():
        row: dict[str, Any] = {"total_ms": obs.timings.total_ms, "ttfb_ms": obs.timings.ttfb_ms}
        if obs.retries:
            row["retries"] = len(obs.retries)
        if name in ("message", "stream", "truncated") and obs.ok:
            reading = read_stream(wire, obs) if obs.streamed else read_message(wire, obs)
            counts = usage_counts(wire, reading.usage)
            total = obs.timings.total_ms or 0.0
            if counts:
                row["input_tokens"] = counts[0]  # the same prompt everywhere: comparable across hosts
            if obs.streamed:
                row["ttft_any_ms"] = reading.ttft_any_ms
                row["ttft_text_ms"] = reading.ttft_text_ms
            if counts and counts[1] > 0 and total > 0:
                # streams: the decode rate after the first token; messages: over the whole request
                start = reading.ttft_any_ms if obs.streamed and reading.ttft_any_ms is not None else 0.0
                tokens = counts[1] - 1 if obs.streamed else counts[1]
                span = (total - start) / 1000.0
                if tokens > 0 and span > 0:
                    row["output_tokens_per_s"] = round(tokens / span, 1)
        out[name] = row
    return out


def verdict_of(checks: Sequence[dict[str, Any]]) -> str:
    failed = [c for c in checks if c["status"] in ("failed", "error")]
    if failed:
        transient_only = all(c.get("transient") or c.get("cause") in TRANSIENT_CAUSES for c in failed)
        return "transient" if transient_only else "broken"
    if any(c.get("not_run") for c in checks):
        return "inconclusive"  # what ran passed, but the run stopped before the rest: not "healthy"
    probing = [c for c in checks if c["status"] in ("passed", "warning") and c["layer"] != "config"
               and c["id"] != "model.lifecycle"]  # offline checks prove nothing about the endpoint
    return "healthy" if probing else "inconclusive"


INTERRUPTED_EXIT_CODE = 130  # Ctrl-C, as shells report it


def build_report(
    runs: Sequence[TargetRun],
    *,
    mode: str,
    redactor: Redactor,
    incomplete: bool = False,
    interrupted: bool = False,
    notes: Sequence[str] = (),
    started_at: str | None = None,
) -> dict[str, Any]:
    targets: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    diagnoses: list[dict[str, Any]] = []
    usage = {"billable_calls": 0, "input_tokens": 0, "output_tokens": 0}
    for run in runs:
        target_checks = [_check_dict(c) for c in run.checks]
        target_info = run.target.describe()
        target_info["verdict"] = verdict_of(target_checks)
        target_info["usage"] = run.usage
        target_info["timings"] = _timings(run)
        if run.credential_details:
            target_info["credential_details"] = run.credential_details
        known = run.lifecycle or lookup(run.target.provider.name, run.target.model)
        target_info["lifecycle"] = known.describe(lifecycle_today())
        if run.detected_gateway:
            target_info["gateway"] = True
            target_info["gateway_detected"] = run.detected_gateway
        target_info["path"] = describe_path(run.observations.values())
        targets.append(target_info)
        checks.extend(target_checks)
        diagnoses.extend(_diagnoses(run))
        for key, value in run.usage.items():
            usage[key] += value
    verdict = verdict_of(checks) if runs else "inconclusive"
    if incomplete and verdict == "healthy":
        verdict = "inconclusive"  # what ran passed, but not everything ran
    summary = {status: sum(1 for c in checks if c["status"] == status) for status in STATUSES}
    summary_out: dict[str, Any] = {**summary, "verdict": verdict, "exit_code": EXIT_CODES[verdict]}
    if interrupted:
        summary_out.update(interrupted=True, exit_code=INTERRUPTED_EXIT_CODE)
    report: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": TOOL_VERSION},
        "started_at": started_at or utc_now(),
        "finished_at": utc_now(),
        "mode": mode,
        "complete": not incomplete,
        "targets": targets,
        "checks": checks,
        "diagnoses": diagnoses,
        "usage": usage,
        "summary": summary_out,
    }
    if notes:
        report["notes"] = list(notes)
    features = features_matrix(report)
    if features is not None:
        report["features_matrix"] = features
    # One last pass of the one redactor over everything we are about to write.
    scrubbed: dict[str, Any] = redactor.data(report)
    return scrubbed


def apply_strict(report: dict[str, Any]) -> dict[str, Any]:
    """--strict (pytest --harness-strict, TOML strict = true): a run that would exit 0 with warnings exits 1.
    The verdict keeps saying what the endpoint did; other exit codes keep their meaning."""
    summary = report["summary"]
    if summary.get("strict"):
        return report  # applied already
    summary["strict"] = True
    if summary.get("warning") and summary["exit_code"] == 0:
        summary["exit_code"] = 1
        report.setdefault("notes", []).append(f"--strict: {counted(summary['warning'], 'warning')} fail the run "
                                              "(exit 1)")
    return report


def merge_reports(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One report from several partial ones (pytest-xdist workers each check some targets)."""
    if len(reports) == 1:
        return reports[0]
    merged: dict[str, Any] = {**reports[0], "targets": [], "checks": [], "diagnoses": []}
    seen: set[str] = set()
    usage = {"billable_calls": 0, "input_tokens": 0, "output_tokens": 0}
    for report in reports:
        for target in report["targets"]:
            if target["id"] in seen:
                continue
            seen.add(target["id"])
            merged["targets"].append(target)
            merged["checks"] += [c for c in report["checks"] if c["target"] == target["id"]]
            merged["diagnoses"] += [d for d in report["diagnoses"] if d["target"] == target["id"]]
            for key in usage:
                usage[key] += target.get("usage", {}).get(key, 0)
    merged["usage"] = usage
    merged["complete"] = all(r.get("complete", True) for r in reports)
    verdict = verdict_of(merged["checks"]) if merged["targets"] else "inconclusive"
    counts = {s: sum(1 for c in merged["checks"] if c["status"] == s) for s in STATUSES}
    merged["summary"] = {**counts, "verdict": verdict, "exit_code": EXIT_CODES[verdict]}
    merged.pop("features_matrix", None)
    features = features_matrix(merged)
    if features is not None:
        merged["features_matrix"] = features
    return merged
