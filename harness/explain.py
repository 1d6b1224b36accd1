"""`claude-harness explain`: diagnose a pasted error offline (pure)."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from .diagnosis import Evidence, classify, entry, sources_for, steps_for
from .diagnosis.parameters import parameter_steps
from .diagnosis.platform import platform_named
from .diagnosis.provider_facts import facts, read_pasted
from .redact import Redactor

_STATUS_PATTERNS = (
    re.compile(r"HTTP/\d(?:\.\d)?\s+(\d{3})"),
    re.compile(r"\bHTTP\s+(\d{3})\b"),  # "HTTP 401"
    re.compile(r"status code (\d{3})\b", re.I),  # axios: "Request failed with status code 403"
    re.compile(r"API Error(?: \([^)]*\))?:\s*(\d{3})\b"),  # Claude Code: "API Error (model): 400 …"
    re.compile(r"Request rejected \((\d{3})\)"),
    re.compile(r"Error code:\s*(\d{3})"),
    re.compile(r"api_core\.exceptions\.\w+:\s*(\d{3})\b"),  # google-api-core: "…PermissionDenied: 403 …"
    re.compile(r"status(?:_code|Code)?\W{0,3}(\d{3})", re.I),
    re.compile(r"^\s*(\d{3})\b"),
)
_PHASES = (
    ("dns", re.compile(r"name or service not known|nodename nor servname|getaddrinfo|no such host", re.I)),
    ("tls", re.compile(r"certificate verify failed|ssl|tls handshake", re.I)),
    ("timeout", re.compile(r"timed? ?out|timeout", re.I)),
    ("connect", re.compile(r"connection refused|connecterror|failed to establish|unreachable|"
                           r"unable to connect to api|connectionrefused|failedtoopensocket|"  # Claude Code
                           r"connection to the api was lost|"
                           r"apiconnectionerror|connection error\.|connection reset|remote ?protocol ?error|"
                           r"server disconnected", re.I)),
    ("credential", re.compile(
        r"DefaultAzureCredential failed|CredentialUnavailableError|ClientAuthenticationError|"
        r"ChainedTokenCredential authentication failed|Failed to get token from azureADTokenProvider|"
        r"Could not load the default credentials|credential resolve timed out|DefaultCredentialsError|"
        r"default credentials were not found|Reauthentication is needed|invalid_rapt|NoCredentialsError|"
        r"Unable to locate credentials|Could not resolve AWS credentials", re.I)),
)


def _body(text: str) -> Any:
    page = re.search(r"<!doctype html|<html", text, re.I)
    if page is not None:  # an error page (a proxy's, a WAF's): its CSS braces are not a JSON body
        return text[page.start():].strip()
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        return text.strip()  # plain text (a page, or an SDK's or Claude Code's message) is evidence too
    chunk = text[start : end + 1]
    for loader in (json.loads, ast.literal_eval):
        try:
            return loader(chunk)
        except (ValueError, SyntaxError):
            continue
    return chunk


def _status(text: str) -> int | None:
    for pattern in _STATUS_PATTERNS:
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    return None


def _headers(text: str) -> dict[str, str]:
    headers = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z][A-Za-z0-9-]{1,60}):\s*(.+)$", line.strip())
        if match and not match.group(2).startswith("{"):
            headers[match.group(1).lower()] = match.group(2).strip()
    return headers


# Text that says a bearer token was sent (and judged), whatever --auth says.
_BEARER_CONTEXT = re.compile(
    r"www-authenticate:\s*bearer|access token|\baadsts\d+|\bidx102\d\d\b|bearer error=|invalid_token|"
    r"authorization:\s*bearer\s+ey", re.I)


def infer_auth(text: str, provider: str | None, auth: str | None) -> str:
    """The auth mode the text implies: an explicit --auth wins; then bearer/Entra clues; then the provider's
    default for a pasted error (its diagnosis.toml)."""
    if auth is not None:
        return auth
    own = facts(provider)
    return own.pasted_bearer_auth if _BEARER_CONTEXT.search(text) else own.pasted_auth


_CLAUDE_CODE = re.compile(r"API Error|Please run /login|Try --model to switch|/model to switch|apiKeyHelper|"
                          r"Request rejected \(\d{3}\)|Fix external API key|Credit balance is too low|"
                          r"issue with the selected model|Unable to connect to API|\"type\":\s*\"result\"", re.I)


def claude_code_result(text: str) -> tuple[str, int | None] | None:
    """Claude Code's ``--output-format json`` line, pasted whole: its printed text and the HTTP status it saw."""
    stripped = text.strip()
    if not (stripped.startswith("{") and '"type"' in stripped and '"result"' in stripped):
        return None
    try:
        line = json.loads(stripped)
    except ValueError:
        try:  # the line, and whatever was pasted after it
            line = json.loads(stripped.splitlines()[0])
        except ValueError:
            return None
    if not isinstance(line, dict) or line.get("type") != "result" or not isinstance(line.get("result"), str):
        return None
    status = line.get("api_error_status")
    return line["result"], status if isinstance(status, int) and not isinstance(status, bool) else None


