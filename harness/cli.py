"""The command line: the parser and the dispatch to harness.commands, which is imported only when a
command runs (so `--help` stays fast)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import constants, retry
from .errors import HarnessError
from .providers import AUTH_MODES, PROVIDERS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claude-harness",
        description="Connectivity and conformance checks for Claude through "
        + ", ".join(spec.display_name for spec in PROVIDERS.values()) + ".",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {constants.VERSION}")
    sub = parser.add_subparsers(dest="command", required=True)
    parser.set_defaults(subcommands=sub.choices)  # main() names the subcommand an unknown flag was given to

    check = sub.add_parser("check", help="run the checks against one or more targets and write reports")
    check.add_argument("--provider", help=f"one of: {', '.join(PROVIDERS)}")
    check.add_argument("--base-url", help="endpoint root, e.g. https://RES.services.ai.azure.com/anthropic")
    check.add_argument("--resource", help="Foundry resource name (instead of --base-url)")
    check.add_argument("--region", help="Bedrock: AWS region; Vertex: location (global, us, eu or a region)")
    check.add_argument("--workspace-id", help="Claude Platform on AWS: the workspace id (wrkspc_…; also "
                       "ANTHROPIC_AWS_WORKSPACE_ID), sent as anthropic-workspace-id")
    check.add_argument("--project", help="Vertex: Google Cloud project id (default: the one ADC resolves)")
    check.add_argument("--model", help="model id, or the Foundry deployment name")
    check.add_argument("--auth", help=f"one of: {', '.join(AUTH_MODES)}")
    check.add_argument("--api-key-env", metavar="VAR", help="environment variable holding the key or token")
    check.add_argument("--entra-scope", help=f"Entra ID token scope (default {constants.DEFAULT_ENTRA_SCOPE})")
    check.add_argument("--anthropic-version", help=f"anthropic-version header (default {constants.ANTHROPIC_VERSION}); "
                       "Bedrock and Vertex: the body's anthropic_version (default bedrock-2023-05-31 / "
                       "vertex-2023-10-16)")
    check.add_argument("--http-referer", help="OpenRouter attribution header HTTP-Referer")
    check.add_argument("--x-title", help="OpenRouter attribution header X-Title")
    check.add_argument("--header", action="append", default=[], metavar="NAME:VALUE", help="extra request header")
    check.add_argument("--profile", choices=("smoke", "full", "features"), default="smoke",
                       help="smoke (default), full (conformance too), or features (smoke, then the common features)")
    check.add_argument("--features", metavar="LIST",
                       help="also check these features, comma-separated (tools, thinking, caching, …; see "
                            "docs/features.md); each is a check feature.<name>")
    check.add_argument("--config", type=Path, help="TOML file with [[targets]]")
    check.add_argument("--matrix", action="store_true",
                       help="also compare every target side by side: verdict, first byte, first text, tokens/s, "
                            "and input_tokens of each model family across hosts")
    check.add_argument("--claude-code", action="store_true",
                       help="check what Claude Code would use here: its variables and settings files")
    check.add_argument("--claude-settings", type=Path, metavar="FILE",
                       help="with --claude-code: one more settings file, as Claude Code's --settings")
    check.add_argument("--run-helpers", action="store_true",
                       help="with --claude-code: run apiKeyHelper (never run otherwise)")
    check.add_argument("--claude-code-mode", choices=("print", "interactive"), default="print",
                       help="with --claude-code: the models claude -p calls (print, the default) or an interactive "
                            "session's (adds the background haiku model)")
    check.add_argument("--emulator", action="store_true", help="start the built-in emulator and check against it")
    check.add_argument("--mocked", action="store_true", help="like --emulator, in-process: no socket at all")
    check.add_argument("--fault", action="append", default=[], metavar="NAME",
                       help="with --emulator/--mocked: break the emulated targets this way (repeatable)")
    check.add_argument("--report-dir", type=Path, default=Path(constants.DEFAULT_REPORT_DIR))
    check.add_argument("--timeout", type=float,
                       help=f"per-request timeout in seconds (default {constants.DEFAULT_TIMEOUT_S:g})")
    check.add_argument("--max-tokens", type=int,
                       help=f"max_tokens of billable probes (default {constants.DEFAULT_MAX_TOKENS})")
    check.add_argument("--allow-insecure-http", action="store_true", help="allow plain http to a non-loopback host")
    check.add_argument("--gateway", action="store_true",
                       help="the endpoint is a compatible gateway (LiteLLM proxy, API Management, …), not the "
                            "provider: provider-only expectations become warnings and any URL path is accepted")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="no live progress line (it is shown only on a terminal, on standard error)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="what to print: the summary, the report JSON, or GitHub Actions annotations and a "
                            "job summary (also appended to $GITHUB_STEP_SUMMARY)")
    check.add_argument("--concurrency", type=int, default=32, help="targets probed at once (default 32)")
    check.add_argument("--per-deployment", type=int, default=4,
                       help="requests in flight at once to one host, model and credential, which is what providers "
                            "rate-limit; every request of a target counts (default 4)")
    check.add_argument("--per-host", type=int, default=None,
                       help="also cap the requests in flight at once per host (default: no cap)")
    check.add_argument("--retries", type=int, default=None,
                       help=f"retries for 429/529/5xx/connection errors (default {retry.DEFAULT_RETRIES}; "
                            "0 with --emulator/--mocked)")
    check.add_argument("--max-retry-wait", type=float, default=retry.DEFAULT_MAX_WAIT_S, metavar="S",
                       help="longest retry-after to honour; a longer one is not retried (default 30)")
    check.add_argument("--deadline", type=float, metavar="S", help="end the whole run after S seconds, with a report")
    check.add_argument("--max-billable-calls", type=int, metavar="N", help="refuse a plan with more billable calls")
    check.add_argument("--max-output-tokens", type=int, metavar="N",
                       help="refuse a plan that could generate more output tokens")
    check.add_argument("--ca-bundle", type=Path, metavar="FILE",
                       help="CA bundle for TLS verification (default: SSL_CERT_FILE / REQUESTS_CA_BUNDLE / system)")
    check.add_argument("--insecure", action="store_true", help="turn TLS verification off (shown in the report)")
    check.add_argument("--record", type=Path, metavar="DIR",
                       help="also write what was observed to DIR as fixtures (scrubbed) for later --replay runs")
    check.add_argument("--replay", type=Path, metavar="DIR",
                       help="check the targets recorded in DIR against their recorded answers (no network)")
    check.add_argument("--otlp-endpoint", metavar="URL",
                       help="also export a span per target and GenAI client metrics over OTLP/HTTP to URL (default: "
                            "OTEL_EXPORTER_OTLP_ENDPOINT when set; needs the extra [otel])")
    check.add_argument("--strict", action="store_true",
                       help="warnings fail the run: exit 1 instead of 0 (TOML: strict = true)")
    check.add_argument("--slow-seconds", type=float, default=3.0, help=argparse.SUPPRESS)

    emulate = sub.add_parser("emulate", help="serve the provider emulator on 127.0.0.1")
    emulate.add_argument("--port", type=int, default=8765,
                         help="port (default 8765; 0 picks a free one and prints it)")
    emulate.add_argument("--host", default="127.0.0.1",
                         help="address to serve on (default 127.0.0.1; anything else is reachable by others and "
                              "is warned about)")
    emulate.add_argument("--latency", type=float, default=0.0, metavar="MS",
                         help="wait this long before every answer (default 0; per request: x-emulator-latency-ms)")
    emulate.add_argument("--tokens-per-second", type=float, default=0.0, metavar="N",
                         help="pace streams at N events a second (default: as fast as possible; per request: "
                              "x-emulator-tokens-per-second)")
    emulate.add_argument("--log", type=Path, metavar="FILE",
                         help="append one JSON line per request (method, path, status, duration; never headers)")
    emulate.add_argument("--fault", action="append", default=[], metavar="NAME",
                         help="break every request this way (repeatable; the start-up banner lists the faults; "
                              "per request: header x-emulator-fault)")
    emulate.add_argument("--slow-seconds", type=float, default=3.0, metavar="S",
                         help="how long the slow-first-byte and slow-stream faults wait (default 3)")
    emulate.add_argument("--mock-server", action="store_true",
                         help="answer as the API's mock server does, for test suites written against one: unknown "
                              "batch, file and model ids get a synthesized object, request rules are off "
                              "(default: answer as the real API)")

    from .serve.command import add_arguments as serve_arguments

    serve_arguments(sub.add_parser("serve", help="a Prometheus exporter: GET /probe?target=NAME&module=MODULE"))

    models = sub.add_parser("models", help="the Claude model lifecycle table: status, retirement date, replacement")
    models.add_argument("--provider", default=None, choices=list(PROVIDERS),
                        help="one platform's ids (default: every platform)")
    models.add_argument("--as-of", metavar="YYYY-MM-DD", help="judge the dates as of this day (default: today, UTC)")
    models.add_argument("--check-staleness", action="store_true",
                        help="exit 1 when the data was last checked more than --max-age-days before --as-of")
    models.add_argument("--max-age-days", type=int, default=None, metavar="N",
                        help="with --check-staleness: the oldest acceptable check (default 120)")

    explain = sub.add_parser("explain", help="diagnose a pasted error offline")
    explain.add_argument("text", nargs="?", help="the error text; read from standard input when absent")
    explain.add_argument("--provider", default=None, choices=list(PROVIDERS),
                         help="the provider the error came from (default: unknown; every provider's steps are shown)")
    explain.add_argument("--auth", default=None, choices=list(AUTH_MODES))
    explain.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def _models(args: argparse.Namespace) -> int:
    from .lifecycle_table import models_command

    return models_command(args.provider, as_of=args.as_of, check_staleness=args.check_staleness,
                          max_age_days=args.max_age_days)


def _explain(args: argparse.Namespace) -> int:
    from .explain import explain_text, render_explanation

    if args.text is None and sys.stdin.isatty():
        print("Paste the error (status line, headers, body or an SDK exception), then press Ctrl-D:",
              file=sys.stderr)
    text = args.text if args.text is not None else sys.stdin.read()
    if not text.strip():
        raise HarnessError("Nothing to explain.", fix="Pass the error text as an argument or on standard input.")
    result = explain_text(text, provider=args.provider, auth=args.auth)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        print(render_explanation(result), end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # a subcommand's unknown flag: its own usage, not the top level's
        given = list(sys.argv[1:] if argv is None else argv)
        before = given.index(args.command) if args.command in given else len(given)
        if any(flag in given[:before] for flag in unknown):
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        parser.get_default("subcommands")[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    written: list[Path] = []  # report files this run has written, so Ctrl-C knows whether one is still owed
    try:
        if args.command == "explain":
            return _explain(args)
        if args.command == "models":
            return _models(args)
        from . import commands  # the emulator and the HTTP stack: only when a command needs them

        if args.command == "check":
            with _no_leftovers(args.report_dir, getattr(args, "record", None)):
                return commands.check(args, dict(os.environ), written=written)
        if args.command == "serve":
            from .serve.command import serve

            return serve(args, dict(os.environ))
        return commands.emulate(args)
    except HarnessError as exc:
        tag = f" [{exc.cause}]" if exc.cause else ""
        print(f"claude-harness: error{tag}: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `claude-harness models | head -1`: the reader left; end quietly, as Unix tools do
        _stdout_to_devnull()
        return 128 + 13  # SIGPIPE, as a shell reports a tool that died of it
    except KeyboardInterrupt:
        print("claude-harness: interrupted", file=sys.stderr)
        if args.command == "check" and not written:
            _write_interrupted_report(args.report_dir)
        return 130


def _stdout_to_devnull() -> None:
    """Point standard output at /dev/null so that the interpreter's final flush does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _write_interrupted_report(report_dir: Path) -> None:
    """Ctrl-C before the run got going (while starting up): every format is still written, marked incomplete."""
    with contextlib.suppress(Exception, KeyboardInterrupt):
        from .commands import write_interrupted_report

        write_interrupted_report(report_dir)


@contextlib.contextmanager
def _no_leftovers(*paths: Path | None) -> Iterator[None]:
    """A run that ends in a usage or configuration error leaves no directory it created behind."""
    missing = [p for p in paths if p is not None and not p.exists()]
    try:
        yield
    except HarnessError:
        for path in missing:
            with contextlib.suppress(OSError):
                path.rmdir()  # only if still empty: nothing half-written is removed by accident
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
