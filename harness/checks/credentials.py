"""Entra ID token forensics from the token's own claims, before any request is sent (pure)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..diagnosis.provider_facts import facts, token_audiences
from .basic import Verdict


def audience_of_scope(scope: str) -> str:
    return scope.removesuffix("/.default").rstrip("/")


def _when(exp: int, now: float) -> str:
    moment = datetime.fromtimestamp(exp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    delta = int(now - exp)
    ago = abs(delta)
    span = f"{ago // 3600} h {ago % 3600 // 60} min" if ago >= 3600 else f"{ago // 60} min {ago % 60} s"
    return f"{moment} ({span} {'ago' if delta >= 0 else 'from now'})"


def token_is_usable(details: dict[str, Any], scope: str, now: float) -> Verdict:
    """Expired or wrong-audience tokens are named as such; an opaque token cannot be judged here."""
    claims = details.get("claims") if isinstance(details.get("claims"), dict) else None
    if claims is None:
        return Verdict.ok(f"Entra ID token obtained for scope {scope} (opaque: its claims cannot be read)")
    exp = claims.get("exp")
    aud = str(claims.get("aud", "")).rstrip("/")
    wanted = audience_of_scope(scope)
    if isinstance(exp, (int, float)) and exp <= now:
        return Verdict(False, f"the token for scope {scope} expired at {_when(int(exp), now)}; the endpoint will "
                              "answer 401", "auth.token-expired")
    accepted = {wanted, *token_audiences()}  # what a provider documents it also accepts (its diagnosis.toml)
    if aud and aud not in accepted:
        return Verdict(False, f"the token's audience is {aud!r}, but the endpoint needs a token for scope {scope} "
                              f"(audience {wanted!r})", "auth.token-wrong-audience")
    left = f", expires {_when(int(exp), now)}" if isinstance(exp, (int, float)) else ""
    tenant = f", tenant {claims['tid']}" if claims.get("tid") else ""
    return Verdict.ok(f"Entra ID token obtained for scope {scope} (audience {aud or 'not stated'}{tenant}{left})")


def cloud_credentials_verdict(auth: str, provider: str, details: dict[str, Any], project: str | None,
                              region: str | None, now: float) -> Verdict:
    """Bedrock and Vertex: where the credential came from, and what can be known of it before a request."""
    # a Bedrock API key: the provider says its bearer credential is one, or the key read as one (Mantle's too)
    if auth == "bearer" and (facts(provider).bearer_is_bedrock_api_key or "key_type" in details):
        kind = details.get("key_type", "unrecognised")
        if details.get("expired"):
            return Verdict(False, f"the short-term Bedrock API key expired at {_when(int(details['exp']), now)}; "
                                  "Bedrock will answer 403", "auth.token-expired")
        where = ""
        if details.get("key_region") and region and details["key_region"] != region:
            where = f"; note: it was issued in {details['key_region']}, the target is in {region}"
        until = f", expires {_when(int(details['exp']), now)}" if isinstance(details.get("exp"), int) else ""
        return Verdict.ok(f"{kind} Bedrock API key will be sent as a bearer token{until}{where}")
    if auth == "sigv4":
        temporary = " (temporary, with a session token)" if details.get("temporary") else ""
        who = f"; STS says {details['arn']}" if details.get("arn") else ""
        return Verdict.ok(f"AWS keys {details.get('access_key_id', '')}{temporary} from {details.get('source')} "
                          f"will sign each request ({details.get('signing')}){who}")
    if project is None:
        return Verdict(False, "Application Default Credentials gave a token but no project, and none was given",
                       "config.missing-project")
    if auth == "adc":
        exp = details.get("exp")
        until = f", expires {_when(int(exp), now)}" if isinstance(exp, int) else ""
        return Verdict.ok(f"access token from {details.get('source')} for {details.get('principal')}, project "
                          f"{project}{until}")
    return Verdict.ok(f"static access token for project {project} will be sent as a bearer token")
