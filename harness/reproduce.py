"""Reproduction commands with secrets replaced by environment-variable placeholders."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from .config import Target
from .providers import provider_part
from .redact import SENSITIVE_HEADERS, is_secret_header


def secret_placeholder(target: Target) -> str:
    if target.auth == "entra":
        resource = target.entra_scope.removesuffix("/.default")
        return f"$(az account get-access-token --resource {resource} --query accessToken -o tsv)"
    if target.auth == "adc":
        return "$(gcloud auth print-access-token)"
    return f"${target.secret_env or target.provider.key_env}"


def header_placeholder(target: Target, name: str) -> str:
    """The variable a secret custom header's value comes from (or one named after the header)."""
    var = dict(target.header_env).get(name) or "".join(c if c.isalnum() else "_" for c in name).upper()
    return f"${var}"


def curl_command(target: Target, method: str, url: str, headers: Mapping[str, str], body: Any) -> str:
    parts = ["curl", "-sS", "-i"]
    if method != "GET" or body is not None:
        parts += ["-X", method]
    parts.append(shlex.quote(url))
    if target.auth == "sigv4":  # curl signs it itself (curl >= 7.75), from the variables the AWS CLI reads
        service = target.provider.signing_name or target.provider.name
        parts += ["--aws-sigv4", shlex.quote(f"aws:amz:{target.region}:{service}"),
                  "--user", '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"']
        if target.aws_keys is None or target.aws_keys[2] is not None:
            parts += ["-H", '"x-amz-security-token: $AWS_SESSION_TOKEN"']
    elif target.auth == "adc":
        parts += ["-H", f'"Authorization: Bearer {secret_placeholder(target)}"']
    for name, value in headers.items():
        if name.lower() in {"user-agent"}:
            continue
        if name.lower() in SENSITIVE_HEADERS:
            scheme = "Bearer " if name.lower() == "authorization" else ""
            # double quotes so the shell expands the placeholder, never a literal secret
            parts += ["-H", f'"{name}: {scheme}{secret_placeholder(target)}"']
        elif is_secret_header(name):
            parts += ["-H", f'"{name}: {header_placeholder(target, name)}"']
        else:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body is not None:
        parts += ["-d", shlex.quote(json.dumps(body, separators=(",", ":")))]
    return " ".join(parts)


def sdk_snippet(target: Target, *, stream: bool) -> str | None:
    """The same request with the official SDK, as the seeds show it; secrets stay in the environment. A provider
    package's reproduce.py says how its SDK is called (``sdk_snippet(target, *, stream)``); an Anthropic-format
    endpoint without one gets the anthropic client with its base URL."""
    part = provider_part(target.provider, "reproduce")
    if part is not None and hasattr(part, "sdk_snippet"):
        return str(part.sdk_snippet(target, stream=stream))
    var = target.secret_env or target.provider.key_env
    call = "stream=True, " if stream else ""
    prompt = 'messages=[{"role": "user", "content": "Hello!"}]'
    key_arg = "auth_token" if target.auth == "bearer" else "api_key"
    return "\n".join([
        "import os",
        "from anthropic import Anthropic",
        f'client = Anthropic(base_url="{target.base_url}", {key_arg}=os.environ["{var}"])',
        f'print(client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{prompt}))',
    ])
