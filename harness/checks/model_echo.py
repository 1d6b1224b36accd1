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

from ..lifecycle import Lifecycle, canonical_model, lookup
from ..observation import Observation
from .lifecycle_rule import Judged

CAUSE = "conformance.model-mismatch"


def answered_model(obs: Observation | None) -> str | None:
    """The model field of a JSON message (Anthropic Messages and OpenAI chat completions both carry one)."""
    body: Any = obs.json() if obs is not None and obs.ok else None
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) and model else None


def _family(provider: str, model: str) -> str:
    """One spelling per model: no provider prefix, no date, no -latest, no Bedrock version suffix."""
    name = canonical_model(provider, model) if provider in ("openrouter", "vertex") or provider.startswith(
        "bedrock") else model
    name = name.split("/")[-1].replace(".", "-").replace("@", "-")
    return re.sub(r"(-\d{8}|-latest|-v\d+(:\d+)?)+$", "", name)


def _name_first(model: str) -> str:
    """OpenRouter's canonical slug anthropic/claude-4.5-sonnet-20250929 -> anthropic/claude-sonnet-4.5-20250929."""
    return re.sub(r"claude-(\d+(?:[.-]\d)?)-(opus|sonnet|haiku|fable|mythos)", r"claude-\2-\1", model)


def _known(provider: str, answered: str) -> Lifecycle | None:
    """The data's row for the id a reply names: as this platform names it, or as the first-party id (the clouds
    answer with it), also with OpenRouter's version-first canonical slug turned around."""
    for name in dict.fromkeys((answered, _name_first(answered))):
        for found in (lookup(provider, name),
                      lookup("anthropic", canonical_model("openrouter", name) if "/" in name else name)):
            if found.status != "unknown":
                return found
    return None


def differs(provider: str, requested: str, answered: str) -> bool:
    """True only when the requested id is a known model and the reply names another one."""
    asked = lookup(provider, requested)
    if asked.status == "unknown" or provider == "foundry":
        return False  # a deployment name (any model may sit behind it) or a gateway's own name: nothing to compare
    got = _known(provider, answered)
    if got is not None:
        return got.row != asked.row
    return _family(provider, requested) != _family("anthropic", answered)


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
