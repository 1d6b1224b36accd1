"""Claude Platform on AWS: Anthropic's own API, operated by Anthropic, reached through AWS authentication.

Facts (``shared/docs/bedrock-vertex-claudecode.md`` §1.1; the anthropic SDK's ``lib/aws/_client.py`` and
``_credentials.py``; the Claude Platform on AWS user guide, "Workspaces" and "Prerequisites"): host
``aws-external-anthropic.{region}.api.aws`` with the normal ``/v1/messages``, SigV4 with signing name
``aws-external-anthropic`` or an API key (``ANTHROPIC_AWS_API_KEY``; documented in ``x-api-key``, sent by SDK 2.15's
``AnthropicAWS`` as ``Authorization: Bearer``, so both are accepted), and the
``anthropic-workspace-id`` header (``wrkspc_…``, from ``ANTHROPIC_AWS_WORKSPACE_ID``) on every data-plane request.
Base URL override ``ANTHROPIC_AWS_BASE_URL``. First-party model ids; Anthropic's lifecycle dates apply.

Everything provider-specific lives in this package: the spec (here), the SDK reproduction (``reproduce.py``), the
emulator's routes (``emulator.py``) and fingerprints (``fingerprints.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import aws_hosts
from ..base import HeaderSetting, Placement, ProviderSpec

NAME = "claude-platform-aws"
SIGNING_NAME = "aws-external-anthropic"
HOST_PREFIX = "aws-external-anthropic"
MOUNT = "/aws"  # contract §5: the SDK's base URL is {emulator}/aws
WORKSPACE_HEADER = "anthropic-workspace-id"
WORKSPACE_ENV = "ANTHROPIC_AWS_WORKSPACE_ID"
EMULATOR_WORKSPACE = "wrkspc_01EmulatorWorkspace"
WORKSPACE = HeaderSetting(key="workspace_id", env=WORKSPACE_ENV, header=WORKSPACE_HEADER,
                          what="Claude Platform on AWS workspace id (wrkspc_…)", emulator_value=EMULATOR_WORKSPACE)


@dataclass(frozen=True)
class ClaudePlatformAwsSpec(ProviderSpec):
    def base_url_for(self, placement: Placement) -> str | None:
        return f"https://{aws_hosts.api_aws_host(HOST_PREFIX, placement.region)}" if placement.region else None

    def lifecycle_id(self, model: str) -> str | None:
        return model  # first-party ids

    def sts_url(self, base_url: str, region: str | None) -> str | None:
        return aws_hosts.sts_url(base_url, region, HOST_PREFIX, MOUNT)

    def credential_error_schema(self, auth: str) -> str | None:
        return "BedrockError" if auth == "sigv4" else None  # AWS checks signatures; Anthropic checks API keys

    def emulator_routes(self, emulator: Any) -> list[Any]:
        from .emulator import routes

        return routes(emulator)


CLAUDE_PLATFORM_AWS = ClaudePlatformAwsSpec(
    name=NAME,
    display_name="Claude Platform on AWS",
    wire="anthropic-messages",
    key_env="ANTHROPIC_AWS_API_KEY",
    base_url_env="ANTHROPIC_AWS_BASE_URL",
    default_base_url=None,
    url_suffix=None,
    url_suffix_hint="https://aws-external-anthropic.{region}.api.aws",
    auth_modes=("sigv4", "x-api-key", "bearer"),  # SDK 2.15's AnthropicAWS sends an API key as a bearer token
    default_auth="sigv4",
    messages_path="/v1/messages",
    count_tokens_path="/v1/messages/count_tokens",
    key_info_path=None,
    models_path=None,
    default_model="claude-haiku-4-5",
    request_id_headers=("request-id", "x-amzn-requestid"),
    documented_request_id_headers=("request-id",),  # Anthropic's API, operated by Anthropic
    ratelimit_header_prefix=None,
    sdk_hint="anthropic.AnthropicAWS",
    region_envs=("AWS_REGION", "AWS_DEFAULT_REGION"),
    bad_key_statuses=(401, 403),  # Anthropic's 401 for a bad API key, AWS's 403 for a bad signature
    bad_model_status=404,
    signing_name=SIGNING_NAME,
    header_settings=(WORKSPACE,),
    infer_from=(WORKSPACE_ENV, "ANTHROPIC_AWS_BASE_URL"),  # the explicit signal; AWS_REGION alone selects nothing
    follows_anthropic_schedule=True,  # "Dates apply to the Claude API, Claude Platform on AWS and Microsoft Foundry"
    emulator_mount=MOUNT,
    otel_name="anthropic",  # AnthropicAWS is the Anthropic client with AWS auth
    steps_like="anthropic",  # Anthropic's API behind an AWS front door: "Anthropic:" steps apply
)
