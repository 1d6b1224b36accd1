"""A pure classifier from evidence to exactly one cause id.

Recognisable texts (fingerprints, data) decide first; then structural rules read the status and the error
envelope. Where the evidence matches nothing it knows, the answer is ``unclassified`` with the raw evidence,
never a specific cause whose advice would not fit. Every classification says which rule decided.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from . import middlebox, provider_facts
from .shapes import ErrorInfo, parse_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Causes that mean "the provider is having a bad moment", not "your setup is wrong".
TRANSIENT_CAUSES = frozenset(
    {"rate-limit.exceeded", "provider.overloaded", "provider.unavailable", "provider.server-error"}
)
_TRANSIENT_ERROR_TYPES = frozenset(
    {"overloaded_error", "rate_limit_error", "api_error", "timeout_error", "provider_overloaded",
     "provider_unavailable", "rate_limit_exceeded", "server", "timeout", "unavailable", "resource_exhausted",
     "throttlingexception", "modelstreamerrorexception", "internalserverexception", "serviceunavailableexception",
     "modeltimeoutexception"}
)
# Error types by which a provider's own envelope says "our side failed" (documented, so transient).
_PROVIDER_SERVER_TYPES = frozenset({"api_error", "overloaded_error", "internalservererror", "internal",
                                    "internalserverexception", "modelerrorexception", "modelstreamerrorexception",
                                    "internal_server_error", "server_error", "serviceunavailable"})
_ROUTE = "@route"


@dataclass(frozen=True)
class Evidence:
    provider: str
    auth: str = "x-api-key"
    phase: str | None = None  # transport phase that failed, or "credential"
    status: int | None = None
    body: Any = None  # parsed JSON, or a string when the body was not JSON
    headers: dict[str, str] = field(default_factory=dict)
    after_200: bool = False  # an error delivered inside a 200 body or stream
    error_text: str | None = None
    model: str | None = None  # the model or deployment the request named
    other_route_works: bool = False  # another API route of the same base URL answered as the provider would
    sent_headers: tuple[str, ...] = ()  # names (lower case) of the credential headers the request carried


@dataclass(frozen=True)
class Classification:
    cause: str
    transient: bool
    info: ErrorInfo
    rule: str = ""  # which evidence decided: a fingerprint id or a structural rule


@dataclass(frozen=True)
class Fingerprint:
    id: str
    cause: str
    pattern: re.Pattern[str]
    statuses: frozenset[int]
    example_status: int | None  # None: a text with no HTTP answer (a TLS or proxy error)
    example_body: str


@cache
def fingerprints() -> tuple[Fingerprint, ...]:
    from ..providers import provider_fingerprints  # a provider package's own rows follow the shared table

    text = resources.files(__package__ or "harness.diagnosis").joinpath("fingerprints.toml").read_text(encoding="utf-8")
    return tuple(
        Fingerprint(
            id=row["id"], cause=row["cause"], pattern=re.compile(row["pattern"], re.I),
            statuses=frozenset(row.get("statuses", ())), example_status=row.get("example_status"),
            example_body=row["example_body"],
        )
        for table in (text, *provider_fingerprints())
        for row in tomllib.loads(table)["fingerprints"]
    )


def classify(ev: Evidence) -> Classification:
    info = with_aws_error_type(parse_error(ev.body), ev.headers)
    cause, rule = _cause(ev, info)
    if cause == _ROUTE:
        cause = "endpoint.unsupported" if ev.other_route_works else "config.invalid-endpoint"
    transient = cause in TRANSIENT_CAUSES
    if cause == "stream.error-event":
        transient = (info.type or "").lower() in _TRANSIENT_ERROR_TYPES or (info.code or "") in {
            "429", "500", "502", "503", "529"}
    return Classification(cause, transient, info, rule)


def with_aws_error_type(info: ErrorInfo, headers: dict[str, str]) -> ErrorInfo:
    """AWS puts the error's code in the x-amzn-ErrorType header, not the body ("Code:namespace-url")."""
    raw = next((v for k, v in headers.items() if k.lower() == "x-amzn-errortype"), "")
    code = raw.split(":", 1)[0].split("#")[-1].strip()
    if not code:
        return info
    return replace(info, shape="aws", type=code)


def search_text(ev: Evidence, info: ErrorInfo) -> str:
    """What fingerprints are matched against: the error's type, code and message, and the auth challenge."""
    challenge = next((v for k, v in ev.headers.items() if k.lower() == "www-authenticate"), "")
    raw = f"{info.type or ''} {info.code or ''} {info.message} {challenge} {ev.error_text or ''}"
    return " ".join(raw.split()).lower()


