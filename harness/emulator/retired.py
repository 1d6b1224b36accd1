"""A retired model, answered as each platform answers it after retirement (the provider's ``Host.retired``), from
the same lifecycle data that model.lifecycle reads (evaluated on the lifecycle day: CLAUDE_HARNESS_TODAY, or today
in UTC)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from starlette.responses import Response

from ..lifecycle import is_retired, lifecycle_today, lookup

if TYPE_CHECKING:
    from .host import Host


def available(provider: str, model: str) -> bool:
    """False for a model the data says is retired on this platform today (the Models API omits it)."""
    return not is_retired(lookup(provider, model), lifecycle_today())


def retired_answer(host: Host, provider: str, model: str, ids: dict[str, str], headers: dict[str, str],
                   place: Mapping[str, str]) -> Response | None:
    """None while the model is served; otherwise the platform's own answer to a retired model (``place``: the
    route's path parameters, where a cloud names its project and location)."""
    if available(provider, model):
        return None
    return host.retired(model, ids, headers, place)
