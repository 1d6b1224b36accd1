"""The emulator: Foundry, Anthropic and OpenRouter wire formats on one ASGI app.

Foundry lives under /anthropic, Anthropic at the root (/v1/...), OpenRouter
under /api/v1, and a managed-identity token endpoint at /msi/token. Faults are
chosen at start-up or per request with the ``x-emulator-fault`` header.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
import logging
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import eventstream
from ..providers import PROVIDERS
from ..resources import fill, load_error_fixture
from . import clouds
from . import responses as r
from .caching import PromptCache
from .catalogue import family_of, model_info
from .complete import complete_routes
from .converse_route import converse_routes
from .faults import FAULTS, Fault
from .gateway import in_front
from .mock_server import mock_server_routes
from .retired import retired_answer
from .rules import BEDROCK_PREFIX, Rejection, rejection
from .stores import Stores
from .surface import Surface
from .tokens import acceptable_foreign_token, mint, verify
from .usage import input_tokens, segments
from .validate import anthropic_generation_error, anthropic_request_error, openai_request_error, request_betas

Provider = str  # a name in harness.providers.PROVIDERS
Kind = Literal["count_tokens", "message", "stream", "key", "models"]


class Host(Protocol):
    """A provider package's part in the generic pipeline (``handle(..., host=…)``): its ids, how it authenticates
    and which model ids it refuses; the emulator core then validates, applies faults and answers as for any other
    Messages API host."""

    def ids(self) -> dict[str, str]: ...

    def authenticate(self, emulator: Emulator, request: Request, raw: bytes, model: str,
                     ids: dict[str, str]) -> Response | None: ...

    def model_problem(self, emulator: Emulator, model: str, ids: dict[str, str]) -> Response | None: ...



ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
FAULT_HEADER = "x-emulator-fault"
BAD_CREDENTIAL_PREFIX = "bad-"  # a key or token starting with this is rejected with the provider's 401
UNKNOWN_MODEL_PREFIX = "nonexistent-"  # a model starting with this is answered as not found
SCOPE_KINDS: dict[str, set[str]] = {
    "auth": {"count_tokens", "message", "stream", "key", "models"},
    "generate": {"count_tokens", "message", "stream"},
    "message": {"message", "stream"},
    "stream": {"stream"},
}


@dataclass
class EmulatorSettings:
    faults: frozenset[str] = frozenset()
    slow_seconds: float = 3.0
    latency_seconds: float = 0.0  # added before every response (also per request: x-emulator-latency-ms)
    tokens_per_second: float = 0.0  # stream pacing, 0 = as fast as possible (x-emulator-tokens-per-second)
    identity_header: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    token_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    clock: Callable[[], float] = time.monotonic  # prompt-cache TTLs and batch processing read this
    cache_entries: int = 4096  # bound on the prompt cache (prefixes kept, least recently used evicted)
    batch_seconds: float = 0.0  # a message batch ends at the first read this long after its creation
    mock_server: bool = False  # answer as the API's mock server: every id exists, no rules (mock_server.py)


class EmulatedDrop(ConnectionResetError):
    """Raised mid-body to cut the connection; the server's log filter keeps it quiet."""


class QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], EmulatedDrop))


BUFFERED_EVENT_S = 0.05  # the buffered-stream fault's pace of generation, held back


def fault_applies(fault: Fault, provider: str) -> bool:
    if fault.providers and provider not in fault.providers:
        return False
    if fault.scope == "token":
        return True  # the token endpoint answers it, not a provider's fixture
    if fault.behaviour in ("fixture", "echo-key"):  # echo-key rewrites the provider's own invalid-key answer
        return load_error_fixture(provider, "invalid-key" if fault.behaviour == "echo-key" else fault.name) is not None
    return True


def unknown_faults(names: Iterable[str]) -> list[str]:
    return sorted(n for n in names if n not in FAULTS)


