"""The official SDKs, unchanged, work against the emulator, and its faults raise
the SDK's matching exception classes. (anthropic and openai are test dependencies.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

from harness.emulator import EmulatorSettings, RunningEmulator  # noqa: E402
from harness.emulator.tokens import mint  # noqa: E402

PROMPT = [{"role": "user", "content": "Hello!"}]


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as server:
        yield server


_OPEN: list[Any] = []  # SDK clients made by a test, closed after it (no socket is left for the GC to find)


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def clients(emu: RunningEmulator, fault: str | None = None) -> dict[str, Any]:
    headers = {"x-emulator-fault": fault} if fault else None
    token, _ = mint(emu.settings.token_key, "https://cognitiveservices.azure.com")
    made = {
        "anthropic": anthropic.Anthropic(api_key="anything", base_url=emu.url, max_retries=0,
                                         default_headers=headers),
        "foundry-key": anthropic.AnthropicFoundry(api_key="anything", base_url=f"{emu.url}/anthropic/",
                                                  max_retries=0, default_headers=headers),
        "foundry-entra": anthropic.AnthropicFoundry(azure_ad_token_provider=lambda: token,
                                                    base_url=f"{emu.url}/anthropic/", max_retries=0,
                                                    default_headers=headers),
    }
    _OPEN.extend(made.values())
    return made


@pytest.mark.parametrize("name", ["anthropic", "foundry-key", "foundry-entra"])
def test_anthropic_sdk_create_and_stream_agree(emu: RunningEmulator, name: str) -> None:
    client = clients(emu)[name]
    message = client.messages.create(model="my-deployment", max_tokens=64, messages=PROMPT)
    assert message.content[0].text
    assert message.stop_reason == "end_turn"
    with client.messages.stream(model="my-deployment", max_tokens=64, messages=PROMPT) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == message.content[0].text
    assert final.usage.input_tokens == message.usage.input_tokens
    assert final.usage.output_tokens == message.usage.output_tokens
    client.close()


def test_anthropic_sdk_max_tokens_stop_reason(emu: RunningEmulator) -> None:
    client = clients(emu)["anthropic"]
    message = client.messages.create(model="claude-haiku-4-5", max_tokens=2, messages=PROMPT)
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 2


def test_anthropic_sdk_count_tokens_matches_message(emu: RunningEmulator) -> None:
    client = clients(emu)["anthropic"]
    counted = client.messages.count_tokens(model="claude-haiku-4-5", messages=PROMPT)
    message = client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=PROMPT)
    assert counted.input_tokens == message.usage.input_tokens


def _jwt(claims: dict[str, object]) -> str:
    import base64
    import json as _json

    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(_json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def test_foundry_accepts_an_apps_own_token_provider_unless_expired_or_wrong_audience(emu: RunningEmulator) -> None:
    """The rule the README states: any bearer token works; a JWT's exp and aud are enforced; bad-… is refused."""
    import time as _time

    def client(token: str) -> anthropic.AnthropicFoundry:
        return anthropic.AnthropicFoundry(azure_ad_token_provider=lambda: token, base_url=f"{emu.url}/anthropic/",
                                          max_retries=0)

    good = _jwt({"aud": "https://cognitiveservices.azure.com", "exp": int(_time.time()) + 600})
    for token in ("an-opaque-app-token", good):
        with client(token) as sdk:
            assert sdk.messages.create(model="d", max_tokens=8, messages=PROMPT).content
    for token in (_jwt({"aud": "https://cognitiveservices.azure.com", "exp": int(_time.time()) - 60}),
                  _jwt({"aud": "https://management.azure.com", "exp": int(_time.time()) + 600}), "bad-token"):
        with client(token) as sdk, pytest.raises(anthropic.AuthenticationError):
            sdk.messages.create(model="d", max_tokens=8, messages=PROMPT)


FAULT_EXCEPTIONS = [
    ("invalid-key", "AuthenticationError"),
    ("missing-role", "PermissionDeniedError"),
    ("unknown-model", "NotFoundError"),
    ("rate-limited", "RateLimitError"),
    ("server-error", "InternalServerError"),
    ("overloaded", "APIStatusError"),
]


@pytest.mark.parametrize(("fault", "exception"), FAULT_EXCEPTIONS)
@pytest.mark.parametrize("name", ["anthropic", "foundry-key"])
def test_anthropic_sdk_fault_exceptions(emu: RunningEmulator, name: str, fault: str, exception: str) -> None:
    client = clients(emu, fault)[name]
    with pytest.raises(getattr(anthropic, exception)) as info:
        client.messages.create(model="my-deployment", max_tokens=8, messages=PROMPT)
    if fault == "overloaded":
        assert info.value.status_code == 529


def test_anthropic_sdk_error_event_after_200(emu: RunningEmulator) -> None:
    client = clients(emu, "error-after-200")["anthropic"]
    with pytest.raises(anthropic.APIStatusError) as info, client.messages.stream(
        model="m", max_tokens=8, messages=PROMPT
    ) as stream:
        for _ in stream.text_stream:
            pass
    assert info.value.status_code == 200


def openai_client(emu: RunningEmulator, fault: str | None = None) -> Any:
    headers = {"x-emulator-fault": fault} if fault else None
    client = openai.OpenAI(api_key="anything", base_url=f"{emu.url}/api/v1", max_retries=0, default_headers=headers)
    _OPEN.append(client)
    return client


def test_openai_sdk_against_openrouter(emu: RunningEmulator) -> None:
    client = openai_client(emu)
    completion = client.chat.completions.create(model="anthropic/claude-haiku-4.5", max_tokens=64, messages=PROMPT)
    assert completion.choices[0].message.content
    chunks = list(client.chat.completions.create(model="anthropic/claude-haiku-4.5", max_tokens=64,
                                                 messages=PROMPT, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    usage = [c.usage for c in chunks if c.usage]
    assert text == completion.choices[0].message.content
    assert len(usage) == 1 and completion.usage is not None
    assert usage[0].prompt_tokens == completion.usage.prompt_tokens
    assert usage[0].completion_tokens == completion.usage.completion_tokens
    assert usage[0].total_tokens == usage[0].prompt_tokens + usage[0].completion_tokens


@pytest.mark.parametrize(("fault", "exception"), [
    ("invalid-key", "AuthenticationError"),
    ("missing-role", "PermissionDeniedError"),
    ("unknown-model", "BadRequestError"),
    ("rate-limited", "RateLimitError"),
    ("server-error", "InternalServerError"),
    ("insufficient-credits", "APIStatusError"),
])
def test_openai_sdk_fault_exceptions(emu: RunningEmulator, fault: str, exception: str) -> None:
    with pytest.raises(getattr(openai, exception)):
        openai_client(emu, fault).chat.completions.create(model="anthropic/claude-haiku-4.5", max_tokens=8,
                                                          messages=PROMPT)


def test_openai_sdk_error_chunk_after_200(emu: RunningEmulator) -> None:
    client = openai_client(emu, "error-after-200")
    with pytest.raises(openai.APIError):
        for _ in client.chat.completions.create(model="anthropic/claude-haiku-4.5", max_tokens=8,
                                                messages=PROMPT, stream=True):
            pass
