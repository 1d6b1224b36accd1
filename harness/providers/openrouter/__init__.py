"""OpenRouter: the OpenAI-compatible chat completions API under /api/v1."""

from __future__ import annotations

from ..base import ProviderSpec

OPENROUTER = ProviderSpec(
    name="openrouter",
    display_name="OpenRouter",
    wire="openai-chat",
    key_env="OPENROUTER_API_KEY",
    base_url_env=None,
    default_base_url="https://openrouter.ai/api/v1",
    url_suffix="/api/v1",
    url_suffix_hint="https://openrouter.ai/api/v1",
    auth_modes=("bearer",),
    default_auth="bearer",
    messages_path="/chat/completions",
    count_tokens_path=None,
    key_info_path="/key",
    models_path="/models",
    default_model="anthropic/claude-haiku-4.5",
    request_id_headers=("x-generation-id",),
    documented_request_id_headers=(),
    ratelimit_header_prefix=None,
    sdk_hint="openai.OpenAI",
    emulator_mount="/api/v1",
    emulator_note="any key",
)
