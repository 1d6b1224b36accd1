"""Bedrock Converse and ConverseStream routes on the emulator (translation in converse.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .... import eventstream
from ....emulator.behaviour import plan_anthropic
from ....emulator.catalogue import family_of
from ....emulator.host import UNKNOWN_MODEL_PREFIX
from ....emulator.rules import BEDROCK_PREFIX
from ....emulator.validate import anthropic_generation_error
from ...aws_emulation import aws_error
from . import HOST, MOUNT, NAME, authenticate_bedrock, control_plane, converse, plausible_model

if TYPE_CHECKING:
    from ....emulator.app import Emulator


def converse_routes(emu: Emulator) -> list[Route]:
    async def endpoint(request: Request) -> Response:
        """Bedrock Converse and ConverseStream: translated to Messages, answered by the same plan, sent back in
        Converse's shapes (errors as Bedrock's ValidationException and friends)."""
        raw = await request.body()
        ids = HOST.ids()
        denied = authenticate_bedrock(request, raw, ids)
        if denied is not None:
            return denied
        model = request.path_params["model_id"]
        streaming = request.url.path.endswith("/converse-stream")
        try:
            parsed = json.loads(raw)
            body = {**converse.to_messages(parsed if isinstance(parsed, dict) else {},
                                           family_of(model).max_tokens), "model": model}
        except ValueError as invalid:  # ConverseInputError is one
            message = str(invalid) if isinstance(invalid, converse.ConverseInputError) else \
                "Malformed input request, please reformat your input and try again."
            return aws_error(400, "ValidationException", message, ids)
        problem = anthropic_generation_error(body)
        ruled = emu.request_problem(NAME, body)
        if problem is not None or ruled is not None:
            message = problem if problem is not None else BEDROCK_PREFIX + str(ruled)
            return aws_error(400, "ValidationException", message, ids)
        if model.split(".")[-1].startswith(UNKNOWN_MODEL_PREFIX) or not plausible_model(model):
            return aws_error(404, "ResourceNotFoundException", "Could not resolve the foundation model from "
                                    f"the provided model identifier: {model}", ids)
        if control_plane.needs_inference_profile(model):
            answer = emu._fixture(NAME, "inference-profile-required", model, ids)
            assert answer is not None
            return answer
        for fault in emu._active(request):  # the AWS-error faults apply as on InvokeModel; stream faults do not
            if fault.scope in ("token", "stream") or fault.behaviour not in ("fixture", "slow-first-byte"):
                continue
            applied = await emu._apply(fault, request, NAME, "message", model, body, ids)
            if applied is not None:
                return applied
        plan = plan_anthropic(body)
        usage = emu._usage(NAME, model, body)
        if streaming:
            return Response(b"".join(converse.converse_stream(plan, usage)), headers=ids,
                            media_type=eventstream.CONTENT_TYPE)
        return JSONResponse(converse.converse_response(plan, usage), headers=ids)

    return [Route(f"{MOUNT}/model/{{model_id:path}}/converse", endpoint, methods=["POST"]),
            Route(f"{MOUNT}/model/{{model_id:path}}/converse-stream", endpoint, methods=["POST"])]
