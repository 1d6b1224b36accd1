"""Run the real Claude Code CLI against the emulator, offline, and record what it sent.

    python -m tests.claude_code_live.run install            # npm install @anthropic-ai/claude-code@VERSION
    python -m tests.claude_code_live.run run --mode bedrock # one `claude -p` turn; prints a JSON summary
    python -m tests.claude_code_live.run record             # every mode, scrubbed into fixtures/claude-code/

The CLI is installed outside the repository (``CLAUDE_CODE_CLI_DIR``, default ``~/.cache/claude-harness/
claude-code-VERSION``). Each run happens in its own network namespace that has only loopback (``unshare -n``, then
``ip link set lo up``), with telemetry off and a scratch HOME, so nothing can leave the machine whatever the CLI
tries. The emulator is wrapped in a recorder that keeps every request (headers scrubbed of credentials).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

VERSION = "2.1.197"
PACKAGE = "@anthropic-ai/claude-code"
MODES = ("anthropic", "foundry", "bedrock", "vertex")
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "claude-code"
TELEMETRY_OFF = {"CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "DISABLE_TELEMETRY": "1",
                 "DISABLE_ERROR_REPORTING": "1", "DISABLE_AUTOUPDATER": "1"}
API_KEY = "sk-ant-emulator-live-000000"
AWS_PAIR = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
SECRET_HEADERS = ("authorization", "x-api-key", "api-key", "x-amz-security-token")
PROMPT = "say pong"
SCRATCH_HOME = "/tmp/claude-home"


def cli_dir() -> Path:
    return Path(os.environ.get("CLAUDE_CODE_CLI_DIR")
                or Path.home() / ".cache" / "claude-harness" / f"claude-code-{VERSION}")


def cli_binary() -> Path | None:
    """The installed CLI (CLAUDE_CODE_CLI overrides), or None."""
    explicit = os.environ.get("CLAUDE_CODE_CLI")
    found = Path(explicit) if explicit else cli_dir() / "node_modules" / ".bin" / "claude"
    return found if found.exists() else None


def install() -> Path:
    """npm install the pinned version into the cache folder (idempotent)."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed (apt-get install -y npm)")
    target = cli_dir()
    target.mkdir(parents=True, exist_ok=True)
    binary = target / "node_modules" / ".bin" / "claude"
    if not binary.exists():
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(target), f"{PACKAGE}@{VERSION}"],
                       check=True, timeout=600)
    return binary


def why_not_runnable() -> str | None:
    """The reason a live run cannot happen here, or None."""
    if cli_binary() is None:
        return ("the Claude Code CLI is not installed (python -m tests.claude_code_live.run install; or set "
                "CLAUDE_CODE_CLI)")
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "unshare or ip is missing (util-linux, iproute2): no loopback-only namespace"
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10)
    if probe.returncode != 0:
        return f"network namespaces are not available here (unshare -rn: {probe.stderr.decode().strip()})"
    return None


def clock_env() -> dict[str, str]:
    """A faked clock (faketime) reaches the CLI too, so its SigV4 dates agree with the emulator's."""
    return {k: v for k, v in os.environ.items()
            if k.startswith("FAKETIME") or k in ("LD_PRELOAD", "DYLD_INSERT_LIBRARIES")}


def mode_env(mode: str, url: str) -> dict[str, str]:
    if mode == "anthropic":
        return {"ANTHROPIC_BASE_URL": url, "ANTHROPIC_API_KEY": API_KEY}
    if mode == "foundry":
        return {"CLAUDE_CODE_USE_FOUNDRY": "1", "ANTHROPIC_FOUNDRY_BASE_URL": f"{url}/anthropic",
                "ANTHROPIC_FOUNDRY_API_KEY": API_KEY}
    if mode == "bedrock":
        return {"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BEDROCK_BASE_URL": f"{url}/bedrock",
                "AWS_REGION": "us-east-1", **AWS_PAIR}
    host = url.removeprefix("http://")
    return {"CLAUDE_CODE_USE_VERTEX": "1", "ANTHROPIC_VERTEX_BASE_URL": f"{url}/vertex/v1",
            "ANTHROPIC_VERTEX_PROJECT_ID": "emulator-project", "CLOUD_ML_REGION": "us-east5",
            "GCE_METADATA_HOST": host, "GCE_METADATA_IP": host}


def _scrub_headers(headers: dict[str, str]) -> dict[str, str]:
    out = {}
    for name, value in headers.items():
        if name in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} <redacted>".strip()
        elif name in ("x-claude-code-session-id", "x-amz-date", "x-amz-content-sha256"):
            value = "<varies>"
        out[name] = value
    return out


