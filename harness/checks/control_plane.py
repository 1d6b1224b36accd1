"""Bedrock's control plane, read as hints (pure): is model access granted, is the model offered in the region,
is the inference profile active, and what GetFoundationModel says of the model's lifecycle.

These answers never fail a target: the runtime request decides. A control plane that denies the call (the
identity may invoke models without being allowed to read the catalogue) or is not served (a gateway) is said
plainly, as a warning or a skip.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..lifecycle import Lifecycle
from ..observation import Observation
from .basic import Verdict

BEDROCK_LIFECYCLE_SOURCE = "Amazon Bedrock GetFoundationModel (modelLifecycle)"


def _denied(obs: Observation, action: str) -> Verdict | None:
    if obs.status in (401, 403):
        return Verdict.warn(f"the control plane refused {action} (HTTP {obs.status}); this identity may still "
                            "invoke the model, which the runtime request decides", "auth.permission-denied")
    if obs.status is None or obs.status >= 500 or obs.status in (404, 405, 501):
        return Verdict.skip(f"not served here ({action}: {obs.status or obs.phase}); the runtime request decides")
    return None


def judge_model_access(availability: Observation | None, profile: Observation | None, region: str) -> Verdict:
    """GetFoundationModelAvailability (+ GetInferenceProfile for a profile id)."""
    if availability is None:
        if profile is not None and profile.ok:
            return Verdict.ok("an ARN names no foundation model to ask about" + _profile_note(profile))
        return Verdict.skip("not applicable: an ARN names no foundation model to ask about")
    early = _denied(availability, "GetFoundationModelAvailability")
    if early is not None:
        return early
    body: Any = availability.json()
    if not availability.ok or not isinstance(body, dict):
        return Verdict.skip(f"GetFoundationModelAvailability answered HTTP {availability.status}; the runtime "
                            "request decides")
    said = []
    if body.get("authorizationStatus") == "NOT_AUTHORIZED":
        said.append("model access is NOT_AUTHORIZED")
    found = body.get("agreementAvailability")
    agreement: dict[str, Any] = found if isinstance(found, dict) else {}
    if agreement.get("status") not in (None, "AVAILABLE"):
        said.append(f"the model agreement is {agreement.get('status')}"
                    + (f" ({agreement['errorMessage']})" if agreement.get("errorMessage") else ""))
    if body.get("regionAvailability") == "NOT_AVAILABLE":
        said.append(f"the model is not offered in {region}")
    profile_note = _profile_note(profile)
    if said:
        cause = "model.not-found" if said == [f"the model is not offered in {region}"] else "model.access-denied"
        return Verdict.warn("Bedrock's control plane says " + "; ".join(said) + profile_note, cause)
    return Verdict.ok(f"model access AUTHORIZED, agreement AVAILABLE, offered in {region}{profile_note}")


def _profile_note(profile: Observation | None) -> str:
    if profile is None:
        return ""
    body: Any = profile.json()
    if profile.ok and isinstance(body, dict):
        regions = sorted({str(m.get("modelArn", "")).split(":")[3] for m in body.get("models", [])
                          if isinstance(m, dict) and str(m.get("modelArn", "")).count(":") >= 4})
        where = f", routing to {', '.join(r for r in regions if r)}" if regions else ""
        return f"; inference profile {body.get('inferenceProfileId')} is {body.get('status')}{where}"
    return f"; GetInferenceProfile answered HTTP {profile.status}"


def bedrock_lifecycle(model: str, obs: Observation | None, today: date) -> Lifecycle | None:
    """GetFoundationModel's modelLifecycle: ACTIVE, or LEGACY with the end-of-life time, when it is readable."""
    if obs is None or not obs.ok:
        return None
    body: Any = obs.json()
    details = body.get("modelDetails") if isinstance(body, dict) else None
    lifecycle = details.get("modelLifecycle") if isinstance(details, dict) else None
    if not isinstance(lifecycle, dict) or lifecycle.get("status") not in ("ACTIVE", "LEGACY"):
        return None
    end = lifecycle.get("endOfLifeTime")
    retires = None
    if isinstance(end, str) and len(end) >= 10:
        try:
            retires = date.fromisoformat(end[:10])
        except ValueError:
            retires = None
    status = "active" if lifecycle["status"] == "ACTIVE" else "retired" if retires and retires <= today \
        else "deprecated"
    return Lifecycle(model, status, retires, None, BEDROCK_LIFECYCLE_SOURCE, "Bedrock's GetFoundationModel")
