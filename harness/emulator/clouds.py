"""The clouds' side of the emulator: Bedrock's and Vertex AI's framing, authentication and error envelopes.

Bedrock: SigV4 checked against the AWS documentation's example key pair (any other secret gets Bedrock's real
signature error), Bedrock API keys as bearer tokens, AWS errors (``x-amzn-ErrorType``, ``{"message"}``), binary
event streams. Vertex: any OAuth access token except the magic failure values, Google RPC errors, plus a fake
metadata server and a token endpoint so that google-auth works offline.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from .. import eventstream
from ..cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from ..providers import sigv4

ACCEPTED_DIALECTS = {"bedrock": ("bedrock-2023-05-31", "2026-10-21"), "vertex": ("vertex-2023-10-16", "2026-10-21")}
BAD_PREFIX = "bad-"
EXPIRED_PREFIX = "expired-"  # a Vertex token starting with this is answered as expired
CORAL = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
EMULATOR_ACCOUNT = "123456789012"
METADATA_FLAVOR = {"Metadata-Flavor": "Google"}
EMULATOR_PROJECT = "emulator-project"
EMULATOR_SERVICE_ACCOUNT = "claude-harness@emulator-project.iam.gserviceaccount.com"


def aws_error(status: int, code: str, message: str, ids: dict[str, str], *, capital: bool = False) -> Response:
    body = {"Message": message} if capital else {"message": message}
    return JSONResponse(body, status_code=status, headers={**ids, "x-amzn-ErrorType": code + CORAL})


def google_error(status: int, canonical: str, message: str, *, reason: str | None = None) -> Response:
    error: dict[str, Any] = {"code": status, "message": message, "status": canonical}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                             "domain": "googleapis.com"}]
    return JSONResponse({"error": error}, status_code=status)


def region_of(request: Request) -> str | None:
    """The region a SigV4 request was signed for (the emulator serves every region on one address)."""
    parsed = sigv4.parse_authorization(request.headers.get("authorization", ""))
    return parsed.region if parsed else None


def bedrock_ids() -> dict[str, str]:
    return {"x-amzn-RequestId": _uuid()}


def _uuid() -> str:
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def authenticate_bedrock(request: Request, raw_body: bytes, ids: dict[str, str]) -> Response | None:
    authorization = request.headers.get("authorization", "")
    if not authorization:
        return aws_error(403, "MissingAuthenticationTokenException", "Authorization header is missing", ids,
                         capital=True)
    if authorization.lower().startswith("bearer "):
        if authorization[7:].strip().startswith(BAD_PREFIX):
            return aws_error(403, "AccessDeniedException",
                             "Authentication failed: Please make sure your API Key is valid.", ids, capital=True)
        return None
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    path = raw_path.decode("latin-1").split("?", 1)[0]
    problem = sigv4.verify(request.method, path, request.url.query, dict(request.headers), raw_body,
                           {EMULATOR_ACCESS_KEY: EMULATOR_SECRET_KEY}, _dt.datetime.now(_dt.timezone.utc))
    if problem is None:
        return None
    code, message = problem
    status = 400 if code == "IncompleteSignatureException" else 403
    return aws_error(status, code, message, ids)


def bedrock_body(kind: str, raw_body: bytes, ids: dict[str, str]) -> dict[str, Any] | Response:
    """The InvokeModel JSON (unwrapped from CountTokens), or Bedrock's own 400 for what it would reject."""
    try:
        body = json.loads(raw_body)
    except ValueError:
        return aws_error(400, "ValidationException", "Malformed input request, please reformat your input and try "
                                                     "again.", ids)
    if kind == "count_tokens" and isinstance(body, dict) and isinstance(body.get("input"), dict) \
            and "converse" in body["input"]:  # CountTokens with Converse input: the Messages body it stands for
        from .converse import ConverseInputError, to_messages

        try:
            return {"anthropic_version": ACCEPTED_DIALECTS["bedrock"][0],
                    **to_messages(body["input"]["converse"] if isinstance(body["input"]["converse"], dict)
                                  else {}, 4096)}
        except ConverseInputError as invalid:
            return aws_error(400, "ValidationException", str(invalid), ids)
    if kind == "count_tokens":
        try:
            body = json.loads(base64.b64decode(body["input"]["invokeModel"]["body"]))
        except (KeyError, TypeError, ValueError, binascii.Error):
            return aws_error(400, "ValidationException", "1 validation error detected: Value at 'input' failed to "
                                                         "satisfy constraint: Member must not be null", ids)
    if not isinstance(body, dict):
        return aws_error(400, "ValidationException", "Malformed input request: #: expected type: JSONObject, "
                                                     "please reformat your input and try again.", ids)
    for extraneous in ("model", "stream"):
        if extraneous in body:
            return aws_error(400, "ValidationException", f"Malformed input request: #: extraneous key [{extraneous}]"
                                                         " is not permitted, please reformat your input and try "
                                                         "again.", ids)
    problem = dialect_problem("bedrock", body)
    if problem:
        return aws_error(400, "ValidationException", f"Malformed input request: {problem}, please reformat your "
                                                     "input and try again.", ids)
    return body


