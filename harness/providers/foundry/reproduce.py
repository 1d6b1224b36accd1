"""The request with the anthropic SDK's ``AnthropicFoundry`` (a key from the environment, or an Entra token from
azure-identity's default chain)."""

from __future__ import annotations

from typing import Any

PROMPT = 'messages=[{"role": "user", "content": "Hello!"}]'


def sdk_snippet(target: Any, *, stream: bool) -> str:
    var = target.secret_env or target.provider.key_env
    call = "stream=True, " if stream else ""
    if target.auth == "entra":
        head = [
            "from anthropic import AnthropicFoundry",
            "from azure.identity import DefaultAzureCredential, get_bearer_token_provider",
            f'provider = get_bearer_token_provider(DefaultAzureCredential(), "{target.entra_scope}")',
            f'client = AnthropicFoundry(base_url="{target.base_url}/", azure_ad_token_provider=provider)',
        ]
    else:
        head = [
            "import os",
            "from anthropic import AnthropicFoundry",
            f'client = AnthropicFoundry(base_url="{target.base_url}/", api_key=os.environ["{var}"])',
        ]
    create = f'client.messages.create(model="{target.model}", max_tokens={target.max_tokens}, {call}{PROMPT})'
    return "\n".join([*head, f"print({create})"])
