"""Credential sources: a static key or token, or an Entra ID token from azure-identity."""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from . import cloud_credentials, constants
from .config import Target
from .providers import sigv4

USER_AGENT = f"claude-harness/{constants.VERSION}"


class TokenCredential(Protocol):
    """The part of azure-core's TokenCredential the harness uses."""

    def get_token(self, *scopes: str) -> Any: ...


CredentialFactory = Callable[[], TokenCredential]


def default_credential_factory() -> TokenCredential:
    # Imported lazily: azure-identity is only needed for --auth entra.
    import logging

    from azure.identity import DefaultAzureCredential

    # azure-identity logs the whole failed chain as a warning; the report already carries it.
    logging.getLogger("azure.identity").addHandler(logging.NullHandler())
    logging.getLogger("azure.identity").propagate = False
    return DefaultAzureCredential()


@dataclass
class Credentials:
    """What the credentials layer produced: headers to send, or why there are none."""

    headers: dict[str, str] = field(default_factory=dict)
    secret_values: list[str] = field(default_factory=list)
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    signer: httpx.Auth | None = None  # signs every request (SigV4) instead of a static header

    @property
    def ok(self) -> bool:
        return self.error is None


def base_headers(target: Target) -> dict[str, str]:
    headers = {"content-type": "application/json", "user-agent": USER_AGENT}
    if target.provider.wire == "anthropic-messages" and target.provider.version_header:
        headers["anthropic-version"] = target.anthropic_version
    headers.update(dict(target.extra_headers))
    return headers


def auth_headers(mode: str, secret: str) -> dict[str, str]:
    if mode == "api-key":
        return {"api-key": secret}
    if mode == "x-api-key":
        return {"x-api-key": secret}
    return {"Authorization": f"Bearer {secret}"}


async def obtain_credentials(target: Target, factory: CredentialFactory | None = None) -> Credentials:
    if target.auth == "sigv4":
        return await asyncio.to_thread(_aws_credentials, target)
    if target.auth == "adc":
        return await asyncio.to_thread(_google_credentials)
    if target.auth == "bearer" and target.provider.key_env == cloud_credentials.BEDROCK_API_KEY_ENV:  # also Mantle
        assert target.secret is not None
        value = target.secret.reveal()
        details = cloud_credentials.describe_bedrock_key(value, datetime.datetime.now(datetime.timezone.utc))
        return Credentials(headers=auth_headers("bearer", value), secret_values=[value], details=details)
    if target.auth != "entra":
        assert target.secret is not None  # config guarantees a secret for key modes
        value = target.secret.reveal()
        return Credentials(headers=auth_headers(target.auth, value), secret_values=[value])
    factory = factory or default_credential_factory
    try:
        token = await asyncio.to_thread(_get_token, factory, target.entra_scope)
    except Exception as exc:  # azure-identity raises many types; all mean "no token"
        return Credentials(error=f"{type(exc).__name__}: {_first_lines(str(exc))}")
    details = {"scope": target.entra_scope, **token_claims(token)}
    return Credentials(headers=auth_headers("bearer", token), secret_values=[token], details=details)


def _aws_credentials(target: Target) -> Credentials:
    if target.aws_keys is not None:
        key_id, secret, token = target.aws_keys
        keys = sigv4.AwsKeys(key_id.reveal(), secret.reveal(), token.reveal() if token else None)
        source = "environment variables"
    else:
        found = cloud_credentials.aws_chain()
        if isinstance(found, str):
            return Credentials(error=found)
        keys, source = found
    assert target.region is not None  # config requires a region for the AWS hosts
    service = target.provider.signing_name or target.provider.name
    details = {"source": source, "access_key_id": cloud_credentials.mask_key_id(keys.access_key),
               "temporary": keys.session_token is not None, "signing": f"SigV4 {service}/{target.region}"}
    secrets = [keys.secret_key] + ([keys.session_token] if keys.session_token else [])
    return Credentials(secret_values=secrets, details=details,
                       signer=cloud_credentials.SigV4(keys, target.region, service))


def _google_credentials() -> Credentials:
    found = cloud_credentials.google_adc()
    if isinstance(found, str):
        return Credentials(error=found)
    token, details = found
    return Credentials(headers=auth_headers("bearer", token), secret_values=[token], details=details)


def _get_token(factory: CredentialFactory, scope: str) -> str:
    credential = factory()
    try:
        access = credential.get_token(scope)
    finally:
        close = getattr(credential, "close", None)
        if callable(close):
            close()
    token = getattr(access, "token", None)
    if not isinstance(token, str) or not token:
        raise ValueError("the credential returned an empty token")
    return token


def token_claims(token: str) -> dict[str, Any]:
    """Audience, tenant and expiry of a JWT, read without printing the token."""
    parts = token.split(".")
    if len(parts) != 3:
        return {"token_format": "opaque"}
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError):
        return {"token_format": "opaque"}
    if not isinstance(claims, dict):
        return {"token_format": "opaque"}
    keep = {k: claims[k] for k in ("aud", "tid", "exp", "iss", "appid") if k in claims}
    return {"token_format": "jwt", "claims": keep}


def _first_lines(text: str, limit: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[:limit])
