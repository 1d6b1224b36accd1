"""The lifecycle rule (contract §5): the lifecycle data is evidence ranked below the wire.

model.lifecycle never blocks and is never the root cause while a request failed for another reason:
- retired per the data and served by the endpoint: a warning saying so (the endpoint still answers);
- retired per the data and the endpoint rejects the model: model.available's cause becomes model.retired, with the
  date and the replacement (more precise than model.not-found);
- another failure (a bad key): that failure stays the root cause; the lifecycle warning is the next problem.
Pure: it rewrites the judged checks of one target, after the ladder ran.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from ..lifecycle import Lifecycle, is_retired

SERVED_BY = ("message.text-and-usage", "stream.completes", "model.available")  # an answer that proves it is served
# Causes with which an endpoint rejects a model it no longer serves; a Bedrock "Legacy" or end-of-life denial reads
# as access denied or not found.
REJECTED_AS = ("model.not-found", "model.retired", "model.no-endpoints", "model.access-denied",
               "model.invalid-parameter")
_LIFECYCLE_WORDS = re.compile(r"retired|end of (its )?life|legacy|deprecated|no longer (available|supported)", re.I)


class Judged(Protocol):
    id: str
    status: str
    message: str
    cause: str | None


def _find(checks: Sequence[Judged], check_id: str) -> Judged | None:
    return next((c for c in checks if c.id == check_id), None)


def apply_lifecycle_rule(checks: Sequence[Judged], info: Lifecycle, today: date) -> None:
    lifecycle = _find(checks, "model.lifecycle")
    if lifecycle is None or not is_retired(info, today) or lifecycle.status in ("failed", "blocked"):
        return
    lifecycle.status = "warning"  # whatever the wire says, the data alone never fails a target
    lifecycle.cause = "model.retired"
    served = [c.id for c in checks if c.id in SERVED_BY and c.status in ("passed", "warning")]
    model = _find(checks, "model.available")
    if served:
        lifecycle.message += (f"; this endpoint still answers it ({served[0]} passed), so nothing fails today: "
                              "move to the replacement before the endpoint stops serving it")
        return
    if model is not None and model.status == "failed" and model.cause in REJECTED_AS and (
            model.cause != "model.access-denied" or _LIFECYCLE_WORDS.search(model.message)):
        model.cause = "model.retired"
        instead = f"; use {info.replacement}" if info.replacement else ""
        when = f" on {info.retires.isoformat()}" if info.retires else ""
        fallback = " (Anthropic's date; this platform's may differ)" if info.fallback else ""
        model.message += f" — the model retired{when} on {info.schedule}'s schedule{fallback}{instead}"
        lifecycle.message += "; the endpoint rejects it (model.available): that is the root cause"
        return
    failed = next((c for c in checks if c.status in ("failed", "error")), None)
    if failed is not None:
        lifecycle.message += (f"; not confirmed by the endpoint: {failed.id} failed first ({failed.cause}), fix that, "
                              "then expect this")
