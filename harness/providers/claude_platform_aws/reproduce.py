"""The request with the anthropic SDK's ``AnthropicAWS`` (secrets stay in the environment; a workspace id is not
one)."""

from __future__ import annotations

from typing import Any

from . import WORKSPACE_HEADER

PROMPT = 'messages=[{"role": "user", "content": "Hello!"}]'


def sdk_snippet(target: Any, *, stream: bool) -> str:
    var = target.secret_env or target.provider.key_env
    workspace = dict((k.lower(), v) for k, v in target.extra_headers).get(WORKSPACE_HEADER, "")
    # an API key, or else SigV4 from the AWS chain
    auth = f', api_key=os.environ["{var}"]' if target.auth in ("x-api-key", "bearer") else ""
    base = f', base_url="{target.base_url}"' if target.base_url != target.provider.base_url_for(target.placement) \
        else ""
    call = "stream=True, " if stream else ""
    return "\n".join([
        "import os",
        "from anthropic import AnthropicAWS",
        f'client = AnthropicAWS(aws_region="{target.region}", workspace_id="{workspace}"{auth}{base})',
        f'print(client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{PROMPT}))',
    ])
