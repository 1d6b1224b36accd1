"""What the harness knows about one provider, as data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

WireFormat = Literal["anthropic-messages", "openai-chat"]
AuthMode = Literal["api-key", "x-api-key", "bearer", "entra"]
AUTH_MODES: tuple[AuthMode, ...] = ("api-key", "x-api-key", "bearer", "entra")


@dataclass(frozen=True)
class ProviderSpec:
    """Endpoints, auth and conventions of one provider.

    Paths are relative to the target's base URL (which never ends in ``/``).
    """

    name: str
    display_name: str
    wire: WireFormat
    key_env: str
    base_url_env: str | None
    default_base_url: str | None
    url_suffix: str | None  # a base URL must end with this (e.g. Foundry's /anthropic)
    url_suffix_hint: str
    auth_modes: tuple[AuthMode, ...]
    default_auth: AuthMode
    messages_path: str
    count_tokens_path: str | None  # a free probe of auth and model, where the provider has one
    key_info_path: str | None  # a free probe of auth (OpenRouter GET /key)
    models_path: str | None  # a free listing of model ids
    default_model: str | None  # None: the user must name it (Foundry deployment names are theirs)
    request_id_headers: tuple[str, ...]
    documented_request_id_headers: tuple[str, ...]
    ratelimit_header_prefix: str | None  # None: the provider documents that it sends none
    resource_env: str | None = None
    sdk_hint: str = ""
    extra_env: tuple[str, ...] = field(default_factory=tuple)