def _cause(ev: Evidence, info: ErrorInfo) -> tuple[str, str]:
    if ev.phase == "credential":
        return "auth.credential-unavailable", "no credential could be obtained"
    if ev.phase in ("dns", "connect", "tls", "timeout", "proxy") and ev.status is None:
        return middlebox.transport_cause(ev.phase, search_text(ev, info), fingerprints())
    status = ev.status
    if status is not None and 200 <= status < 300 and not ev.after_200 and info.shape not in (
            "messages-error", "int-code", "openai"):
        return "unclassified", "HTTP 2xx without an error"
    if ev.after_200 or (status is not None and 200 <= status < 300):
        return "stream.error-event", "an error inside a 200 answer"
    if status is None:
        status = info.body_status  # a pasted body that states its own status (OpenRouter's code)
    if status is None:
        if ev.phase in ("read", "protocol"):
            return "network.connect", f"the connection broke ({ev.phase})"
        text = search_text(ev, info)  # a pasted message with no status: only rows that name none may decide
        for row in fingerprints():
            if not row.statuses and row.pattern.search(text):
                return row.cause, row.id
        return "unclassified", "no status and no recognisable error"
    text = search_text(ev, info)
    if status in (401, 403) and middlebox.credential_missing(text, ev.sent_headers):
        return "auth.credential-stripped", "the provider says no credential arrived, while one was sent in its header"
    # a middlebox's own page (never the provider's envelope) speaks for the middlebox, whatever its words
    in_between = middlebox.answer_cause(status, info, ev.headers, ev.body if isinstance(ev.body, str) else None)
    if in_between is not None:
        return in_between
    for row in fingerprints():
        if (not row.statuses or status in row.statuses) and row.pattern.search(text):
            return row.cause, row.id
    return _by_status(ev, info, status, text)


def _by_status(ev: Evidence, info: ErrorInfo, status: int, text: str) -> tuple[str, str]:
    if status == 401:
        return _unauthorized(ev, info, text)
    if status == 402:
        return "billing.insufficient-credits", "status 402"
    if status == 403:
        if not info.structured:
            return "unclassified", "403 page that is not the provider's (a proxy or firewall?)"
        return "auth.permission-denied", "status 403"
    if status == 404:
        return _not_found(ev, info, text)
    if status in (405, 501):
        return _ROUTE, f"status {status}: this path or method is not served"
    if status == 413:
        return "request.too-large", "status 413"
    if status == 429:
        return "rate-limit.exceeded", "status 429"
    if status in (400, 422):
        return _bad_request(info)
    if status == 408:
        return "network.timeout", "status 408"
    if status == 529 or (info.type or "") == "overloaded_error":
        return "provider.overloaded", "status 529 / overloaded_error"
    if status in (502, 503, 504):
        # by HTTP's own meaning these say an upstream is unavailable or slow, whoever sends them
        return "provider.unavailable", f"status {status}: the upstream is unavailable"
    if status >= 500:
        return _server_error(info, status)
    return "unclassified", f"status {status} is not an error this harness knows"


def _unauthorized(ev: Evidence, info: ErrorInfo, text: str) -> tuple[str, str]:
    if ev.auth in ("entra", "adc"):
        return "auth.token-invalid", f"401 to an {'Entra ID' if ev.auth == 'entra' else 'OAuth'} token"
    own = provider_facts.unauthorized(ev.provider, ev.auth, text)  # a provider's own reading (wrong scheme...)
    if own is not None:
        return own
    return "auth.invalid-key", "status 401"


def _not_found(ev: Evidence, info: ErrorInfo, text: str) -> tuple[str, str]:
    model = (ev.model or "").lower()
    if "model" in text or "deployment" in text or (model and model in text):
        return "model.not-found", "404 naming the model or deployment"
    if not info.structured or "not found" in text or "not_found" in text or "notfound" in text:
        return _ROUTE, "404 that names no model: the path is not served"
    return "unclassified", "404 whose error body says neither 'not found' nor which model"


def _bad_request(info: ErrorInfo) -> tuple[str, str]:
    if info.shape == "int-code" and info.body_status in (400, 422):
        return "request.invalid", "OpenRouter's envelope with code 400: invalid or missing parameters"
    kind = (info.type or "").lower()
    if info.shape == "aws" and kind == "validationexception":
        return "request.invalid", "Bedrock's ValidationException blames the request"
    if kind in ("invalid_request_error", "badrequest", "bad_request", "invalid_argument", "validationexception") \
            or (info.code or "").lower() in ("badrequest", "invalid_request_error", "invalid_argument"):
        return "request.invalid", f"the error envelope blames the request ({info.type or info.code})"
    return "unclassified", "400 without a recognisable error envelope"


def _server_error(info: ErrorInfo, status: int) -> tuple[str, str]:
    kind = f"{info.type or ''} {info.code or ''}".lower().split()
    if any(k in _PROVIDER_SERVER_TYPES for k in kind) or info.shape == "int-code":
        return "provider.server-error", "the provider's own envelope reports a server error"
    return "endpoint.server-error", f"status {status} without the provider's error envelope"
