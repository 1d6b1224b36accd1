"""The request with the openai SDK pointed at OpenRouter (attribution and custom headers as default_headers; a
secret header's value stays in the environment)."""

from __future__ import annotations

from typing import Any

from ...redact import is_secret_header

PROMPT = 'messages=[{"role": "user", "content": "Hello!"}]'


def sdk_snippet(target: Any, *, stream: bool) -> str:
    from ...reproduce import header_placeholder

    var = target.secret_env or target.provider.key_env
    call = "stream=True, " if stream else ""
    pairs = [f'"{n}": os.environ["{header_placeholder(target, n)[1:]}"]' if is_secret_header(n) else f"{n!r}: {v!r}"
             for n, v in target.extra_headers]
    extra = f", default_headers={{{', '.join(pairs)}}}" if pairs else ""
    return "\n".join([
        "import os",
        "from openai import OpenAI",
        f'client = OpenAI(base_url="{target.base_url}", api_key=os.environ["{var}"]{extra})',
        f'print(client.chat.completions.create(model="{target.model}", max_tokens={target.max_tokens}, '
        f"{call}{PROMPT}))",
    ])
