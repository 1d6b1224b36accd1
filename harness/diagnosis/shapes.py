"""Error envelopes: read any error body into the few fields the classifier needs (pure).

Shapes seen in the field: Anthropic's ``{"type":"error","error":{…}}``; OpenAI's and LiteLLM's
``{"error":{"message","type","param","code"}}``; OpenRouter's ``{"error":{"code":<int>,…,"metadata"}}``;
Azure's ``{"error":{"code":"DeploymentNotFound",…}}`` and ``{"statusCode":401,"message":…}``; RFC 9457
problem documents (Prism); JSON-only bodies such as ``{"detail":"Not Found"}`` or ``{"error":"…"}``; HTML
pages and plain text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# shape: messages-error (Anthropic's) | openai | int-code (OpenRouter's, Google's RPC status) | azure |
#        azure-status | problem | json | html | text | none
_OPENAI_KEYS = frozenset({"param", "type"})


@dataclass(frozen=True)
class ErrorInfo:
    """The parts of an error body the classifier reads, whatever its shape."""

    shape: str
    type: str | None = None
    code: str | None = None
    message: str = ""
    body_status: int | None = None  # an HTTP status the body states (OpenRouter's int code, problem status)

    @property
    def structured(self) -> bool:
        """The body is an error document a client can read (not a page, not free text)."""
        return self.shape not in ("html", "text", "none")


def parse_error(body: Any) -> ErrorInfo:
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        body = _maybe_json(body)
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]  # Google wraps errors in a list on streams
    if isinstance(body, str):
        return _text_info(body)
    if not isinstance(body, dict):
        return ErrorInfo("none")
    error: Any = body.get("error")
    if body.get("type") == "error" and isinstance(error, dict):
        details: Any = error.get("details") if isinstance(error.get("details"), dict) else {}
        code = details.get("error_code") or error.get("error_type")
        return ErrorInfo("messages-error", _s(error.get("type")), _s(code), _s(error.get("message")) or "")
    if isinstance(error, dict):
        return _nested_error(error)
    if isinstance(error, str):
        message = str(body["message"]) if isinstance(body.get("message"), str) else error
        error_type = error if re.fullmatch(r"[a-z_]+", error) else _s(body.get("type"))
        return ErrorInfo("json", error_type, _s(body.get("code")), message)
    if "statusCode" in body:
        return ErrorInfo("azure-status", None, _s(body.get("statusCode")), _s(body.get("message")) or "",
                         _status(body.get("statusCode")))
    if isinstance(body.get("title"), str) and ("status" in body or "detail" in body):
        kind = str(body.get("type") or "").rsplit("#", 1)[-1] or None
        detail = body.get("detail")
        message = body["title"] + (f": {detail}" if isinstance(detail, str) and detail else "")
        return ErrorInfo("problem", kind, None, message, _status(body.get("status")))
    if isinstance(body.get("detail"), str):
        return ErrorInfo("json", None, None, body["detail"])
    if isinstance(body.get("message"), str):
        return ErrorInfo("json", _s(body.get("type")), _s(body.get("code")), body["message"])
    if isinstance(body.get("Message"), str):  # AWS restJson1 (the error type travels in x-amzn-ErrorType)
        return ErrorInfo("aws", _s(body.get("__type")), None, body["Message"])
    return ErrorInfo("none")


def _nested_error(error: dict[str, Any]) -> ErrorInfo:
    metadata: Any = error.get("metadata") if isinstance(error.get("metadata"), dict) else {}
    availability: Any = error.get("availability") if isinstance(error.get("availability"), dict) else {}
    error_type = metadata.get("error_type") or error.get("error_type") or error.get("type") or error.get("status")
    raw_code = error.get("code")
    code = availability.get("code") or raw_code
    message = _s(error.get("message")) or ""
    if metadata.get("reasons"):
        message += " moderation: " + ", ".join(map(str, metadata["reasons"]))
    if isinstance(raw_code, int) or metadata or availability:
        shape = "int-code"  # OpenRouter's, and Google's RPC status, which shares the int code
    elif _OPENAI_KEYS & set(error):
        shape = "openai"
    else:
        shape = "azure"
    return ErrorInfo(shape, _s(error_type), _s(code), message, _status(raw_code))


def _maybe_json(text: str) -> Any:
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(stripped)
        except ValueError:
            pass
    return stripped


def _text_info(body: str) -> ErrorInfo:
    if re.search(r"<\s*(html|!doctype|body|title|h1)\b", body, re.I):
        title = re.search(r"<title>(.*?)</title>", body, re.I | re.S) or re.search(r"<h1>(.*?)</h1>", body, re.I | re.S)
        return ErrorInfo("html", message=(title.group(1).strip() if title else body[:200]))
    return ErrorInfo("text" if body else "none", message=body[:500])


def _status(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 100 <= number <= 599 else None


def _s(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)
