"""Servers nobody on this team wrote, the set-ups we run them in, and what the harness must conclude.

Each set-up is a real server on 127.0.0.1 (LiteLLM proxy, aimock, Prism) with a target description in the
harness's own terms. Each case (healthy, wrong key, unknown model, wrong base URL) states the expected
outcome: the exit code and the root cause. For full-profile runs of a healthy set-up, the expected root cause
names the server's real deviation (a mock that ignores max_tokens is not a provider), and ``known`` lists every
conformance finding we reviewed and accept as true of that server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LITELLM_MASTER_KEY = "sk-litellm-master-canary-0001"  # a key for a server on loopback, made for these runs
LITELLM_CUSTOM_KEY = "sk-litellm-custom-canary-0003"
AIMOCK_KEY = "aimock-canary-key-0001"
PRISM_KEY = "prism-canary-key-0001"  # Prism reads no key; any value passes where the spec asks for one
WRONG_KEY = "sk-wrong-canary-key-0002"
UNKNOWN_MODEL = "claude-no-such-model"


@dataclass(frozen=True)
class Expected:
    exit_code: int
    root: str | None  # the root cause id, or None for no diagnosis
    known: dict[str, str] = field(default_factory=dict)  # full profile: accepted findings, check id -> cause


@dataclass(frozen=True)
class Case:
    name: str
    smoke: Expected
    full: Expected
    key: str | None = None  # overrides the set-up's key
    model: str | None = None
    base_path: str | None = None  # replaces the set-up's base path (after http://127.0.0.1:PORT)
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Setup:
    id: str
    server: str  # litellm | aimock | prism-anthropic | prism-openrouter
    provider: str
    base_path: str  # after http://127.0.0.1:PORT
    model: str
    key: str
    auth: str
    gateway_flag: bool  # pass --gateway (LiteLLM is recognised from its headers instead)
    cases: tuple[Case, ...]
    root_path: str | None = None  # LiteLLM SERVER_ROOT_PATH
    custom_auth: str | None = None  # LiteLLM custom auth hook: "401" (raises ProxyException) or "crash"
    upstream: str | None = None  # "emulator-bedrock": LiteLLM calls the harness's emulated Bedrock (SigV4, event
    #                              stream) as its upstream, as a gateway in front of Bedrock does


def _standard(healthy_full: Expected, *, wrong_key_cause: str = "auth.invalid-key",
              unknown_model: Expected | None = None, unknown_headers: tuple[str, ...] = (),
              wrong_key_headers: tuple[str, ...] = (), healthy_smoke: Expected | None = None,
              wrong_base: str = "/no-such-prefix") -> tuple[Case, ...]:
    unknown = unknown_model or Expected(1, "model.not-found")
    return (
        Case("healthy", healthy_smoke or Expected(0, None), healthy_full),
        Case("wrong-key", Expected(1, wrong_key_cause), Expected(1, wrong_key_cause), key=WRONG_KEY,
             headers=wrong_key_headers),
        Case("unknown-model", unknown, unknown, model=UNKNOWN_MODEL, headers=unknown_headers),
        Case("wrong-base-url", Expected(1, "config.invalid-endpoint"), Expected(1, "config.invalid-endpoint"),
             base_path=wrong_base),
    )


# LiteLLM's mock_response answers fixed text and fixed usage, whatever max_tokens says; its streaming path
# (chat completions behind the Anthropic route) counts input tokens differently from its non-streaming one.
_LITELLM_FULL = Expected(1, "conformance.max-tokens", {
    "usage.message": "conformance.max-tokens", "usage.max-tokens": "conformance.max-tokens",
    "usage.stream-vs-message": "conformance.usage"})
# Through LiteLLM, Bedrock's stream reports input_tokens 0 in message_start (LiteLLM's translation), so the
# streamed usage disagrees with the message's.
_LITELLM_BEDROCK_FULL = Expected(1, "conformance.usage", {"usage.stream-vs-message": "conformance.usage"})
_AIMOCK_FULL = Expected(1, "conformance.max-tokens", {"usage.max-tokens": "conformance.max-tokens"})
# Prism serves static examples and cannot stream.
_PRISM = Expected(1, "stream.not-supported", {"stream.completes": "stream.not-supported"})
# ... and its example reply names another model than the one asked for (claude-opus-4-6 from Anthropic's spec,
# openai/gpt-4 from OpenRouter's, to a claude-haiku-4-5 request): a finding of the full profile.
_PRISM_FULL = Expected(1, "conformance.model-mismatch", {"stream.completes": "stream.not-supported",
                                                         "message.text-and-usage": "conformance.model-mismatch"})

SETUPS: tuple[Setup, ...] = (
    Setup("litellm-plain", "litellm", "anthropic", "", "claude-haiku-4-5", LITELLM_MASTER_KEY, "x-api-key",
          False, _standard(_LITELLM_FULL)),
    # A LiteLLM model alias that still serves a name Anthropic retired (claude-3-5-sonnet-20241022, 2025-10-22):
    # the lifecycle data says retired, the endpoint answers, so it is a warning, never a failure (exit 0).
    Setup("litellm-retired-alias", "litellm", "anthropic", "", "claude-3-5-sonnet-20241022", LITELLM_MASTER_KEY,
          "x-api-key", False, (Case("healthy", Expected(0, None), _LITELLM_FULL),)),
    Setup("litellm-custom-auth", "litellm", "anthropic", "", "claude-haiku-4-5", LITELLM_CUSTOM_KEY, "x-api-key",
          False, _standard(_LITELLM_FULL), custom_auth="401"),
    # A hook that raises a plain exception makes LiteLLM answer 500 "Internal Server Error" (text/plain) to a
    # wrong key: nothing in that answer names the key, so the honest verdict is a persistent server error.
    Setup("litellm-custom-auth-crash", "litellm", "anthropic", "", "claude-haiku-4-5", LITELLM_CUSTOM_KEY,
          "x-api-key", False, (Case("wrong-key", Expected(1, "endpoint.server-error"),
                                    Expected(1, "endpoint.server-error"), key=WRONG_KEY),), custom_auth="crash"),
    # Stand-ins for Foundry and OpenRouter: their base URLs keep the documented endings (/anthropic, /api/v1).
    Setup("litellm-foundry", "litellm", "foundry", "/anthropic", "claude-haiku-4-5", LITELLM_MASTER_KEY, "api-key",
          False, _standard(_LITELLM_FULL, wrong_base="/no-such-prefix/anthropic"), root_path="/anthropic"),
    Setup("litellm-openrouter", "litellm", "openrouter", "/api/v1", "anthropic/claude-haiku-4.5", LITELLM_MASTER_KEY,
          "bearer", False, _standard(_LITELLM_FULL, wrong_base="/no-such-prefix/api/v1"), root_path="/api"),
    # LiteLLM as a gateway in front of Bedrock (its bedrock/invoke route signs with SigV4 and decodes the event
    # stream): the upstream is the emulator's Bedrock, so Bedrock's own refusals travel through LiteLLM's wrapping.
    Setup("litellm-bedrock", "litellm", "anthropic", "", "claude-haiku-4-5", LITELLM_MASTER_KEY, "x-api-key",
          False, (*_standard(_LITELLM_BEDROCK_FULL),
                  Case("bedrock-access-denied", Expected(1, "model.access-denied"),
                       Expected(1, "model.access-denied"), model="claude-denied"),
                  Case("bedrock-profile-required", Expected(1, "model.inference-profile-required"),
                       Expected(1, "model.inference-profile-required"), model="claude-bare")),
          upstream="emulator-bedrock"),
    Setup("aimock-anthropic", "aimock", "anthropic", "", "claude-haiku-4-5", AIMOCK_KEY, "x-api-key", True,
          _standard(_AIMOCK_FULL)),
    # aimock answers /chat/completions under any prefix (even /no-such-prefix/api/v1): that base URL really works
    # there, so the wrong base URL for this set-up is one it does not serve.
    Setup("aimock-openrouter", "aimock", "openrouter", "/api/v1", "anthropic/claude-haiku-4.5", AIMOCK_KEY, "bearer",
          True, _standard(_AIMOCK_FULL, wrong_base="/v2")),
    # Prism cannot tell keys or models apart: the wrong-key and unknown-model cases ask it for the spec's own
    # error examples (Prefer: code=…). The Anthropic spec's 404 example names no model and says "Invalid request",
    # so the honest answer is unclassified; OpenRouter's 400 example is its documented invalid-request envelope.
    Setup("prism-anthropic", "prism-anthropic", "anthropic", "", "claude-haiku-4-5", PRISM_KEY, "x-api-key", True,
          _standard(_PRISM_FULL, healthy_smoke=_PRISM, wrong_key_headers=("Prefer: code=401",),
                    unknown_headers=("Prefer: code=404",), unknown_model=Expected(1, "unclassified"))),
    Setup("prism-openrouter", "prism-openrouter", "openrouter", "", "anthropic/claude-haiku-4.5", PRISM_KEY, "bearer",
          True, _standard(_PRISM_FULL, healthy_smoke=_PRISM, wrong_key_headers=("Prefer: code=401",),
                          unknown_headers=("Prefer: code=400",), unknown_model=Expected(1, "request.invalid"),
                          wrong_key_cause="auth.wrong-scheme")),  # its 401 example: "Missing Authentication header"
)
