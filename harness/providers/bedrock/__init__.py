"""Amazon Bedrock: the Anthropic Messages body on InvokeModel, the model in the path, SigV4 or a Bedrock API key.

Facts (``shared/docs/bedrock-vertex-claudecode.md`` §1): ``POST /model/{id}/invoke`` and
``/invoke-with-response-stream`` on ``bedrock-runtime.{region}.amazonaws.com``; the body drops ``model`` and
``stream`` and carries ``anthropic_version`` (AWS documents ``bedrock-2023-05-31``); streams are AWS event streams;
``POST /model/{id}/count-tokens`` is free and wraps the InvokeModel body in base64.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from ..base import Placement, ProbeKind, ProviderSpec

DIALECT = "bedrock-2023-05-31"
SIGNING_NAME = "bedrock"
# AWS error codes and the statuses Bedrock answers them with (botocore's bedrock-runtime service model, and the
# signature errors AWS answers for every service): boto3's exceptions name the code but not the status.
ERROR_STATUS = {
    "ValidationException": 400, "ServiceQuotaExceededException": 400, "IncompleteSignature": 400,
    "IncompleteSignatureException": 400, "AccessDeniedException": 403, "UnrecognizedClientException": 403,
    "ExpiredTokenException": 403, "InvalidSignatureException": 403, "InvalidClientTokenId": 403,
    "MissingAuthenticationTokenException": 403, "ResourceNotFoundException": 404, "ModelTimeoutException": 408,
    "ModelErrorException": 424, "ModelStreamErrorException": 424, "ThrottlingException": 429,
    "ModelNotReadyException": 429, "InternalServerException": 500, "ServiceUnavailableException": 503,
}
_SUFFIX = {"message": "invoke", "stream": "invoke-with-response-stream", "count_tokens": "count-tokens"}


def quote_model(model: str) -> str:
    """As the anthropic SDK does: colons stay, a slash inside an ARN becomes %2F."""
    return quote(model, safe=":")


def runtime_host(region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"bedrock-runtime.{region}.{suffix}"


@dataclass(frozen=True)
class BedrockSpec(ProviderSpec):
    def path(self, kind: ProbeKind, model: str, placement: Placement) -> str:
        return f"/model/{quote_model(model)}/{_SUFFIX[kind]}"

    def body(self, kind: ProbeKind, body: dict[str, Any], dialect: str | None) -> dict[str, Any]:
        invoke = {k: v for k, v in body.items() if k not in ("model", "stream", "stream_options")}
        invoke = {"anthropic_version": dialect or DIALECT, **invoke}
        if kind != "count_tokens":
            return invoke
        invoke.setdefault("max_tokens", 1)  # the wrapped body is a whole InvokeModel request
        blob = base64.b64encode(json.dumps(invoke, separators=(",", ":")).encode()).decode()
        return {"input": {"invokeModel": {"body": blob}}}

    def base_url_for(self, placement: Placement) -> str | None:
        return f"https://{runtime_host(placement.region)}" if placement.region else None


BEDROCK = BedrockSpec(
    name="bedrock",
    display_name="Amazon Bedrock",
    wire="anthropic-messages",
    key_env="AWS_BEARER_TOKEN_BEDROCK",
    base_url_env="ANTHROPIC_BEDROCK_BASE_URL",
    default_base_url=None,
    url_suffix=None,
    url_suffix_hint="https://bedrock-runtime.{region}.amazonaws.com",
    auth_modes=("sigv4", "bearer"),
    default_auth="sigv4",
    messages_path="/model/{model}/invoke",
    count_tokens_path="/model/{model}/count-tokens",
    key_info_path=None,
    models_path=None,
    default_model="us.anthropic.claude-haiku-4-5-20251001-v1:0",
    request_id_headers=("x-amzn-requestid",),
    documented_request_id_headers=("x-amzn-requestid",),
    ratelimit_header_prefix=None,
    sdk_hint="anthropic.AnthropicBedrock",
    otel_name="aws.bedrock",  # gen_ai.provider.name: the OpenTelemetry GenAI conventions' well-known value
    emulator_mount="/bedrock",
    emulator_note="SigV4 with {access_key} and the AWS docs' example secret, or any API key; STS at /sts/",
    stream_content_type="application/vnd.amazon.eventstream",
    version_header=False,
    default_dialect=DIALECT,
    region_envs=("AWS_REGION", "AWS_DEFAULT_REGION"),
    bad_key_statuses=(403,),  # AWS answers a bad signature, key id or token with 403
    bad_model_status=400,  # ValidationException: "The provided model identifier is invalid."
    control_plane=True,
    signing_name=SIGNING_NAME,
)


_GEO = re.compile(r"^(us-gov|us|eu|apac|jp|au|global)\.")


def foundation_model_id(model: str) -> str | None:
    """The foundation model behind a model or cross-region profile id (None for an ARN: its model is unknown)."""
    if model.startswith("arn:"):
        return None
    return _GEO.sub("", model)


def is_profile(model: str) -> bool:
    return bool(_GEO.match(model)) or ":inference-profile/" in model or ":application-inference-profile/" in model


def control_url(base_url: str) -> str:
    """The control plane (bedrock.{region}) beside the runtime (bedrock-runtime.{region}); a gateway or the
    emulator serves both under one base URL, as Claude Code's gateway protocol expects."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if host.startswith("bedrock-runtime."):
        return f"{parts.scheme}://{parts.netloc.replace('bedrock-runtime.', 'bedrock.', 1)}{parts.path}"
    return base_url
