"""The Mantle request with the anthropic SDK's ``AnthropicBedrockMantle`` (secrets stay in the environment)."""

from __future__ import annotations

from typing import Any

PROMPT = 'messages=[{"role": "user", "content": "Hello!"}]'


def sdk_snippet(target: Any, *, stream: bool) -> str:
    var = target.secret_env or target.provider.key_env
    # the SDK signs with signing name bedrock-mantle from the AWS chain, or sends an API key as a bearer token
    auth = f', api_key=os.environ["{var}"]' if target.auth in ("bearer", "x-api-key") else ""
    base = f', base_url="{target.base_url}"' if target.base_url != target.provider.base_url_for(target.placement) \
        else ""
    call = "stream=True, " if stream else ""
    return "\n".join([
        "import os",
        "from anthropic import AnthropicBedrockMantle",
        f'client = AnthropicBedrockMantle(aws_region="{target.region}"{auth}{base})',
        f'print(client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{PROMPT}))',
    ])