def dialect_problem(provider: str, body: dict[str, Any]) -> str | None:
    version = body.get("anthropic_version")
    if version is None:
        return "#: required key [anthropic_version] not found"
    if version not in ACCEPTED_DIALECTS[provider]:
        return f"#/anthropic_version: {version} is not a valid enum value"  # the emulator's own wording
    return None


def authenticate_vertex(request: Request) -> Response | None:
    authorization = request.headers.get("authorization", "")
    token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""
    unauthenticated = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                       "or other valid authentication credential. See https://developers.google.com/identity/sign-in/"
                       "web/devconsole-project.")
    if not token:
        return google_error(401, "UNAUTHENTICATED", unauthenticated, reason="CREDENTIALS_MISSING")
    if token.startswith(EXPIRED_PREFIX):
        return google_error(401, "UNAUTHENTICATED", unauthenticated, reason="ACCESS_TOKEN_EXPIRED")
    if token.startswith(BAD_PREFIX):
        return google_error(401, "UNAUTHENTICATED", unauthenticated, reason="ACCESS_TOKEN_TYPE_UNSUPPORTED")
    return None


def vertex_body(raw_body: bytes) -> dict[str, Any] | Response:
    try:
        body = json.loads(raw_body)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
    problem = dialect_problem("vertex", body)
    if problem:
        return JSONResponse({"type": "error", "error": {"type": "invalid_request_error", "message": problem},
                             "request_id": vertex_request_id()}, status_code=400)
    return body


def vertex_request_id() -> str:
    return f"req_vrtx_{secrets.token_hex(12)}"


def publisher_model_not_found(project: str, location: str, model: str) -> Response:
    return google_error(404, "NOT_FOUND", f"Publisher Model `projects/{project}/locations/{location}/publishers/"
                        f"anthropic/models/{model}` was not found or your project does not have access to it. Please "
                        "ensure you are using a valid model version. For more information, see: https://cloud.google."
                        "com/vertex-ai/generative-ai/docs/learn/model-versions")


# Anthropic error types and the Bedrock stream exceptions they become.
STREAM_EXCEPTIONS = {"overloaded_error": "throttlingException", "api_error": "internalServerException"}


def to_event_stream(sse_events: list[bytes], metrics: dict[str, int] | None = None) -> list[bytes]:
    """The same Anthropic events, framed as Bedrock frames them; error events become exception frames."""
    return eventstream.frames_from_sse(b"".join(sse_events), error_names=STREAM_EXCEPTIONS, stop_metrics=metrics)


