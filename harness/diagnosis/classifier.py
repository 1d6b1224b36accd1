"""A pure classifier from evidence to exactly one cause id.

It reads every error shape we know of (Anthropic's envelope, Azure gateway
bodies, OpenRouter's, HTML error pages) and falls back to ``unclassified``
rather than guessing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Causes that mean "the provider is having a bad moment", not "your setup is wrong".
TRANSIENT_CAUSES = frozenset(
    {"rate-limit.exceeded", "provider.overloaded", "provider.unavailable", "provider.server-error"}
)
_TRANSIENT_ERROR_TYPES = frozenset(
    {"overloaded_error", "rate_limit_error", "api_error", "timeout_error", "provider_overloaded",
     "provider_unavailable", "rate_limit_exceeded", "server", "timeout"}
)


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


@dataclass(frozen=True)
class ErrorInfo:
    """The parts of an error body the classifier reads, whatever its shape."""

    shape: str  # anthropic | azure | azure-status | openrouter | html | text | none
    type: str | None = None
    code: str | None = None
    message: str = ""


@dataclass(frozen=True)
class Classification:
    cause: str
    transient: bool
    info: ErrorInfo


def parse_error(body: Any) -> ErrorInfo:
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        stripped = body.strip()
        try:
            body = json.loads(stripped) if stripped.startswith(("{", "[")) else stripped
        except ValueError:
            body = stripped
    if isinstance(body, str):
        if re.search(r"<\s*(html|!doctype|body|title)\b", body, re.I):
            title = re.search(r"<title>(.*?)</title>", body, re.I | re.S)
            return ErrorInfo("html", message=(title.group(1).strip() if title else body[:200]))
        return ErrorInfo("text" if body else "none", message=body[:500])
    if not isinstance(body, dict):
        return ErrorInfo("none")
    error: Any = body.get("error")
    if body.get("type") == "error" and isinstance(error, dict):
        details: Any = error.get("details") if isinstance(error.get("details"), dict) else {}
        code = details.get("error_code") or error.get("error_type")
        return ErrorInfo("anthropic", _s(error.get("type")), _s(code), _s(error.get("message")) or "")
    if isinstance(error, dict):
        metadata: Any = error.get("metadata") if isinstance(error.get("metadata"), dict) else {}
        availability: Any = error.get("availability") if isinstance(error.get("availability"), dict) else {}
        error_type = metadata.get("error_type") or error.get("error_type") or error.get("type")
        code = availability.get("code") or error.get("code")
        shape = "openrouter" if isinstance(error.get("code"), int) or metadata or availability else "azure"
        message = _s(error.get("message")) or ""
        if metadata.get("reasons"):
            message += " moderation: " + ", ".join(map(str, metadata["reasons"]))
        return ErrorInfo(shape, _s(error_type), _s(code), message)
    if "statusCode" in body:
        return ErrorInfo("azure-status", None, _s(body.get("statusCode")), _s(body.get("message")) or "")
    if isinstance(body.get("message"), str):
        return ErrorInfo("text", None, _s(body.get("code")), body["message"])
    return ErrorInfo("none")


def classify(ev: Evidence) -> Classification:
    info = parse_error(ev.body)
    cause = _cause(ev, info)
    transient = cause in TRANSIENT_CAUSES
    if cause == "stream.error-event":
        transient = (info.type or "") in _TRANSIENT_ERROR_TYPES or (info.code or "") in {"429", "502", "503", "529"}
    return Classification(cause, transient, info)


def _cause(ev: Evidence, info: ErrorInfo) -> str:
    if ev.phase == "credential":
        return "auth.credential-unavailable"
    if ev.phase in ("dns", "connect", "tls", "timeout") and ev.status is None:
        return f"network.{ev.phase}"
    if ev.status is None:
        return "network.connect" if ev.phase in ("read", "protocol") else "unclassified"
    if ev.after_200 or (200 <= ev.status < 300 and info.shape in ("anthropic", "openrouter")):
        return "stream.error-event"
    text = f"{info.type or ''} {info.code or ''} {info.message}".lower()
    status = ev.status
    if status == 401:
        return _unauthorized(ev, info, text)
    if status == 402 or info.type == "billing_error":
        return "billing.insufficient-credits"
    if status == 403:
        return _forbidden(ev, info, text)
    if status == 404:
        return _not_found(ev, info, text)
    if status == 429:
        if "enforced_spend_limit" in text or "spend limit" in text or "usage limits" in text:
            return "billing.spend-limit"
        return "rate-limit.exceeded"
    if status in (400, 422):
        return _bad_request(info, text)
    if status == 529 or info.type == "overloaded_error":
        return "provider.overloaded"
    if status in (502, 503):
        return "provider.unavailable"
    if status >= 500:
        return "provider.server-error"
    if status == 408:
        return "network.timeout"
    if 200 <= status < 300:
        return "unclassified"
    return "unclassified"


def _unauthorized(ev: Evidence, info: ErrorInfo, text: str) -> str:
    if info.code == "PermissionDenied" or "lacks the required data action" in text:
        return "auth.permission-denied"
    token_words = ("token", "audience", "expired", "jwt", "bearer")
    if ev.auth == "entra" or (ev.auth == "bearer" and ev.provider == "foundry" and any(w in text for w in token_words)):
        return "auth.token-invalid"
    if ev.provider == "openrouter" and "no auth credentials" in text and ev.auth != "bearer":
        return "auth.wrong-scheme"
    if ev.provider == "foundry" and ev.auth == "bearer" and "subscription key" in text:
        return "auth.wrong-scheme"  # an api key sent as a bearer token to the key-checking gateway
    if ev.provider == "anthropic" and ev.auth == "api-key":
        return "auth.wrong-scheme"
    return "auth.invalid-key"


def _forbidden(ev: Evidence, info: ErrorInfo, text: str) -> str:
    if "key based authentication is disabled" in text or "local authentication" in text:
        return "auth.key-auth-disabled"
    if "moderation" in text or "flagged" in text or info.type == "content_policy_violation":
        return "moderation.flagged"
    if "region" in text or "country" in text or "unsupported_country" in text:
        return "access.region-blocked"
    if "quota" in text or "token limit" in text:
        return "rate-limit.exceeded"  # an APIM token quota, not a missing role
    return "auth.permission-denied"


def _not_found(ev: Evidence, info: ErrorInfo, text: str) -> str:
    if info.code == "api_not_supported" or "not supported" in text:
        return "endpoint.unsupported"
    if "no endpoints found" in text or info.code in ("no_endpoints", "privacy_restricted", "constraint_filtered"):
        return "model.no-endpoints"
    if info.shape in ("html", "none", "text") and "model" not in text and "deployment" not in text:
        return "config.invalid-endpoint"
    return "model.not-found"


def _bad_request(info: ErrorInfo, text: str) -> str:
    if info.code in ("model_not_found",) or "not a valid model id" in text or "model not found" in text:
        return "model.not-found"
    if "invalid model parameter" in text or "model parameter" in text or "unknown model" in text:
        return "model.invalid-parameter"
    if "specified api usage limits" in text:
        return "billing.spend-limit"
    if "credit balance" in text:
        return "billing.insufficient-credits"
    return "request.invalid"


def _s(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)