class Emulator:
    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.prompt_cache = PromptCache(settings.clock, settings.cache_entries)
        self.stores = Stores(settings.clock, settings.batch_seconds)

    def _usage(self, provider: Provider, model: str, body: dict[str, Any]) -> dict[str, Any]:
        """The input side of a Messages usage object, through this instance's prompt cache."""
        parts = segments(body, self.stores.files.content)
        control = body.get("cache_control")
        cached = self.prompt_cache.account(f"{provider}:{model}", parts, family_of(model).min_cacheable_tokens,
                                           control if isinstance(control, dict) else None)
        return cached.fields()

    # --- helpers -------------------------------------------------------------------------------
    def _active(self, request: Request, provider: Provider | None = None) -> list[Fault]:
        """The faults asked for (at start-up and in the request's header) that fit this provider. One that does
        not fit is skipped, never answered with a 500; the request log (--log) names it."""
        names = set(self.settings.faults)
        header = request.headers.get(FAULT_HEADER, "")
        names.update(n.strip() for n in header.split(",") if n.strip())
        order = {"auth": 0, "generate": 1, "message": 2, "stream": 3, "token": 4}
        faults = sorted((FAULTS[n] for n in names if n in FAULTS), key=lambda f: order[f.scope])
        if provider is None:
            return faults
        skipped = sorted(f.name for f in faults if not fault_applies(f, provider))
        if skipped:
            request.state.faults_skipped = skipped
        return [f for f in faults if f.name not in skipped]

    @staticmethod
    def _ids(provider: Provider) -> dict[str, str]:
        if provider == "openrouter":
            return {"x-generation-id": f"gen-{int(time.time())}-{secrets.token_hex(10)}"}
        if provider == "bedrock":
            return clouds.bedrock_ids()
        if provider == "vertex":
            return {}  # Vertex sends no request-id header; Anthropic-shaped errors carry req_vrtx_… in the body
        ids = {"request-id": f"req_emu{secrets.token_hex(12)}"}
        if provider == "foundry":
            ids["apim-request-id"] = str(uuid.uuid4())
        return ids

    @staticmethod
    def _ratelimit_headers() -> dict[str, str]:
        reset = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 60))
        out: dict[str, str] = {}
        for family, limit in (("requests", "4000"), ("tokens", "2000000"), ("input-tokens", "2000000"),
                              ("output-tokens", "400000")):
            out[f"anthropic-ratelimit-{family}-limit"] = limit
            used = 1000 if int(limit) > 10000 else 1  # token counts are rounded to thousands
            out[f"anthropic-ratelimit-{family}-remaining"] = str(int(limit) - used)
            out[f"anthropic-ratelimit-{family}-reset"] = reset
        return out

    def _headers(self, provider: Provider, ids: dict[str, str]) -> dict[str, str]:
        headers = dict(ids)
        if provider == "anthropic":
            headers.update(self._ratelimit_headers())
        return headers

    def _fixture(self, provider: Provider, name: str, model: str, ids: dict[str, str]) -> Response | None:
        data = load_error_fixture(provider, name)
        if data is None:
            return None
        request_id = ids.get("request-id") or ids.get("x-generation-id") or clouds.vertex_request_id()
        body = fill(data["body"], {"model": model, "request_id": request_id})
        headers = {**self._headers(provider, ids), **data.get("headers", {})}
        content = body if isinstance(body, str) else json.dumps(body)
        media = headers.pop("content-type", "application/json")
        return Response(content, status_code=int(data["status"]), headers=headers, media_type=media)

    def _authenticate(self, request: Request, provider: Provider, model: str, ids: dict[str, str]) -> Response | None:
        h = request.headers
        bearer = h.get("authorization", "")
        token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else ""
        key = h.get("x-api-key") or (h.get("api-key") if provider == "foundry" else None)
        if (token or key or "").startswith(BAD_CREDENTIAL_PREFIX):  # the documented wrong credential
            name = "token-invalid" if provider == "foundry" and token and not key else "invalid-key"
            return self._fixture(provider, name, model, ids)
        if provider == "openrouter":
            if not token:
                return self._fixture(provider, "missing-credentials", model, ids)
            return None
        if provider == "anthropic":
            if not (token or key):
                return self._fixture(provider, "missing-credentials", model, ids)
            return None
        if token and not key:  # Foundry: any bearer token, except a JWT that is expired or for another audience
            valid, _reason, _claims = verify(self.settings.token_key, token)
            if valid or acceptable_foreign_token(token):
                return None
            return self._fixture(provider, "token-invalid", model, ids)
        if not key:
            return self._fixture(provider, "missing-credentials", model, ids)
        return None

    async def _body(self, request: Request) -> dict[str, Any] | Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _invalid("The request body is not valid JSON.")
        if not isinstance(body.get("model"), str) or not body["model"]:
            return _invalid("model: Field required")
        if not isinstance(body.get("messages"), list):
            return _invalid("messages: Input should be a valid list")
        return body

    @staticmethod
    def _validate(provider: Provider, kind: Kind, body: dict[str, Any], betas: frozenset[str]) -> Response | None:
        """What the real API rejects with 400, the emulator rejects the same way (after authentication)."""
        if provider == "openrouter":
            problem = openai_request_error(body)
            return None if problem is None else JSONResponse({"error": {"code": 400, "message": problem}},
                                                             status_code=400)
        problem = anthropic_request_error(body, betas) if kind == "count_tokens" \
            else anthropic_generation_error(body, betas)
        return None if problem is None else _invalid(problem)

    def request_problem(self, provider: Provider, body: dict[str, Any]) -> str | None:
        """The message of the rules table's rejection of a Messages request (batches use it), or None."""
        broken = self._rules(body, "generate")
        return broken.message if broken is not None else None

    def _rules(self, body: dict[str, Any], kind: str) -> Rejection | None:
        """rules.toml's verdict ("generate" or "count"); none in mock-server mode."""
        return None if self.settings.mock_server else rejection(body, kind, self.stores.files.content)

    def _rule_rejection(self, provider: Provider, kind: Kind, body: dict[str, Any],
                        ids: dict[str, str]) -> Response | None:
        """rules.toml's checks, on the Anthropic-format providers (OpenRouter translates, and answers its own)."""
        if provider == "openrouter":
            return None
        broken = self._rules(body, "count" if kind == "count_tokens" else "generate")
        if broken is None:
            return None
        return JSONResponse({"type": "error", "error": {"type": broken.type, "message": broken.message}},
                            status_code=broken.status, headers=self._headers(provider, ids))

    # --- the generic pipeline ------------------------------------------------------------------
    async def handle(self, request: Request, provider: Provider, kind: Kind, host: Host | None = None) -> Response:
        body: dict[str, Any] = {}
        if request.method == "POST":
            parsed = await self._body(request)
            if isinstance(parsed, Response):
                return parsed
            body = parsed
        model = str(body.get("model") or "")
        if kind == "stream" or (kind == "message" and body.get("stream") is True):
            kind = "stream"
        ids = host.ids() if host else self._ids(provider)
        denied = (host.authenticate(self, request, await request.body(), model, ids) if host
                  else self._authenticate(request, provider, model, ids))
        if denied is not None:
            return denied
        if request.method == "POST":
            betas = request_betas(request.headers.get("anthropic-beta"), body)
            rejected = self._validate(provider, kind, body, betas) or self._rule_rejection(provider, kind, body, ids)
            if rejected is not None:
                return rejected
        if host is not None and kind in SCOPE_KINDS["generate"]:
            refused = host.model_problem(self, model, ids)
            if refused is not None:
                return refused
        if model.split("/")[-1].startswith(UNKNOWN_MODEL_PREFIX) and kind in SCOPE_KINDS["generate"]:
            answer = self._fixture(provider, "unknown-model", model, ids)
            if answer is not None:
                return answer
        if kind in SCOPE_KINDS["generate"] and not self.settings.mock_server:  # a retired model, the platform's way
            gone = retired_answer(provider, model, ids, self._headers(provider, ids))
            if gone is not None:
                return gone
        for fault in self._active(request, provider):
            if fault.scope == "token" or kind not in SCOPE_KINDS[fault.scope]:
                continue
            if fault.name == "key-auth-disabled" and "authorization" in request.headers:
                continue  # Entra tokens still work when key auth is disabled
            answer = await self._apply(fault, request, provider, kind, model, body, ids)
            if answer is not None:
                return answer
        latency = request.headers.get("x-emulator-latency-ms", "")
        if latency.isdigit():
            await asyncio.sleep(int(latency) / 1000)
        if kind == "stream":
            events = self._stream_events(provider, model, body, ids)
            return self._stream_response(provider, ids, events, delay=self._pace(request))
        return self._healthy(provider, kind, model, body, ids, dict(request.query_params))

    async def handle_cloud(self, request: Request, provider: Provider, kind: Kind) -> Response:
        """Bedrock and Vertex: the model comes from the path, the body carries a dialect, auth is the cloud's."""
        raw = await request.body()
        ids = self._ids(provider)
        body: dict[str, Any] | Response
        if provider == "bedrock":
            model = request.path_params["model_id"]
            denied = clouds.authenticate_bedrock(request, raw, ids)
            body = denied if denied is not None else clouds.bedrock_body(kind, raw, ids)
        else:
            model, _, method = request.path_params["tail"].rpartition(":")
            if method not in ("rawPredict", "streamRawPredict") or not model:
                return clouds.google_error(404, "NOT_FOUND", f"Method {method!r} is not served here.")
            kind = "stream" if method == "streamRawPredict" else "count_tokens" if model == "count-tokens" \
                else "message"
            denied = clouds.authenticate_vertex(request)
            body = denied if denied is not None else clouds.vertex_body(raw)
            if kind == "count_tokens" and isinstance(body, dict):
                model = str(body.get("model") or "")
        if isinstance(body, Response):
            return self._wrap_stream_error(provider, kind, body)
        body = {**body, "model": model}
        answer = await self._cloud_answer(request, provider, kind, model, body, ids)
        return self._wrap_stream_error(provider, kind, answer)

    async def _cloud_answer(self, request: Request, provider: Provider, kind: Kind, model: str,
                            body: dict[str, Any], ids: dict[str, str]) -> Response:
        betas = request_betas(request.headers.get("anthropic-beta"), body)
        problem = anthropic_request_error(body, betas) if kind == "count_tokens" \
            else anthropic_generation_error(body, betas)
        if problem is not None:
            if provider == "bedrock":
                return clouds.aws_error(400, "ValidationException", problem, ids)
            return JSONResponse({"type": "error", "error": {"type": "invalid_request_error", "message": problem},
                                 "request_id": clouds.vertex_request_id()}, status_code=400)
        broken = self._rules(body, "count" if kind == "count_tokens" else "generate")
        if broken is not None:
            if provider == "bedrock":
                return clouds.aws_error(400, "ValidationException", BEDROCK_PREFIX + broken.message, ids)
            return JSONResponse({"type": "error", "error": {"type": broken.type, "message": broken.message},
                                 "request_id": clouds.vertex_request_id()}, status_code=broken.status)
        unknown = model.startswith(UNKNOWN_MODEL_PREFIX) or not clouds.plausible_model(provider, model)
        if unknown:
            answer = self._fixture(provider, "unknown-model", model, ids)
            assert answer is not None
            return answer
        place = request.path_params  # Vertex: its own project and location in the answer
        gone = retired_answer(provider, model, ids, ids, project=place.get("project", ""),
                              location=place.get("location", "")) \
            if kind != "count_tokens" and not self.settings.mock_server else None
        if gone is not None:
            return gone
        if provider == "bedrock" and kind != "count_tokens" and clouds.needs_inference_profile(model):
            # CountTokens takes the foundation-model id; only inference needs the profile
            answer = self._fixture(provider, "inference-profile-required", model, ids)
            assert answer is not None
            return answer
        for fault in self._active(request, provider):
            if fault.scope == "token" or kind not in SCOPE_KINDS[fault.scope]:
                continue
            applied = await self._apply(fault, request, provider, kind, model, body, ids)
            if applied is not None:
                return applied
        if kind == "stream":
            events = self._stream_events(provider, model, body, ids)
            return self._stream_response(provider, ids, events, delay=self._pace(request))
        return self._healthy(provider, kind, model, body, ids)

    @staticmethod
    def _wrap_stream_error(provider: Provider, kind: Kind, response: Response) -> Response:
        """Vertex's streaming route answers Google errors wrapped in a JSON array."""
        if provider != "vertex" or kind != "stream" or response.status_code < 400:
            return response
        body = json.loads(bytes(response.body))
        if not (isinstance(body, dict) and isinstance(body.get("error"), dict) and "status" in body["error"]):
            return response
        return JSONResponse([body], status_code=response.status_code)

    async def _apply(self, fault: Fault, request: Request, provider: Provider, kind: Kind, model: str,
                     body: dict[str, Any], ids: dict[str, str]) -> Response | None:
        b = fault.behaviour
        if b == "gateway":
            return None  # served in front of the app (gateway.py)
        if b == "fixture":
            return self._fixture(provider, fault.name, model, ids)
        if b == "echo-key":
            sent = request.headers.get("x-api-key") or request.headers.get("api-key") or \
                request.headers.get("authorization", "").removeprefix("Bearer ")
            answer = self._fixture(provider, "invalid-key", model, ids)
            assert answer is not None
            body = json.loads(bytes(answer.body))
            text = f"Incorrect API key provided: {sent}. You can find your key in your account settings."
            target = body["error"] if isinstance(body.get("error"), dict) else body
            target["message"] = text
            return Response(json.dumps(body), status_code=401, headers=self._headers(provider, ids),
                            media_type="application/json")
        if b == "slow-first-byte":
            await asyncio.sleep(self.settings.slow_seconds)
            return None
        if b == "malformed-json" and kind == "message":
            return Response('{"id": "msg_emu", "type": "message", "content": [{"type": "te',
                            headers=self._headers(provider, ids), media_type="application/json")
        if kind != "stream":
            return None
        events = self._stream_events(provider, model, body, ids, terminate=b not in ("truncated-stream",))
        if b == "error-event":
            if provider == "openrouter":
                gen = ids["x-generation-id"]
                events = [events[0], events[1], r.openrouter_error_chunk(gen, model, 529, "Provider returned error",
                                                                        "provider_overloaded")]
            else:
                events = [events[0], r.anthropic_error_event("overloaded_error", "Overloaded")]
        delay = self.settings.slow_seconds if b == "slow-stream" else self._pace(request)
        if b == "buffered-stream":
            return self._buffered_response(provider, ids, events)
        return self._stream_response(provider, ids, events, delay=delay, drop=b == "drop-connection",
                                     reframe=b == "reframed-stream")

    def _pace(self, request: Request) -> float:
        """Seconds between stream events: --tokens-per-second, or the x-emulator-tokens-per-second header."""
        header = request.headers.get("x-emulator-tokens-per-second", "")
        rate = float(header) if header.replace(".", "", 1).isdigit() else self.settings.tokens_per_second
        return 1.0 / rate if rate > 0 else 0.0

    def _stream_events(self, provider: Provider, model: str, body: dict[str, Any], ids: dict[str, str],
                       *, terminate: bool = True) -> list[bytes]:
        if provider == "openrouter":
            return r.openrouter_stream(ids["x-generation-id"], model, body, terminate=terminate)
        return r.anthropic_stream(_msg_id(provider), model, body, terminate=terminate,
                                  usage=self._usage(provider, model, body))

    def _stream_response(self, provider: Provider, ids: dict[str, str], events: list[bytes], *,
                         delay: float = 0.0, drop: bool = False, reframe: bool = False) -> Response:
        headers = {**self._headers(provider, ids), "cache-control": "no-cache"}
        media = "text/event-stream; charset=utf-8"
        if provider == "bedrock" and not reframe:
            events = clouds.to_event_stream(events, {"inputTokenCount": 0, "outputTokenCount": 0,
                                                     "invocationLatency": 1, "firstByteLatency": 1})
            media = eventstream.CONTENT_TYPE
            headers["X-Amzn-Bedrock-Content-Type"] = "application/json"
        if not delay and not drop:  # unpaced: one write (SSE clients parse it the same), as fast as a message
            return Response(b"".join(events), headers=headers, media_type=media)

        async def produce() -> AsyncIterator[bytes]:
            for index, event in enumerate(events):
                if drop and index == 3:
                    raise EmulatedDrop("emulated connection drop")
                if delay and index:
                    await asyncio.sleep(delay)
                yield event

        return StreamingResponse(produce(), headers=headers, media_type=media)

    def _buffered_response(self, provider: Provider, ids: dict[str, str], events: list[bytes]) -> Response:
        """As behind a buffering proxy: the events are generated at 20 a second but held and sent together."""
        headers = {**self._headers(provider, ids), "cache-control": "no-cache"}

        async def produce() -> AsyncIterator[bytes]:
            await asyncio.sleep(BUFFERED_EVENT_S * len(events))
            yield b"".join(events)

        return StreamingResponse(produce(), headers=headers, media_type="text/event-stream; charset=utf-8")

    def _healthy(self, provider: Provider, kind: Kind, model: str, body: dict[str, Any],
                 ids: dict[str, str], query: dict[str, str] | None = None) -> Response:
        query = query or {}
        headers = self._headers(provider, ids)
        if kind == "stream":
            return self._stream_response(provider, ids, self._stream_events(provider, model, body, ids))
        if kind == "count_tokens":
            key = "inputTokens" if provider == "bedrock" else "input_tokens"
            return JSONResponse({key: input_tokens(body, self.stores.files.content)}, headers=headers)
        if kind == "key":
            return JSONResponse(r.openrouter_key_info(), headers=headers)
        if kind == "models":
            data = r.openrouter_models() if provider == "openrouter" else r.anthropic_models(query)
            return JSONResponse(data, headers=headers)
        if provider == "openrouter":
            return JSONResponse(r.openrouter_completion(ids["x-generation-id"], model, body), headers=headers)
        message = r.anthropic_message(_msg_id(provider), model, body, usage=self._usage(provider, model, body))
        if provider == "bedrock":
            headers.update(clouds.invocation_headers(message["usage"], time.perf_counter()))
        return JSONResponse(message, headers=headers)

    # --- routes --------------------------------------------------------------------------------
    def route(self, provider: Provider, kind: Kind) -> Any:
        async def endpoint(request: Request) -> Response:
            return await self.handle(request, provider, kind)

        return endpoint

    async def bedrock_control(self, request: Request) -> Response:
        """GetFoundationModelAvailability, GetFoundationModel, GetInferenceProfile and ListInferenceProfiles."""
        ids = self._ids("bedrock")
        denied = clouds.authenticate_bedrock(request, b"", ids)
        if denied is not None:
            return denied
        faults = {f.name for f in self._active(request, "bedrock")}
        if "control-plane-denied" in faults:
            action = {"foundation-model-availability": "GetFoundationModelAvailability", "foundation-models":
                      "GetFoundationModel", "inference-profiles": "GetInferenceProfile"}[request.path_params["kind"]]
            return clouds.aws_error(403, "AccessDeniedException", f"User: arn:aws:iam::{clouds.EMULATOR_ACCOUNT}:user/"
                                    f"dev is not authorized to perform: bedrock:{action} because no identity-based "
                                    "policy allows the action", ids, capital=True)
        kind, model = request.path_params["kind"], request.path_params.get("model_id", "")
        region = clouds.region_of(request) or "us-east-1"
        if kind == "inference-profiles" and not model:
            return JSONResponse({"inferenceProfileSummaries": clouds.system_profiles(region)}, headers=ids)
        if kind == "foundation-models" and not model:  # ListFoundationModels
            return JSONResponse(clouds.foundation_model_summaries(_dt.date.today(), dict(request.query_params)),
                                headers=ids)
        if model.startswith(UNKNOWN_MODEL_PREFIX) or not clouds.plausible_model("bedrock", model):
            return clouds.aws_error(404, "ResourceNotFoundException", f"The model {model} does not exist.", ids)
        if kind == "inference-profiles":
            return JSONResponse(clouds.inference_profile(model, region), headers=ids)
        if kind == "foundation-models":
            return JSONResponse(clouds.foundation_model(model, _dt.date.today()), headers=ids)
        authorized = not faults & {"model-access-denied", "use-case-form"}
        agreement = "NOT_AVAILABLE" if "use-case-form" in faults else "AVAILABLE"
        return JSONResponse({**clouds.availability(authorized, agreement), "modelId": model}, headers=ids)

    def cloud(self, provider: Provider, kind: Kind) -> Any:
        async def endpoint(request: Request) -> Response:
            return await self.handle_cloud(request, provider, kind)

        return endpoint

    async def foundry_unsupported(self, request: Request) -> Response:
        ids = self._ids("foundry")
        response = self._fixture("foundry", "unsupported", "", ids)
        assert response is not None
        return response

    async def not_found(self, request: Request) -> Response:
        provider: Provider = "openrouter" if request.url.path.startswith("/api/") else "anthropic"
        response = self._fixture(provider, "not-found-path", "", self._ids(provider))
        assert response is not None
        return response

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def model_by_id(self, request: Request) -> Response:
        """GET /v1/models/{id} (Anthropic) or /api/v1/models/{author}/{slug} (OpenRouter): one listed model, or
        that API's own 404."""
        provider: Provider = "openrouter" if request.url.path.startswith("/api/") else "anthropic"
        ids = self._ids(provider)
        denied = self._authenticate(request, provider, "", ids)
        if denied is not None:
            return denied
        model_id = request.path_params["model_id"]
        listing = r.openrouter_models() if provider == "openrouter" else r.anthropic_models({"limit": "1000"})
        found = next((m for m in listing["data"] if m["id"] == model_id), None)
        if found is None and provider == "anthropic" and model_info(model_id) is not None:
            # every public id and alias, not only the listed ones, with its lifecycle as of today (a retired id
            # says "retired", as the messages route refuses it)
            found = r.model_details(model_id)
        headers = self._headers(provider, ids)
        if found is None:
            error: dict[str, Any] = (
                {"error": {"code": 404, "message": f"Model {model_id} not found"}} if provider == "openrouter"
                else {"type": "error", "error": {"type": "not_found_error", "message": f"model: {model_id}"}})
            return JSONResponse(error, status_code=404, headers=headers)
        return JSONResponse({"data": found} if provider == "openrouter" else found, headers=headers)

    async def index(self, request: Request) -> Response:
        # the Metadata-Flavor header answers google-auth's "am I on Google Cloud?" ping (GCE_METADATA_HOST)
        return JSONResponse({"service": "claude-harness emulator", "providers": {
            p.name: p.emulator_mount or "/" for p in PROVIDERS.values() if p.emulator_mount is not None}},
            headers=clouds.METADATA_FLAVOR)

    async def msi_token(self, request: Request) -> Response:
        """The App Service managed-identity protocol that azure-identity speaks."""
        if request.headers.get("x-identity-header") != self.settings.identity_header:
            return JSONResponse({"error": "invalid_request", "error_description": "bad X-IDENTITY-HEADER"},
                                status_code=401)
        names = {f.name for f in self._active(request)}
        if "token-endpoint-down" in names:
            return JSONResponse({"error": "service_unavailable",
                                 "error_description": "The managed identity endpoint is not available."},
                                status_code=500)
        resource = request.query_params.get("resource", "")
        audience = "https://management.azure.com" if "wrong-audience" in names else resource.rstrip("/")
        token, exp = mint(self.settings.token_key, audience)
        if "expired-token" in names:  # the client thinks it is fresh; the claim inside says otherwise
            token, _ = mint(self.settings.token_key, audience, lifetime_s=-60)
        return JSONResponse({"access_token": token, "expires_on": str(exp), "resource": resource,
                             "token_type": "Bearer"})


