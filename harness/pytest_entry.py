"""The pytest11 entry point: options only, inert until one of them is used.

Every pytest session in an environment where claude-harness is installed loads this module, so it imports
nothing of the harness beyond itself and the provider registry (plain data), and prints nothing. The runtime
(harness/pytest_plugin.py: targets, fixtures, reports) is registered only when a --harness-… option is given or
our suites are collected (their conftest.py asks for it), so a project's own `suites/` or `harness.py` never
wakes it.
"""

from __future__ import annotations

from importlib import import_module

import pytest

from .providers import PROVIDERS  # the one registry (pure data: no HTTP stack), as the CLI's --provider takes

RUNTIME = "claude-harness-runtime"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claude-harness", "claude-harness targets (each mirrors a `claude-harness check` flag)")
    add = group.addoption
    add("--harness-config", metavar="FILE", help="TOML file with [[targets]] (check --config)")
    add("--harness-provider", choices=list(PROVIDERS), help="provider of a single target")
    add("--harness-base-url", metavar="URL", help="endpoint root of a single target")
    add("--harness-resource", metavar="NAME", help="Foundry resource name (instead of --harness-base-url)")
    add("--harness-region", metavar="REGION", help="Bedrock: AWS region; Vertex: location")
    add("--harness-project", metavar="PROJECT", help="Vertex: Google Cloud project id")
    add("--harness-workspace-id", metavar="ID", help="Claude Platform on AWS: the workspace id (wrkspc_…; also "
        "ANTHROPIC_AWS_WORKSPACE_ID)")
    add("--harness-model", help="model id or Foundry deployment name")
    add("--harness-auth", help="api-key, x-api-key, bearer or entra")
    add("--harness-api-key-env", metavar="VAR", help="variable holding the key")
    add("--harness-entra-scope", metavar="SCOPE", help="Entra ID token scope")
    add("--harness-anthropic-version", metavar="V", help="anthropic-version header")
    add("--harness-header", action="append", default=[], metavar="NAME:VALUE",
        help="extra request header (repeatable; NAME:env:VAR reads a secret value from VAR)")
    add("--harness-gateway", action="store_true", default=None,
        help="the endpoint is a compatible gateway: provider-only expectations become warnings")
    add("--harness-allow-insecure-http", action="store_true", default=None,
        help="allow plain http to a host other than this machine")
    add("--harness-timeout", type=float, metavar="S", help="per-request timeout in seconds")
    add("--harness-max-tokens", type=int, metavar="N", help="max_tokens of billable probes")
    add("--harness-retries", type=int, metavar="N", help="retries for 429/529/5xx/connection errors (default 2)")
    add("--harness-max-retry-wait", type=float, metavar="S", help="longest retry-after to honour (default 30)")
    add("--harness-deadline", type=float, metavar="S", help="stop probing after S seconds; the rest is skipped")
    add("--harness-concurrency", type=int, metavar="N",
        help="probe up to N targets at once when the first suite test starts (not with pytest-xdist's -n)")
    add("--harness-max-billable-calls", type=int, metavar="N", help="refuse a plan with more billable calls")
    add("--harness-max-output-tokens", type=int, metavar="N", help="refuse a plan that could generate more")
    add("--harness-ca-bundle", metavar="FILE", help="CA bundle for TLS verification")
    add("--harness-insecure", action="store_true", default=None, help="turn TLS verification off")
    add("--harness-emulator", action="store_true", default=None, help="check the built-in emulator (loopback)")
    add("--harness-mocked", action="store_true", default=None, help="check the emulator in-process (no socket)")
    add("--harness-fault", action="append", default=[], metavar="NAME", help="emulator fault (repeatable)")
    add("--harness-report-dir", metavar="DIR", help="write report.json (and the other formats) here at the end")
    add("--harness-profile", choices=("smoke", "full"), default=None,
        help="smoke: prove it works; full: also validate schemas, streams, usage, headers, errors")
    add("--harness-transient", choices=("fail", "xfail"), default=None,
        help="what a transient failure (429, 529, overload) is under pytest: fail (default) or xfail, as exit 3 "
             "lets a pipeline warn instead of fail")
    add("--harness-strict", action="store_true", default=None,
        help="warnings fail: a suite test whose check ends in a warning fails, as `check --strict` exits 1")
    add("--harness-require-live", action="store_true", default=None,
        help="fail (usage error) instead of skipping when no target or credential is configured")


def used(config: pytest.Config) -> bool:
    """Was an option of ours given?"""
    return any(name.startswith("harness_") and value not in (None, [], False)
               for name, value in vars(config.option).items())


def activate(config: pytest.Config) -> None:
    """Register the runtime (targets, fixtures, reports) once; our suites' conftest calls this too."""
    if not config.pluginmanager.has_plugin(RUNTIME):
        config.pluginmanager.register(import_module(".pytest_plugin", __package__), RUNTIME)


def pytest_configure(config: pytest.Config) -> None:
    if used(config):
        activate(config)
