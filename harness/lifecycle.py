"""What is known about a model's lifecycle on each platform (data in lifecycle.toml), and the model.lifecycle
judge (pure). The data is a hint: the endpoint's answer decides (harness/checks/lifecycle_rule.py)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import cache
from importlib import resources
from typing import Any

from .checks.basic import Verdict
from .errors import HarnessError
from .providers import PROVIDERS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WARN_DAYS = 90  # warn this long before a model retires
STALE_DAYS = 120  # the data should be re-checked at least this often (docs/lifecycle.md)

# Which schedule applies where: Anthropic's covers the platforms it operates (Anthropic docs, "Model deprecations");
# Bedrock and Google Cloud set their own. OpenRouter and gateways pass the model on to one of those.
ANTHROPIC = "Anthropic"
PLATFORM_SCHEDULES = {"bedrock": "Amazon Bedrock", "bedrock-mantle": "Amazon Bedrock", "vertex": "Google Cloud"}
PLATFORMS = ("anthropic", "foundry", "openrouter", "bedrock", "vertex")  # what `models` lists
_BEDROCK_GEO = re.compile(r"^(?:us-gov|global|apac|us|eu|jp|au|ca)\.")


@dataclass(frozen=True)
class Lifecycle:
    model: str
    status: str  # active | legacy | deprecated | retired | unknown
    retires: date | None = None
    replacement: str | None = None
    source: str = ""  # the public reference
    label: str = ""  # how messages name the source
    schedule: str = ANTHROPIC  # whose schedule the status and date are: Anthropic, Amazon Bedrock, Google Cloud
    fallback: bool = False  # the platform has a schedule of its own that the data does not hold: Anthropic's is used
    checked: date | None = None  # the day the row was last compared with its source
    row: str = ""  # the data row's first id: two ids with the same row are the same model

    def describe(self, today: date | None = None) -> dict[str, object]:
        """targets[].lifecycle in report.json (contract §4, plus whose schedule and when it was checked), with the
        status as of ``today``."""
        status = self.status_on(today) if today is not None and self.status != "unknown" else self.status
        out: dict[str, object] = {"status": status, "retires": self.retires.isoformat() if self.retires else None,
                                  "source": self.source}
        if self.status != "unknown":
            out.update(schedule=self.schedule, fallback=self.fallback, replacement=self.replacement,
                       checked=self.checked.isoformat() if self.checked else None)
        return out

    def status_on(self, today: date) -> str:
        """The status on a given day: a dated row is retired from its date on, deprecated before it."""
        if self.retires is None:
            return self.status
        if self.retires <= today:
            return "retired"
        return "deprecated" if self.status in ("retired", "active") else self.status

    def whose(self) -> str:
        """'per Anthropic's model deprecations page', with the fallback said out loud."""
        if self.fallback:
            return f"per {self.label}; Anthropic's schedule, this platform's date may differ"
        return f"per {self.label}"


@dataclass(frozen=True)
class _Row:
    ids: tuple[str, ...]
    status: str
    retires: date | None
    replacement: str | None
    source: str
    checked: date | None
    platform_ids: dict[str, tuple[str, ...]]
    bedrock_profiles: tuple[str, ...]
    schedules: dict[str, dict[str, Any]]


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


