"""Legacy Text Completions (``POST /v1/complete``), answered as the real API answers it today.

The models that accepted Text Completions (Claude 1, Instant 1.x, Claude 2.0 and 2.1) are all retired, and the
Claude 3 and later models never accepted it. So the real API completes nothing here: a retired model is its 404
``model: <id>`` (the lifecycle data says which, as for /v1/messages), and any other model the 400 it has given
since Claude 3 (quoted in yrvelez/claudeR#2): ``"<model>" is not supported on this API. Please use the Messages
API instead.``

In mock-server mode (mock_server.py) every model completes, as the SDK's mock server answers: a ``Completion``
(or its stream of ``completion`` events) carrying the emulator's reply to the prompt's last ``Human:`` turn, cut
by ``max_tokens_to_sample`` and ``stop_sequences`` as the Messages route cuts it. Faults are not applied here.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...emulator.behaviour import plan_anthropic
from ...emulator.host import UNKNOWN_MODEL_PREFIX, host_of
from ...emulator.responses import sse
from ...emulator.retired import retired_answer
from ...emulator.surface import Surface
from . import ANTHROPIC

NAME = ANTHROPIC.name

if TYPE_CHECKING:
    from ...emulator.app import Emulator

REQUIRED = ("model", "prompt", "max_tokens_to_sample")
HUMAN, ASSISTANT = "\n\nHuman:", "\n\nAssistant:"
NOT_ON_THIS_API = "\"{model}\" is not supported on this API. Please use the Messages API instead."


def _invalid(message: str, headers: dict[str, str], status: int = 400) -> Response:
    return JSONResponse({"type": "error", "error": {"type": "invalid_request_error", "message": message}},
                        status_code=status, headers=headers)


def request_problem(body: Any) -> str | None:
    """The schema's refusals (what even a mock server checks), or None."""
    if not isinstance(body, dict):
        return "The request body is not valid JSON."
    missing = next((f for f in REQUIRED if f not in body), None)
    if missing is not None:
        return f"{missing}: Field required"
    if not isinstance(body["model"], str) or not body["model"]:
        return "model: Input should be a valid string"
    if not isinstance(body["prompt"], str):
        return "prompt: Input should be a valid string"
    limit = body["max_tokens_to_sample"]
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        return "max_tokens_to_sample: Input should be greater than or equal to 1"
    return None


def last_human_turn(prompt: str) -> str:
    """The text of the prompt's last ``Human:`` turn (the whole prompt when it has none)."""
    turn = prompt.rsplit(HUMAN, 1)[-1]
    return turn.split(ASSISTANT, 1)[0].strip() or prompt.strip() or "Hello"


def completion_pieces(body: dict[str, Any]) -> tuple[list[str], str, str | None]:
    """The reply's pieces, its legacy ``stop_reason`` (``stop_sequence`` or ``max_tokens``) and the stop hit."""
    plan = plan_anthropic({"max_tokens": body["max_tokens_to_sample"],
                           "messages": [{"role": "user", "content": last_human_turn(body["prompt"])}],
                           "stop_sequences": body.get("stop_sequences") or []})
    # the legacy API reports a natural end as the built-in stop sequence "\n\nHuman:"
    reason = "max_tokens" if plan.stop_reason == "max_tokens" else "stop_sequence"
    stop = plan.stop_sequence if plan.stop_reason == "stop_sequence" else (HUMAN if reason == "stop_sequence"
                                                                          else None)
    return plan.text_tokens, reason, stop


def completion(completion_id: str, body: dict[str, Any]) -> dict[str, Any]:
    pieces, reason, stop = completion_pieces(body)
    return {"type": "completion", "id": completion_id, "completion": "".join(pieces), "stop_reason": reason,
            "model": body["model"], "stop": stop, "log_id": completion_id}


def completion_stream(completion_id: str, body: dict[str, Any]) -> list[bytes]:
    """The legacy stream: a ``completion`` event per piece, a ``ping``, then the final one with its stop_reason."""
    pieces, reason, stop = completion_pieces(body)
    model = body["model"]

    def event(text: str, stop_reason: str | None, stopped: str | None) -> bytes:
        return sse("completion", {"type": "completion", "id": completion_id, "completion": text,
                                  "stop_reason": stop_reason, "model": model, "stop": stopped,
                                  "log_id": completion_id})

    events = [event(piece, None, None) for piece in pieces]
    return [*events, sse("ping", {"type": "ping"}), event("", reason, stop)]


class TextCompletions:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.surface = Surface(emu, NAME)  # the first-party API's credentials and headers

    async def create(self, request: Request) -> Response:
        headers, denied = self.surface._gate(request)
        if denied is not None:
            return denied
        try:
            body: Any = json.loads(await request.body())
        except ValueError:
            body = None
        problem = request_problem(body)
        if problem is not None:
            return _invalid(problem, headers)
        model = body["model"]
        if model.startswith(UNKNOWN_MODEL_PREFIX):  # the emulator's documented unknown model, as on /v1/messages
            unknown = self.emu._fixture(self.surface.provider, "unknown-model", model, headers)
            if unknown is not None:
                return unknown
        if not self.emu.settings.mock_server:
            gone = retired_answer(host_of(NAME), NAME, model, headers, headers, {})
            return gone if gone is not None else _invalid(NOT_ON_THIS_API.format(model=model), headers)
        completion_id = f"compl_emu{secrets.token_hex(12)}"
        if body.get("stream") is True:
            stream = b"".join(completion_stream(completion_id, body))
            return Response(stream, headers={**headers, "cache-control": "no-cache"},
                            media_type="text/event-stream; charset=utf-8")
        return JSONResponse(completion(completion_id, body), headers=headers)

    def routes(self) -> list[Route]:
        return [Route("/v1/complete", self.create, methods=["POST"])]


def complete_routes(emu: Emulator) -> list[Route]:
    return TextCompletions(emu).routes()