def recorder(app: Any, log: list[dict[str, Any]]) -> Any:
    """ASGI middleware that keeps each request (method, path, query, scrubbed headers, JSON body) and status."""

    async def recorded(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def capture_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                chunks.append(message.get("body", b""))
            return message

        entry: dict[str, Any] = {"method": scope["method"], "path": scope["path"],
                                 "query": scope.get("query_string", b"").decode()}

        async def capture_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            await send(message)

        entry["headers"] = _scrub_headers({k.decode().lower(): v.decode(errors="replace")
                                           for k, v in scope.get("headers", [])})
        log.append(entry)
        try:
            await app(scope, capture_receive, capture_send)
        finally:
            raw = b"".join(chunks)
            try:
                entry["body"] = json.loads(raw) if raw else None
            except ValueError:
                entry["body"] = raw.decode(errors="replace")[:2000]

    return recorded


def beta_stripper(app: Any, strip: frozenset[str]) -> Any:
    """A gateway that drops some anthropic-beta values before the provider sees them."""

    async def stripped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and strip:
            headers = []
            for name, value in scope.get("headers", []):
                if name.lower() == b"anthropic-beta":
                    kept = [b for b in value.decode().split(",") if b.strip() and b.strip() not in strip]
                    value = ",".join(kept).encode()
                headers.append((name, value))
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return stripped


def _serve(log: list[dict[str, Any]], faults: list[str], strip: frozenset[str] = frozenset()) -> tuple[Any, int]:
    import uvicorn

    from harness.emulator import EmulatorSettings, create_app

    app = recorder(beta_stripper(create_app(EmulatorSettings(faults=frozenset(faults))), strip), log)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the emulator did not start")
        time.sleep(0.02)
    return server, int(server.servers[0].sockets[0].getsockname()[1])


def run_inside(mode: str, faults: list[str], extra_env: dict[str, str], args: list[str], timeout: float,
               strip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """In the namespace: bring loopback up, serve the emulator, run one `claude -p` turn."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    binary = cli_binary()
    assert binary is not None
    log: list[dict[str, Any]] = []
    server, port = _serve(log, faults, strip)
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="claude-home-") as home:
        Path(home, ".claude.json").write_text(json.dumps({"hasCompletedOnboarding": True}))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TERM": "dumb", **TELEMETRY_OFF,
               **clock_env(), **mode_env(mode, url), **extra_env}
        command = [str(binary), "-p", PROMPT, "--output-format", "json", *args]
        started = time.monotonic()
        try:
            done = subprocess.run(command, env=env, cwd=home, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
            code, out, err = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as exc:
            code, out, err = None, _text(exc.stdout), _text(exc.stderr)
    server.should_exit = True

    def scrub(text: str) -> str:  # the port and the scratch HOME differ on every run
        slug = home.replace("/", "-").replace("_", "-")  # how Claude Code names the project folder
        return (text.replace(f"127.0.0.1:{port}", "127.0.0.1:PORT").replace(home, SCRATCH_HOME)
                .replace(slug, SCRATCH_HOME.replace("/", "-")))

    return {"mode": mode, "faults": faults, "exit_code": code, "seconds": round(time.monotonic() - started, 1),
            "stdout": scrub(out), "stderr": scrub(err)[-4000:], "requests": json.loads(scrub(json.dumps(log)))}


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else (value or "")


def version() -> str | None:
    binary = cli_binary()
    if binary is None:
        return None
    done = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=20)
    found = re.match(r"\s*(\d+\.\d+\.\d+)", done.stdout)
    return found[1] if found else None


def run(mode: str, faults: list[str] | None = None, extra_env: dict[str, str] | None = None,
        args: list[str] | None = None, timeout: float = 120, strip_betas: tuple[str, ...] = ()) -> dict[str, Any]:
    """One turn in a fresh loopback-only namespace (this process re-executed under `unshare -rn`); the recorded
    requests are what reached the emulator (after ``strip_betas``, a gateway dropping those betas)."""
    spec = json.dumps({"mode": mode, "faults": faults or [], "env": extra_env or {}, "args": args or [],
                       "timeout": timeout, "strip": list(strip_betas)})
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(["unshare", "-rn", sys.executable, "-m", "tests.claude_code_live.run", "_inside", spec],
                          cwd=root, capture_output=True, text=True, timeout=timeout + 60,
                          env={**os.environ, "PYTHONPATH": str(root)})
    if done.returncode != 0:
        raise RuntimeError(f"the namespace run failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.claude_code_live.run")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help=f"npm install {PACKAGE}@{VERSION} into CLAUDE_CODE_CLI_DIR")
    one = sub.add_parser("run", help="one claude -p turn against the emulator")
    one.add_argument("--mode", choices=MODES, default="anthropic")
    one.add_argument("--fault", action="append", default=[])
    one.add_argument("--env", action="append", default=[], help="NAME=VALUE for the CLI")
    one.add_argument("--timeout", type=float, default=120)
    one.add_argument("--strip-beta", action="append", default=[], help="drop this anthropic-beta value, as a "
                     "gateway might")
    one.add_argument("cli_args", nargs="*")
    sub.add_parser("record", help="every mode, scrubbed into fixtures/claude-code/")
    inside = sub.add_parser("_inside")
    inside.add_argument("spec")
    args = parser.parse_args(argv)
    if args.command == "install":
        print(install())
        return 0
    if args.command == "_inside":
        spec = json.loads(args.spec)
        print(json.dumps(run_inside(spec["mode"], spec["faults"], spec["env"], spec["args"], spec["timeout"],
                                    frozenset(spec["strip"]))))
        return 0
    reason = why_not_runnable()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    if args.command == "run":
        extra = dict(item.split("=", 1) for item in args.env)
        print(json.dumps(run(args.mode, args.fault, extra, args.cli_args, args.timeout, tuple(args.strip_beta)),
                         indent=1))
        return 0
    FIXTURES.mkdir(parents=True, exist_ok=True)
    seen = version()
    for mode in MODES:
        result = run(mode)
        result["claude_code_version"] = seen
        (FIXTURES / f"{mode}.json").write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
        print(mode, result["exit_code"], len(result["requests"]), "requests")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
