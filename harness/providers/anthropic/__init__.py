"""The Anthropic API (first party)."""

from __future__ import annotations

from ..base import ProviderSpec

ANTHROPIC = ProviderSpec(
    name="anthropic",
    display_name="Anthropic API",
    wire="anthropic-messages",
    key_env="ANTHROPIC_API_KEY",
    base_url_env="ANTHROPIC_BASE_URL",
    default_base_url="https://api.anthropic.com",
    url_suffix=None,
    url_suffix_hint="https://api.anthropic.com",
    auth_modes=("x-api-key", "bearer"),
    default_auth="x-api-key",
    messages_path="/v1/messages",
    count_tokens_path="/v1/messages/count_tokens",
    key_info_path=None,
    models_path="/v1/models",
    default_model="claude-haiku-4-5",
    request_id_headers=("request-id",),
    documented_request_id_headers=("request-id",),
    ratelimit_header_prefix="anthropic-ratelimit-",
    sdk_hint="anthropic.Anthropic",
    otel_name="anthropic",  # gen_ai.provider.name: the OpenTelemetry GenAI conventions' well-known value
    emulator_mount="",
    emulator_note="any key",
    extra_env=("ANTHROPIC_AUTH_TOKEN",),  # the SDK sends it as Authorization: Bearer
)
