"""The commands behind the command line: check, emulate, explain.

Kept apart from the parser (harness/cli.py) so that `--help` and `explain` do not import the emulator, the HTTP
stack or the JSON Schema validator. Only this module (and the pytest plugin) prints or writes files.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from . import retry
from .cloud_credentials import EMULATOR_ACCESS_KEY
from .config import build_targets, infer_providers, load_toml_targets, no_target_error, sdk_target, toml_strict
from .emulated import IN_PROCESS_BASES, emulated_providers, emulated_targets
from .emulator import FAULTS, EmulatorSettings, RunningEmulator, create_app, fault_applies, unknown_faults
from .emulator.inprocess import StreamingASGITransport
from .emulator.tokens import in_process_credential
from .errors import HarnessError
from .providers import PROVIDERS
from .report import render_github, render_markdown, render_terminal, renderings
from .report.writer import prepare_report_dir, write_report
from .runner import RunOptions, interrupted_report, mark_interrupted, run_and_report


def _flag_target(args: argparse.Namespace) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for key in ("provider", "base_url", "resource", "region", "project", "model", "auth", "api_key_env", "entra_scope",
                "anthropic_version", "http_referer", "x_title", "timeout", "max_tokens", "features",
                "workspace_id"):
        value = getattr(args, key, None)
        if value is not None:
            raw[key] = value
    if args.allow_insecure_http:
        raw["allow_insecure_http"] = True
    if args.gateway:
        raw["gateway"] = True
    headers: dict[str, str] = {}
    for item in args.header:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise HarnessError(f"--header {item!r} is not NAME:VALUE.")
        headers[name.strip()] = value.strip()
    if headers:
        raw["headers"] = headers
    return raw


def _options(args: argparse.Namespace, env: Mapping[str, str], *, emulated: bool) -> RunOptions:
    for flag, value, minimum in (("--concurrency", args.concurrency, 1), ("--per-host", args.per_host, 1),
                                 ("--per-deployment", args.per_deployment, 1),
                                 ("--retries", args.retries, 0), ("--max-retry-wait", args.max_retry_wait, 0),
                                 ("--deadline", args.deadline, 0.001), ("--timeout", args.timeout, 0.001),
                                 ("--max-billable-calls", args.max_billable_calls, 0),
                                 ("--max-output-tokens", args.max_output_tokens, 0),
                                 ("--max-tokens", args.max_tokens, 1)):
        if value is not None and value < minimum:
            raise HarnessError(f"{flag} must be at least {minimum:g}, got {value:g}.")
    if args.insecure and args.ca_bundle:
        raise HarnessError("--insecure and --ca-bundle contradict each other.", fix="Pick one.")
    verify: bool | str = True
    if args.insecure:
        verify = False
    elif args.ca_bundle or env.get("SSL_CERT_FILE") or env.get("REQUESTS_CA_BUNDLE"):
        bundle = Path(args.ca_bundle or env.get("SSL_CERT_FILE") or env.get("REQUESTS_CA_BUNDLE", ""))
        source = "--ca-bundle" if args.ca_bundle else (
            "SSL_CERT_FILE" if env.get("SSL_CERT_FILE") else "REQUESTS_CA_BUNDLE")
        if not bundle.is_file():
            raise HarnessError(f"The CA bundle {bundle} ({source}) is not a readable file.", fix=f"Fix {source}.")
        verify = str(bundle)
    retries = args.retries if args.retries is not None else (0 if emulated else retry.DEFAULT_RETRIES)
    progress = None
    if not getattr(args, "quiet", True) and sys.stderr.isatty():
        from .progress import TerminalProgress

        progress = TerminalProgress(total=0)
    return RunOptions(progress=progress,
        profile=args.profile, concurrency=args.concurrency, per_host=args.per_host,
        per_deployment=args.per_deployment, retries=retries,
        max_retry_wait_s=args.max_retry_wait, deadline_s=args.deadline, verify=verify,
        max_billable_calls=args.max_billable_calls, max_output_tokens=args.max_output_tokens,
        on_plan=lambda lines: print("\n".join(f"claude-harness: {line}" for line in lines), file=sys.stderr),
    )


def write_interrupted_report(report_dir: Path, mode: str = "live") -> None:
    prepare_report_dir(report_dir)
    report = interrupted_report(mode)
    with _sigint_deferred():
        write_report(report_dir, report, renderings(report))


def check(args: argparse.Namespace, env: Mapping[str, str], written: list[Path] | None = None) -> int:
    stray = [flag for flag, given in (("--claude-settings", args.claude_settings is not None),
                                      ("--run-helpers", args.run_helpers)) if given]
    if stray and not args.claude_code:  # never fall back to auto-detection, which would send to other endpoints
        raise HarnessError(f"{' and '.join(stray)} only apply to Claude Code's configuration.",
                           fix="Add --claude-code, or drop " + " and ".join(stray) + ".")
    if args.fault and not (args.emulator or args.mocked):
        raise HarnessError("--fault only applies to the built-in emulator.", fix="Add --emulator (or --mocked).")
    if args.emulator and args.mocked:
        raise HarnessError("--emulator and --mocked are alternatives.", fix="Pick one.")
    bad = unknown_faults(args.fault)
    if bad:
        raise HarnessError(f"Unknown fault(s): {', '.join(bad)}.", fix=f"Known faults: {', '.join(FAULTS)}.")
    report_dir = prepare_report_dir(args.report_dir)
    emulated = args.emulator or args.mocked
    if args.replay is not None and (emulated or args.config or args.provider or args.record):
        raise HarnessError("--replay checks a recording on its own.",
                           fix="Drop --emulator, --mocked, --config, --provider and --record.")
    if args.record is not None:
        _prepare_record_dir(args.record)
    options = _options(args, env, emulated=emulated or args.replay is not None)
    if args.claude_code and (emulated or args.config or args.replay is not None or args.provider):
        raise HarnessError("--claude-code reads the target from Claude Code's own configuration.",
                           fix="Drop --provider, --config, --emulator, --mocked and --replay.")
    telemetry = _telemetry(args, env)
    started_ns = time.time_ns()
    if telemetry is not None:
        options = dataclasses.replace(options, on_runs=lambda runs: telemetry.runs(runs, args.profile, started_ns))
    try:
        return _check(args, env, options, report_dir, emulated, written)
    finally:
        if telemetry is not None:
            telemetry.close()


def _telemetry(args: argparse.Namespace, env: Mapping[str, str]) -> Any:
    """OpenTelemetry export for this run (--otlp-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT), or None."""
    from .serve.otel import telemetry_from

    telemetry, warning = telemetry_from(getattr(args, "otlp_endpoint", None), env)
    if warning:
        print(f"claude-harness: warning: {warning}", file=sys.stderr)
    return telemetry


def _check(args: argparse.Namespace, env: Mapping[str, str], options: RunOptions, report_dir: Path,
           emulated: bool, written: list[Path] | None) -> int:
    try:
        if args.claude_code:
            report = _check_claude_code(args, env, options)
        elif args.replay is not None:
            report = _check_replay(args, env, options)
        else:
            report = _check_emulated(args, env, options) if emulated else _check_live(args, env, options)
    except KeyboardInterrupt:  # before any target ran (a run interrupted mid-way is reported by the runner)
        report = interrupted_report(_mode_of(args))
    if options.verify is False:
        report.setdefault("notes", []).append("TLS verification was turned off (--insecure)")
    if getattr(args, "strict", False) or (args.config is not None and toml_strict(args.config)):
        from .report import apply_strict

        apply_strict(report)
    if args.matrix:
        from .report.matrix import build_matrix

        report["matrix"] = build_matrix(report)
    with _sigint_deferred():  # a second Ctrl-C must not leave a report half-written
        files = write_report(report_dir, report, renderings(report))
    if written is not None:
        written.extend(files)
    if args.format == "json":
        print(json.dumps(report, indent=2))
    elif args.format == "github":
        print(render_github(report), end="")
        summary_file = env.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            try:
                with open(summary_file, "a", encoding="utf-8") as handle:
                    handle.write(render_markdown(report))
            except OSError as exc:
                print(f"::warning title=claude-harness::GITHUB_STEP_SUMMARY {summary_file} cannot be written "
                      f"({exc.strerror or exc}); the report is in {report_dir}", file=sys.stderr)
    else:
        print(render_terminal(report, report_dir=str(report_dir)), end="")
    return int(report["summary"]["exit_code"])


def _mode_of(args: argparse.Namespace) -> str:
    if args.mocked or args.replay is not None:
        return "mocked"
    return "emulator" if args.emulator else "live"


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold Ctrl-C while the report files are written; it takes effect right after."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt


def _prepare_record_dir(path: Path) -> None:
    """An empty or new folder is used; an earlier recording is replaced (when this run writes its own);
    anything else is refused before anything is sent."""
    if path.exists() and not path.is_dir():
        raise HarnessError(f"Record directory {path} exists and is a file.", fix="Pass another --record DIR.")
    if path.is_dir():
        entries = list(path.iterdir())
        if any(not (e.is_dir() and (e / "target.json").is_file()) for e in entries):
            raise HarnessError(f"Record directory {path} is not empty and does not hold a recording.",
                               fix="Pass a new or empty --record DIR.")

    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HarnessError(f"Record directory {path} cannot be created ({exc.strerror or exc}).") from None


def _check_replay(args: argparse.Namespace, env: Mapping[str, str], options: RunOptions) -> dict[str, Any]:
    from .replay import REPLAY_AWS_ENV, REPLAY_KEY_ENV, recorded_targets, recordings_transport

    if not args.replay.is_dir():
        raise HarnessError(f"{args.replay} is not a directory.", fix="Pass the DIR given to --record.")
    replay_env = {**env, REPLAY_KEY_ENV: "replayed-key-0000", **REPLAY_AWS_ENV}
    targets = build_targets(recorded_targets(args.replay), replay_env)
    transport = recordings_transport(targets, args.replay)
    factory = in_process_credential(EmulatorSettings())
    return run_and_report(targets, mode="mocked", options=options, transport=transport, credential_factory=factory,
                          notes=[f"replayed from {args.replay}"])


def _check_claude_code(args: argparse.Namespace, env: Mapping[str, str], options: RunOptions) -> dict[str, Any]:
    """The targets Claude Code would call, from its variables and settings files, each with its provenance."""
    from .claude_code import attach_shapes, parse_settings, plan, resolve, settings_paths
    from .claude_code_network import network_settings, prepared

    home = Path(env.get("HOME") or Path.home())
    files = []
    for label, path in settings_paths(home, Path.cwd(), env, args.claude_settings):
        if path.is_file():
            try:
                files.append(parse_settings(label, path.read_text(encoding="utf-8")))
            except OSError as exc:
                raise HarnessError(f"Claude Code settings file {path} cannot be read ({exc.strerror}).") from None
        elif args.claude_settings is not None and path == args.claude_settings:
            raise HarnessError(f"--claude-settings {path} does not exist.", fix="Check the path.")
    resolved = resolve(env, files)
    helper_output = None
    if args.run_helpers and resolved.settings.get("apiKeyHelper") is not None:
        helper_output = _run_api_key_helper(resolved.settings["apiKeyHelper"].value)
    from .claude_code_facts import choose, installed_version

    applied = choose(installed_version(env))
    cc = plan(resolved, helper_output=helper_output, facts=applied.facts,
              mode=getattr(args, "claude_code_mode", "print"))
    merged = {name: value.value for name, value in resolved.values.items()}
    if helper_output is not None:
        merged["CLAUDE_HARNESS_API_KEY_HELPER_OUTPUT"] = helper_output
    flags = _flag_target(args)
    targets = attach_shapes(build_targets([_apply_flags(raw, flags) for raw in cc.raws], merged), cc, merged)
    files_read = ", ".join(f.label for f in files) or "none"
    warning = applied.warning()
    notes = [f"Claude Code configuration: settings files read: {files_read}", *applied.notes(),
             *([f"warning: {warning}"] if warning else []), *cc.notes]
    for note in notes[1:]:  # the plan as Claude Code would run it, before anything is sent
        print(note, file=sys.stdout if args.format == "text" else sys.stderr)  # --format json stays JSON
    net = network_settings({name: (v.value, v.source) for name, v in resolved.values.items()})  # docs/proxies.md
    with prepared(net, options) as net_options:
        report = run_and_report(targets, mode="live", options=net_options, record_to=args.record,
                                notes=notes + net.notes)
    for target in report["targets"]:
        target["provenance"] = cc.provenance.get(target["id"], []) + next(
            (t.claude_code_shape.describe() for t in targets if t.id == target["id"] and t.claude_code_shape),
            []) + net.provenance
    return report


def _run_api_key_helper(command: str) -> str:
    """Run Claude Code's apiKeyHelper (only with --run-helpers) and check its output as Claude Code does."""
    import subprocess

    try:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        raise HarnessError("apiKeyHelper did not finish within 30 s.", fix="Fix the helper script.") from None
    output = done.stdout.strip()
    if done.returncode != 0 or not output or len(output) > 16384 or not output.isprintable() or " " in output:
        raise HarnessError(f"apiKeyHelper failed (exit {done.returncode}) or printed something that is not a single "
                           "token.", fix="Claude Code needs one printable token on standard output and exit 0.",
                           cause="config.missing-credentials")
    return output


