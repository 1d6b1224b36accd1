"""Free pre-checks (count_tokens, OpenRouter's /key and /models) are hints, never verdicts (pure).

The real message request decides the auth and model layers: it is sent anyway, and a bad key or an unknown
model is rejected there before any token is generated. A pre-check that is not served, or that says something
the message contradicts, is reported as a warning so the user knows what their clients may meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..observation import Observation
from .basic import (
    Context,
    Verdict,
    classify_answer,
    credentials_accepted,
    model_is_available,
    seen_answer,
    speaks_to_auth,
)

# Causes that only mean "this path is not an API route here", or a failure that is not the provider's answer.
NOT_SERVED_CAUSES = frozenset({"config.invalid-endpoint", "endpoint.unsupported", "endpoint.server-error",
                               "unclassified"})
_LABELS = {"count_tokens": "count_tokens", "key_info": "GET /key", "models": "GET /models"}


def _expected_shape(obs: Observation) -> bool:
    body: Any = obs.json()
    if not isinstance(body, dict):
        return False
    if obs.probe == "count_tokens":  # Bedrock's CountTokens says inputTokens
        return isinstance(body.get("input_tokens", body.get("inputTokens")), int)
    if obs.probe == "key_info":
        return isinstance(body.get("data"), dict)
    if obs.probe == "models":
        return isinstance(body.get("data"), list)
    return True


def served(obs: Observation, ctx: Context) -> bool:
    """The pre-check's route exists here and answered as the provider would (success or a known error)."""
    if obs.status is None:
        return False
    if obs.ok:
        return _expected_shape(obs)
    if obs.status >= 500:
        return False  # a server error says nothing about whether the route exists
    return classify_answer(obs, ctx).cause not in NOT_SERVED_CAUSES


def other_route_works(prechecks: Sequence[Observation], ctx: Context) -> bool:
    return any(served(obs, ctx) for obs in prechecks)


def proves_refusal(prechecks: Sequence[Observation], ctx: Context) -> bool:
    """A served pre-check already blames the credential or the model: a stream sent now would be refused too,
    so it waits for the message's verdict (a hint for what to send, never a verdict)."""
    for obs in prechecks:
        if obs.ok or obs.status is None or obs.probe == "models" or not served(obs, ctx):
            continue
        cause = classify_answer(obs, ctx).cause
        if cause.startswith(("auth.", "model.")):
            return True
    return False


def listed_ids(obs: Observation | None) -> set[str] | None:
    if obs is None or not obs.ok:
        return None
    body: Any = obs.json()
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return None
    return {item["id"] for item in data if isinstance(item, dict) and isinstance(item.get("id"), str)}


def _listed(ids: set[str], model: str) -> bool:
    return model in ids or model.split(":", 1)[0] in ids  # variants such as :free share the base id


def similar_ids_hint(models: Observation | None, model: str) -> str:
    """For a model the message rejected: a few listed ids that look like it."""
    ids = listed_ids(models)
    if not ids:
        return ""
    stem = model.split(":", 1)[0].split("/")[-1][:12]
    close = sorted(i for i in ids if stem and stem in i)[:3]
    return f"; similar ids in GET /models: {', '.join(close)}" if close else ""


def judge_access(message: Observation, prechecks: Sequence[Observation], ctx: Context,
                 hint: str = "") -> tuple[Verdict, Verdict | None]:
    """auth.accepted and model.available (None when auth failed: the model layer is then blocked).

    The message decides when its answer speaks to the credential or the model. When it failed for another
    reason (a rate limit, an overload, a timeout, a server error), a pre-check that succeeded decides; with
    none, the layers stay undecided (skipped) and the message check carries the failure.
    """
    decided_by_message = message.status is not None and 200 <= message.status < 300
    if not decided_by_message and message.status is not None:
        decided_by_message = speaks_to_auth(classify_answer(message, ctx).cause)
    if decided_by_message:
        auth = credentials_accepted(message, ctx)
        return auth, (model_is_available(message, ctx, hint) if auth.passed else None)
    why = seen_answer(message, classify_answer(message, ctx))
    witness = next((o for o in prechecks if o.ok and o.probe != "models" and served(o, ctx)), None)
    if witness is None:
        undecided = Verdict.skip(f"undecided: the message request failed for a reason unrelated to the "
                                 f"credential or the model ({why})")
        return undecided, undecided
    label = _LABELS.get(witness.probe, witness.probe)
    auth = Verdict.ok(f"{label} accepted the credential (HTTP {witness.status}); the message request failed for "
                      f"another reason ({why})")
    if witness.probe == "count_tokens":
        model = Verdict.ok(f"model {ctx.model!r} accepted by count_tokens (HTTP {witness.status})")
    else:
        model = Verdict.skip(f"undecided: the message request failed before the model was judged ({why})")
    return auth, model


def judge_prechecks(prechecks: Sequence[Observation], message: Observation, ctx: Context) -> Verdict:
    if not prechecks:
        return Verdict.skip("not applicable: no free pre-check for this provider")
    message_cause = None if message.ok else classify_answer(message, ctx).cause
    notes: list[str] = []
    not_served = False
    for obs in prechecks:
        label = _LABELS.get(obs.probe, obs.probe)
        if not served(obs, ctx):
            not_served = True
            notes.append(f"{label} is not served here ({seen_answer(obs, classify_answer(obs, ctx))})")
            continue
        note = _disagreement(obs, label, message, message_cause, ctx)
        if note:
            notes.append(note)
    if notes:
        decided = f"; the verdict was taken from {message.method} {_path(message.url)}"
        return Verdict.warn("; ".join(notes) + decided, "endpoint.not-served" if not_served else None)
    labels = ", ".join(_LABELS.get(o.probe, o.probe) for o in prechecks)
    return Verdict.ok(f"{labels} served and consistent with the message request")


def _disagreement(obs: Observation, label: str, message: Observation, message_cause: str | None,
                  ctx: Context) -> str | None:
    if obs.probe == "models":
        ids = listed_ids(obs)
        if ids is not None and message.ok and not _listed(ids, ctx.model or ""):
            return f"{ctx.model!r} is not among the {len(ids)} ids of GET /models, yet it answered"
        return None
    judges_model = obs.probe == "count_tokens"  # GET /key says nothing about models
    if obs.ok and message_cause is not None and (
            message_cause.startswith("auth.") or (judges_model and message_cause.startswith("model."))):
        estimate = " (a local estimate)" if "local_estimate" in (obs.body_text or "") else ""
        what = "model" if message_cause.startswith("model.") else "credential"
        return (f"{label} answered HTTP {obs.status}{estimate} for a {what} that {message.method} "
                f"{_path(message.url)} rejects: it does not check the {what}")
    if not obs.ok and message.ok:
        cause = classify_answer(obs, ctx).cause
        return (f"{label} answered {seen_answer(obs, classify_answer(obs, ctx))} ({cause}) while the message "
                f"request succeeded: clients that call {label} first will fail")
    return None


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"