# The status each error type of the Messages API's envelope comes with (https://docs.claude.com/en/api/errors): a
# body pasted without its status line still says which status it was.
_ENVELOPE_STATUS = {"invalid_request_error": 400, "authentication_error": 401, "billing_error": 402,
                    "permission_error": 403, "not_found_error": 404, "request_too_large": 413,
                    "rate_limit_error": 429, "api_error": 500, "timeout_error": 504, "overloaded_error": 529}


def _envelope_status(body: Any) -> int | None:
    if not isinstance(body, dict) or body.get("type") != "error" or not isinstance(body.get("error"), dict):
        return None
    kind = body["error"].get("type")
    return _ENVELOPE_STATUS.get(kind) if isinstance(kind, str) else None


def explain_text(text: str, *, provider: str | None, auth: str | None) -> dict[str, Any]:
    """Diagnose a pasted error. Without a provider, every provider's steps are shown, each labelled."""
    from_json = claude_code_result(text)
    if from_json is not None:  # Claude Code's JSON line: read its printed text, with the status it names
        printed, seen_status = from_json
        text = printed if seen_status is None or _status(printed) is not None else f"API Error: {seen_status} " \
            f"{printed}"
    status = _status(text)
    body = _body(text)
    headers = _headers(text)
    after_200 = False
    pasted = read_pasted(text)  # a provider SDK's own exception text (boto3's) names its provider
    if pasted is not None:
        sdk_provider, (status, sdk_headers, body, after_200) = pasted
        headers.update(sdk_headers)
        provider = provider or sdk_provider
        status = 200 if after_200 else status
    status_from_type = status is None and _envelope_status(body) is not None
    if status_from_type:
        status = _envelope_status(body)
    phase = None
    if status is None:
        phase = next((name for name, pattern in _PHASES if pattern.search(text)), None)
    named, named_why = (provider, "--provider") if provider else platform_named(text)
    platform = None if named == "gateway" else named  # steps and rules of the platform the evidence names
    auth = infer_auth(text, platform, auth)  # no platform: the Anthropic API's defaults, which are the generic ones
    evidence = Evidence(provider=platform or "any", auth=auth, phase=phase, status=status, body=body,
                        headers=headers, after_200=after_200)
    result = classify(evidence)
    cause = entry(result.cause)
    steps = steps_for(cause, named, gateway=named == "gateway", claude_code=bool(_CLAUDE_CODE.search(text)))
    if result.cause == "request.invalid":
        steps = parameter_steps(result.info.message or str(body)) + steps
    ids = {k: v for k, v in headers.items() if k in ("request-id", "apim-request-id", "x-generation-id",
                                                       "x-amzn-requestid")}
    if isinstance(body, dict) and isinstance(body.get("request_id"), str):
        ids.setdefault("request-id", body["request_id"])
    out = {
        "cause": result.cause,
        "title": cause.title,
        "explanation": cause.explanation,
        "steps": steps,
        "sources": sources_for(cause, platform),
        "platform": named,
        "platform_from": named_why,
        "transient": result.transient,
        "evidence": {"status": status, "status_from": "the error type" if status_from_type else None,
                     "phase": phase, "error_type": result.info.type, "error_code": result.info.code,
                     "message": result.info.message[:300],
                     "decided_by": result.rule, "auth": auth},
        "request_ids": ids,
    }
    scrubbed: dict[str, Any] = Redactor().data(out)
    return scrubbed


def render_explanation(result: dict[str, Any]) -> str:
    lines = [f"{result['cause']}: {result['title']}", "", result["explanation"], ""]
    lines += [f"  {i}. {step}" for i, step in enumerate(result["steps"], start=1)]
    if result["request_ids"]:
        lines += ["", "Request ids for support: " + ", ".join(f"{k}={v}" for k, v in result["request_ids"].items())]
    lines += ["", "Sources: " + "; ".join(result["sources"])]
    return "\n".join(lines) + "\n"
