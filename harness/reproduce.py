"""Reproduction commands with secrets replaced by environment-variable placeholders."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from .config import Target
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
    """The same request with the official SDK, as the seeds show it; secrets stay in the environment."""
    hooked = target.provider.sdk_snippet(target, stream=stream)  # a provider package's own client
    if hooked is not None:
        return hooked
    var = target.secret_env or target.provider.key_env
    call = "stream=True, " if stream else ""
    prompt = 'messages=[{"role": "user", "content": "Hello!"}]'
    if target.provider.name == "foundry":
        if target.auth == "entra":
            head = [
                "from anthropic import AnthropicFoundry",
                "from azure.identity import DefaultAzureCredential, get_bearer_token_provider",
                f'provider = get_bearer_token_provider(DefaultAzureCredential(), "{target.entra_scope}")',
                f'client = AnthropicFoundry(base_url="{target.base_url}/", azure_ad_token_provider=provider)',
            ]
        else:
            head = [
                "import os",
                "from anthropic import AnthropicFoundry",
                f'client = AnthropicFoundry(base_url="{target.base_url}/", api_key=os.environ["{var}"])',
            ]
        create = f'client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{prompt})'
        return "\n".join([*head, f"print({create})"])
    if target.provider.name == "openrouter":
        pairs = [f'"{n}": os.environ["{header_placeholder(target, n)[1:]}"]' if is_secret_header(n) else f"{n!r}: {v!r}"
                 for n, v in target.extra_headers]
        extra = f", default_headers={{{', '.join(pairs)}}}" if pairs else ""
        return "\n".join([
            "import os",
            "from openai import OpenAI",
            f'client = OpenAI(base_url="{target.base_url}", api_key=os.environ["{var}"]{extra})',
            f'print(client.chat.completions.create(model="{target.model}", max_tokens={target.max_tokens}, '
            f"{call}{prompt}))",
        ])
    if target.provider.regional:
        return _cloud_snippet(target, var, call, prompt)
    key_arg = "auth_token" if target.auth == "bearer" else "api_key"
    return "\n".join([
        "import os",
        "from anthropic import Anthropic",
        f'client = Anthropic(base_url="{target.base_url}", {key_arg}=os.environ["{var}"])',
        f'print(client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{prompt}))',
    ])


def _cloud_snippet(target: Target, var: str, call: str, prompt: str) -> str:
    """AnthropicBedrock / AnthropicVertex, sending the dialect string the harness sent (SDK 2.x sends its own)."""
    base = f', base_url="{target.base_url}"' if target.base_url != target.provider.base_url_for(target.placement) \
        else ""
    if target.provider.name == "bedrock":
        auth = f', api_key=os.environ["{var}"]' if target.auth == "bearer" else ""
        client = f'client = AnthropicBedrock(aws_region="{target.region}"{auth}{base})'
        head = ["import os", "from anthropic import AnthropicBedrock", client]
    else:
        auth = f', access_token=os.environ["{var}"]' if target.auth == "bearer" else ""
        project = f', project_id="{target.project}"' if target.project else ""
        client = f'client = AnthropicVertex(region="{target.region}"{project}{auth}{base})'
        head = ["import os", "from anthropic import AnthropicVertex", client]
    dialect = f'extra_body={{"anthropic_version": "{target.anthropic_version}"}}, '
    create = (f'client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{dialect}'
              f"{prompt})")
    return "\n".join([*head, f"print({create})"])
