"""What is known about a model's lifecycle (data in lifecycle.toml), and the model.lifecycle judge (pure)."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from importlib import resources

from .checks.basic import Verdict
from .errors import HarnessError
from .providers import PROVIDERS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WARN_DAYS = 90  # warn this long before a model retires
_LIFECYCLE_PROVIDERS = ("anthropic", "foundry", "openrouter")  # Anthropic's schedule (Foundry follows it)


@dataclass(frozen=True)
class Lifecycle:
    model: str
    status: str  # active | legacy | deprecated | retired | unknown
    retires: date | None = None
    replacement: str | None = None
    source: str = ""  # the public reference
    label: str = ""  # how messages name the source

    def describe(self) -> dict[str, object]:
        """targets[].lifecycle in report.json (contract §4)."""
        return {"status": self.status, "retires": self.retires.isoformat() if self.retires else None,
                "source": self.source}


@cache
def _table() -> tuple[dict[str, Lifecycle], dict[str, dict[str, str]]]:
    text = resources.files(__package__ or "harness").joinpath("lifecycle.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    sources: dict[str, dict[str, str]] = data["sources"]
    table: dict[str, Lifecycle] = {}
    for row in data["models"]:
        retires = date.fromisoformat(row["retires"]) if row.get("retires") else None
        for model in row["ids"]:
            source = sources[row["source"]]
            table[model] = Lifecycle(model, row["status"], retires, row.get("replacement"), source["reference"],
                                     source["label"])
    return table, sources


def canonical_model(provider: str, model: str) -> str:
    """OpenRouter's anthropic/claude-sonnet-4.5 is Anthropic's claude-sonnet-4-5; variants (:free) share it."""
    spec = PROVIDERS.get(provider)
    mapped = spec.lifecycle_id(model) if spec is not None else None  # a provider package maps its own ids
    if mapped is not None:
        return mapped
    if provider == "openrouter":
        return model.split(":", 1)[0].removeprefix("anthropic/").replace(".", "-")
    if provider == "bedrock":  # us.anthropic.claude-haiku-4-5-20251001-v1:0 -> claude-haiku-4-5-20251001
        return re.sub(r"-v\d+(:\d+)?$", "", re.sub(r"^([a-z-]+\.)?anthropic\.", "", model))
    if provider == "vertex":  # claude-haiku-4-5@20251001 -> claude-haiku-4-5-20251001
        return model.replace("@", "-")
    return model


def lookup(provider: str, model: str) -> Lifecycle:
    spec = PROVIDERS.get(provider)
    if provider not in _LIFECYCLE_PROVIDERS and not (spec is not None and spec.follows_anthropic_schedule):
        return Lifecycle(model, "unknown", source="not tracked for this provider")
    known = _table()[0].get(canonical_model(provider, model))
    return known or Lifecycle(model, "unknown", source="not in the lifecycle table (a Foundry deployment may "
                                                       "have a name of its own)")


def from_models_api(model: str, body: object) -> Lifecycle | None:
    """The Anthropic Models API's own lifecycle fields (lifecycle, retires_at), which take precedence over the
    table; None when the answer does not carry them (a gateway, an older API)."""
    if not isinstance(body, dict) or body.get("id") != model or body.get("lifecycle") not in (
            "active", "legacy", "deprecated", "retired"):
        return None
    retires_at = body.get("retires_at")
    retires = None
    if isinstance(retires_at, str) and len(retires_at) >= 10:
        try:
            retires = date.fromisoformat(retires_at[:10])
        except ValueError:
            retires = None
    table = lookup("anthropic", model)
    return Lifecycle(model, str(body["lifecycle"]), retires, table.replacement,
                     "Anthropic Models API (GET /v1/models/{id})", "the Anthropic Models API")


def all_models() -> list[Lifecycle]:
    """Deprecated first (soonest retirement on top), then active, then retired (latest first)."""
    rank = {"deprecated": 0, "legacy": 1, "active": 2, "retired": 3}
    return sorted(_table()[0].values(),
                  key=lambda m: (rank.get(m.status, 4), -(m.retires or date.min).toordinal()
                                 if m.status == "retired" else (m.retires or date.max).toordinal(), m.model))


def openrouter_id(model: str) -> str | None:
    """claude-sonnet-4-5 -> anthropic/claude-sonnet-4.5; dated and -latest ids have no OpenRouter twin."""
    match = re.fullmatch(r"(claude-[a-z]+)-(\d+)(?:-(\d))?", model)
    if match is None:
        return None
    version = match.group(2) + (f".{match.group(3)}" if match.group(3) else "")
    return f"anthropic/{match.group(1)}-{version}"


def lifecycle_today() -> date:
    """Today in UTC; CLAUDE_HARNESS_TODAY=YYYY-MM-DD evaluates the lifecycle as of another day (planning, tests)."""
    override = os.environ.get("CLAUDE_HARNESS_TODAY", "").strip()
    if override:
        try:
            return date.fromisoformat(override)
        except ValueError:
            raise HarnessError(f"CLAUDE_HARNESS_TODAY={override!r} is not a date.", fix="Use YYYY-MM-DD.") from None
    return datetime.now(timezone.utc).date()


def model_lifecycle(provider: str, model: str, today: date, known: Lifecycle | None = None) -> Verdict:
    """Fails for a retired model; warns when it is deprecated or retires within WARN_DAYS. ``known`` (from the
    Models API) takes precedence over the table."""
    info = known or lookup(provider, model)
    instead = f"; the documented replacement is {info.replacement}" if info.replacement else ""
    if info.status == "unknown":
        return Verdict.skip(f"no lifecycle data for {model!r}: {info.source}")
    if info.retires is not None:
        left = (info.retires - today).days
        if left <= 0 or info.status == "retired":
            return Verdict(False, f"{model!r} retired on {info.retires.isoformat()} ({-left} days ago): requests "
                                  f"to it fail{instead} (per {info.label})", "model.retired")
        if left <= WARN_DAYS or info.status == "deprecated":
            return Verdict.warn(f"{model!r} is {info.status} and retires on {info.retires.isoformat()}, in {left} "
                                f"days{instead} (per {info.label})", "model.retired")
    if info.status in ("deprecated", "legacy"):
        return Verdict.warn(f"{model!r} is {info.status}{instead} (per {info.label})")
    return Verdict.ok(f"{model!r} is {info.status} (per {info.label})")