def _check_live(args: argparse.Namespace, env: Mapping[str, str], options: RunOptions) -> dict[str, Any]:
    flags = _flag_target(args)
    if args.config is not None:
        if any(k in flags for k in ("provider", "base_url", "resource", "model", "auth", "api_key_env")):
            raise HarnessError("--config and per-target flags (--provider, --base-url, ...) are alternatives.",
                               fix="Put the settings in the TOML file, or drop --config.")
        raws = [_apply_flags(raw, flags) for raw in load_toml_targets(args.config)]
    elif "provider" in flags:
        raws = [flags]
    else:
        providers = infer_providers(env)
        if not providers:
            raise no_target_error()
        raws, provenance = [], {}
        for name in providers:
            raw, why = sdk_target(PROVIDERS[name], env)
            raws.append({**raw, **flags})
            provenance[name] = why
        report = run_and_report(build_targets(raws, env), mode="live", options=options, record_to=args.record)
        for target in report["targets"]:
            target["provenance"] = provenance.get(target["id"], [])
        return report
    targets = build_targets(raws, env, source=args.config)
    return run_and_report(targets, mode="live", options=options, record_to=args.record)


# Flags that set how a target is checked (not which target): with --config they apply to every target of the
# file and override its value; --header adds headers (a flag's header wins over the file's of the same name).
SETTING_FLAGS = ("timeout", "max_tokens", "entra_scope", "anthropic_version", "http_referer", "x_title",
                 "allow_insecure_http", "gateway", "features")


