"""Reproduction commands with secrets replaced by environment-variable placeholders."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from typing import Any

from harness.config import Target
from harness.redact import SENSITIVE_HEADERS


def secret_placeholder(target: Target) -> str:
    if target.auth == "entra":
        resource = target.entra_scope.removesuffix("/.default")
        return f"$(az account get-access-token --resource {resource} --query accessToken -o tsv)"
    return f"${target.secret_env or target.provider.key_env}"


def curl_command(target: Target, method: str, url: str, headers: Mapping[str, str], body: Any) -> str:
    parts = ["curl", "-sS", "-i"]
    if method != "GET" or body is not None:
        parts += ["-X", method]
    parts.append(shlex.quote(url))
    for name, value in headers.items():
        if name.lower() in {"user-agent"}:
            continue
        if name.lower() in SENSITIVE_HEADERS:
            scheme = "Bearer " if name.lower() == "authorization" else ""
            # double quotes so the shell expands the placeholder, never a literal secret
            parts += ["-H", f'"{name}: {scheme}{secret_placeholder(target)}"']
        else:
            parts += ["-H", shlex.quote(f"{name}: {value}")]
    if body is not None:
        parts += ["-d", shlex.quote(json.dumps(body, separators=(",", ":")))]
    return " ".join(parts)
