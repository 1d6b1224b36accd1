"""How well `check --claude-code` predicts the real Claude Code: 24 settings, each compared on the wire.

    python -m tests.claude_code_live.score                      # this tree's harness
    python -m tests.claude_code_live.score --harness-path DIR   # another tree's (e.g. an older commit, unpacked)

For each setting, inside one loopback-only namespace: the emulator behind a recorder; the real `claude -p` with the
setting's variables; then `claude-harness check --claude-code` with the same variables. What each sent is compared
on the setting's aspect (the main models called, the start-up calls, the credential headers, the betas and
headers, the path query, the body features). A setting matches when the check sends what Claude Code sends.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.claude_code_live.run import TELEMETRY_OFF, _serve, cli_binary, clock_env, mode_env, why_not_runnable

ROOT = Path(__file__).resolve().parents[2]
# (setting, mode, extra variables, aspects compared)
RUNS: tuple[tuple[str, str, dict[str, str], tuple[str, ...]], ...] = (
    ("anthropic, nothing pinned", "anthropic", {},
     ("main models", "start-up calls", "credential headers", "betas and headers", "path query", "body features")),
    ("foundry, nothing pinned", "foundry", {}, ("main models", "start-up calls", "credential headers", "betas")),
    ("bedrock, nothing pinned", "bedrock", {}, ("main models", "start-up calls", "credential headers", "body betas")),
    ("vertex, nothing pinned", "vertex", {}, ("main models", "start-up calls", "credential headers", "betas")),
    ("anthropic, ANTHROPIC_AUTH_TOKEN and ANTHROPIC_API_KEY", "anthropic", {"ANTHROPIC_AUTH_TOKEN": "tok-score-0000"},
     ("credential headers",)),
    ("foundry, ANTHROPIC_FOUNDRY_AUTH_TOKEN only", "foundry",
     {"ANTHROPIC_FOUNDRY_API_KEY": "", "ANTHROPIC_FOUNDRY_AUTH_TOKEN": "tok-score-0000"}, ("credential headers",)),
    ("anthropic, ANTHROPIC_DEFAULT_MODEL", "anthropic", {"ANTHROPIC_DEFAULT_MODEL": "claude-sonnet-4-6"},
     ("main models",)),
    ("bedrock, ANTHROPIC_BEDROCK_REGION_PREFIX", "bedrock", {"ANTHROPIC_BEDROCK_REGION_PREFIX": "global"},
     ("main models",)),
    ("anthropic, ANTHROPIC_BETAS", "anthropic", {"ANTHROPIC_BETAS": "extra-beta-2026-01-01"}, ("betas",)),
    ("anthropic -p, ANTHROPIC_DEFAULT_HAIKU_MODEL pinned", "anthropic",
     {"ANTHROPIC_DEFAULT_HAIKU_MODEL": "claude-haiku-4-5"}, ("main models",)),
)
CREDENTIALS = ("x-api-key", "api-key", "authorization")


def _generation(entry: dict[str, Any]) -> bool:
    path = entry["path"]
    return entry["method"] == "POST" and "count" not in path and (
        path.endswith("/messages") or "/invoke" in path or "Predict" in path)


def _tier_probe(entry: dict[str, Any]) -> bool:
    body = entry.get("body") if isinstance(entry.get("body"), dict) else {}
    return body.get("max_tokens") == 1 and not body.get("tools") and "stream" not in entry["path"].lower()


def _model(entry: dict[str, Any]) -> str:
    body = entry.get("body") if isinstance(entry.get("body"), dict) else {}
    if body.get("model"):
        return str(body["model"])
    tail = entry["path"].split("/model/")[-1] if "/model/" in entry["path"] else entry["path"].rsplit("/", 1)[-1]
    return tail.split("/")[0] if "/model/" in entry["path"] else tail.rsplit(":", 1)[0]


def summary(requests: list[dict[str, Any]]) -> dict[str, Any]:
    """What is compared: the main calls, the tier probes, and the other start-up calls."""
    main = [r for r in requests if _generation(r) and not _tier_probe(r)]
    tiers = sorted({_model(r) for r in requests if _generation(r) and _tier_probe(r)})
    last = main[-1] if main else {"headers": {}, "body": {}, "query": ""}
    body = last.get("body") if isinstance(last.get("body"), dict) else {}
    return {
        "main_models": sorted({_model(r) for r in main}),
        "tier_probes": tiers,
        "other_calls": sorted({f"{r['method']} {r['path']}{'?' + r['query'] if r['query'] else ''}"
                               for r in requests if not _generation(r) and "computeMetadata" not in r["path"]}),
        "credentials": sorted(f"{k}:{v.split(' ')[0] if k == 'authorization' else 'key'}"
                              for r in main for k, v in r["headers"].items() if k in CREDENTIALS),
        "betas": sorted(b.strip() for b in last["headers"].get("anthropic-beta", "").split(",") if b.strip()),
        "x_app": last["headers"].get("x-app"),
        "query": last.get("query", ""),
        "body_betas": sorted(body.get("anthropic_beta") or []),
        "thinking": (body.get("thinking") or {}).get("type"),
        "context_management": "context_management" in body,
        "system_role": any(isinstance(m, dict) and m.get("role") == "system" for m in body.get("messages") or []),
        "tools": bool(body.get("tools")),
    }


def matches(aspect: str, cli: dict[str, Any], check: dict[str, Any]) -> bool:
    if aspect == "main models":
        return cli["main_models"] == check["main_models"]
    if aspect == "start-up calls":  # each start-up call Claude Code made is among the check's
        startup = [c for c in cli["other_calls"]]
        return set(startup) <= set(check["other_calls"]) and set(cli["tier_probes"]) == set(check["tier_probes"])
    if aspect == "credential headers":
        return sorted(set(cli["credentials"])) == sorted(set(check["credentials"]))
    if aspect in ("betas", "betas and headers"):
        same = set(cli["betas"]) <= set(check["betas"]) and bool(cli["betas"]) == bool(check["betas"])
        return same and (aspect == "betas" or cli["x_app"] == check["x_app"])
    if aspect == "body betas":
        return set(cli["body_betas"]) <= set(check["body_betas"]) and bool(check["body_betas"])
    if aspect == "path query":
        return set(cli["query"].split("&")) <= set(check["query"].split("&"))
    if aspect == "body features":
        return all(cli[k] == check[k] for k in ("thinking", "context_management", "system_role", "tools"))
    raise ValueError(aspect)


def inside(mode: str, extra: dict[str, str], harness_path: str) -> dict[str, Any]:
    """In the namespace: the CLI's requests, then the check's, against the same recorded emulator."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    log: list[dict[str, Any]] = []
    server, port = _serve(log, [])
    url = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="claude-score-") as home:
        Path(home, ".claude.json").write_text(json.dumps({"hasCompletedOnboarding": True}))
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "TERM": "dumb", **TELEMETRY_OFF, **clock_env(),
               **mode_env(mode, url)}
        env.update(extra)
        env = {k: v for k, v in env.items() if v != ""}
        binary = cli_binary()
        assert binary is not None
        with contextlib.suppress(subprocess.TimeoutExpired):  # what it sent before the timeout still counts
            subprocess.run([str(binary), "-p", "say pong", "--output-format", "json"], env=env, cwd=home,
                           capture_output=True, timeout=90, stdin=subprocess.DEVNULL)
        out["cli"], log[:] = list(log), []
        check_env = {**env, "PYTHONPATH": harness_path, "AZURE_CLIENT_ID": "", "PATH": "/usr/bin:/bin"}
        check_env = {k: v for k, v in check_env.items() if v != ""}
        done = subprocess.run([sys.executable, "-m", "harness", "check", "--claude-code", "--retries", "0",
                               "--report-dir", str(Path(home) / "reports")], env=check_env, cwd=home,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        time.sleep(0.2)
        out["check"] = list(log)
        out["check_exit"] = done.returncode
        out["check_out"] = (done.stdout + done.stderr)[-3000:]
    server.should_exit = True
    return out


def score(harness_path: str) -> list[dict[str, Any]]:
    rows = []
    for setting, mode, extra, aspects in RUNS:
        spec = json.dumps({"mode": mode, "extra": extra, "harness": harness_path})
        done = subprocess.run(["unshare", "-rn", sys.executable, "-m", "tests.claude_code_live.score", "_inside",
                               spec], cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        seen = json.loads(done.stdout)
        cli, check = summary(seen["cli"]), summary(seen["check"])
        for aspect in aspects:
            rows.append({"setting": setting, "aspect": aspect, "match": matches(aspect, cli, check),
                         "claude_code": cli, "check": check})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.claude_code_live.score")
    parser.add_argument("--harness-path", default=str(ROOT), help="the tree whose harness/ package is scored")
    parser.add_argument("--json", type=Path, help="write every compared row here")
    parser.add_argument("command", nargs="?", default="score")
    parser.add_argument("spec", nargs="?")
    args = parser.parse_args(argv)
    if args.command == "_inside":
        spec = json.loads(args.spec)
        print(json.dumps(inside(spec["mode"], spec["extra"], spec["harness"])))
        return 0
    reason = why_not_runnable()
    if reason:
        print(f"cannot score: {reason}", file=sys.stderr)
        return 2
    rows = score(args.harness_path)
    for row in rows:
        print(f"{'match' if row['match'] else 'MISS '}  {row['setting']}: {row['aspect']}")
    print(f"{sum(r['match'] for r in rows)} of {len(rows)} settings match")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