@cache
def _data() -> tuple[tuple[_Row, ...], dict[str, dict[str, str]]]:
    text = resources.files(__package__ or "harness").joinpath("lifecycle.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    rows = []
    for row in data["models"]:
        ids = tuple(row["ids"])
        platform_ids = {"anthropic": ids, "openrouter": tuple(row.get("openrouter", ())),
                        "bedrock": tuple(row.get("bedrock", ())), "vertex": tuple(row.get("vertex", ())),
                        "foundry": tuple(row.get("foundry", ()))}
        schedules = {p: row[f"{p}_schedule"] for p in ("bedrock", "vertex") if f"{p}_schedule" in row}
        rows.append(_Row(ids, row["status"], _date(row.get("retires")), row.get("replacement"), row["source"],
                         _date(row.get("checked")), platform_ids, tuple(row.get("bedrock_profiles", ())), schedules))
    return tuple(rows), data["sources"]


def _anthropic_entry(row: _Row, model: str) -> Lifecycle:
    source = _data()[1][row.source]
    return Lifecycle(model, row.status, row.retires, row.replacement, source["reference"], source["label"],
                     checked=row.checked, row=row.ids[0])


def _platform_entry(row: _Row, model: str, platform: str) -> Lifecycle:
    """The row as it applies on ``platform`` (a key of PLATFORM_SCHEDULES or an Anthropic-schedule platform)."""
    base = _anthropic_entry(row, model)
    schedule_name = PLATFORM_SCHEDULES.get(platform)
    if schedule_name is None:
        return base
    own = row.schedules.get("bedrock" if platform.startswith("bedrock") else platform)
    if own is None:
        return replace(base, schedule=ANTHROPIC, fallback=True)
    source = _data()[1][own["source"]]
    return Lifecycle(model, own["status"], _date(own.get("retires")), row.replacement, source["reference"],
                     source["label"], schedule=schedule_name, checked=_date(own.get("checked")), row=row.ids[0])


@cache
def _index() -> dict[str, dict[str, _Row]]:
    """platform -> id -> row; first-party ids are valid everywhere the model field carries them."""
    index: dict[str, dict[str, _Row]] = {p: {} for p in PLATFORMS}
    for row in _data()[0]:
        for platform, ids in row.platform_ids.items():
            for model in ids:
                index[platform][model] = row
    return index


def canonical_model(provider: str, model: str) -> str:
    """OpenRouter's anthropic/claude-sonnet-4.5 is Anthropic's claude-sonnet-4-5; variants (:free) share it."""
    spec = PROVIDERS.get(provider)
    mapped = spec.lifecycle_id(model) if spec is not None else None  # a provider package maps its own ids
    if mapped is not None:
        return mapped
    if provider == "openrouter":
        return model.split(":", 1)[0].removeprefix("anthropic/").replace(".", "-")
    if provider.startswith("bedrock"):  # us.anthropic.claude-haiku-4-5-20251001-v1:0 -> claude-haiku-4-5-20251001
        return re.sub(r"-v\d+(:\d+)?$", "", re.sub(r"^([a-z-]+\.)?anthropic\.", "", model))
    if provider == "vertex":  # claude-haiku-4-5@20251001 -> claude-haiku-4-5-20251001
        return model.replace("@", "-")
    return model


def _find(provider: str, model: str) -> _Row | None:
    index = _index()
    if provider == "openrouter":
        slug = model.split(":", 1)[0]
        return index["openrouter"].get(slug) or index["anthropic"].get(canonical_model(provider, model))
    if provider.startswith("bedrock"):
        base = _BEDROCK_GEO.sub("", model.rsplit("/", 1)[-1])  # a profile id or an ARN's last part
        return index["bedrock"].get(base) or index["anthropic"].get(canonical_model("bedrock", base))
    if provider == "vertex":
        return index["vertex"].get(model) or index["anthropic"].get(canonical_model(provider, model))
    return index["anthropic"].get(model) or index["foundry"].get(model)


def lookup(provider: str, model: str) -> Lifecycle:
    """What the data knows of ``model`` as ``provider`` names it, on that platform's schedule."""
    row = _find(provider, model)
    if row is None:
        where = (" (a Foundry deployment may have a name of its own)" if provider == "foundry" else
                 " (a gateway may serve a name of its own)" if provider not in PLATFORMS else "")
        return Lifecycle(model, "unknown", source=f"not in the lifecycle data{where}")
    return _platform_entry(row, model, provider)


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


@dataclass(frozen=True)
class Listed:
    """One line of `claude-harness models`: an id as one platform names it."""

    platform: str
    model: str
    info: Lifecycle


def _platform_ids(row: _Row, platform: str) -> Iterator[str]:
    if platform == "openrouter" and not row.platform_ids["openrouter"]:
        derived = [openrouter_id(m) for m in row.ids]
        yield from (m for m in derived if m)
        return
    for model in row.platform_ids[platform]:
        yield model
        if platform == "bedrock":
            yield from (f"{prefix}.{model}" for prefix in row.bedrock_profiles)


_RANK = {"deprecated": 0, "legacy": 1, "active": 2, "retired": 3}


def listing(today: date, platforms: tuple[str, ...] = PLATFORMS) -> list[Listed]:
    """Every id on every platform, each platform's rows sorted: deprecated (soonest first), legacy, active,
    retired (latest first)."""
    out = []
    for platform in platforms:
        rows = [Listed(platform, m, _platform_entry(row, m, platform)) for row in _data()[0]
                for m in _platform_ids(row, platform)]

        def key(item: Listed) -> tuple[int, int, str]:
            status = item.info.status_on(today)
            when = item.info.retires
            order = -(when or date.min).toordinal() if status == "retired" else (when or date.max).toordinal()
            return _RANK.get(status, 4), order, item.model

        out += sorted(rows, key=key)
    return out


def all_models() -> list[Lifecycle]:
    """The first-party rows (Anthropic's schedule), sorted as `models` sorts them."""
    return [item.info for item in listing(lifecycle_today(), ("anthropic",))]


def oldest_check() -> date:
    """The oldest checked-on date in the data: what a refresh must move forward."""
    dates = [d for row in _data()[0] for d in (row.checked, *(_date(s.get("checked")) for s in row.schedules.values()))
             if d is not None]
    return min(dates)


def staleness(as_of: date, max_age_days: int = STALE_DAYS) -> str | None:
    """None when every row was checked within ``max_age_days`` of ``as_of``; otherwise what to do."""
    oldest = oldest_check()
    age = (as_of - oldest).days
    if age <= max_age_days:
        return None
    return (f"the lifecycle data was last checked on {oldest.isoformat()}, {age} days before {as_of.isoformat()} "
            f"(more than {max_age_days}): re-read the sources and update harness/lifecycle.toml (docs/lifecycle.md)")


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


def is_retired(info: Lifecycle, today: date) -> bool:
    return info.status != "unknown" and info.status_on(today) == "retired"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def retired_phrase(info: Lifecycle, today: date) -> str:
    """"'claude-sonnet-4-5' is retired on 2026-11-30 (1 day ago, as of 2026-12-01) on …; the replacement is …".
    A count of days is always anchored to the day judged, so a copied message stays true."""
    when = (f" on {info.retires.isoformat()} ({_days((today - info.retires).days)} ago, as of {today.isoformat()})"
            if info.retires else " (no date published)")
    instead = f"; the replacement is {info.replacement}" if info.replacement else ""
    return f"{info.model!r} is retired{when} on {info.schedule}'s schedule ({info.whose()}){instead}"


def model_lifecycle(provider: str, model: str, today: date, known: Lifecycle | None = None) -> Verdict:
    """What the data says, before any request: never a failure (the endpoint decides, lifecycle_rule.py). Warns
    when the model is retired, deprecated or retires within WARN_DAYS. ``known`` (from the platform's own API)
    takes precedence over the table."""
    info = known or lookup(provider, model)
    if info.replacement is None and known is not None:
        info = replace(info, replacement=lookup(provider, model).replacement)
    if info.status == "unknown":
        return Verdict.skip(f"no lifecycle data for {model!r}: {info.source}")
    instead = f"; the replacement is {info.replacement}" if info.replacement else ""
    if is_retired(info, today):
        return Verdict.warn(retired_phrase(info, today), "model.retired")
    if info.retires is not None:
        left = (info.retires - today).days
        if left <= WARN_DAYS or info.status_on(today) == "deprecated":
            return Verdict.warn(f"{model!r} is deprecated and retires on {info.retires.isoformat()}, in {_days(left)} "
                                f"(as of {today.isoformat()}) on {info.schedule}'s schedule{instead} ({info.whose()})",
                                "model.retired")
    if info.status in ("deprecated", "legacy"):
        return Verdict.warn(f"{model!r} is {info.status} on {info.schedule}'s schedule, no retirement date "
                            f"published{instead} ({info.whose()})")
    return Verdict.ok(f"{model!r} is {info.status} ({info.whose()})")
