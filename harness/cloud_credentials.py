"""Credentials for the clouds: AWS keys signed with SigV4, Bedrock API keys, Google ADC tokens.

botocore and google-auth are optional extras, imported only here and only when a target needs them. Nothing
secret leaves this module except through ``Credentials.secret_values``, which the redactor learns first.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import re
from collections.abc import Generator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from .providers import sigv4
from .providers.vertex import SCOPE

EMULATOR_ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"  # the AWS documentation's example pair, which the emulator accepts
EMULATOR_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SHORT_TERM_PREFIX = "bedrock-api-key-"
BEDROCK_API_KEY_ENV = "AWS_BEARER_TOKEN_BEDROCK"  # Bedrock API keys, which Bedrock's Mantle endpoint takes too


class SigV4(httpx.Auth):
    """Signs each request as it is sent, over the exact bytes of its body."""

    requires_request_body = True

    def __init__(self, keys: sigv4.AwsKeys, region: str, service: str,
                 clock: Any = lambda: _dt.datetime.now(_dt.timezone.utc)) -> None:
        self.keys, self.region, self.service, self._clock = keys, region, service, clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        added = sigv4.sign(request.method, str(request.url), dict(request.headers), request.content, self.keys,
                           self.region, self.service, self._clock())
        request.headers.update(added)
        yield request


def mask_key_id(key_id: str) -> str:
    return key_id[:4] + "…" + key_id[-4:] if len(key_id) > 12 else "…"


def aws_chain() -> tuple[sigv4.AwsKeys, str] | str:
    """botocore's standard chain (env, profile, SSO, process, container, instance): keys and where they came from,
    or why there are none."""
    import botocore.session
    from botocore.exceptions import BotoCoreError

    try:
        found = botocore.session.Session().get_credentials()
        if found is None:
            return ("the AWS credential chain found nothing (environment, shared credentials and config files, SSO, "
                    "credential_process, container and instance roles)")
        frozen = found.get_frozen_credentials()
    except BotoCoreError as exc:
        return f"{type(exc).__name__}: {exc}"
    source = {"env": "environment variables", "shared-credentials-file": "shared credentials file",
              "config-file": "AWS config file", "sso": "IAM Identity Center (SSO)", "iam-role": "instance role (IMDS)",
              "container-role": "container role", "assume-role": "assumed role (profile)", "process":
              "credential_process", "assume-role-with-web-identity": "web identity (OIDC)"}.get(found.method,
                                                                                            found.method)
    return sigv4.AwsKeys(frozen.access_key, frozen.secret_key, frozen.token), source


def describe_bedrock_key(key: str, now: _dt.datetime) -> dict[str, Any]:
    """A Bedrock API key's kind, and for a short-term key its region and expiry, read offline (no signature shown)."""
    if not key.startswith(SHORT_TERM_PREFIX):
        return {"key_type": "long-term" if key.startswith("ABSK") else "unrecognised"}
    try:
        url = base64.b64decode(key[len(SHORT_TERM_PREFIX):] + "=" * (-len(key) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return {"key_type": "short-term (unreadable)"}
    query = {k: v[0] for k, v in parse_qs(url.partition("?")[2]).items()}
    details: dict[str, Any] = {"key_type": "short-term"}
    scope = query.get("X-Amz-Credential", "").split("/")
    if len(scope) >= 3:
        details["key_region"] = scope[2]
    try:
        issued = _dt.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
        expires = issued + _dt.timedelta(seconds=int(query["X-Amz-Expires"]))
    except (KeyError, ValueError):
        return details
    details["expires"] = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    details["exp"] = int(expires.timestamp())
    details["expired"] = expires <= now
    return details


class _HttpxTransport:
    """google-auth's transport interface over httpx, so the vertex extra needs no `requests`."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def __call__(self, url: str, method: str = "GET", body: Any = None, headers: Any = None,
                 timeout: float | None = None, **_: Any) -> Any:
        from google.auth import exceptions

        try:
            response = self._client.request(method, url, content=body, headers=headers, timeout=timeout or 10.0)
        except httpx.HTTPError as exc:
            raise exceptions.TransportError(f"{type(exc).__name__}: {exc}") from exc

        class Response:
            status = response.status_code
            headers = response.headers
            data = response.content

        return Response()


def google_adc() -> tuple[str, dict[str, Any]] | str:
    """An access token from Application Default Credentials, with the principal and project it resolved."""
    import logging

    import google.auth
    from google.auth import exceptions

    # google-auth logs each failed link of its chain; the report already says what failed
    logging.getLogger("google.auth").addHandler(logging.NullHandler())
    logging.getLogger("google.auth").propagate = False

    with httpx.Client(follow_redirects=False) as client:
        request = _HttpxTransport(client)
        try:
            credentials, project = google.auth.default(scopes=[SCOPE], request=request)
            credentials.refresh(request)
        except exceptions.GoogleAuthError as exc:
            return f"{type(exc).__name__}: {' '.join(str(exc).split())[:500]}"
    token = getattr(credentials, "token", None)
    if not isinstance(token, str) or not token:
        return "the credential returned an empty token"
    principal = (getattr(credentials, "service_account_email", None) or getattr(credentials, "signer_email", None)
                 or getattr(credentials, "account", None) or "user credentials (gcloud)")
    details: dict[str, Any] = {"source": f"ADC: {type(credentials).__module__.split('.')[-2]}."
                               f"{type(credentials).__name__}", "principal": principal}
    if project:
        details["project"] = project
    expiry = getattr(credentials, "expiry", None)
    if isinstance(expiry, _dt.datetime):
        details["exp"] = int(expiry.replace(tzinfo=_dt.timezone.utc).timestamp())
    return token, details


def sts_url(target: Any) -> str | None:
    """Where STS answers for this target: AWS's own regional host, or the emulator's /sts beside its /bedrock."""
    hooked = target.provider.sts_url(target.base_url, target.region)  # a provider package knows its own host
    if hooked is not None:
        return str(hooked)
    parts = urlsplit(target.base_url)
    host = parts.hostname or ""
    if host.startswith("bedrock-runtime.") and host.endswith((".amazonaws.com", ".amazonaws.com.cn")):
        return f"https://sts.{host.removeprefix('bedrock-runtime.')}/"
    if parts.path.rstrip("/").endswith("/bedrock") and host in ("127.0.0.1", "localhost", "::1", "emulator.invalid"):
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/').removesuffix('/bedrock')}/sts/"
    return None


def caller_identity(obs: Any) -> dict[str, Any]:
    """Account and principal from STS GetCallerIdentity's XML answer, or why not."""
    if not obs.ok:
        reason = f"HTTP {obs.status}" if obs.status else f"{obs.phase}: {obs.error}"
        return {"identity": f"STS GetCallerIdentity did not answer ({reason})"}
    text = obs.body_text or ""
    found = {k.lower(): m.group(1) for k in ("Arn", "Account") if (m := re.search(f"<{k}>([^<]+)</{k}>", text))}
    return found or {"identity": "STS answered without an Arn"}