def _invalid(message: str) -> Response:
    return JSONResponse({"type": "error", "error": {"type": "invalid_request_error", "message": message}},
                        status_code=400)


def _msg_id(provider: str = "anthropic") -> str:
    return {"bedrock": "msg_bdrk_", "vertex": "msg_vrtx_"}.get(provider, "msg_emu") + secrets.token_hex(12)


def create_app(settings: EmulatorSettings | None = None) -> ASGIApp:
    emu = Emulator(settings or EmulatorSettings())
    routes = [*Surface(emu).routes(), *Surface(emu, "foundry").file_routes("/anthropic"),
        Route("/", emu.index, methods=["GET", "HEAD"]),
        Route("/msi/token", emu.msi_token, methods=["GET"]),
        Route("/anthropic/v1/messages", emu.route("foundry", "message"), methods=["POST"]),
        Route("/anthropic/v1/messages/count_tokens", emu.route("foundry", "count_tokens"), methods=["POST"]),
        Route("/anthropic/{rest:path}", emu.foundry_unsupported, methods=["GET", "POST", "HEAD", "DELETE"]),
        Route("/anthropic", emu.foundry_unsupported, methods=["GET", "POST", "HEAD"]),
        Route("/v1/messages", emu.route("anthropic", "message"), methods=["POST"]),
        Route("/v1/messages/count_tokens", emu.route("anthropic", "count_tokens"), methods=["POST"]),
        Route("/v1/models", emu.route("anthropic", "models"), methods=["GET"]),
        Route("/v1/models/{model_id:path}", emu.model_by_id, methods=["GET"]),
        Route("/health", emu.health, methods=["GET"]),
        Route("/api/hello", emu.health, methods=["GET", "HEAD"]),  # Claude Code's start-up call to a gateway
        Route("/bedrock/model/{model_id:path}/invoke", emu.cloud("bedrock", "message"), methods=["POST"]),
        Route("/bedrock/model/{model_id:path}/invoke-with-response-stream", emu.cloud("bedrock", "stream"),
              methods=["POST"]),
        *converse_routes(emu),
        Route("/bedrock/model/{model_id:path}/count-tokens", emu.cloud("bedrock", "count_tokens"), methods=["POST"]),
        Route("/bedrock/{kind:str}/{model_id:path}", emu.bedrock_control, methods=["GET"]),
        Route("/bedrock/{kind:str}", emu.bedrock_control, methods=["GET"]),
        Route("/sts/", clouds.sts, methods=["GET"]),
        Route("/vertex/v1/projects/{project}/locations/{location}/publishers/anthropic/models/{tail:path}",
              emu.cloud("vertex", "message"), methods=["POST"]),
        Route("/vertex/token", clouds.oauth_token, methods=["POST"]),
        Route("/computeMetadata/v1/{rest:path}", clouds.metadata, methods=["GET"]),
        Route("/api/v1/chat/completions", emu.route("openrouter", "message"), methods=["POST"]),
        Route("/api/v1/key", emu.route("openrouter", "key"), methods=["GET"]),
        Route("/api/v1/models", emu.route("openrouter", "models"), methods=["GET"]),
        Route("/api/v1/models/{model_id:path}", emu.model_by_id, methods=["GET"]),
    ]
    routes += [route for spec in PROVIDERS.values() for route in spec.emulator_routes(emu)]  # provider packages
    routes = [*mock_server_routes(emu), *complete_routes(emu), *routes]  # first match wins: these go first
    app = Starlette(routes=routes)
    app.add_exception_handler(404, _not_found_handler(emu))
    app.state.settings = emu.settings
    served = in_front(app, emu.settings.faults, beta_gate=not emu.settings.mock_server)
    if emu.settings.latency_seconds > 0:
        return _with_latency(served, emu.settings.latency_seconds)
    return served


def _with_latency(app: ASGIApp, seconds: float) -> ASGIApp:
    """ASGI middleware: wait before handling each HTTP request, like a distant provider."""

    async def delayed(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(seconds)
        await app(scope, receive, send)

    return delayed


def _not_found_handler(emu: Emulator) -> Any:
    async def handler(request: Request, exc: Exception) -> Response:
        return await emu.not_found(request)

    return handler
