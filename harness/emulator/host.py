"""A provider's side of the emulator: the ``Host`` its package's ``emulator.py`` hands the core, and how the core
finds it.

A provider package's ``emulator.py`` has ``HOST`` (a ``Host``: the provider's answers wherever providers differ)
and ``routes(emulator)`` (the starlette routes that serve it, mostly on the core's ``handle`` or ``handle_cloud``
pipeline). ``Host``'s defaults are the Claude API's own behaviour (its envelope, ``request-id``, SSE), so a host
overrides only what differs. The core (``app.py``) names no provider: it asks ``host_of(name)``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..providers import PROVIDERS, provider_part
from . import responses as r
from .rules import Rejection
from .validate import anthropic_generation_error, anthropic_request_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:
    from .app import Emulator, Kind
    from .faults import Fault

SSE_MEDIA = "text/event-stream; charset=utf-8"
BAD_CREDENTIAL_PREFIX = "bad-"  # a key or token starting with this is rejected with the provider's 401
UNKNOWN_MODEL_PREFIX = "nonexistent-"  # a model starting with this is answered as not found


def invalid(message: str) -> Response:
    """The Messages API's 400 (invalid_request_error)."""
    return JSONResponse({"type": "error", "error": {"type": "invalid_request_error", "message": message}},
                        status_code=400)


def bearer_token(request: Request) -> str:
    authorization = request.headers.get("authorization", "")
    return authorization[7:].strip() if authorization.lower().startswith("bearer ") else ""


