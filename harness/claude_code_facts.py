"""Claude Code's observed behaviour per version (claude_code_facts.toml), and which entry applies here.

The data says what a given Claude Code version really sends: default models per provider and tier, start-up
calls, credentials, betas and body features. ``choose`` picks the entry for the installed version (``claude
--version``, asked with a short timeout and never required), or the nearest one with a warning.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_DATA = Path(__file__).with_name("claude_code_facts.toml")
VERSION_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class StartupCall:
    name: str
    method: str
    path: str  # under the base URL ("" is the base URL itself); Bedrock's are under its control plane
    authenticated: bool
    billable: bool
    says: str


@dataclass(frozen=True)
class ProviderFacts:
    main: str  # may hold {geo}: Bedrock's cross-region profile prefix
    credential: str
    query: str
    betas: tuple[str, ...]  # always sent (the model adds its own: see ModelFacts)
    body_betas: tuple[str, ...]
    context_management: bool
    max_tokens: int
    tools: int
    startup: tuple[StartupCall, ...]
    tiers: Mapping[str, str]
    betas_variable: bool = False  # ANTHROPIC_BETAS is appended here
    experimental_betas: tuple[str, ...] = ()  # what CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1 removes
    experimental_body_betas: tuple[str, ...] = ()
    context_1m_default: bool = False  # the unpinned default is the 1M-context variant
    main_tier: str = "sonnet"  # the tier whose model is the main one when ANTHROPIC_MODEL is not set
    main_reported: str | None = None


@dataclass(frozen=True)
class ModelFacts:
    adaptive_thinking: tuple[str, ...]
    effort: Mapping[str, str]
    mid_conversation_system: tuple[str, ...]
    extra_betas: Mapping[str, tuple[str, ...]]
    withheld_betas: Mapping[str, Mapping[str, tuple[str, ...]]]  # provider -> model -> betas not sent


@dataclass(frozen=True)
class Facts:
    version: str
    how: str
    print_calls: tuple[str, ...]
    interactive_calls: tuple[str, ...]
    not_read: Mapping[str, str]
    headers: Mapping[str, str]
    providers: Mapping[str, ProviderFacts]
    models: ModelFacts
    mid_conversation_retry_words: tuple[tuple[str, ...], ...]
    retries: str

    def provider(self, name: str) -> ProviderFacts:
        return self.providers[name]

    def family(self, model: str) -> str:
        """A model id as the model table names it: no cloud prefix, version suffix, date or [1m]."""
        bare = model.split("/")[-1].removesuffix("[1m]").split("@", 1)[0]
        bare = re.sub(r"^(us-gov|us|eu|apac|jp|au|global)\.", "", bare).removeprefix("anthropic.")
        return re.sub(r"(-\d{8})?(-v\d+(:\d+)?)?$", "", bare)

    def adaptive(self, model: str) -> bool:
        return self.family(model) in self.models.adaptive_thinking

    def effort(self, model: str) -> str | None:
        return self.models.effort.get(self.family(model))

    def mid_conversation_system(self, model: str) -> bool:
        return self.family(model) in self.models.mid_conversation_system

    def extra_betas(self, model: str) -> tuple[str, ...]:
        return tuple(self.models.extra_betas.get(self.family(model), ()))

    def withheld_betas(self, provider: str, model: str) -> tuple[str, ...]:
        return tuple(self.models.withheld_betas.get(provider, {}).get(self.family(model), ()))


@dataclass(frozen=True)
class Applied:
    """Which facts a check used, and why."""

    facts: Facts
    installed: str | None  # what `claude --version` said, or None
    exact: bool

    def notes(self) -> list[str]:
        seen = f"Claude Code {self.installed} is installed" if self.installed else \
            "no claude binary answered --version here"
        return [f"Claude Code facts applied: {self.facts.version}'s, observed by {self.facts.how} ({seen})"]

    def warning(self) -> str | None:
        if self.installed is None or self.exact:
            return None
        return (f"Claude Code {self.installed} is outside the observed data (versions "
                f"{', '.join(v.version for v in all_facts())}); predictions use {self.facts.version}'s behaviour "
                "and may differ")


def _parse(entry: Mapping[str, Any]) -> Facts:
    providers = {}
    for name, raw in entry["providers"].items():
        providers[name] = ProviderFacts(
            main=raw["main"], credential=raw["credential"], query=raw["query"], betas=tuple(raw["betas"]),
            body_betas=tuple(raw["body_betas"]),
            context_management=raw["context_management"], max_tokens=raw["max_tokens"], tools=raw["tools"],
            startup=tuple(StartupCall(**call) for call in raw["startup"]), tiers=dict(raw["tiers"]),
            betas_variable=raw["betas_variable"], experimental_betas=tuple(raw["experimental_betas"]),
            experimental_body_betas=tuple(raw.get("experimental_body_betas", ())),
            context_1m_default=raw.get("context_1m_default", False), main_reported=raw.get("main_reported"),
            main_tier=raw.get("main_tier", "sonnet"))
    models = entry["models"]
    return Facts(
        version=entry["version"], how=entry["how"], print_calls=tuple(entry["print_calls"]),
        interactive_calls=tuple(entry["interactive_calls"]), not_read=dict(entry["not_read"]),
        headers=dict(entry["headers"]), providers=providers,
        models=ModelFacts(tuple(models["adaptive_thinking"]), dict(models["effort"]),
                          tuple(models["mid_conversation_system"]),
                          {k: tuple(v) for k, v in models["extra_betas"].items()},
                          {p: {m: tuple(b) for m, b in v.items()} for p, v in models["withheld_betas"].items()}),
        mid_conversation_retry_words=tuple(tuple(p) for p in entry["mid_conversation_retry_words"]),
        retries=entry["retries"])


@cache
def all_facts() -> tuple[Facts, ...]:
    data = tomllib.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(sorted((_parse(e) for e in data["versions"]), key=lambda f: version_key(f.version)))


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def choose(installed: str | None, known: Sequence[Facts] | None = None) -> Applied:
    """The entry for this version, else the newest one not newer than it, else the oldest."""
    entries = list(known or all_facts())
    if installed is None:
        return Applied(entries[-1], None, False)
    exact = next((f for f in entries if f.version == installed), None)
    if exact is not None:
        return Applied(exact, installed, True)
    older = [f for f in entries if version_key(f.version) <= version_key(installed)]
    return Applied(older[-1] if older else entries[0], installed, False)


Runner = Callable[[Sequence[str]], str | None]


def _run_version(command: Sequence[str]) -> str | None:
    try:
        done = subprocess.run(list(command), capture_output=True, text=True, timeout=VERSION_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def installed_version(env: Mapping[str, str], runner: Runner = _run_version) -> str | None:
    """`claude --version` (CLAUDE_HARNESS_CLAUDE_BIN names another binary), or None where there is none."""
    import shutil

    binary = env.get("CLAUDE_HARNESS_CLAUDE_BIN") or shutil.which("claude", path=env.get("PATH"))
    if not binary:
        return None
    said = runner([binary, "--version"])
    found = re.match(r"\s*v?(\d+\.\d+\.\d+)", said or "")
    return found[1] if found else None
