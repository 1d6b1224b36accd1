"""The emulator's faults, as data: which requests each one breaks and how.

Which providers have a fault is the providers' own data: a fixture fault applies wherever
``fixtures/<provider>/errors/<fault>.json`` exists, and a fault marked ``only_where_offered`` only on the providers
whose emulator Host lists it in ``offered_faults`` (``harness/providers/<name>/emulator.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scope = Literal["auth", "generate", "message", "stream", "token"]
Behaviour = Literal["fixture", "echo-key", "slow-first-byte", "slow-stream", "truncated-stream", "error-event",
                    "malformed-json", "drop-connection", "token-audience", "token-expired", "reframed-stream",
                    "control-plane", "buffered-stream", "gateway"]


@dataclass(frozen=True)
class Fault:
    name: str
    scope: Scope  # auth: every authenticated call; generate: count_tokens and messages; message: messages;
    #               stream: streamed messages; token: the managed-identity token endpoint
    behaviour: Behaviour
    description: str
    expected_cause: str  # what the harness must diagnose (tests hold us to it)
    # True: only the providers whose emulator offers it (their Host's offered_faults, in their package's emulator.py);
    # False: any provider (a fixture fault: any provider with the fault's fixture)
    only_where_offered: bool = False
    check_args: tuple[str, ...] = ()  # what `check` needs to meet it (gateway faults break a feature, not the smoke)


FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("invalid-key", "auth", "fixture", "the provider's real 401 for a bad key", "auth.invalid-key"),
        Fault("echo-key", "auth", "echo-key", "401 whose message echoes the key that was sent (as some gateways do)",
              "auth.invalid-key"),
        Fault("missing-role", "auth", "fixture", "403: the identity has no RBAC role", "auth.permission-denied"),
        Fault("key-auth-disabled", "auth", "fixture", "403: key auth disabled by policy (Foundry)",
              "auth.key-auth-disabled"),
        Fault("unknown-model", "generate", "fixture", "unknown deployment or model (Foundry/Anthropic 404, "
              "OpenRouter 400)", "model.not-found"),
        Fault("invalid-model-parameter", "generate", "fixture", "400 invalid model parameter",
              "model.invalid-parameter"),
        Fault("insufficient-credits", "message", "fixture", "402 insufficient credits",
              "billing.insufficient-credits"),
        Fault("rate-limited", "message", "fixture", "429 with retry-after", "rate-limit.exceeded"),
        Fault("spend-limit", "message", "fixture", "429 spend limit, no retry-after", "billing.spend-limit"),
        Fault("overloaded", "message", "fixture", "529 overloaded", "provider.overloaded"),
        Fault("server-error", "message", "fixture", "500 internal error", "provider.server-error"),
        Fault("bad-gateway", "message", "fixture", "502 from the upstream", "provider.unavailable"),
        Fault("unavailable", "message", "fixture", "503 service unavailable", "provider.unavailable"),
        Fault("html-error", "message", "fixture", "a gateway's HTML error page (502)", "provider.unavailable"),
        Fault("slow-first-byte", "message", "slow-first-byte", "waits before the first byte", "network.timeout"),
        Fault("slow-stream", "stream", "slow-stream", "waits between stream events", "network.timeout"),
        Fault("buffered-stream", "stream", "buffered-stream", "holds the stream's events and sends them together "
              "at the end, as a buffering proxy does (a warning in smoke, a failure in full)", "stream.buffered",
              only_where_offered=True),
        Fault("truncated-stream", "stream", "truncated-stream", "stream ends without its terminator",
              "conformance.stream"),
        Fault("error-after-200", "stream", "error-event", "an overloaded error event after HTTP 200",
              "stream.error-event"),
        Fault("malformed-json", "message", "malformed-json", "200 with a body that is not valid JSON",
              "conformance.schema"),
        Fault("drop-connection", "stream", "drop-connection", "the connection drops mid-body",
              "conformance.stream"),
        # Amazon Bedrock and Google Vertex AI (fixtures under fixtures/bedrock and fixtures/vertex)
        Fault("model-access-denied", "generate", "fixture", "Bedrock: model access not granted (403)",
              "model.access-denied"),
        Fault("use-case-form", "generate", "fixture", "Bedrock: the Anthropic use-case form was never submitted (404)",
              "model.access-denied"),
        Fault("inference-profile-required", "generate", "fixture", "Bedrock: on-demand throughput not supported; "
              "an inference profile is needed (400)", "model.inference-profile-required"),
        Fault("model-end-of-life", "generate", "fixture", "Bedrock: the model version reached its end of life (404)",
              "model.retired"),
        Fault("scp-denied", "generate", "fixture", "Bedrock: an explicit deny in a service control policy (403)",
              "auth.permission-denied"),
        Fault("expired-security-token", "auth", "fixture", "Bedrock: ExpiredTokenException (403)",
              "auth.token-expired"),
        Fault("signature-expired", "auth", "fixture", "Bedrock: the request's signing time is off by more than 5 "
              "minutes (403)", "auth.clock-skew"),
        Fault("model-not-ready", "message", "fixture", "Bedrock: ModelNotReadyException (429)", "provider.unavailable"),
        Fault("service-quota", "message", "fixture", "Bedrock: ServiceQuotaExceededException (400)", "quota.exhausted"),
        Fault("model-timeout", "message", "fixture", "Bedrock: ModelTimeoutException (408)", "network.timeout"),
        Fault("model-error", "message", "fixture", "Bedrock: ModelErrorException (424)", "provider.server-error"),
        Fault("control-plane-denied", "auth", "control-plane", "Bedrock: the identity may invoke models but not read "
              "the control plane (a warning only)", "none", only_where_offered=True),
        Fault("reframed-stream", "stream", "reframed-stream", "Bedrock: a proxy re-frames the event stream as SSE",
              "conformance.stream", only_where_offered=True),
        Fault("model-not-enabled", "generate", "fixture", "Vertex: the project may not use this publisher model (400 "
              "FAILED_PRECONDITION)", "model.access-denied"),
        Fault("api-disabled", "auth", "fixture", "Vertex: the Vertex AI API is disabled in the project (403)",
              "access.api-disabled"),
        Fault("quota-zero", "message", "fixture", "Vertex: quota exceeded for the base model on the first call (429)",
              "quota.exhausted"),
        Fault("beta-unsupported", "message", "fixture", "Vertex: an anthropic-beta value the platform rejects (400)",
              "request.unsupported-beta"),
        # Middleboxes in front of the provider (harness/emulator/gateway.py); each breaks one feature check. A request
        # rewrite is not offered for Bedrock: SigV4 signs headers and body, so a middlebox rewriting either must
        # re-sign as the gateway it is (and the signature check would answer first).
        Fault("strip-betas", "message", "gateway", "a gateway that drops the anthropic-beta header and forwards "
              "the body", "feature.beta-stripped", only_where_offered=True,
              check_args=("--features", "betas", "--header", "anthropic-beta: context-management-2025-06-27")),
        Fault("drop-cache-control", "message", "gateway", "a proxy that removes every cache_control marker",
              "feature.cache-dropped", only_where_offered=True, check_args=("--features", "caching")),
        Fault("broken-tool-input", "message", "gateway", "a translation layer that loses tool arguments (input {})",
              "feature.tool-input-broken", only_where_offered=True,
              check_args=("--features", "tools")),
        # Mantle and Claude Platform on AWS (fixtures under fixtures/bedrock-mantle and fixtures/claude-platform-aws)
        Fault("wrong-signing-name", "auth", "fixture", "SigV4 signed for another service's signing name (403)",
              "auth.wrong-signing-name"),
        Fault("missing-workspace", "auth", "fixture", "Claude Platform on AWS: no anthropic-workspace-id header "
              "reached the platform (400)", "config.missing-workspace"),
        Fault("federation-disabled", "auth", "fixture", "Claude Platform on AWS: outbound web identity federation "
              "is disabled for the account (403)", "auth.federation-disabled"),
        Fault("expired-token", "token", "token-expired", "Entra tokens issued already expired",
              "auth.token-expired", only_where_offered=True),
        Fault("wrong-audience", "token", "token-audience", "Entra tokens issued for another audience",
              "auth.token-wrong-audience", only_where_offered=True),
        Fault("token-endpoint-down", "token", "fixture", "the managed-identity endpoint fails",
              "auth.credential-unavailable", only_where_offered=True),
    )
}