class Host:
    """One provider in the emulator. ``name`` is its registry name (fixtures/<name>/errors answer its faults)."""

    name: str = ""
    message_id_prefix = "msg_emu"  # the healthy answer's message id, before 24 random hex digits
    count_tokens_field = "input_tokens"  # count_tokens' answer: {field: n}
    offered_faults: frozenset[str] = frozenset()  # the opt-in faults (Fault.only_where_offered) this host has
    unmatched_paths: str | None = None  # a path prefix whose unrouted requests get this host's 404 (else the root's)
    root_headers: Mapping[str, str] = {}  # headers the emulator's index (/) answers with, for this host's clients

    # --- ids, headers, fixtures ------------------------------------------------------------------------------
    def ids(self) -> dict[str, str]:
        """The request-id headers of one answer."""
        return {"request-id": f"req_emu{secrets.token_hex(12)}"}

    def headers(self, ids: dict[str, str]) -> dict[str, str]:
        """Every answer's headers (the ids, and whatever else the provider always sends)."""
        return dict(ids)

    def fixture_request_id(self, ids: dict[str, str]) -> str:
        """The ``{request_id}`` of an error fixture's body."""
        return ids.get("request-id", "")

    # --- the request ---------------------------------------------------------------------------------------------
    def authenticate(self, emulator: Emulator, request: Request, raw: bytes, model: str,
                     ids: dict[str, str]) -> Response | None:
        """None when the credential is accepted; else the provider's answer (default: any x-api-key or bearer
        token, except the documented wrong one)."""
        token = bearer_token(request)
        key = request.headers.get("x-api-key")
        if (token or key or "").startswith(BAD_CREDENTIAL_PREFIX):
            return emulator._fixture(self.name, "invalid-key", model, ids)
        if not (token or key):
            return emulator._fixture(self.name, "missing-credentials", model, ids)
        return None

    def request_rejection(self, emulator: Emulator, kind: Kind, body: dict[str, Any], betas: frozenset[str],
                          ids: dict[str, str]) -> Response | None:
        """What the real API rejects with 400 (after authentication): the Messages API's validation, then
        rules.toml's checks."""
        problem = anthropic_request_error(body, betas) if kind == "count_tokens" \
            else anthropic_generation_error(body, betas)
        if problem is not None:
            return invalid(problem)
        broken = emulator._rules(body, "count" if kind == "count_tokens" else "generate")
        if broken is None:
            return None
        return JSONResponse({"type": "error", "error": {"type": broken.type, "message": broken.message}},
                            status_code=broken.status, headers=self.headers(ids))

    def model_problem(self, emulator: Emulator, model: str, ids: dict[str, str]) -> Response | None:
        """The provider's refusal of a model id it would not serve (None: served, or the generic answers)."""
        return None

    def spares(self, fault: Fault, request: Request) -> bool:
        """True where the provider answers this request despite the fault (a credential the fault does not touch)."""
        return False

    def retired(self, model: str, ids: dict[str, str], headers: dict[str, str],
                place: Mapping[str, str]) -> Response:
        """The answer to a model past its retirement date (``place``: the route's path parameters). The Claude API
        (browser-use PR #5085): ``model: <id>`` not found."""
        return JSONResponse({"type": "error", "error": {"type": "not_found_error", "message": f"model: {model}"},
                             "request_id": ids.get("request-id", "")}, status_code=404, headers=headers)

    # --- the healthy answers -----------------------------------------------------------------------------------------
    def message_id(self) -> str:
        return self.message_id_prefix + secrets.token_hex(12)

    def message(self, emulator: Emulator, model: str, body: dict[str, Any], ids: dict[str, str],
                headers: dict[str, str]) -> Response:
        message = r.anthropic_message(self.message_id(), model, body, usage=emulator._usage(self.name, model, body))
        return JSONResponse(message, headers=headers)

    def stream_events(self, emulator: Emulator, model: str, body: dict[str, Any], ids: dict[str, str], *,
                      terminate: bool = True) -> list[bytes]:
        return r.anthropic_stream(self.message_id(), model, body, terminate=terminate,
                                  usage=emulator._usage(self.name, model, body))

    def error_events(self, events: list[bytes], model: str, ids: dict[str, str]) -> list[bytes]:
        """The error-after-200 fault: an overloaded error event after the stream began."""
        return [events[0], r.anthropic_error_event("overloaded_error", "Overloaded")]

    def stream_framing(self, events: list[bytes], *, reframe: bool) -> tuple[list[bytes], str, dict[str, str]]:
        """The stream's events as sent, its media type and extra headers (``reframe``: the reframed-stream fault
        asked for SSE)."""
        return events, SSE_MEDIA, {}

    def models(self, query: dict[str, str]) -> dict[str, Any]:
        """The models listing (where a route asks for it)."""
        raise NotImplementedError(f"{self.name} lists no models")

    def key_info(self) -> dict[str, Any]:
        """The key information (where a route asks for it)."""
        raise NotImplementedError(f"{self.name} has no key endpoint")

    # --- the cloud pipeline (``Emulator.handle_cloud``: the model in the path, a dialect in the body) ----------------
    def cloud_request(self, emulator: Emulator, request: Request, raw: bytes, kind: Kind,
                      ids: dict[str, str]) -> tuple[Kind, str, dict[str, Any] | Response] | Response:
        """(kind, model, the Messages body or the answer refusing the request), or an answer sent as it is."""
        raise NotImplementedError(f"{self.name} is not served on the cloud pipeline")

    def body_problem(self, message: str, ids: dict[str, str]) -> Response:
        """The cloud's 400 for a body the Messages API's validation rejects."""
        return invalid(message)

    def rule_problem(self, broken: Rejection, ids: dict[str, str]) -> Response:
        """The cloud's answer to a rules.toml rejection."""
        return JSONResponse({"type": "error", "error": {"type": broken.type, "message": broken.message}},
                            status_code=broken.status)

    def plausible_model(self, model: str) -> bool:
        """False for an id the cloud would not even look up (answered with its unknown-model fixture)."""
        return True

    def wrap_error(self, kind: Kind, response: Response) -> Response:
        """An error answer as the cloud's route sends it."""
        return response


def emulator_data(package: str | None) -> dict[str, Any]:
    """A provider package's ``emulator.toml``: the data its emulator.py reads (the faults it offers, the models it
    lists, the dialects it accepts). ``package``: the caller's ``__package__``."""
    if not package:
        raise ValueError("emulator_data needs the provider package's name (__package__)")
    text = resources.files(package).joinpath("emulator.toml").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    return data


@cache
def host_of(name: str) -> Host:
    """The provider's Host: its package's ``emulator.py`` ``HOST`` (a bare Host where it has none)."""
    spec = PROVIDERS.get(name)
    host = getattr(provider_part(spec, "emulator"), "HOST", None) if spec is not None else None
    if isinstance(host, Host):
        return host
    bare = Host()
    bare.name = name
    return bare


def hosts() -> list[Host]:
    return [host_of(name) for name in PROVIDERS]
