"""The emulator's AWS front door for the Messages API hosts on ``*.api.aws`` (Mantle, Claude Platform on AWS):
SigV4 checked against the AWS documentation's example pair and the host's own signing name, AWS's error texts.

Imported only by the emulator (it needs starlette).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from . import sigv4
from .aws_hosts import wrong_scope

SIGV4_PREFIX = "aws4-hmac-sha256"


def is_signed(request: Request) -> bool:
    return request.headers.get("authorization", "").lower().startswith(SIGV4_PREFIX)


def signature_problem(request: Request, raw_body: bytes, signing_name: str) -> tuple[int, str, str] | None:
    """None for a good signature by the example pair under ``signing_name``; else (status, AWS code, message)."""
    parsed = sigv4.parse_authorization(request.headers.get("authorization", ""))
    if parsed is not None:
        scope = wrong_scope(parsed.service, signing_name)
        if scope is not None:
            return 403, "InvalidSignatureException", scope
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    path = raw_path.decode("latin-1").split("?", 1)[0]
    problem = sigv4.verify(request.method, path, request.url.query, dict(request.headers), raw_body,
                           {EMULATOR_ACCESS_KEY: EMULATOR_SECRET_KEY}, _dt.datetime.now(_dt.timezone.utc))
    if problem is None:
        return None
    code, message = problem
    return (400 if code == "IncompleteSignatureException" else 403), code, message


def aws_error(status: int, code: str, message: str, ids: dict[str, str]) -> Response:
    from ..emulator.clouds import aws_error as bedrock_shaped

    return bedrock_shaped(status, code, message, ids)


def messages_routes(emulator: Any, name: str, mount: str, host: Any) -> list[Route]:
    """The Messages API (message, count_tokens) of an AWS host that serves it as-is under ``mount``, answered by the
    emulator core with the host's own authentication and model rules."""

    def endpoint(kind: str) -> Any:
        async def serve(request: Request) -> Response:
            answer: Response = await emulator.handle(request, name, kind, host=host)
            return answer

        return serve

    return [Route(f"{mount}/v1/messages", endpoint("message"), methods=["POST"]),
            Route(f"{mount}/v1/messages/count_tokens", endpoint("count_tokens"), methods=["POST"])]
