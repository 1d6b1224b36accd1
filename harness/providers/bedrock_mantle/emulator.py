"""Mantle in the emulator, under ``/bedrock-mantle/anthropic`` (contract §5): the Messages API routes on the
emulator's generic pipeline, with Mantle's front door (SigV4 as ``bedrock-mantle`` or a Bedrock API key) and its
model-id rule (a 400 that names the model: send ``--model us.anthropic.claude-sonnet-4-6`` to see it; not a fault,
since the answer depends on the id sent). Faults come from ``fixtures/bedrock-mantle/errors``.

UNVERIFIED against the real host (no credentials): the error envelopes. The emulator answers the AWS front door's
refusals as Bedrock does (``x-amzn-ErrorType``, ``{"message"}``) and the Messages API's in Anthropic's envelope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...emulator.host import Host
from .. import aws_emulation
from . import MOUNT, NAME, SIGNING_NAME
from .models import other_platform_format

BAD_PREFIX = "bad-"


class MantleHost(Host):
    name = NAME

    def ids(self) -> dict[str, str]:
        return aws_emulation.request_ids()

    def authenticate(self, emulator: Any, request: Request, raw: bytes, model: str,
                     ids: dict[str, str]) -> Response | None:
        if aws_emulation.is_signed(request):
            problem = aws_emulation.signature_problem(request, raw, SIGNING_NAME)
            return None if problem is None else aws_emulation.aws_error(*problem, ids)
        authorization = request.headers.get("authorization", "")
        key = request.headers.get("x-api-key") or (
            authorization[7:].strip() if authorization.lower().startswith("bearer ") else "")
        if not key:
            return aws_emulation.aws_error(403, "MissingAuthenticationTokenException",
                                           "Authorization header is missing", ids)
        if key.startswith(BAD_PREFIX):  # a Bedrock API key Bedrock does not know (opencode#47073's text)
            return aws_emulation.aws_error(403, "AccessDeniedException",
                                           "Authentication failed: Please make sure your API Key is valid.", ids)
        return None

    def model_problem(self, emulator: Any, model: str, ids: dict[str, str]) -> Response | None:
        if not other_platform_format(model):
            return None  # an unknown Mantle-format id is the generic unknown-model answer
        answer: Response | None = emulator._fixture(NAME, "model-id-format", model, ids)
        return answer

    def retired(self, model: str, ids: dict[str, str], headers: dict[str, str],
                place: Mapping[str, str]) -> Response:
        return aws_emulation.end_of_life(ids)  # as Bedrock answers a model past its end of life


HOST = MantleHost()


def routes(emulator: Any) -> list[Route]:
    return aws_emulation.messages_routes(emulator, NAME, MOUNT, HOST)
