"""Vertex AI in the emulator, under ``/vertex/v1``: ``rawPredict`` and ``streamRawPredict`` on the emulator's cloud
pipeline (the model in the path, ``anthropic_version`` in the body), any OAuth access token except the magic failure
values, Google RPC errors; plus enough of the GCE metadata server and a token endpoint for google-auth to work
offline. Faults come from ``fixtures/vertex/errors``."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ...emulator.clouds import EMULATOR_PROJECT, dialect_problem
from ...emulator.host import BAD_CREDENTIAL_PREFIX, Host, bearer_token, emulator_data
from . import VERTEX

if TYPE_CHECKING:
    from ...emulator.app import Emulator, Kind
    from ...emulator.rules import Rejection

NAME = VERTEX.name
MOUNT = "/vertex/v1"
DATA = emulator_data(__package__)  # emulator.toml
ACCEPTED_DIALECTS: tuple[str, ...] = tuple(DATA["accepted_dialects"])
EXPIRED_PREFIX = "expired-"  # a token starting with this is answered as expired
METADATA_FLAVOR = {"Metadata-Flavor": "Google"}
EMULATOR_SERVICE_ACCOUNT = f"claude-harness@{EMULATOR_PROJECT}.iam.gserviceaccount.com"
UNAUTHENTICATED = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                   "or other valid authentication credential. See https://developers.google.com/identity/sign-in/"
                   "web/devconsole-project.")


def google_error(status: int, canonical: str, message: str, *, reason: str | None = None) -> Response:
    error: dict[str, Any] = {"code": status, "message": message, "status": canonical}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
                             "domain": "googleapis.com"}]
    return JSONResponse({"error": error}, status_code=status)


def vertex_request_id() -> str:
    return f"req_vrtx_{secrets.token_hex(12)}"


def authenticate_vertex(request: Request) -> Response | None:
    token = bearer_token(request)
    if not token:
        return google_error(401, "UNAUTHENTICATED", UNAUTHENTICATED, reason="CREDENTIALS_MISSING")
    if token.startswith(EXPIRED_PREFIX):
        return google_error(401, "UNAUTHENTICATED", UNAUTHENTICATED, reason="ACCESS_TOKEN_EXPIRED")
    if token.startswith(BAD_CREDENTIAL_PREFIX):
        return google_error(401, "UNAUTHENTICATED", UNAUTHENTICATED, reason="ACCESS_TOKEN_TYPE_UNSUPPORTED")
    return None


def _anthropic_error(status: int, error_type: str, message: str) -> Response:
    """Vertex answers the Messages API's own errors in Anthropic's envelope, with req_vrtx_… in the body."""
    return JSONResponse({"type": "error", "error": {"type": error_type, "message": message},
                         "request_id": vertex_request_id()}, status_code=status)


def vertex_body(raw_body: bytes) -> dict[str, Any] | Response:
    try:
        body = json.loads(raw_body)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
    problem = dialect_problem(ACCEPTED_DIALECTS, body)
    if problem:
        return _anthropic_error(400, "invalid_request_error", problem)
    return body


def publisher_model_not_found(project: str, location: str, model: str) -> Response:
    return google_error(404, "NOT_FOUND", f"Publisher Model `projects/{project}/locations/{location}/publishers/"
                        f"anthropic/models/{model}` was not found or your project does not have access to it. Please "
                        "ensure you are using a valid model version. For more information, see: https://cloud.google."
                        "com/vertex-ai/generative-ai/docs/learn/model-versions")


class VertexHost(Host):
    name = NAME
    message_id_prefix = "msg_vrtx_"
    offered_faults = frozenset(DATA["offered_faults"])
    root_headers = METADATA_FLAVOR  # the index answers google-auth's "am I on Google Cloud?" ping

    def ids(self) -> dict[str, str]:
        return {}  # Vertex sends no request-id header; Anthropic-shaped errors carry req_vrtx_… in the body

    def fixture_request_id(self, ids: dict[str, str]) -> str:
        return vertex_request_id()

    def cloud_request(self, emulator: Emulator, request: Request, raw: bytes, kind: Kind,
                      ids: dict[str, str]) -> tuple[Kind, str, dict[str, Any] | Response] | Response:
        model, _, method = request.path_params["tail"].rpartition(":")
        if method not in ("rawPredict", "streamRawPredict") or not model:
            return google_error(404, "NOT_FOUND", f"Method {method!r} is not served here.")
        kind = "stream" if method == "streamRawPredict" else "count_tokens" if model == "count-tokens" \
            else "message"
        denied = authenticate_vertex(request)
        body = denied if denied is not None else vertex_body(raw)
        if kind == "count_tokens" and isinstance(body, dict):
            model = str(body.get("model") or "")
        return kind, model, body

    def body_problem(self, message: str, ids: dict[str, str]) -> Response:
        return _anthropic_error(400, "invalid_request_error", message)

    def rule_problem(self, broken: Rejection, ids: dict[str, str]) -> Response:
        return _anthropic_error(broken.status, broken.type, broken.message)

    def plausible_model(self, model: str) -> bool:
        """A dated id without @ is rejected as Claude Code users meet it."""
        return not re.search(r"-\d{8}$", model)

    def retired(self, model: str, ids: dict[str, str], headers: dict[str, str],
                place: Mapping[str, str]) -> Response:
        """Google's answer to a model the project can no longer use."""
        return publisher_model_not_found(place.get("project", ""), place.get("location", ""), model)

    def wrap_error(self, kind: Kind, response: Response) -> Response:
        """The streaming route answers Google errors wrapped in a JSON array."""
        if kind != "stream" or response.status_code < 400:
            return response
        body = json.loads(bytes(response.body))
        if not (isinstance(body, dict) and isinstance(body.get("error"), dict) and "status" in body["error"]):
            return response
        return JSONResponse([body], status_code=response.status_code)


HOST = VertexHost()


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


def routes(emulator: Emulator) -> list[Route]:
    return [Route(f"{MOUNT}/projects/{{project}}/locations/{{location}}/publishers/anthropic/models/{{tail:path}}",
                  emulator.cloud(NAME, "message"), methods=["POST"]),
            Route("/vertex/token", oauth_token, methods=["POST"]),
            Route("/computeMetadata/v1/{rest:path}", metadata, methods=["GET"])]
