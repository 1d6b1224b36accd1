"""Claude in Amazon Bedrock ("Mantle"): the Anthropic Messages API on ``bedrock-mantle.{region}.api.aws/anthropic``.

Facts (``shared/docs/bedrock-vertex-claudecode.md`` §1.1, §1.3, §1.4; the anthropic SDK's ``lib/bedrock/_mantle.py``):
``POST /v1/messages`` under ``/anthropic`` with the ``anthropic-version`` header, SSE streams (not Bedrock's event
stream), SigV4 with signing name ``bedrock-mantle`` or a Bedrock API key (``AWS_BEARER_TOKEN_BEDROCK``, then
``ANTHROPIC_AWS_API_KEY``; the SDK sends it as ``Authorization: Bearer``, Anthropic's page says ``x-api-key``), base URL
override ``ANTHROPIC_BEDROCK_MANTLE_BASE_URL``. Model ids are Mantle's own: ``anthropic.claude-sonnet-4-6``, no
version suffix and no geo prefix; an inference-profile id is a 400 that names the model.

Everything provider-specific lives in this package: the spec (here), model ids (``models.py``), the SDK
reproduction (``reproduce.py``), the emulator's routes (``emulator.py``) and fingerprints (``fingerprints.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import aws_hosts
from ..base import Placement, ProviderSpec
from .models import lifecycle_id

NAME = "bedrock-mantle"
SIGNING_NAME = "bedrock-mantle"
HOST_PREFIX = "bedrock-mantle"
MOUNT = "/bedrock-mantle/anthropic"  # contract §5: the SDK's base URL is {emulator}/bedrock-mantle/anthropic


@dataclass(frozen=True)
class BedrockMantleSpec(ProviderSpec):
    def base_url_for(self, placement: Placement) -> str | None:
        return f"https://{aws_hosts.api_aws_host(HOST_PREFIX, placement.region)}/anthropic" if placement.region \
            else None

    def lifecycle_id(self, model: str) -> str | None:
        return lifecycle_id(model)

    def sts_url(self, base_url: str, region: str | None) -> str | None:
        return aws_hosts.sts_url(base_url, region, HOST_PREFIX, MOUNT)

    def credential_error_schema(self, auth: str) -> str | None:
        return "BedrockError"  # signatures and Bedrock API keys are checked by AWS, as on bedrock-runtime

    def emulator_routes(self, emulator: Any) -> list[Any]:
        from .emulator import routes

        return routes(emulator)


BEDROCK_MANTLE = BedrockMantleSpec(
    name=NAME,
    display_name="Amazon Bedrock (Mantle)",
    wire="anthropic-messages",
    key_env="AWS_BEARER_TOKEN_BEDROCK",  # the SDK's first Mantle key variable (then ANTHROPIC_AWS_API_KEY)
    base_url_env="ANTHROPIC_BEDROCK_MANTLE_BASE_URL",
    default_base_url=None,
    url_suffix=None,
    url_suffix_hint="https://bedrock-mantle.{region}.api.aws/anthropic",
    auth_modes=("sigv4", "bearer", "x-api-key"),
    default_auth="sigv4",
    messages_path="/v1/messages",
    count_tokens_path="/v1/messages/count_tokens",
    key_info_path=None,
    models_path=None,
    default_model="anthropic.claude-haiku-4-5",
    request_id_headers=("x-amzn-requestid", "request-id"),
    documented_request_id_headers=(),  # not documented for Mantle
    ratelimit_header_prefix=None,
    sdk_hint="anthropic.AnthropicBedrockMantle",
    extra_env=("ANTHROPIC_AWS_API_KEY",),
    region_envs=("AWS_REGION", "AWS_DEFAULT_REGION"),
    bad_key_statuses=(403,),  # the AWS front door answers a bad signature or API key with 403, as Bedrock does
    bad_model_status=400,  # "A 400 that names the model ID means that model is not served on Mantle"
    signing_name=SIGNING_NAME,
    infer_from=("ANTHROPIC_BEDROCK_MANTLE_BASE_URL",),  # its key variables are Bedrock's and Claude Platform's too
    emulator_mount=MOUNT,
    otel_name="aws.bedrock",  # what the SDK's Mantle client reports (_gen_ai_provider_name)
    steps_like="bedrock",  # the catalogue's "Bedrock:" steps (model access, IAM, keys) fit Mantle's AWS side
)
