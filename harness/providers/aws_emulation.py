"""The emulator's AWS parts, shared by the AWS hosts (Bedrock, Mantle, Claude Platform on AWS): request ids, AWS's
error envelope (``x-amzn-ErrorType``, ``{"message"}``), the region a request was signed for, and the front door of
the Messages API hosts on ``*.api.aws``: SigV4 checked against the AWS documentation's example pair and the host's
own signing name.

Imported only by the emulator (it needs starlette).
"""

from __future__ import annotations

import datetime as _dt
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from . import sigv4
from .aws_hosts import wrong_scope

SIGV4_PREFIX = "aws4-hmac-sha256"
CORAL = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
EMULATOR_ACCOUNT = "123456789012"


def request_ids() -> dict[str, str]:
    return {"x-amzn-RequestId": _uuid()}


def _uuid() -> str:
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


def region_of(request: Request) -> str | None:
    """The region a SigV4 request was signed for (the emulator serves every region on one address)."""
    parsed = sigv4.parse_authorization(request.headers.get("authorization", ""))
    return parsed.region if parsed else None


def end_of_life(ids: dict[str, str]) -> Response:
    """Bedrock's answer to a model version past its end of life (bedrock-vertex-claudecode.md §4.2)."""
    return aws_error(404, "ResourceNotFoundException", "This model version has reached the end of its life. Please "
                     "refer to the AWS documentation for more details.", ids)


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


def aws_error(status: int, code: str, message: str, ids: dict[str, str], *, capital: bool = False) -> Response:
    body = {"Message": message} if capital else {"message": message}
    return JSONResponse(body, status_code=status, headers={**ids, "x-amzn-ErrorType": code + CORAL})


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
