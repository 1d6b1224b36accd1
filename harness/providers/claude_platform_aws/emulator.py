"""Claude Platform on AWS in the emulator, under ``/aws`` (contract §5): Anthropic's Messages API on the emulator's
generic pipeline, behind the AWS front door (SigV4 as ``aws-external-anthropic``, or ``x-api-key``), refusing a
request without ``anthropic-workspace-id`` as the platform does. Faults come from
``fixtures/claude-platform-aws/errors``.

UNVERIFIED against the real host (no credentials): the exact status and text of the missing-workspace answer and of
the front door's refusals (the emulator answers signature failures as AWS does, Anthropic's errors in Anthropic's
envelope).
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...emulator.host import Host
from .. import aws_emulation
from . import MOUNT, NAME, SIGNING_NAME, WORKSPACE_HEADER

BAD_PREFIX = "bad-"


class PlatformHost(Host):
    name = NAME

    def ids(self) -> dict[str, str]:
        return {"request-id": f"req_emu{secrets.token_hex(12)}"}

    def authenticate(self, emulator: Any, request: Request, raw: bytes, model: str,
                     ids: dict[str, str]) -> Response | None:
        answer: Response | None = None
        if aws_emulation.is_signed(request):
            problem = aws_emulation.signature_problem(request, raw, SIGNING_NAME)
            if problem is not None:
                return aws_emulation.aws_error(*problem, ids)
        else:
            authorization = request.headers.get("authorization", "")
            key = request.headers.get("x-api-key") or (
                authorization[7:].strip() if authorization.lower().startswith("bearer ") else "")
            if not key:
                answer = emulator._fixture(NAME, "missing-credentials", model, ids)
                return answer
            if key.startswith(BAD_PREFIX):
                answer = emulator._fixture(NAME, "invalid-key", model, ids)
                return answer
        if not request.headers.get(WORKSPACE_HEADER, "").strip():
            answer = emulator._fixture(NAME, "missing-workspace", model, ids)
        return answer

    def model_problem(self, emulator: Any, model: str, ids: dict[str, str]) -> Response | None:
        return None  # first-party ids; an unknown one is the generic unknown-model answer


HOST = PlatformHost()


def routes(emulator: Any) -> list[Route]:
    return aws_emulation.messages_routes(emulator, NAME, MOUNT, HOST)
