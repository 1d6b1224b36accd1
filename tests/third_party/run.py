"""Run the third-party matrix live: start each server on 127.0.0.1, check every case in both profiles.

    python -m tests.third_party.run                     # check, print a table, exit 1 on any wrong verdict
    python -m tests.third_party.run --record fixtures/third-party   # also write scrubbed recordings

Servers are found on PATH or in HARNESS_THIRD_PARTY_PATH (a PATH-like list of folders): ``litellm`` (PyPI
``litellm[proxy]``), ``llmock`` (npm ``@copilotkit/aimock``) and ``prism`` (npm ``@stoplight/prism-cli``).
A server that is not installed is skipped with a reason. Nothing leaves this machine: every server binds
127.0.0.1, LiteLLM's upstream is its own mock, and LITELLM_LOCAL_MODEL_COST_MAP keeps it from fetching prices.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.third_party.matrix import (
    AIMOCK_KEY,
    LITELLM_CUSTOM_KEY,
    LITELLM_MASTER_KEY,
    SETUPS,
    Case,
    Expected,
    Setup,
)

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs"
BINARIES = {"litellm": "litellm", "aimock": "llmock", "prism-anthropic": "prism", "prism-openrouter": "prism"}


@dataclass(frozen=True)
class Outcome:
    setup: str
    case: str
    profile: str
    exit_code: int
    root: str | None
    failed: dict[str, str]  # check id -> cause, every failed check
    expected: Expected

    @property
    def correct(self) -> bool:
        if self.exit_code != self.expected.exit_code or self.root != self.expected.root:
            return False
        return self.profile == "smoke" or not self.unexplained

    @property
    def unexplained(self) -> dict[str, str]:
        """Full-profile findings nobody reviewed: a new deviation, or a wrong label on a known one."""
        if self.case != "healthy":
            return {}
        return {k: v for k, v in self.failed.items() if self.expected.known.get(k) != v}


def find_binary(name: str) -> str | None:
    extra = os.environ.get("HARNESS_THIRD_PARTY_PATH", "")
    return shutil.which(name, path=os.pathsep.join(filter(None, [extra, os.environ.get("PATH", "")])))


def missing_servers() -> dict[str, str]:
    """server -> why it cannot run here."""
    return {server: f"{binary} is not installed (PATH or HARNESS_THIRD_PARTY_PATH)"
            for server, binary in BINARIES.items() if find_binary(binary) is None}


def server_version(server: str) -> str:
    binary = find_binary(BINARIES[server])
    assert binary is not None
    if server == "litellm":
        python = Path(binary).parent / "python"
        out = subprocess.run([str(python), "-c", "import importlib.metadata as m; print(m.version('litellm'))"],
                             capture_output=True, text=True, timeout=60)
        return f"litellm[proxy] {out.stdout.strip()}"
    if server == "aimock":
        package = Path(binary).resolve().parents[1] / "package.json"
        return f"@copilotkit/aimock {json.loads(package.read_text())['version']}"
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    return f"@stoplight/prism-cli {out.stdout.strip()}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(port: int, proc: subprocess.Popen[bytes], seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.3)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {seconds:.0f} s")


_CUSTOM_AUTH = f'''
from fastapi import Request
from litellm.proxy._types import ProxyErrorTypes, ProxyException, UserAPIKeyAuth


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    if api_key.removeprefix("Bearer ").strip() == "{LITELLM_CUSTOM_KEY}":
        return UserAPIKeyAuth(api_key=api_key)
    if MODE == "crash":
        raise Exception("Invalid API key (custom auth hook)")
    raise ProxyException(message="Invalid API key (custom auth hook)", type=ProxyErrorTypes.auth_error,
                         param="api_key", code=401)
'''


def _bedrock_models(upstream: str) -> list[dict[str, object]]:
    """LiteLLM routes to the emulated Bedrock, signing with the AWS docs' example pair the emulator verifies."""
    from harness.cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY

    def route(name: str, model: str, fault: str | None = None) -> dict[str, object]:
        params: dict[str, object] = {"model": f"bedrock/invoke/{model}", "aws_bedrock_runtime_endpoint": upstream,
                                     "aws_access_key_id": EMULATOR_ACCESS_KEY,
                                     "aws_secret_access_key": EMULATOR_SECRET_KEY, "aws_region_name": "us-east-1"}
        if fault:
            params["extra_headers"] = {"x-emulator-fault": fault}
        return {"model_name": name, "litellm_params": params}

    return [route("claude-haiku-4-5", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
            route("claude-denied", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "model-access-denied"),
            route("claude-bare", "anthropic.claude-sonnet-4-5-20250929-v1:0")]


def _litellm_config(setup: Setup, port: int, folder: Path, upstream: str | None = None) -> Path:
    key = LITELLM_CUSTOM_KEY if setup.custom_auth else LITELLM_MASTER_KEY
    root = setup.root_path or ""
    if upstream is not None:
        models, settings = _bedrock_models(upstream), {}
    elif setup.provider == "openrouter":
        models = [{"model_name": setup.model,
                   "litellm_params": {"model": "openai/mock-upstream",
                                      "mock_response": "Hello from the mocked upstream."}}]
        settings: dict[str, object] = {}
    else:  # the Anthropic route streams only through a real upstream: the proxy's own mocked chat route
        models = [{"model_name": "mock-upstream",
                   "litellm_params": {"model": "openai/mock-upstream",
                                      "mock_response": "Hello from the mocked upstream."}},
                  {"model_name": setup.model,
                   "litellm_params": {"model": "openai/mock-upstream", "api_base": f"http://127.0.0.1:{port}{root}/v1",
                                      "api_key": key}}]
        settings = {"use_chat_completions_url_for_anthropic_messages": True}
    general: dict[str, object] = {"master_key": LITELLM_MASTER_KEY}
    if setup.custom_auth:
        (folder / "custom_auth.py").write_text(f"MODE = {setup.custom_auth!r}\n" + _CUSTOM_AUTH, encoding="utf-8")
        general["custom_auth"] = "custom_auth.user_api_key_auth"
    config = {"model_list": models, "litellm_settings": settings, "general_settings": general}
    path = folder / "config.json"  # LiteLLM reads YAML, and JSON is YAML
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


_AIMOCK_FIXTURE = {"fixtures": [
    {"match": {"model": "claude-haiku-4-5"}, "response": {"content": "Hello from aimock."}},
    {"match": {"model": "anthropic/claude-haiku-4.5"}, "response": {"content": "Hello from aimock."}},
]}


@contextlib.contextmanager
def running(setup: Setup) -> Iterator[int]:
    """Start the set-up's server on a free loopback port; stop it (by its pid) afterwards."""
    from harness.emulator import RunningEmulator

    port = _free_port()
    binary = find_binary(BINARIES[setup.server])
    assert binary is not None
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_", "OPENROUTER_"))}
        upstream = None
        if setup.upstream == "emulator-bedrock":
            upstream = stack.enter_context(RunningEmulator()).base_url("bedrock")
        if setup.server == "litellm":
            config = _litellm_config(setup, port, folder, upstream)
            env.update({"LITELLM_LOCAL_MODEL_COST_MAP": "True", "PYTHONPATH": str(folder)})
            if setup.root_path:
                env["SERVER_ROOT_PATH"] = setup.root_path
            argv = [binary, "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
        elif setup.server == "aimock":
            (folder / "claude.json").write_text(json.dumps(_AIMOCK_FIXTURE), encoding="utf-8")
            env["AIMOCK_API_KEYS"] = AIMOCK_KEY
            argv = [binary, "-p", str(port), "-h", "127.0.0.1", "-f", str(folder)]
        else:
            spec = SPECS / ("anthropic-openapi.tryAGI.json" if setup.server == "prism-anthropic"
                            else "openrouter-openapi.yaml")
            argv = [binary, "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]
        log = (folder / "server.log").open("wb")
        proc = subprocess.Popen(argv, cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(port, proc)
            if setup.server == "litellm":
                time.sleep(1.0)  # it listens a moment before its routes are mounted
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()


def argv_for(setup: Setup, case: Case, port: int, profile: str, report_dir: Path) -> list[str]:
    argv = ["check", "--provider", setup.provider, "--base-url",
            f"http://127.0.0.1:{port}{setup.base_path if case.base_path is None else case.base_path}", "--model",
            case.model or setup.model,
            "--auth", setup.auth, "--api-key-env", "THIRD_PARTY_KEY", "--profile", profile, "--retries", "0",
            "--report-dir", str(report_dir), "--format", "json"]
    if setup.gateway_flag:
        argv.append("--gateway")
    for header in case.headers:
        argv += ["--header", header]
    return argv


def outcome_of(setup: Setup, case: Case, profile: str, report: dict[str, object]) -> Outcome:
    diagnoses = [d for d in report["diagnoses"] if d["root"]]  # type: ignore[attr-defined]
    failed = {c["id"]: c.get("cause", "") for c in report["checks"] if c["status"] == "failed"}  # type: ignore[attr-defined]
    return Outcome(setup.id, case.name, profile, report["summary"]["exit_code"],  # type: ignore[index]
                   diagnoses[0]["cause"] if diagnoses else None, failed,
                   case.full if profile == "full" else case.smoke)


def run_setup(setup: Setup, record_root: Path | None, version: str) -> list[Outcome]:
    from harness.cli import main

    outcomes = []
    with running(setup) as port, tempfile.TemporaryDirectory() as tmp:
        for case in setup.cases:
            for profile in ("smoke", "full"):
                report_dir = Path(tmp) / f"{case.name}-{profile}"
                argv = argv_for(setup, case, port, profile, report_dir)
                folder = None
                if record_root is not None:
                    folder = record_root / setup.id / f"{case.name}-{profile}"
                    shutil.rmtree(folder, ignore_errors=True)
                    argv += ["--record", str(folder)]
                os.environ["THIRD_PARTY_KEY"] = case.key or setup.key
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
                    code = main(argv)
                if not (report_dir / "report.json").is_file():
                    raise RuntimeError(f"{setup.id} {case.name}: exit {code} without a report: {err.getvalue()}")
                report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
                outcome = outcome_of(setup, case, profile, report)
                outcomes.append(outcome)
                if folder is not None:
                    meta = {"server": version, "setup": setup.id, "case": case.name, "profile": profile,
                            "expected": asdict(outcome.expected)}
                    (folder / "case.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    os.environ.pop("THIRD_PARTY_KEY", None)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", type=Path, help="write scrubbed recordings and expectations under this folder")
    parser.add_argument("--only", action="append", default=[], help="run only these set-up ids")
    args = parser.parse_args(argv)
    missing = missing_servers()
    outcomes: list[Outcome] = []
    for setup in SETUPS:
        if args.only and setup.id not in args.only:
            continue
        if setup.server in missing:
            print(f"skip {setup.id}: {missing[setup.server]}")
            continue
        version = server_version(setup.server)
        print(f"== {setup.id} ({version})", flush=True)
        outcomes += run_setup(setup, args.record, version)
    wrong = 0
    for o in outcomes:
        mark = "ok   " if o.correct else "WRONG"
        wrong += not o.correct
        extra = f"  unreviewed findings: {o.unexplained}" if o.unexplained else ""
        print(f"{mark} {o.setup:<20} {o.case:<15} {o.profile:<5} exit {o.exit_code} root {o.root} "
              f"(expected exit {o.expected.exit_code}, {o.expected.root}){extra}")
    print(f"{len(outcomes) - wrong} passed, {wrong} failed")
    return 1 if wrong or not outcomes else 0


if __name__ == "__main__":
    sys.exit(main())
