"""Amazon Bedrock in the emulator, under ``/bedrock``: InvokeModel, InvokeModelWithResponseStream and CountTokens
on the emulator's cloud pipeline (the model in the path, ``anthropic_version`` in the body), Converse and
ConverseStream (``converse_route.py``), the control plane (``control_plane.py``) and STS GetCallerIdentity.

SigV4 is checked against the AWS documentation's example key pair (any other secret gets Bedrock's real signature
error), Bedrock API keys are bearer tokens, errors are AWS's (``x-amzn-ErrorType``, ``{"message"}``) and streams
are binary event streams. Faults come from ``fixtures/bedrock/errors``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import json
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .... import eventstream
from ....cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from ....emulator import responses as r
from ....emulator.clouds import dialect_problem
from ....emulator.host import BAD_CREDENTIAL_PREFIX, UNKNOWN_MODEL_PREFIX, Host, emulator_data
from ....emulator.rules import BEDROCK_PREFIX
from ... import aws_emulation, sigv4
from ...aws_emulation import EMULATOR_ACCOUNT, aws_error
from .. import BEDROCK
from . import control_plane

if TYPE_CHECKING:
    from ....emulator.app import Emulator, Kind
    from ....emulator.rules import Rejection

NAME = BEDROCK.name
MOUNT = "/bedrock"
DATA = emulator_data(__package__)  # emulator.toml
ACCEPTED_DIALECTS: tuple[str, ...] = tuple(DATA["accepted_dialects"])
STREAM_EXCEPTIONS: dict[str, str] = dict(DATA["stream_exceptions"])  # Anthropic error types: Bedrock's exceptions
STOP_METRICS = {"inputTokenCount": 0, "outputTokenCount": 0, "invocationLatency": 1, "firstByteLatency": 1}


def authenticate_bedrock(request: Request, raw_body: bytes, ids: dict[str, str]) -> Response | None:
    authorization = request.headers.get("authorization", "")
    if not authorization:
        return aws_error(403, "MissingAuthenticationTokenException", "Authorization header is missing", ids,
                         capital=True)
    if authorization.lower().startswith("bearer "):
        if authorization[7:].strip().startswith(BAD_CREDENTIAL_PREFIX):
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
            return {"anthropic_version": ACCEPTED_DIALECTS[0],
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
    problem = dialect_problem(ACCEPTED_DIALECTS, body)
    if problem:
        return aws_error(400, "ValidationException", f"Malformed input request: {problem}, please reformat your "
                                                     "input and try again.", ids)
    return body


def to_event_stream(sse_events: list[bytes], metrics: dict[str, int] | None = None) -> list[bytes]:
    """The same Anthropic events, framed as Bedrock frames them; error events become exception frames."""
    return eventstream.frames_from_sse(b"".join(sse_events), error_names=STREAM_EXCEPTIONS, stop_metrics=metrics)


def invocation_headers(usage: dict[str, Any], started: float) -> dict[str, str]:
    return {"X-Amzn-Bedrock-Invocation-Latency": str(int((time.perf_counter() - started) * 1000)),
            "X-Amzn-Bedrock-Input-Token-Count": str(usage.get("input_tokens", 0)),
            "X-Amzn-Bedrock-Output-Token-Count": str(usage.get("output_tokens", 0))}


def plausible_model(model: str) -> bool:
    """What Bedrock would even look up: a first-party id sent to Bedrock is rejected as Claude Code users meet it."""
    return "anthropic." in model or model.startswith("arn:aws")


class BedrockHost(Host):
    name = NAME
    message_id_prefix = "msg_bdrk_"
    count_tokens_field = "inputTokens"
    offered_faults = frozenset(DATA["offered_faults"])

    def ids(self) -> dict[str, str]:
        return aws_emulation.request_ids()

    def cloud_request(self, emulator: Emulator, request: Request, raw: bytes, kind: Kind,
                      ids: dict[str, str]) -> tuple[Kind, str, dict[str, Any] | Response] | Response:
        denied = authenticate_bedrock(request, raw, ids)
        return kind, request.path_params["model_id"], denied if denied is not None else bedrock_body(kind, raw, ids)

    def body_problem(self, message: str, ids: dict[str, str]) -> Response:
        return aws_error(400, "ValidationException", message, ids)

    def rule_problem(self, broken: Rejection, ids: dict[str, str]) -> Response:
        return aws_error(400, "ValidationException", BEDROCK_PREFIX + broken.message, ids)

    def plausible_model(self, model: str) -> bool:
        return plausible_model(model)

    def retired(self, model: str, ids: dict[str, str], headers: dict[str, str],
                place: Mapping[str, str]) -> Response:
        return aws_emulation.end_of_life(ids)

    def model_problem(self, emulator: Emulator, model: str, ids: dict[str, str]) -> Response | None:
        """Newer models have no on-demand throughput: the bare model id needs an inference profile."""
        if not control_plane.needs_inference_profile(model):
            return None
        answer: Response | None = emulator._fixture(NAME, "inference-profile-required", model, ids)
        assert answer is not None
        return answer

    def message(self, emulator: Emulator, model: str, body: dict[str, Any], ids: dict[str, str],
                headers: dict[str, str]) -> Response:
        message = r.anthropic_message(self.message_id(), model, body, usage=emulator._usage(NAME, model, body))
        headers.update(invocation_headers(message["usage"], time.perf_counter()))
        return JSONResponse(message, headers=headers)

    def stream_framing(self, events: list[bytes], *, reframe: bool) -> tuple[list[bytes], str, dict[str, str]]:
        if reframe:  # a proxy re-framed the event stream as SSE
            return super().stream_framing(events, reframe=reframe)
        return (to_event_stream(events, dict(STOP_METRICS)), eventstream.CONTENT_TYPE,
                {"X-Amzn-Bedrock-Content-Type": "application/json"})


HOST = BedrockHost()


def control(emulator: Emulator) -> Any:
    async def endpoint(request: Request) -> Response:
        """GetFoundationModelAvailability, GetFoundationModel, GetInferenceProfile and ListInferenceProfiles."""
        ids = HOST.ids()
        denied = authenticate_bedrock(request, b"", ids)
        if denied is not None:
            return denied
        faults = {f.name for f in emulator._active(request, NAME)}
        if "control-plane-denied" in faults:
            action = {"foundation-model-availability": "GetFoundationModelAvailability", "foundation-models":
                      "GetFoundationModel", "inference-profiles": "GetInferenceProfile"}[request.path_params["kind"]]
            return aws_error(403, "AccessDeniedException", f"User: arn:aws:iam::{EMULATOR_ACCOUNT}:user/"
                             f"dev is not authorized to perform: bedrock:{action} because no identity-based "
                             "policy allows the action", ids, capital=True)
        kind, model = request.path_params["kind"], request.path_params.get("model_id", "")
        region = aws_emulation.region_of(request) or "us-east-1"
        if kind == "inference-profiles" and not model:
            return JSONResponse({"inferenceProfileSummaries": control_plane.system_profiles(region)}, headers=ids)
        if kind == "foundation-models" and not model:  # ListFoundationModels
            return JSONResponse(control_plane.foundation_model_summaries(_dt.date.today(), dict(request.query_params)),
                                headers=ids)
        if model.startswith(UNKNOWN_MODEL_PREFIX) or not plausible_model(model):
            return aws_error(404, "ResourceNotFoundException", f"The model {model} does not exist.", ids)
        if kind == "inference-profiles":
            return JSONResponse(control_plane.inference_profile(model, region), headers=ids)
        if kind == "foundation-models":
            return JSONResponse(control_plane.foundation_model(model, _dt.date.today()), headers=ids)
        authorized = not faults & {"model-access-denied", "use-case-form"}
        agreement = "NOT_AVAILABLE" if "use-case-form" in faults else "AVAILABLE"
        return JSONResponse({**control_plane.availability(authorized, agreement), "modelId": model}, headers=ids)

    return endpoint


async def sts(request: Request) -> Response:
    """STS GetCallerIdentity for the example key pair."""
    ids = HOST.ids()
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


def routes(emulator: Emulator) -> list[Route]:
    from .converse_route import converse_routes

    model = f"{MOUNT}/model/{{model_id:path}}"
    return [Route(f"{model}/invoke", emulator.cloud(NAME, "message"), methods=["POST"]),
            Route(f"{model}/invoke-with-response-stream", emulator.cloud(NAME, "stream"), methods=["POST"]),
            *converse_routes(emulator),
            Route(f"{model}/count-tokens", emulator.cloud(NAME, "count_tokens"), methods=["POST"]),
            Route(f"{MOUNT}/{{kind:str}}/{{model_id:path}}", control(emulator), methods=["GET"]),
            Route(f"{MOUNT}/{{kind:str}}", control(emulator), methods=["GET"]),
            Route("/sts/", sts, methods=["GET"])]
