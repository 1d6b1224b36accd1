"""Microsoft Foundry in the emulator, under ``/anthropic``: Messages and the Files API on the emulator's generic
pipeline, with Foundry's credentials (``api-key`` or ``x-api-key``, or an Entra bearer token, which the
managed-identity endpoint at ``/msi/token`` issues as azure-identity expects) and its ``apim-request-id``; every
other path under ``/anthropic`` is Foundry's "unsupported" answer. Faults come from ``fixtures/foundry/errors``;
the token faults break the managed-identity endpoint."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...emulator.host import BAD_CREDENTIAL_PREFIX, Host, bearer_token, emulator_data
from ...emulator.surface import Surface
from ...emulator.tokens import acceptable_foreign_token, mint, verify
from . import FOUNDRY

if TYPE_CHECKING:
    from ...emulator.app import Emulator
    from ...emulator.faults import Fault

NAME = FOUNDRY.name
MOUNT = "/anthropic"
DATA = emulator_data(__package__)  # emulator.toml


class FoundryHost(Host):
    name = NAME
    offered_faults = frozenset(DATA["offered_faults"])

    def ids(self) -> dict[str, str]:
        ids = super().ids()
        ids["apim-request-id"] = str(uuid.uuid4())
        return ids

    def authenticate(self, emulator: Emulator, request: Request, raw: bytes, model: str,
                     ids: dict[str, str]) -> Response | None:
        token = bearer_token(request)
        key = request.headers.get("x-api-key") or request.headers.get("api-key")
        if (token or key or "").startswith(BAD_CREDENTIAL_PREFIX):  # the documented wrong credential
            return emulator._fixture(NAME, "token-invalid" if token and not key else "invalid-key", model, ids)
        if token and not key:  # any bearer token, except a JWT that is expired or for another audience
            valid, _reason, _claims = verify(emulator.settings.token_key, token)
            if valid or acceptable_foreign_token(token):
                return None
            return emulator._fixture(NAME, "token-invalid", model, ids)
        if not key:
            return emulator._fixture(NAME, "missing-credentials", model, ids)
        return None

    def spares(self, fault: Fault, request: Request) -> bool:
        return fault.name == "key-auth-disabled" and "authorization" in request.headers  # Entra tokens still work


HOST = FoundryHost()


def unsupported(emulator: Emulator) -> Any:
    async def endpoint(request: Request) -> Response:
        response = emulator._fixture(NAME, "unsupported", "", HOST.ids())
        assert response is not None
        return response

    return endpoint


def msi_token(emulator: Emulator) -> Any:
    async def endpoint(request: Request) -> Response:
        """The App Service managed-identity protocol that azure-identity speaks."""
        if request.headers.get("x-identity-header") != emulator.settings.identity_header:
            return JSONResponse({"error": "invalid_request", "error_description": "bad X-IDENTITY-HEADER"},
                                status_code=401)
        names = {f.name for f in emulator._active(request)}
        if "token-endpoint-down" in names:
            return JSONResponse({"error": "service_unavailable",
                                 "error_description": "The managed identity endpoint is not available."},
                                status_code=500)
        resource = request.query_params.get("resource", "")
        audience = "https://management.azure.com" if "wrong-audience" in names else resource.rstrip("/")
        token, exp = mint(emulator.settings.token_key, audience)
        if "expired-token" in names:  # the client thinks it is fresh; the claim inside says otherwise
            token, _ = mint(emulator.settings.token_key, audience, lifetime_s=-60)
        return JSONResponse({"access_token": token, "expires_on": str(exp), "resource": resource,
                             "token_type": "Bearer"})

    return endpoint


def routes(emulator: Emulator) -> list[Route]:
    return [*Surface(emulator, NAME).file_routes(MOUNT),  # "Hosted on Anthropic" deployments serve the Files API
            Route("/msi/token", msi_token(emulator), methods=["GET"]),
            Route(f"{MOUNT}/v1/messages", emulator.route(NAME, "message"), methods=["POST"]),
            Route(f"{MOUNT}/v1/messages/count_tokens", emulator.route(NAME, "count_tokens"), methods=["POST"]),
            Route(f"{MOUNT}/{{rest:path}}", unsupported(emulator), methods=["GET", "POST", "HEAD", "DELETE"]),
            Route(MOUNT, unsupported(emulator), methods=["GET", "POST", "HEAD"])]
