"""Google Vertex AI: the Anthropic Messages body on rawPredict, the model in the path, an OAuth access token.

Facts (``shared/docs/bedrock-vertex-claudecode.md`` §2): ``POST /v1/projects/{p}/locations/{l}/publishers/
anthropic/models/{model}:rawPredict`` (``:streamRawPredict`` streams SSE; the body keeps ``stream``), token counting
at ``…/models/count-tokens:rawPredict`` with the model kept in the body, and ``anthropic_version`` in the body
(documented ``vertex-2023-10-16``). The host depends on the location: global, multi-region or regional.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..base import Placement, ProbeKind, ProviderSpec

DIALECT = "vertex-2023-10-16"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def host_for(location: str) -> str:
    if location == "global":
        return "aiplatform.googleapis.com"
    if location in ("us", "eu"):
        return f"aiplatform.{location}.rep.googleapis.com"
    return f"{location}-aiplatform.googleapis.com"


@dataclass(frozen=True)
class VertexSpec(ProviderSpec):
    def path(self, kind: ProbeKind, model: str, placement: Placement) -> str:
        models = (f"/projects/{quote(placement.project or '-', safe='')}/locations/"
                  f"{quote(placement.region or '-', safe='')}/publishers/anthropic/models")
        if kind == "count_tokens":
            return f"{models}/count-tokens:rawPredict"
        method = "streamRawPredict" if kind == "stream" else "rawPredict"
        return f"{models}/{quote(model, safe='@')}:{method}"

    def body(self, kind: ProbeKind, body: dict[str, Any], dialect: str | None) -> dict[str, Any]:
        shaped = {k: v for k, v in body.items() if k != "stream_options" and (kind == "count_tokens" or k != "model")}
        return {"anthropic_version": dialect or DIALECT, **shaped}

    def base_url_for(self, placement: Placement) -> str | None:
        return f"https://{host_for(placement.region)}/v1" if placement.region else None


VERTEX = VertexSpec(
    name="vertex",
    display_name="Google Vertex AI",
    wire="anthropic-messages",
    key_env="GOOGLE_OAUTH_ACCESS_TOKEN",
    base_url_env="ANTHROPIC_VERTEX_BASE_URL",
    default_base_url=None,
    url_suffix=None,
    url_suffix_hint="https://{location}-aiplatform.googleapis.com/v1",
    auth_modes=("adc", "bearer"),
    default_auth="adc",
    messages_path="/projects/{project}/locations/{location}/publishers/anthropic/models/{model}:rawPredict",
    count_tokens_path="/projects/{project}/locations/{location}/publishers/anthropic/models/count-tokens:rawPredict",
    key_info_path=None,
    models_path=None,
    default_model="claude-haiku-4-5@20251001",
    request_id_headers=("x-request-id", "request-id"),
    documented_request_id_headers=(),  # Vertex puts req_vrtx_… in the body, not in a header
    ratelimit_header_prefix=None,
    sdk_hint="anthropic.AnthropicVertex",
    otel_name="gcp.vertex_ai",  # gen_ai.provider.name: the OpenTelemetry GenAI conventions' well-known value
    emulator_mount="/vertex/v1",
    emulator_note=("any access token; for google-auth set both GCE_METADATA_HOST={host} and GCE_METADATA_IP={host}, "
                   "or it also asks 169.254.169.254; token_uri {base}/vertex/token"),
    extra_env=("ANTHROPIC_VERTEX_PROJECT_ID",),
    version_header=False,
    default_dialect=DIALECT,
    region_envs=("CLOUD_ML_REGION",),
    project_envs=("ANTHROPIC_VERTEX_PROJECT_ID", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT"),
    bad_model_status=404,  # "Publisher Model … was not found or your project does not have access to it"
)
