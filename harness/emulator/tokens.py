"""Entra-like tokens the emulator mints and verifies (HMAC-signed JWTs)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

ACCEPTED_AUDIENCES = ("https://cognitiveservices.azure.com", "https://ai.azure.com")
EMULATOR_TENANT = "00000000-0000-0000-0000-00000000e4u1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(key: bytes, audience: str, *, lifetime_s: int = 3600, now: float | None = None) -> tuple[str, int]:
    issued = int(now if now is not None else time.time())
    exp = issued + lifetime_s
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"aud": audience, "tid": EMULATOR_TENANT, "iss": "claude-harness-emulator", "iat": issued, "exp": exp}
    payload = _b64(json.dumps(claims).encode())
    signature = _b64(hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}", exp


def verify(key: bytes, token: str, *, now: float | None = None) -> tuple[bool, str, dict[str, Any]]:
    """(valid, reason, claims). Reasons match what the gateway reports."""
    parts = token.split(".")
    if len(parts) != 3:
        return False, "invalid", {}
    expected = _b64(hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, parts[2]):
        return False, "invalid", {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return False, "invalid", {}
    if claims.get("aud") not in ACCEPTED_AUDIENCES:
        return False, "audience", claims
    if claims.get("exp", 0) <= (now if now is not None else time.time()):
        return False, "expired", claims
    return True, "ok", claims


def acceptable_foreign_token(token: str, *, now: float | None = None) -> bool:
    """A bearer token the emulator did not issue (an app's own): a JWT is accepted unless its exp is past or its
    aud is not one Foundry accepts; an opaque token is accepted as it is."""
    parts = token.split(".")
    if len(parts) != 3:
        return True
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return True
    if not isinstance(claims, dict):
        return True
    audience = str(claims.get("aud", "")).rstrip("/")
    if audience and audience not in ACCEPTED_AUDIENCES:
        return False
    exp = claims.get("exp")
    return not (isinstance(exp, (int, float)) and exp <= (now if now is not None else time.time()))


class _AccessToken:
    def __init__(self, token: str, expires_on: int) -> None:
        self.token = token
        self.expires_on = expires_on


def in_process_credential(settings: Any) -> Any:
    """A credential factory that mints what the emulator's token endpoint would, for in-process runs."""
    faults = settings.faults

    class EmulatorCredential:
        def get_token(self, *scopes: str) -> _AccessToken:
            if "token-endpoint-down" in faults:
                raise RuntimeError("the managed identity endpoint is not available (emulated)")
            resource = scopes[0].removesuffix("/.default")
            audience = "https://management.azure.com" if "wrong-audience" in faults else resource
            lifetime = -60 if "expired-token" in faults else 3600
            token, exp = mint(settings.token_key, audience, lifetime_s=lifetime)
            return _AccessToken(token, exp)

    return EmulatorCredential