def _apply_flags(raw: dict[str, Any], flags: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(raw)
    out.update({key: flags[key] for key in SETTING_FLAGS if key in flags})
    if flags.get("headers"):
        file_headers: dict[str, Any] = raw["headers"] if isinstance(raw.get("headers"), dict) else {}
        names = {str(n).lower() for n in flags["headers"]}
        out["headers"] = {**{n: v for n, v in file_headers.items() if str(n).lower() not in names},
                          **flags["headers"]}
    return out


def _check_emulated(args: argparse.Namespace, env: Mapping[str, str], options: RunOptions) -> dict[str, Any]:
    flags = _flag_target(args)
    if args.config is not None or "base_url" in flags or "resource" in flags:
        raise HarnessError("--emulator picks its own endpoints.", fix="Drop --config, --base-url and --resource.")
    faults = frozenset(args.fault)
    settings = EmulatorSettings(faults=faults, slow_seconds=args.slow_seconds)
    notes = [f"emulated fault(s): {', '.join(sorted(faults))}"] if faults else []
    if args.mocked:
        targets = emulated_targets(IN_PROCESS_BASES, flags, env, faults=faults, in_process=True)
        transport = StreamingASGITransport(create_app(settings))
        factory = in_process_credential(settings)
        return run_and_report(targets, mode="mocked", transport=transport, credential_factory=factory, notes=notes,
                              options=options, record_to=args.record)
    emulated_providers(faults, flags)  # fail with a clear message before starting a server
    report: dict[str, Any] | None = None
    try:
        with RunningEmulator(settings) as emu, _identity_env(emu):
            bases = {p: emu.base_url(p) for p in PROVIDERS}
            targets = emulated_targets(bases, flags, env, faults=faults)
            notes.append(f"emulator served on {emu.url}")
            report = run_and_report(targets, mode="emulator", notes=notes, options=options, record_to=args.record)
    except KeyboardInterrupt:
        if report is None:
            raise
        mark_interrupted(report)  # the checks had finished; Ctrl-C came while the emulator was stopping
    return report


@contextlib.contextmanager
def _identity_env(emu: RunningEmulator) -> Iterator[None]:
    """Point azure-identity's managed-identity step at the emulator for the duration of the run."""
    saved = {k: os.environ.get(k) for k in ("IDENTITY_ENDPOINT", "IDENTITY_HEADER")}
    os.environ["IDENTITY_ENDPOINT"] = emu.identity_endpoint
    os.environ["IDENTITY_HEADER"] = emu.settings.identity_header
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def is_loopback_host(host: str) -> bool:
    import ipaddress

    return host == "localhost" or ipaddress.ip_address(host).is_loopback


def _bind(host: str, port: int) -> Any:
    """Bind before printing anything that says the emulator is running (a busy port is a clear error)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if port == 0 or exc.errno not in (98, 48):  # EADDRINUSE on Linux / macOS
            raise HarnessError(f"Cannot serve on {host}:{port} ({exc.strerror or exc}).",
                               fix="Pass another --host or --port.") from None
        raise HarnessError(f"Port {port} on {host} is already in use ({exc.strerror or exc}).",
                           fix="Pass another --port (0 picks a free one), or stop what is listening there.") from None
    sock.listen(128)
    return sock


def emulate(args: argparse.Namespace) -> int:
    from .emulator import serve_forever

    bad = unknown_faults(args.fault)
    if bad:
        raise HarnessError(f"Unknown fault(s): {', '.join(bad)}.", fix=f"Known faults: {', '.join(FAULTS)}.")
    if not 0 <= args.port < 65536:
        raise HarnessError(f"--port {args.port} is not a valid port.", fix="Use 1-65535, or 0 for a free one.")
    if args.latency < 0 or args.tokens_per_second < 0 or args.slow_seconds < 0:
        raise HarnessError("--latency, --tokens-per-second and --slow-seconds must not be negative.")
    try:
        loopback = is_loopback_host(args.host)
    except ValueError:
        raise HarnessError(f"--host {args.host!r} is not an IP address.", fix="Use 127.0.0.1 (default).") from None
    log = None
    if args.log is not None:
        try:
            log = open(args.log, "a", encoding="utf-8")  # noqa: SIM115 - closed when serving ends
        except OSError as exc:
            raise HarnessError(f"--log {args.log} cannot be written ({exc.strerror or exc}).") from None
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    if not loopback:
        print(f"claude-harness: warning: serving on {args.host}, not loopback: anyone who can reach "
              f"{args.host}:{port} can use this emulator.", file=sys.stderr)
    settings = EmulatorSettings(faults=frozenset(args.fault), slow_seconds=args.slow_seconds,
                                latency_seconds=args.latency / 1000, tokens_per_second=args.tokens_per_second,
                                mock_server=args.mock_server)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    base = f"http://{shown}:{port}"
    print(f"claude-harness emulator on {base} (Ctrl-C to stop)")
    if settings.mock_server:
        print("  mock-server mode: unknown batch, file and model ids are synthesized; request rules are off")
    served = [spec for spec in PROVIDERS.values() if spec.emulator_mount is not None]
    width = max(len(spec.display_name) for spec in served)
    for spec in served:  # each provider says where it is served and what it accepts there
        if spec.emulator_note:
            note = spec.emulator_note.format(base=base, host=f"{shown}:{port}", access_key=EMULATOR_ACCESS_KEY)
        else:
            signing = f"SigV4 as {spec.signing_name} with the example pair, or " if spec.signing_name else ""
            note = signing + "any API key" + "".join(f"; {h.header} required" for h in spec.header_settings)
        print(f"  {spec.display_name:<{width}}  base URL {base}{spec.emulator_mount}   ({note})")
    print(f"  Managed identity: IDENTITY_ENDPOINT={base}/msi/token IDENTITY_HEADER={settings.identity_header}")
    print("  Faults per request: header 'x-emulator-fault: NAME[,NAME]'; at start-up: --fault NAME")
    for fault in FAULTS.values():
        print(f"    {fault.name:<24} {fault.description}")
    for name in sorted(settings.faults):
        skipped = [p for p in PROVIDERS if not fault_applies(FAULTS[name], p)]
        if skipped:
            print(f"  --fault {name} does not fit {', '.join(skipped)}: requests there are answered as if healthy "
                  "(the --log line names the skipped fault)")
    sys.stdout.flush()
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C (and SIGTERM, via uvicorn) stop it cleanly
            serve_forever(settings, sock, log)
    finally:
        sock.close()
        if log is not None:
            log.close()
    print("claude-harness emulator stopped", flush=True)
    return 0
