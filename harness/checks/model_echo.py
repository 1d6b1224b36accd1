"""The answer matches the question: the model a reply names is the model that was asked for.

A gateway that maps a name to another model (claude-haiku-4-5 answered by claude-3-haiku-20240307) passes every
other check. Documented aliasing is not a mismatch: an alias answered by its dated snapshot, a Bedrock profile or
Vertex @ id answered by the first-party id of the same model. Names the harness cannot compare (a Foundry
deployment name, an id the lifecycle data does not know) are left alone. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..lifecycle import (
    Lifecycle,
    canonical_model,
    first_party,
    lookup,
    names_deployments,
    reply_first_party,
    reply_spellings,
)
from ..observation import Observation
from .lifecycle_rule import Judged

CAUSE = "conformance.model-mismatch"


def answered_model(obs: Observation | None) -> str | None:
    """The model field of a JSON message (Anthropic Messages and OpenAI chat completions both carry one)."""
    body: Any = obs.json() if obs is not None and obs.ok else None
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) and model else None


def _family(model: str) -> str:
    """One spelling per model: no provider prefix, no date, no -latest, no Bedrock version suffix."""
    name = model.split("/")[-1].replace(".", "-").replace("@", "-")
    return re.sub(r"(-\d{8}|-latest|-v\d+(:\d+)?)+$", "", name)


def _known(provider: str, answered: str) -> Lifecycle | None:
    """The data's row for the id a reply names: as this platform names it, or as the first-party id (the clouds
    answer with it), also as the platforms' own spellings of replies (OpenRouter's version-first slug) turn it."""
    for name in reply_spellings(answered):
        for found in (lookup(provider, name), first_party(reply_first_party(name))):
            if found.status != "unknown":
                return found
    return None


def differs(provider: str, requested: str, answered: str) -> bool:
    """True only when the requested id is a known model and the reply names another one."""
    asked = lookup(provider, requested)
    if asked.status == "unknown" or names_deployments(provider):
        return False  # a deployment name (any model may sit behind it) or a gateway's own name: nothing to compare
    got = _known(provider, answered)
    if got is not None:
        return got.row != asked.row
    return _family(canonical_model(provider, requested)) != _family(answered)


def apply_model_echo_rule(checks: Sequence[Judged], provider: str, requested: str, message: Observation | None,
                          profile: str) -> None:
    """Smoke: message.text-and-usage warns; full: it becomes a finding (failed, conformance.model-mismatch)."""
    check = next((c for c in checks if c.id == "message.text-and-usage"), None)
    answered = answered_model(message)
    if check is None or check.status not in ("passed", "warning") or answered is None:
        return
    if not differs(provider, requested, answered):
        return
    check.message += (f"; but the reply names model {answered!r}, not the requested {requested!r}: something "
                      "between you and the model (a gateway alias or fallback) answered with another model")
    check.cause = CAUSE
    check.status = "failed" if profile == "full" else "warning"
