"""Claude in Microsoft Foundry (Azure): the Anthropic Messages format under /anthropic."""

from __future__ import annotations

from ..base import ProviderSpec

FOUNDRY = ProviderSpec(
    name="foundry",
    display_name="Microsoft Foundry",
    wire="anthropic-messages",
    key_env="ANTHROPIC_FOUNDRY_API_KEY",
    base_url_env="ANTHROPIC_FOUNDRY_BASE_URL",
    default_base_url=None,
    url_suffix="/anthropic",
    url_suffix_hint="https://{resource}.services.ai.azure.com/anthropic",
    auth_modes=("api-key", "x-api-key", "bearer", "entra"),
    default_auth="api-key",
    messages_path="/v1/messages",
    count_tokens_path="/v1/messages/count_tokens",
    key_info_path=None,
    models_path=None,  # the Models API is documented as unsupported on Foundry
    default_model=None,
    request_id_headers=("request-id", "apim-request-id"),
    documented_request_id_headers=("request-id", "apim-request-id"),
    ratelimit_header_prefix=None,  # Foundry documents that it sends no anthropic-ratelimit-* headers
    resource_env="ANTHROPIC_FOUNDRY_RESOURCE",
    sdk_hint="anthropic.AnthropicFoundry",
    otel_name="azure.ai.inference",  # gen_ai.provider.name: the OpenTelemetry GenAI conventions' well-known value
    emulator_mount="/anthropic",
    emulator_note="any key; Entra tokens from {base}/msi/token",
)


def resource_base_url(resource: str) -> str:
    """The base URL the official SDK builds from a resource name."""
    return f"https://{resource}.services.ai.azure.com/anthropic"
