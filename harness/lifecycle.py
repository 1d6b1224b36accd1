"""What is known about a model's lifecycle on each platform (data in lifecycle.toml), and the model.lifecycle
judge (pure). The data is a hint: the endpoint's answer decides (harness/checks/lifecycle_rule.py).

Each provider says how its ids map onto the data in its package's ``lifecycle`` module
(``harness/providers/<name>/lifecycle.py``, found through ``provider_part``); every name in it is optional, and a
provider without one is judged on the first-party ids and Anthropic's schedule:

- ``COLUMN``: the lifecycle.toml key holding its ids (``FIRST_PARTY`` for the first-party platform);
  ``TITLE``: its section in ``models`` (a platform without one is not listed);
- ``SCHEDULE`` / ``SCHEDULE_KEY``: whose dates apply on it and the row's table holding them (default: Anthropic's);
- ``canonical_model(model)``: the first-party id behind one of its ids (the spec's ``lifecycle_id`` hook first);
- ``find(model, row_of)``: the row of one of its ids, asking ``row_of(column, id)`` (column None: the first-party
  ids); default: the first-party ids. ``listed_ids(first_party, row)``: what ``models`` lists for a row
  (``LISTS_RETIRED = False``: without the rows retired as of the day listed);
- ``UNKNOWN_NOTE``: what an id the data lacks may be; ``FIRST_PARTY_NAMES``: its column holds first-party names,
  so a first-party lookup searches it too; ``DEPLOYMENT_NAMES``: the model field names a deployment (a reply's
  model cannot be compared); ``reply_first_party(name)`` / ``respelling(name)``: reading a reply's model id when
  it is in this platform's spelling.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from functools import cache
from importlib import resources
from types import ModuleType
from typing import Any

from .checks.basic import Verdict
from .errors import HarnessError
from .providers import PROVIDERS, provider_part

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

WARN_DAYS = 90  # warn this long before a model retires
STALE_DAYS = 120  # the data should be re-checked at least this often (docs/lifecycle.md)

# Which schedule applies where: Anthropic's covers the platforms it operates (Anthropic docs, "Model deprecations");
# a platform that sets its own names it in its lifecycle module. Gateways pass the model on to one of those.
ANTHROPIC = "Anthropic"
FIRST_PARTY = "ids"  # the lifecycle.toml key of a row's first-party ids
GATEWAY_NOTE = " (a gateway may serve a name of its own)"  # an unlisted platform's unknown id


@cache
def _part(provider: str) -> ModuleType | None:
    """The provider's lifecycle module (None: none, or not a registered provider)."""
    spec = PROVIDERS.get(provider)
    return provider_part(spec, "lifecycle") if spec is not None else None


def _parts() -> Iterator[ModuleType]:
    """The registered providers' lifecycle modules, in registry order."""
    for name in PROVIDERS:
        part = _part(name)
        if part is not None:
            yield part


@cache
def listed_platforms() -> tuple[str, ...]:
    """What `models` lists: the first-party platform, then every provider with a title of its own in registry
    order."""
    listed = [name for name in PROVIDERS if hasattr(_part(name), "TITLE")]
    return tuple(sorted(listed, key=lambda name: getattr(_part(name), "COLUMN", None) != FIRST_PARTY))


def first_party_platform() -> str:
    """The provider whose ids are the first-party ids (the Claude API)."""
    return next(name for name in listed_platforms() if getattr(_part(name), "COLUMN", None) == FIRST_PARTY)


def platform_title(platform: str) -> str:
    """How `models` heads a platform's section."""
    return str(getattr(_part(platform), "TITLE", platform))


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
    columns: dict[str, tuple[str, ...]]  # lifecycle.toml key -> the ids in it (FIRST_PARTY: the first-party ids)
    schedules: dict[str, dict[str, Any]]  # lifecycle.toml key of a platform's own schedule -> that schedule
    raw: dict[str, Any]  # the row as written, for a provider's listed_ids


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _columns() -> tuple[str, ...]:
    """The lifecycle.toml keys that hold ids: the first-party ids and each registered provider's column."""
    return tuple(dict.fromkeys((FIRST_PARTY, *(part.COLUMN for part in _parts() if hasattr(part, "COLUMN")))))


def _schedule_keys() -> tuple[str, ...]:
    """The lifecycle.toml keys of the platforms' own schedules, from their lifecycle modules."""
    return tuple(dict.fromkeys(part.SCHEDULE_KEY for part in _parts() if hasattr(part, "SCHEDULE_KEY")))


