"""The request with the anthropic SDK's ``AnthropicBedrock``, sending the dialect string the harness sent (SDK 2.x
sends its own): SigV4 from the AWS chain, or a Bedrock API key from the environment."""

from __future__ import annotations

from typing import Any

PROMPT = 'messages=[{"role": "user", "content": "Hello!"}]'


def sdk_snippet(target: Any, *, stream: bool) -> str:
    var = target.secret_env or target.provider.key_env
    call = "stream=True, " if stream else ""
    base = f', base_url="{target.base_url}"' if target.base_url != target.provider.base_url_for(target.placement) \
        else ""
    auth = f', api_key=os.environ["{var}"]' if target.auth == "bearer" else ""
    client = f'client = AnthropicBedrock(aws_region="{target.region}"{auth}{base})'
    dialect = f'extra_body={{"anthropic_version": "{target.anthropic_version}"}}, '
    create = (f'client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{dialect}'
              f"{PROMPT})")
    return "\n".join(["import os", "from anthropic import AnthropicBedrock", client, f"print({create})"])
