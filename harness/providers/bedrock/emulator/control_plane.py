"""Bedrock's control plane in the emulator (GetFoundationModelAvailability, GetFoundationModel,
ListFoundationModels, GetInferenceProfile, ListInferenceProfiles), from the same lifecycle data as model.lifecycle."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from ....emulator.host import emulator_data
from ...aws_emulation import EMULATOR_ACCOUNT

_GENERATION_4_5_ON = re.compile(r"^anthropic\.claude-(opus|sonnet|haiku|fable|mythos)-(4-[5-9]|[5-9])")


def needs_inference_profile(model: str) -> bool:
    """Newer Claude models on Bedrock have no on-demand throughput: the bare model id needs a profile."""
    return bool(_GENERATION_4_5_ON.match(model))


# --- Bedrock's control plane ---------------------------------------------------------------------------------
DATA = emulator_data(__package__)  # emulator.toml: the system-defined profiles ListInferenceProfiles returns
PROFILE_MODELS: tuple[str, ...] = tuple(DATA["profile_models"])
PROFILE_GEOS: tuple[str, ...] = tuple(DATA["profile_geos"])


def system_profiles(region: str) -> list[dict[str, Any]]:
    return [inference_profile(f"{geo}.{model}", region) for model in PROFILE_MODELS for geo in PROFILE_GEOS]


def first_party_id(foundation_model: str) -> str:
    """anthropic.claude-sonnet-4-5-20250929-v1:0 -> claude-sonnet-4-5-20250929 (for the lifecycle table)."""
    return re.sub(r"-v\d+(:\d+)?$", "", foundation_model.removeprefix("anthropic."))


def foundation_model(model_id: str, today: _dt.date) -> dict[str, Any]:
    from ....lifecycle import lookup

    known = lookup("bedrock", model_id)  # Bedrock's own schedule where the data has it (Anthropic's otherwise)
    lifecycle: dict[str, Any] = {"status": "ACTIVE"}
    if known.status in ("deprecated", "legacy", "retired"):
        lifecycle = {"status": "LEGACY"}
        if known.retires is not None:
            lifecycle["endOfLifeTime"] = f"{known.retires.isoformat()}T00:00:00Z"
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{model_id}"
    return {"modelDetails": {"modelArn": arn, "modelId": model_id, "modelName": model_id, "providerName": "Anthropic",
                             "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"],
                             "responseStreamingSupported": True, "inferenceTypesSupported": ["INFERENCE_PROFILE"],
                             "modelLifecycle": lifecycle}}


def foundation_model_ids() -> list[str]:
    """Bedrock's ids for the models the lifecycle data names: dated ids as anthropic.<id>-v1:0, an undated id
    only where no dated twin exists (as anthropic.<id>-v1); -latest aliases are first-party only."""
    from ....lifecycle import all_models

    ids = [m.model for m in all_models() if not m.model.endswith("-latest")]
    dated = [i for i in ids if re.search(r"-\d{8}$", i)]
    twins = {re.sub(r"-\d{8}$", "", i) for i in dated} | {re.sub(r"-(\d)-\d{8}$", r"-\1-0", i) for i in dated}
    undated = [i for i in ids if i not in dated and i not in twins]
    return sorted([f"anthropic.{i}-v1:0" for i in dated] + [f"anthropic.{i}-v1" for i in undated])


def foundation_model_summaries(today: _dt.date, query: dict[str, str]) -> dict[str, Any]:
    """ListFoundationModels, with its byProvider / byOutputModality / byInferenceType filters."""
    summaries = []
    for model_id in foundation_model_ids():
        details = foundation_model(model_id, today)["modelDetails"]
        details = {**details, "customizationsSupported": [],
                   "inferenceTypesSupported": ["INFERENCE_PROFILE"] if needs_inference_profile(model_id)
                   else ["ON_DEMAND"]}
        summaries.append(details)
    provider = query.get("byProvider", "").lower()
    if provider and provider != "anthropic":
        summaries = []
    if query.get("byOutputModality") and query["byOutputModality"] != "TEXT":
        summaries = []
    if query.get("byInferenceType"):
        summaries = [s for s in summaries if query["byInferenceType"] in s["inferenceTypesSupported"]]
    return {"modelSummaries": summaries}


def availability(authorized: bool, agreement: str = "AVAILABLE") -> dict[str, Any]:
    return {"modelId": "", "agreementAvailability": {"status": agreement},
            "authorizationStatus": "AUTHORIZED" if authorized else "NOT_AUTHORIZED",
            "entitlementAvailability": "AVAILABLE", "regionAvailability": "AVAILABLE"}


def inference_profile(profile_id: str, region: str) -> dict[str, Any]:
    if profile_id.startswith("arn:"):  # an application inference profile, copied from one foundation model
        arn_region = profile_id.split(":")[3] or region
        return {"inferenceProfileId": profile_id.rsplit("/", 1)[-1], "inferenceProfileArn": profile_id,
                "inferenceProfileName": "app-profile", "status": "ACTIVE", "type": "APPLICATION",
                "models": [{"modelArn": f"arn:aws:bedrock:{arn_region}::foundation-model/"
                                        "anthropic.claude-haiku-4-5-20251001-v1:0"}]}
    geo = profile_id.split(".", 1)[0]
    regions = {"us": ["us-east-1", "us-east-2", "us-west-2"], "eu": ["eu-central-1", "eu-west-1", "eu-west-3"],
               "apac": ["ap-northeast-1", "ap-southeast-2"], "global": [region]}.get(geo, [region])
    model = profile_id.split(".", 1)[1] if "." in profile_id else profile_id
    return {"inferenceProfileId": profile_id, "inferenceProfileName": profile_id, "status": "ACTIVE",
            "type": "SYSTEM_DEFINED",
            "inferenceProfileArn": f"arn:aws:bedrock:{region}:{EMULATOR_ACCOUNT}:inference-profile/{profile_id}",
            "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{model}"} for r in regions]}