@cache
def _data() -> tuple[tuple[_Row, ...], dict[str, dict[str, str]]]:
    text = resources.files(__package__ or "harness").joinpath("lifecycle.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    rows = []
    columns, schedule_keys = _columns(), _schedule_keys()
    for row in data["models"]:
        ids = tuple(row["ids"])
        rows.append(_Row(ids, row["status"], _date(row.get("retires")), row.get("replacement"), row["source"],
                         _date(row.get("checked")), {key: tuple(row.get(key, ())) for key in columns},
                         {key: row[key] for key in schedule_keys if key in row}, row))
    return tuple(rows), data["sources"]


def _anthropic_entry(row: _Row, model: str) -> Lifecycle:
    source = _data()[1][row.source]
    return Lifecycle(model, row.status, row.retires, row.replacement, source["reference"], source["label"],
                     checked=row.checked, row=row.ids[0])


def _platform_entry(row: _Row, model: str, platform: str) -> Lifecycle:
    """The row as it applies on ``platform``: on its own schedule where its lifecycle module names one."""
    base = _anthropic_entry(row, model)
    part = _part(platform)
    if part is None or not hasattr(part, "SCHEDULE"):
        return base
    own = row.schedules.get(part.SCHEDULE_KEY)
    if own is None:
        return replace(base, schedule=ANTHROPIC, fallback=True)
    source = _data()[1][own["source"]]
    return Lifecycle(model, own["status"], _date(own.get("retires")), row.replacement, source["reference"],
                     source["label"], schedule=str(part.SCHEDULE), checked=_date(own.get("checked")), row=row.ids[0])


@cache
def _index() -> dict[str, dict[str, _Row]]:
    """lifecycle.toml key -> id -> row; first-party ids are valid everywhere the model field carries them."""
    index: dict[str, dict[str, _Row]] = {key: {} for key in _columns()}
    for row in _data()[0]:
        for key, ids in row.columns.items():
            for model in ids:
                index[key][model] = row
    return index


def _row_of(column: str | None, model: str) -> _Row | None:
    """The row holding ``model`` in one lifecycle.toml column (None: the first-party ids)."""
    return _index().get(column or FIRST_PARTY, {}).get(model)


def canonical_model(provider: str, model: str) -> str:
    """The first-party id behind ``model`` as ``provider`` names it (OpenRouter's anthropic/claude-sonnet-4.5 is
    claude-sonnet-4-5): the spec's ``lifecycle_id`` hook, else the provider's lifecycle module, else the id."""
    spec = PROVIDERS.get(provider)
    mapped = spec.lifecycle_id(model) if spec is not None else None
    if mapped is not None:
        return mapped
    canonical: Callable[[str], str] | None = getattr(_part(provider), "canonical_model", None)
    return canonical(model) if canonical is not None else model


def _first_party_row(model: str) -> _Row | None:
    """A first-party id's row; also found under the columns that hold first-party names (default deployments)."""
    columns = (None, *(part.COLUMN for part in _parts() if getattr(part, "FIRST_PARTY_NAMES", False)))
    return next((row for row in (_row_of(column, model) for column in columns) if row is not None), None)


def _find(provider: str, model: str) -> _Row | None:
    finder = getattr(_part(provider), "find", None)
    return finder(model, _row_of) if finder is not None else _first_party_row(model)


def lookup(provider: str, model: str) -> Lifecycle:
    """What the data knows of ``model`` as ``provider`` names it, on that platform's schedule."""
    row = _find(provider, model)
    if row is None:
        where = getattr(_part(provider), "UNKNOWN_NOTE", "" if provider in listed_platforms() else GATEWAY_NOTE)
        return Lifecycle(model, "unknown", source=f"not in the lifecycle data{where}")
    return _platform_entry(row, model, provider)


def first_party(model: str) -> Lifecycle:
    """The first-party entry of a model id (the Claude API's, on Anthropic's schedule), whichever platform asks:
    what the emulator and the Models API's answer go by. The same as ``lookup`` on the first-party platform."""
    row = _first_party_row(model)
    if row is None:
        return Lifecycle(model, "unknown", source="not in the lifecycle data")
    return _anthropic_entry(row, model)


def names_deployments(provider: str) -> bool:
    """The provider's model field names a deployment (any model may sit behind it): a reply's model is not
    compared with it."""
    return bool(getattr(_part(provider), "DEPLOYMENT_NAMES", False))


def reply_spellings(answered: str) -> tuple[str, ...]:
    """A model id a reply names, then as each platform's own spelling of replies turns it around (no repeats)."""
    return tuple(dict.fromkeys((answered, *(part.respelling(answered) for part in _parts()
                                            if hasattr(part, "respelling")))))


def reply_first_party(name: str) -> str:
    """The first-party id of a model a reply names in a platform's recognisable spelling (a vendor/ slug), else
    the name unchanged."""
    for part in _parts():
        read: Callable[[str], str | None] | None = getattr(part, "reply_first_party", None)
        found = read(name) if read is not None else None
        if found is not None:
            return found
    return name


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
    table = first_party(model)
    return Lifecycle(model, str(body["lifecycle"]), retires, table.replacement,
                     "Anthropic Models API (GET /v1/models/{id})", "the Anthropic Models API")


@dataclass(frozen=True)
class Listed:
    """One line of `claude-harness models`: an id as one platform names it."""

    platform: str
    model: str
    info: Lifecycle


def _platform_ids(row: _Row, platform: str) -> Iterator[str]:
    part = _part(platform)
    lister = getattr(part, "listed_ids", None)
    if lister is not None:
        yield from lister(row.ids, row.raw)
        return
    yield from row.columns.get(getattr(part, "COLUMN", FIRST_PARTY), ())


_RANK = {"deprecated": 0, "legacy": 1, "active": 2, "retired": 3}


def listing(today: date, platforms: tuple[str, ...] | None = None) -> list[Listed]:
    """Every id on every platform (default: those `models` lists), each platform's rows sorted: deprecated
    (soonest first), legacy, active, retired (latest first)."""
    out = []
    for platform in platforms if platforms is not None else listed_platforms():
        rows = [Listed(platform, m, _platform_entry(row, m, platform)) for row in _data()[0]
                for m in _platform_ids(row, platform)]
        if not getattr(_part(platform), "LISTS_RETIRED", True):  # ids derived for a lineup the data lacks
            rows = [item for item in rows if item.info.status_on(today) != "retired"]

        def key(item: Listed) -> tuple[int, int, str]:
            status = item.info.status_on(today)
            when = item.info.retires
            order = -(when or date.min).toordinal() if status == "retired" else (when or date.max).toordinal()
            return _RANK.get(status, 4), order, item.model

        out += sorted(rows, key=key)
    return out


def all_models() -> list[Lifecycle]:
    """The first-party rows (Anthropic's schedule), sorted as `models` sorts them."""
    return [item.info for item in listing(lifecycle_today(), (first_party_platform(),))]


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
