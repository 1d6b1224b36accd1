"""What each provider tells the diagnosis and the checks about itself, read from the provider's own package.

A provider package may hold ``diagnosis.toml`` (data: the keys of ``DiagnosisFacts``, each optional) and
``diagnosis.py`` (the few rules that are code: ``unauthorized`` and ``read_pasted``, each optional). A provider
with neither gets the defaults. The classifier, the catalogue, explain and the checks ask here and never name a
provider; docs/design.md ("The diagnosis side of a provider") describes the contract.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, cast

from ..providers import PROVIDERS, ProviderSpec, package_of, provider_part

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# A boto-style exception read from pasted text: (HTTP status, headers as sent, message, arrived inside a stream).
PastedAnswer = tuple[int | None, dict[str, str], str, bool]


@dataclass(frozen=True)
class DiagnosisFacts:
    """One provider's data for the diagnosis (``diagnosis.toml``); the defaults fit a provider that says nothing."""

    step_label: str | None = None  # catalogue steps addressed to this provider begin with it ("Foundry:")
    source_markers: tuple[str, ...] = ()  # a catalogue source whose label contains one is about this provider only
    recognised_by: re.Pattern[str] | None = None  # what in a pasted text names this provider (explain)
    recognition_rank: int = 0  # patterns are tried lowest rank first; the first that matches decides
    error_schema: str = "ErrorResponse"  # the JSON schema of its error bodies (in its wire format's schema file)
    count_tokens_schema: str = "CountTokens"  # the JSON schema of its token-counting answer
    pasted_auth: str = "x-api-key"  # the auth mode a pasted error implies when nothing in it says otherwise
    pasted_bearer_auth: str = "bearer"  # ... when the text shows that a bearer token was sent
    bearer_is_bedrock_api_key: bool = False  # --auth bearer sends a Bedrock API key (the credentials check)
    token_audiences: tuple[str, ...] = ()  # audiences its Entra ID tokens may carry besides the scope's own


@cache
def facts(provider: str | None) -> DiagnosisFacts:
    """The facts of a provider by name; an unknown name ("any", "gateway", None) gets the defaults."""
    spec = PROVIDERS.get(provider or "")
    if spec is None:
        return DiagnosisFacts()
    path = resources.files(package_of(spec)).joinpath("diagnosis.toml")
    if not path.is_file():
        return DiagnosisFacts()
    raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    recognised = raw.pop("recognised_by", None)
    for key in ("source_markers", "token_audiences"):
        if key in raw:
            raw[key] = tuple(raw[key])
    if recognised is not None:
        raw["recognised_by"] = re.compile(recognised["pattern"], re.I)
        raw["recognition_rank"] = recognised["rank"]
    return DiagnosisFacts(**raw)


def _specs() -> tuple[ProviderSpec, ...]:
    return tuple(PROVIDERS.values())


@cache
def step_labels() -> dict[str, str]:
    """label -> provider name, for every provider whose steps carry a label."""
    return {label: spec.name for spec in _specs() if (label := facts(spec.name).step_label)}


@cache
def source_markers() -> tuple[tuple[str, str], ...]:
    """(marker, provider name) for every source label that is about one provider only."""
    return tuple((marker, spec.name) for spec in _specs() for marker in facts(spec.name).source_markers)


@cache
def recognisers() -> tuple[tuple[int, str, re.Pattern[str]], ...]:
    """(rank, provider name, pattern) for every provider a pasted text can name."""
    return tuple((f.recognition_rank, spec.name, f.recognised_by) for spec in _specs()
                 if (f := facts(spec.name)).recognised_by is not None)


@cache
def token_audiences() -> frozenset[str]:
    """Every audience some provider's Entra ID tokens may carry besides their scope's own."""
    return frozenset(aud for spec in _specs() for aud in facts(spec.name).token_audiences)


@cache
def _rule(provider: str | None, name: str) -> Callable[..., Any] | None:
    spec = PROVIDERS.get(provider or "")
    module = provider_part(spec, "diagnosis") if spec is not None else None
    return cast("Callable[..., Any] | None", getattr(module, name, None))


def unauthorized(provider: str, auth: str, text: str) -> tuple[str, str] | None:
    """The provider's own reading of a 401 (cause, rule), before the generic ones; None: it has none."""
    rule = _rule(provider, "unauthorized")
    return cast("tuple[str, str] | None", rule(auth, text)) if rule is not None else None


def read_pasted(text: str) -> tuple[str, PastedAnswer] | None:
    """(provider name, answer) for the first provider whose SDK's exception the pasted text is."""
    for spec in _specs():
        reader = _rule(spec.name, "read_pasted")
        found = cast("PastedAnswer | None", reader(text)) if reader is not None else None
        if found is not None:
            return spec.name, found
    return None