# --- google-auth, offline --------------------------------------------------------------------------------------
async def metadata(request: Request) -> Response:
    """Enough of the GCE metadata server for google-auth: ping, project id, service account, token."""
    if request.headers.get("metadata-flavor") != "Google":
        return PlainTextResponse("Missing Metadata-Flavor:Google header.", status_code=403, headers=METADATA_FLAVOR)
    path = request.url.path.removeprefix("/computeMetadata/v1/")
    if path.rstrip("/") == "instance":  # Node's gcp-metadata asks this first to decide it is on Google Cloud
        return JSONResponse({"id": 1, "zone": "projects/0/zones/us-central1-a", "serviceAccounts": {
            "default": {"email": EMULATOR_SERVICE_ACCOUNT}}}, headers=METADATA_FLAVOR)
    if path == "project/project-id":
        return PlainTextResponse(EMULATOR_PROJECT, headers=METADATA_FLAVOR)
    if path.startswith("instance/service-accounts/default/token"):
        return JSONResponse({"access_token": f"ya29.emulator-{secrets.token_hex(8)}", "expires_in": 3599,
                             "token_type": "Bearer"}, headers=METADATA_FLAVOR)
    if path.startswith("instance/service-accounts/default"):
        return JSONResponse({"email": EMULATOR_SERVICE_ACCOUNT, "aliases": ["default"],
                             "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}, headers=METADATA_FLAVOR)
    return PlainTextResponse("not found", status_code=404, headers=METADATA_FLAVOR)


async def oauth_token(request: Request) -> Response:
    """A service-account file's token_uri: the JWT-bearer grant answered with an access token."""
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
    if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" or not form.get("assertion"):
        return JSONResponse({"error": "invalid_grant", "error_description": "Invalid grant: account not found"},
                            status_code=400)
    return JSONResponse({"access_token": f"ya29.emulator-{secrets.token_hex(8)}", "expires_in": 3599,
                         "token_type": "Bearer"})


async def sts(request: Request) -> Response:
    """STS GetCallerIdentity for the example key pair."""
    ids = bedrock_ids()
    denied = authenticate_bedrock(request, b"", ids)
    if denied is not None:
        return denied
    if request.query_params.get("Action") != "GetCallerIdentity":
        return aws_error(400, "InvalidAction", "Could not find operation", ids)
    xml = ("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
           f"<Arn>arn:aws:iam::{EMULATOR_ACCOUNT}:user/claude-harness-emulator</Arn><UserId>AIDAEXAMPLE</UserId>"
           f"<Account>{EMULATOR_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>"
           f"{ids['x-amzn-RequestId']}</RequestId></ResponseMetadata></GetCallerIdentityResponse>")
    return Response(xml, media_type="text/xml", headers=ids)


def invocation_headers(usage: dict[str, Any], started: float) -> dict[str, str]:
    return {"X-Amzn-Bedrock-Invocation-Latency": str(int((time.perf_counter() - started) * 1000)),
            "X-Amzn-Bedrock-Input-Token-Count": str(usage.get("input_tokens", 0)),
            "X-Amzn-Bedrock-Output-Token-Count": str(usage.get("output_tokens", 0))}


_GENERATION_4_5_ON = re.compile(r"^anthropic\.claude-(opus|sonnet|haiku|fable|mythos)-(4-[5-9]|[5-9])")


def plausible_model(provider: str, model: str) -> bool:
    """What the cloud would even look up: a first-party id sent to Bedrock, or a dated id without @ sent to
    Vertex, is rejected as Claude Code users meet it."""
    if provider == "bedrock":
        return "anthropic." in model or model.startswith("arn:aws")
    return not re.search(r"-\d{8}$", model)


def needs_inference_profile(model: str) -> bool:
    """Newer Claude models on Bedrock have no on-demand throughput: the bare model id needs a profile."""
    return bool(_GENERATION_4_5_ON.match(model))


# --- Bedrock's control plane ---------------------------------------------------------------------------------
# The foundation models behind the system-defined profiles ListInferenceProfiles returns (Claude Code looks its
# tier defaults up in this list at start-up).
PROFILE_MODELS = ("anthropic.claude-opus-5", "anthropic.claude-sonnet-5", "anthropic.claude-fable-5",
                  "anthropic.claude-opus-4-8", "anthropic.claude-opus-4-7", "anthropic.claude-opus-4-6-v1",
                  "anthropic.claude-sonnet-4-6", "anthropic.claude-opus-4-5-20251101-v1:0",
                  "anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0")
PROFILE_GEOS = ("us", "eu", "apac", "global")


def system_profiles(region: str) -> list[dict[str, Any]]:
    return [inference_profile(f"{geo}.{model}", region) for model in PROFILE_MODELS for geo in PROFILE_GEOS]


def first_party_id(foundation_model: str) -> str:
    """anthropic.claude-sonnet-4-5-20250929-v1:0 -> claude-sonnet-4-5-20250929 (for the lifecycle table)."""
    return re.sub(r"-v\d+(:\d+)?$", "", foundation_model.removeprefix("anthropic."))


def foundation_model(model_id: str, today: _dt.date) -> dict[str, Any]:
    from ..lifecycle import lookup

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
    from ..lifecycle import all_models

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
