"""`claude-harness models`: every platform's Claude ids with their lifecycle, and the data's staleness check."""

from __future__ import annotations

from datetime import date

from .errors import HarnessError
from .lifecycle import (
    STALE_DAYS,
    WARN_DAYS,
    first_party_platform,
    lifecycle_today,
    listed_platforms,
    listing,
    oldest_check,
    platform_title,
    staleness,
)
from .providers import PROVIDERS


def _as_of(value: str | None) -> date:
    if value is None:
        return lifecycle_today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HarnessError(f"--as-of {value!r} is not a date.", fix="Use YYYY-MM-DD, e.g. 2027-01-31.") from None


def render_models(today: date, platforms: tuple[str, ...] | None = None) -> str:
    """The table for ``platforms`` (default: every platform the data lists, each under its lifecycle module's
    title)."""
    lines = []
    for platform in platforms if platforms is not None else listed_platforms():
        lines.append(f"{platform_title(platform)}:")
        lines.append(f"  {'model':<52} {'status':<10} {'retires':<10} {'days':>5}  {'replacement':<18} schedule")
        for item in listing(today, (platform,)):
            info = item.info
            status = info.status_on(today)
            days = str((info.retires - today).days) if info.retires else ""
            flag = " (warn)" if info.retires and 0 < (info.retires - today).days <= WARN_DAYS else ""
            schedule = f"{info.schedule} (fallback)" if info.fallback else info.schedule
            lines.append(f"  {item.model:<52} {status:<10} {info.retires.isoformat() if info.retires else '':<10} "
                         f"{days:>5}  {(info.replacement or '') + flag:<18} {schedule}")
        lines.append("")
    lines.append(f"As of {today.isoformat()} (UTC). Data last checked on {oldest_check().isoformat()} (oldest row); "
                 "sources per row in harness/lifecycle.toml.\n(fallback): the platform sets its own dates and the data "
                 "has none for this model, so Anthropic's are shown; this platform's date may differ.\nA gateway "
                 "or a Foundry deployment may serve other names; the endpoint's answer decides.")
    return "\n".join(lines) + "\n"


def models_command(provider: str | None, *, as_of: str | None = None, check_staleness: bool = False,
                   max_age_days: int | None = None) -> int:
    today = _as_of(as_of)
    if check_staleness:
        if max_age_days is not None and max_age_days < 0:
            raise HarnessError("--max-age-days must be 0 or more.", fix="Pass a number of days, e.g. 120.")
        problem = staleness(today, STALE_DAYS if max_age_days is None else max_age_days)
        if problem:
            print(f"stale: {problem}")
            return 1
        print(f"fresh: the lifecycle data was last checked on {oldest_check().isoformat()}, within "
              f"{STALE_DAYS if max_age_days is None else max_age_days} days of {today.isoformat()}")
        return 0
    if provider is None:
        print(render_models(today), end="")
        return 0
    platform = _platform_of(provider)
    if platform != provider:
        print(f"{PROVIDERS[provider].display_name} has no lifecycle data of its own; the data that applies to "
              "its model ids follows.")
    print(render_models(today, (platform,)), end="")
    return 0


def _platform_of(provider: str) -> str:
    """The platform whose lifecycle data applies to a provider the data does not list (its package says which)."""
    if provider in listed_platforms():
        return provider
    spec = PROVIDERS[provider]
    if spec.follows_anthropic_schedule or spec.steps_like not in listed_platforms():
        return first_party_platform()
    return spec.steps_like
