"""One place that removes secrets from anything the harness writes or prints.

Secrets are identified in output by kind and a short fingerprint (a hash prefix,
never characters of the secret itself).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

SENSITIVE_HEADERS = frozenset(
    {"authorization", "x-api-key", "api-key", "proxy-authorization", "x-identity-header", "cookie", "set-cookie"}
)

# Shapes of secrets we may meet without having been told about them.
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"sk-or-v1-[A-Za-z0-9]{8,}"),
    re.compile(r"eyJ[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]{6,}\.[A-Za-z0-9_\-]*"),  # JWT
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key ids
    re.compile(r"(Signature=)[0-9a-f]{64}"),  # a SigV4 signature, echoed back by a proxy
    re.compile(r"bedrock-api-key-[A-Za-z0-9+/=]{16,}"),  # a short-term Bedrock API key
    re.compile(r"\bABSK[A-Za-z0-9+/=]{16,}"),  # a long-term Bedrock API key
    re.compile(r"\bya29\.[A-Za-z0-9._\-]{8,}"),  # a Google OAuth access token
    re.compile(r"(//)[^/@\s:]+:[^/@\s]+(?=@)"),  # user:password@ in URLs
    re.compile(r"(?i)([?&](?:api[-_]?key|access_token|token|key|sig|secret|code)=)[^&\s\"']{4,}"),  # query strings
)
PLACEHOLDER = "[REDACTED]"
# Words of a header name that say its value is a secret (Ocp-Apim-Subscription-Key, X-Gateway-Token, …); whole
# words only, so anthropic-ratelimit-tokens-limit stays readable.
_SECRET_NAME_WORDS = frozenset({"key", "apikey", "token", "secret", "auth", "authorization", "password", "passwd",
                                "cookie", "session", "signature", "credential", "credentials"})


def is_secret_header(name: str) -> bool:
    """Is this header's value a secret? The known credential headers, and any whose name says so."""
    lowered = name.lower()
    if lowered.endswith(("-token-count", "-tokens-count")):  # Bedrock's usage headers count tokens, hold none
        return False
    return lowered in SENSITIVE_HEADERS or any(w in _SECRET_NAME_WORDS for w in re.split(r"[-_.]", lowered))


def fingerprint(value: str) -> str:
    """A short, non-reversible tag that tells two secrets apart."""
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:8]


class Secret:
    """A credential value that never shows itself in repr, str or f-strings."""

    __slots__ = ("_value", "kind", "source")

    def __init__(self, value: str, *, kind: str, source: str) -> None:
        self._value = value
        self.kind = kind
        self.source = source

    def reveal(self) -> str:
        return self._value

    @property
    def fingerprint(self) -> str:
        return fingerprint(self._value)

    def describe(self) -> str:
        return f"{self.kind} from {self.source} ({self.fingerprint})"

    def __repr__(self) -> str:
        return f"Secret({self.describe()})"

    __str__ = __repr__


class Redactor:
    """Scrubs known secret values and secret-shaped strings from text and data."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._known: set[str] = {s for s in secrets if s}

    def add(self, value: str | None) -> None:
        if value and len(value) >= 4:
            self._known.add(value)

    def text(self, value: str) -> str:
        for secret in sorted(self._known, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, f"{PLACEHOLDER} {fingerprint(secret)}")
        for pattern in _PATTERNS:
            value = pattern.sub(_replace_match, value)
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in headers.items():
            if is_secret_header(name):
                scheme = "Bearer " if value.lower().startswith("bearer ") else ""
                secret = value[len(scheme):]
                out[name] = f"{scheme}{PLACEHOLDER} {fingerprint(secret)}"
            else:
                out[name] = self.text(value)
        return out

    def data(self, value: Any) -> Any:
        """Deep-copy JSON-like data with every string scrubbed and sensitive keys masked."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            result: dict[str, Any] = {}
            for key, item in value.items():
                if isinstance(key, str) and key.lower() in SENSITIVE_HEADERS and isinstance(item, str):
                    result[key] = self.headers({key: item})[key]
                else:
                    result[key] = self.data(item)
            return result
        if isinstance(value, (list, tuple)):
            return [self.data(item) for item in value]
        return value


def _replace_match(match: re.Match[str]) -> str:
    if match.lastindex:  # keep the "Bearer " or "key=" prefix, hide the value
        prefix = match.group(1)
        return f"{prefix}{PLACEHOLDER}"
    return PLACEHOLDER
