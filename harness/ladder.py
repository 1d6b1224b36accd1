"""The probe ladder: config -> network -> credentials -> auth -> model -> message -> stream.

One target's layers are judged in order; a failed layer marks every layer above it
``blocked``, so each failure has one root cause. The requests themselves go out side by
side once the credential is obtained (free pre-checks, message and stream, with the
reachability probe beside them), so a check waits about one billable round trip; an
answer that arrives for a layer judged blocked is kept as evidence.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

import httpx

from . import checks
from .auth import CredentialFactory, Credentials, auth_headers, base_headers, obtain_credentials
from .checks import Verdict
from .checks import claude_code as claude_code_checks
from .checks.basic import Context, startup_hello
from .checks.buffering import judge_buffering
from .checks.conformance import (
    CONFORMANCE_CHECKS,
    JUDGES,
    PROVIDER_ONLY_CHECKS,
    TRUNCATION_MAX_TOKENS,
    TRUNCATION_PROMPT,
    Observed,
)
from .checks.control_plane import bedrock_lifecycle, judge_model_access
from .checks.credentials import cloud_credentials_verdict, token_is_usable
from .checks.lifecycle_rule import apply_lifecycle_rule
from .checks.model_echo import apply_model_echo_rule
from .checks.prechecks import judge_access, judge_prechecks, other_route_works, proves_refusal, similar_ids_hint
from .cloud_credentials import EMULATOR_ACCESS_KEY, SigV4, caller_identity, sts_url
from .config import Target
from .features.run import BILLABLE_PREFIX as FEATURE_PROBE_PREFIX
from .features.run import features_for, run_features
from .inflight import InFlight, InFlightCalls, RequestLimits, Sent, deployment_key, in_probe_order
from .lifecycle import Lifecycle, from_models_api, lifecycle_today, lookup, model_lifecycle
from .observation import Observation
from .probe import Prober, ProbeRequest
from .providers import Placement, ProbeKind
from .providers.gateways import detect_gateway
from .providers.sigv4 import AwsKeys
from .reproduce import curl_command, sdk_snippet
from .wire import count_tokens_body, message_body, read_message, read_stream, usage_counts

# Probes that generate (and bill) when the endpoint accepts them; a rejected one bills nothing.
BILLABLE_PROBES = frozenset({"message", "stream", "truncated", "bad_key", "bad_model"})
TIER_PROBE_PREFIX = "tier_"  # Claude Code's tier probes, one per tier its facts name (claude_code_facts.toml)


def is_billable_probe(name: str) -> bool:
    """Whether a probe generates (and bills) when accepted: the smoke and full rungs, Claude Code's tier probes
    and the feature probes. The one place that says so: usage, the plan and serve's free-only guard ask it."""
    return name in BILLABLE_PROBES or name.startswith((TIER_PROBE_PREFIX, FEATURE_PROBE_PREFIX))
BAD_KEY = "bad-key-from-claude-harness"
NOT_RECORDED_HEADER = "x-claude-harness-not-recorded"  # set by replay on an answer the recording lacks
UNKNOWN_MODEL = "nonexistent-model-from-claude-harness"
T = TypeVar("T")


@dataclass
class CheckResult:
    id: str
    target: str
    layer: str
    status: str  # passed | failed | skipped | blocked | error
    message: str
    cause: str | None = None
    transient: bool = False
    blocked_by: str | None = None
    probe: str | None = None
    request_ids: dict[str, str] = field(default_factory=dict)
    retries: list[dict[str, Any]] = field(default_factory=list)
    reproduce: str | None = None
    reproduce_sdk: str | None = None
    not_run: bool = False  # the run stopped (deadline, Ctrl-C) before this check
    duration_ms: float | None = None  # the probe that decided it


@dataclass
class TargetRun:
    target: Target
    checks: list[CheckResult] = field(default_factory=list)
    observations: dict[str, Observation] = field(default_factory=dict)
    credential_details: dict[str, Any] = field(default_factory=dict)
    detected_gateway: str | None = None  # a known gateway named by the response headers
    lifecycle: Lifecycle | None = None  # what the provider's own Models API said, when it did

    @property
    def gateway(self) -> bool:
        """Judged as a compatible gateway: marked so by the user, or recognised from its headers."""
        return self.target.gateway or self.detected_gateway is not None

    def check(self, check_id: str) -> CheckResult | None:
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def usage(self) -> dict[str, int]:
        billable = [o for name, o in self.observations.items()
                    if is_billable_probe(name) and o.ok]
        totals = {"billable_calls": len(billable), "input_tokens": 0, "output_tokens": 0}
        wire = self.target.provider.wire
        for obs in billable:
            reading = read_stream(wire, obs) if obs.streamed else read_message(wire, obs)
            counts = usage_counts(wire, reading.usage) if obs.ok else None
            if counts:
                totals["input_tokens"] += counts[0]
                totals["output_tokens"] += counts[1]
        return totals


class Ladder:
    """Sends one target's probes (side by side where nothing forces an order) and judges each layer in order.

    ``in_order`` sends each probe only after the one before answered, in the ladder's order: how it worked before
    requests went out side by side, kept only as the round-trip benchmark's baseline.
    """

    def __init__(self, target: Target, prober: Prober | None, credential_factory: CredentialFactory | None = None,
                 *, profile: str = "smoke", deadline: float | None = None, in_order: bool = False) -> None:
        self.target = target
        self.profile = profile
        self.deadline = deadline
        self.stopped_reason: str | None = None
        self.check_ids = [c for c in checks.CHECK_LAYERS if (c != "model.access" or target.provider.control_plane)
                          and (c != "gateway.startup" or self._claude_code_gateway)]
        ids = [c for c in self.check_ids if not c.startswith("claude-code.")]
        at = ids.index("credentials.obtained") + 1  # Claude Code's start-up calls: judged before its first message
        self.check_ids = ids[:at] + _claude_code_ids(target) + ids[at:]
        self.check_ids += list(CONFORMANCE_CHECKS) if profile == "full" else []
        self.features = features_for(target, profile)
        self.check_ids += [f"feature.{name}" for name in self.features]
        self.prober = prober
        self.credential_factory = credential_factory
        self.run = TargetRun(target)
        self._finished = False
        self._credentials: Credentials | None = None
        self._blocked_by: str | None = None
        self.on_probe: Callable[[str, str], None] | None = None  # (target id, probe): the progress display
        self.limits: RequestLimits | None = None  # the run's shared limits on requests in flight (the runner's)
        self.today = lifecycle_today()
        self._inflight = InFlight(in_order=in_order)

    @property
    def _claude_code_gateway(self) -> bool:
        t = self.target
        if t.claude_code_shape is not None:
            return bool(t.claude_code_shape.preconnect)
        part = t.provider.claude_code_part()  # its claude_code.py says whether Claude Code preconnects
        return t.claude_code and t.gateway and bool(getattr(part, "GATEWAY_PRECONNECT", False))

    async def execute(self) -> TargetRun:
        try:
            await self._climb()
            await self._inflight.settle(ignore=(DeadlineReached,))  # answers for blocked layers: evidence
        except DeadlineReached:
            self.stop("the run deadline was reached")
        finally:
            await self._inflight.cancel()
            self._order_observations()
        return self.run

    def stop(self, reason: str) -> None:
        """Stop climbing: the checks not yet run are reported as skipped with this reason."""
        if self.stopped_reason is None:
            self.stopped_reason = reason

    async def _climb(self) -> None:
        t = self.target
        spec = t.provider
        self._record("config.valid", Verdict.ok(f"{spec.display_name} target settings are valid"), None)
        self._record("model.lifecycle", model_lifecycle(spec.name, t.model, self.today), None, blocks=False)
        if self._blocked():
            return

        # The reachability probe decides nothing that is sent: it goes out beside the credential and the API
        # calls, and is judged first.
        agent = {"user-agent": base_headers(t)["user-agent"]}
        network = await self._start(self._probe("network", "GET", t.base_url, agent))
        hello = None
        shape = t.claude_code_shape
        if shape is not None and shape.preconnect:  # Claude Code's unauthenticated HEAD of its base URL
            hello = await self._start(self._probe("startup_hello", "HEAD", t.base_url,
                                                  {"user-agent": shape.preconnect_user_agent}))
        elif self._claude_code_gateway:
            hello = await self._start(self._probe("startup_hello", "HEAD", t.base_url + "/api/hello", agent))
        self._credentials = await obtain_credentials(t, self.credential_factory)
        for value in [*self._credentials.secret_values, *(shape.secret_values() if shape is not None else [])]:
            self._prober.redactor.add(value)
        calls = None
        startup: list[tuple[str, asyncio.Future[Observation]]] = []
        if self._credential_verdict(dict(self._credentials.details)).passed:
            calls = await self._send_calls(network)
            if shape is not None:  # Claude Code's own start-up calls go out beside the others
                startup = await self._send_claude_code_startup()

        self._record("network.reachable", checks.endpoint_answers(await network), await network)
        if hello is not None and not self._blocked():
            judge = claude_code_checks.preconnect if shape is not None and shape.preconnect else startup_hello
            self._record("gateway.startup", judge(await hello), await hello, blocks=False)
        if self._blocked():
            return
        details = dict(self._credentials.details)
        if calls is not None and t.auth == "sigv4":
            details.update(await self._caller_identity(calls.identity))
        self.run.credential_details = details
        self._record("credentials.obtained", self._credential_verdict(details), None)
        if self._blocked() or calls is None:
            return
        if startup:  # Claude Code's own start-up calls (profile list, tier probes), judged next
            await self._judge_claude_code_startup(startup)
            if self._blocked():
                return

        if calls.model_info is not None:
            self._lifecycle_from_models_api(await calls.model_info)
        if spec.control_plane:
            await self._control_plane(calls)
        # Free pre-checks are hints; the real message decides the auth and model layers.
        prechecks = [await obs for obs in calls.prechecks]
        message = await calls.message
        for obs in (message, *prechecks):
            self.run.detected_gateway = self.run.detected_gateway or detect_gateway(obs.headers)
        ctx = Context(spec.name, t.auth, t.model, other_route_works(prechecks, self._context()))
        hint = similar_ids_hint(self.run.observations.get("models"), t.model)
        auth_verdict, model_verdict = judge_access(message, prechecks, ctx, hint)
        self._record("auth.accepted", auth_verdict, message)
        if model_verdict is not None:
            self._record("model.available", model_verdict, message)
        if spec.key_info_path or spec.count_tokens_path or spec.models_path:
            verdict = judge_prechecks(prechecks, message, ctx)
            self._record("precheck.served", verdict, prechecks[0] if prechecks else None, blocks=False)

        if not self._blocked():
            verdict = checks.message_has_text_and_usage(message, spec.wire, spec.name, t.auth)
            self._record("message.text-and-usage", verdict, message)

        if not self._blocked():
            stream = await calls.stream
            if stream is None:  # held back while a refusal was likely; the message passed, so send it now
                stream = await self._stream()
            verdict = judge_buffering(stream, checks.stream_completes(stream, spec.wire, spec.name, t.auth),
                                      self.profile)
            self._record("stream.completes", verdict, stream, blocks=verdict.cause != "stream.buffered")
        if self.profile == "full" and not self._blocked():
            await self._conformance()
        if self.features and not self._blocked():
            await run_features(self, self.features)

    def _credential_verdict(self, details: dict[str, Any]) -> Verdict:
        """credentials.obtained, from what obtaining them said (pure: no request)."""
        t = self.target
        assert self._credentials is not None
        if not self._credentials.ok:
            return Verdict(False, f"no token could be obtained: {self._credentials.error}",
                           "auth.credential-unavailable")
        if t.auth == "entra":
            return token_is_usable(details, t.entra_scope, time.time())
        if (t.auth in ("sigv4", "adc") or "key_type" in details
                or (t.provider.regional and not t.provider.signing_name)):  # a cloud credential, or Vertex's
            return cloud_credentials_verdict(t.auth, t.provider.name, details, t.project or details.get("project"),
                                             t.region, time.time())
        assert t.secret is not None
        return Verdict.ok(f"{t.secret.describe()} will be sent as {t.auth}")

    async def _send_calls(self, network: Sent) -> InFlightCalls:
        """Everything the credential makes possible, sent at once: the pre-checks and the message first, the stream
        once the free answers are in, then the informational reads (Models API, Bedrock's control plane, STS),
        queued behind them for the run's limits. ``in_order`` keeps the old order, each call after the last."""
        stream_queued = asyncio.Event()
        reads: dict[str, Any] = {}
        if self._inflight.in_order:
            reads = await self._send_reads(None)
        prechecks = await self._prechecks()
        message = await self._start(self._message())
        stream = await self._start(self._stream_when_clear(network, prechecks, message, stream_queued))
        if not self._inflight.in_order:
            reads = await self._send_reads(stream_queued)
        return InFlightCalls(message, stream, prechecks, **reads)

    async def _send_reads(self, after: asyncio.Event | None) -> dict[str, Any]:
        """The free reads that inform but decide no layer, each sent once ``after`` is set."""
        t, spec = self.target, self.target.provider
        reads: dict[str, Any] = {}
        if t.auth == "sigv4":
            reads["identity"] = await self._start(self._after(after, self._ask_caller_identity))
        info_path = spec.model_info_path(t.model)  # a free read of the model's metadata, where there is one
        if info_path is not None:
            read_info = partial(self._authed, "model_info", "GET", info_path, None)
            reads["model_info"] = await self._start(self._after(after, read_info))
        if spec.control_plane:  # the provider's free reads of whether the model may be used
            base = spec.control_base(t.base_url)
            for name, path in spec.control_plane_reads(t.model):
                read = partial(self._authed, name, "GET", path, None, base=base)
                reads[name] = await self._start(self._after(after, read))
        return reads

    @staticmethod
    async def _after(event: asyncio.Event | None, send: Callable[[], Coroutine[Any, Any, T]]) -> T:
        if event is not None:
            await event.wait()
        return await send()

    async def _stream_when_clear(self, network: Sent, prechecks: list[Sent], message: Sent,
                                 queued: asyncio.Event) -> Observation | None:
        """The stream goes out once the free answers are in (the reachability probe, and the pre-checks or the
        message, whichever answers first). When one of them already says it would be refused (no answer from the
        host, a rejected message, a pre-check blaming the key or the model) it is held back (None) until the
        message is judged: no stream is sent to an endpoint known to refuse it."""
        try:
            await asyncio.wait({network})
            while not message.done() and not all(p.done() for p in prechecks):
                await asyncio.wait({f for f in (message, *prechecks) if not f.done()},
                                   return_when=asyncio.FIRST_COMPLETED)
            if self._refusal_likely(network, prechecks, message):
                return None
        finally:
            queued.set()  # the reads waiting on it run once this task has queued the stream for its limits
        return await self._stream()

    def _refusal_likely(self, network: Sent, prechecks: list[Sent], message: Sent) -> bool:
        answered = [f for f in (network, message, *prechecks) if f.done()]
        if any(f.cancelled() or f.exception() is not None for f in answered) or self._blocked():
            return True
        if not network.result().answered or (message.done() and not message.result().ok):
            return True
        return proves_refusal([p.result() for p in prechecks if p.done()], self._context())

    def _lifecycle_from_models_api(self, obs: Observation) -> None:
        """GET /v1/models/{model} (free): its lifecycle fields, where served, replace the table's verdict."""
        t = self.target
        known = from_models_api(t.model, obs.json()) if obs.ok else None
        if known is None:
            return
        self.run.lifecycle = known
        verdict = model_lifecycle(t.provider.name, t.model, self.today, known)
        self.run.checks = [c for c in self.run.checks if c.id != "model.lifecycle"]
        self._record("model.lifecycle", verdict, None, blocks=False)

    async def _ask_caller_identity(self) -> Observation | None:
        """STS GetCallerIdentity (free, no permission needed): which AWS account and principal the keys belong to.
        None where STS is out of reach (a custom endpoint)."""
        url = sts_url(self.target)
        if url is None:
            return None
        assert self._credentials is not None and self._credentials.signer is not None
        keys = self._credentials.signer.keys  # type: ignore[attr-defined]
        signer = SigV4(keys, self.target.region or "us-east-1", "sts")
        return await self._probe("sts_identity", "GET", url + "?Action=GetCallerIdentity&Version=2011-06-15",
                                 {"user-agent": base_headers(self.target)["user-agent"]}, auth=signer)

    async def _caller_identity(self, asked: asyncio.Future[Observation | None] | None) -> dict[str, Any]:
        """What STS said, for the credential details. Informational: the runtime request decides whether the keys
        work."""
        obs = await asked if asked is not None else None
        if obs is None:
            return {"identity": "not asked: STS is not reachable through a custom endpoint"}
        return caller_identity(obs)

    async def _control_plane(self, calls: InFlightCalls) -> None:
        """Bedrock: GetFoundationModelAvailability, GetInferenceProfile (what Claude Code asks at start-up) and
        GetFoundationModel's lifecycle, all free; hints that never fail the target."""
        t = self.target
        availability = await calls.availability if calls.availability is not None else None
        if calls.foundation_model is not None:
            known = bedrock_lifecycle(t.model, await calls.foundation_model, self.today)
            if known is not None:
                self.run.lifecycle = known
                self.run.checks = [c for c in self.run.checks if c.id != "model.lifecycle"]
                self._record("model.lifecycle", model_lifecycle(t.provider.name, t.model, self.today, known), None,
                             blocks=False)
        profile = await calls.inference_profile if calls.inference_profile is not None else None
        verdict = judge_model_access(availability, profile, t.region or "")
        self._record("model.access", verdict, availability or profile, blocks=False)

    async def _send_claude_code_startup(self) -> list[tuple[str, asyncio.Future[Observation]]]:
        """Claude Code's own start-up calls (checks/claude_code.py), sent side by side: ListInferenceProfiles,
        and one billable max_tokens 1 probe per unpinned tier."""
        t = self.target
        shape = t.claude_code_shape
        sent: list[tuple[str, asyncio.Future[Observation]]] = []
        if shape.list_profiles:
            path = "/inference-profiles?type=SYSTEM_DEFINED"
            sent.append(("list_profiles", await self._start(
                self._authed("list_profiles", "GET", path, None, base=t.provider.control_base(t.base_url)))))
        for tier in shape.tier_probes:
            body = message_body(t.provider.wire, tier.model, 1, stream=False)
            sent.append((tier.tier, await self._start(self._api(tier.probe, "message", body, model=tier.model))))
        return sent

    async def _judge_claude_code_startup(self, sent: list[tuple[str, asyncio.Future[Observation]]]) -> None:
        """A refused tier fails the target, as it fails Claude Code at start."""
        t = self.target
        shape = t.claude_code_shape
        tiers = {tier.tier: tier for tier in shape.tier_probes}
        for name, future in sent:
            obs = await future
            if name == "list_profiles":
                self._record("claude-code.list-profiles", claude_code_checks.list_profiles(obs, shape.tier_probes),
                             obs, blocks=False)
                continue
            tier = tiers[name]
            ctx = Context(t.provider.name, t.auth, tier.model)
            self._record(f"claude-code.tier-{tier.tier}", claude_code_checks.tier_probe(obs, tier, ctx), obs,
                         blocks=False)

    def _context(self) -> Context:
        return Context(self.target.provider.name, self.target.auth, self.target.model)

    async def _prechecks(self) -> list[Sent]:
        """The provider's free pre-checks, sent: OpenRouter GET /key and /models, or count_tokens."""
        t, spec = self.target, self.target.provider
        found = []
        if spec.key_info_path:
            found.append(await self._start(self._authed("key_info", "GET", spec.key_info_path, None)))
        elif spec.count_tokens_path:
            found.append(await self._start(self._api("count_tokens", "count_tokens", count_tokens_body(t.model))))
        if spec.models_path and spec.key_info_path:
            found.append(await self._start(self._authed("models", "GET", spec.models_path, None)))
        return found

    async def _conformance(self) -> None:
        """The full profile: one more billable call (max_tokens 3) and negative probes that a conforming
        endpoint rejects before generating anything, all sent at once once the smoke layers passed."""
        t, spec = self.target, self.target.provider
        obs = self.run.observations
        body = message_body(spec.wire, t.model, TRUNCATION_MAX_TOKENS, stream=False)
        body["messages"] = [{"role": "user", "content": TRUNCATION_PROMPT}]
        sent_truncated = await self._start(self._api("truncated", "message", body))
        # Negative probes go to the messages endpoint that clients use (max_tokens 1): a wrong key or an unknown
        # model is rejected there before anything is generated, so a conforming endpoint bills nothing.
        signer = None
        if t.auth == "sigv4":  # a known key id with a wrong secret: AWS rejects the signature
            signer = SigV4(AwsKeys(EMULATOR_ACCESS_KEY, BAD_KEY), t.region or "us-east-1",
                           spec.signing_name or spec.name)
            bad_auth: dict[str, str] = {}
        else:
            bad_auth = auth_headers("api-key" if t.auth == "api-key" else "x-api-key" if t.auth == "x-api-key"
                                    else "bearer", BAD_KEY)
        sent_bad_key = await self._start(self._probe(
            "bad_key", "POST", t.base_url + self._path("message", t.model), {**base_headers(t), **bad_auth},
            spec.body("message", message_body(spec.wire, t.model, 1, stream=False), t.anthropic_version),
            auth=signer))
        unknown = spec.unknown_model_id(UNKNOWN_MODEL)
        sent_bad_model = await self._start(self._api(
            "bad_model", "message", message_body(spec.wire, unknown, 1, stream=False), model=unknown))
        sent_unsupported: list[Sent] = []
        for name, path in spec.unsupported_probes():  # endpoints the provider documents as unsupported
            sent_unsupported.append(await self._start(self._authed(name, "GET", path, None)))
        truncated, bad_key, bad_model = await sent_truncated, await sent_bad_key, await sent_bad_model
        unsupported = [await sent for sent in sent_unsupported]
        observed = Observed(
            spec=spec, auth=t.auth, max_tokens=t.max_tokens, message=obs["message"], stream=obs["stream"],
            auxiliary=[obs[n] for n in in_probe_order(list(obs)) if n in ("count_tokens", "key_info", "models")],
            truncated=truncated, bad_key=bad_key, bad_model=bad_model, unsupported=tuple(unsupported),
        )
        evidence = {"usage.max-tokens": truncated, "errors.bad-key": bad_key, "errors.bad-model": bad_model,
                    "schema.message": obs["message"], "usage.message": obs["message"],
                    "schema.stream-events": obs["stream"], "stream.grammar": obs["stream"],
                    "usage.stream": obs["stream"]}
        for check_id in CONFORMANCE_CHECKS:
            verdict = JUDGES[check_id](observed)
            seen = evidence.get(check_id)
            if (self.run.gateway and not verdict.passed and check_id in PROVIDER_ONLY_CHECKS
                    and not (seen is not None and seen.ok)):  # an error answered 200 is wrong everywhere
                verdict = Verdict.warn(
                    f"gateway: {verdict.message} (required of the provider itself, not of a gateway)", verdict.cause)
            self._record(check_id, verdict, evidence.get(check_id), blocks=False)

    async def _message(self) -> Observation:
        t = self.target
        body = message_body(t.provider.wire, t.model, t.max_tokens, stream=False)
        return await self._api("message", "message", body)

    async def _stream(self) -> Observation:
        t = self.target
        return await self._api("stream", "stream", message_body(t.provider.wire, t.model, t.max_tokens, stream=True))

    async def _start(self, work: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        """Send beside whatever is in flight (or, ``in_order``, right now and to the end)."""
        return await self._inflight.start(work)

    def _order_observations(self) -> None:
        """Observations in the ladder's order, whatever order they arrived in (reports and recordings stay stable)."""
        found = self.run.observations
        self.run.observations = {name: found[name] for name in in_probe_order(list(found))}

    def _path(self, kind: ProbeKind, model: str) -> str:
        t = self.target
        project = t.project or (self._credentials.details.get("project") if self._credentials else None)
        return t.provider.path(kind, model, Placement(t.region, project))

    async def _api(self, probe: str, kind: ProbeKind, body: dict[str, Any], *, model: str | None = None
                   ) -> Observation:
        """A Messages API call, addressed and shaped the provider's way (the clouds put the model in the path)."""
        t = self.target
        shaped = t.provider.body(kind, body, t.anthropic_version)
        path, extra = self._path(kind, model or t.model), None
        if t.claude_code_shape is not None and probe in ("message", "stream"):  # Claude Code's betas and fields
            shaped, path, extra = t.claude_code_shape.apply(kind, shaped, path)
        return await self._authed(probe, "POST", path, shaped, stream=kind == "stream", extra_headers=extra)

    async def _authed(self, probe: str, method: str, path: str, body: Any, *, stream: bool = False,
                      base: str | None = None, extra_headers: dict[str, str] | None = None) -> Observation:
        """A request with the target's credential, to ``path`` under the base URL (or under ``base``: Bedrock's
        control plane)."""
        assert self._credentials is not None and self._credentials.ok
        headers = {**base_headers(self.target), **self._credentials.headers, **(extra_headers or {})}
        if method == "GET":
            headers.pop("content-type", None)
        return await self._probe(probe, method, (base or self.target.base_url) + path, headers, body, stream=stream,
                                 auth=self._credentials.signer)

    async def _probe(
        self, probe: str, method: str, url: str, headers: dict[str, str], body: Any = None, *, stream: bool = False,
        auth: httpx.Auth | None = None,
    ) -> Observation:
        limits = self.limits.hold(deployment_key(self.target), url) if self.limits else contextlib.nullcontext()
        async with limits:  # every request in flight counts against the run's limits, retries included
            timeout = self.target.timeout
            if self.deadline is not None:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise DeadlineReached
                timeout = min(timeout, left)
            request = ProbeRequest(probe, method, url, headers, body, stream, timeout, target=self.target.id,
                                   auth=auth)
            if self.on_probe is not None:
                self.on_probe(self.target.id, probe)
            obs = await self._prober.send(request)
        self.run.observations[probe] = obs
        if obs.phase == "timeout" and timeout < self.target.timeout:
            raise DeadlineReached  # the deadline cut this probe short: not the provider's failure
        return obs

    @property
    def _prober(self) -> Prober:
        if self.prober is None:
            raise RuntimeError("the ladder has no prober")
        return self.prober

    def _blocked(self) -> bool:
        return self._blocked_by is not None

    def _record(self, check_id: str, verdict: Verdict, obs: Observation | None, *, blocks: bool = True) -> None:
        t = self.target
        if t.claude_code_shape is not None and obs is not None and not verdict.passed and obs.probe in ("message",
                                                                                                       "stream"):
            verdict = claude_code_checks.name_rejected_feature(verdict, obs, t.claude_code_shape)
        if obs is not None and obs.header(NOT_RECORDED_HEADER) and not verdict.passed:
            # replaying a recording that never saw this probe: say so, do not blame the endpoint
            verdict = Verdict.skip(f"not recorded: the replayed recording has no {obs.probe} answer")
            blocks = False
        result = CheckResult(
            id=check_id,
            target=t.id,
            layer=checks.CHECK_LAYERS.get(check_id, "conformance"),
            status=_status(verdict),
            message=self._prober.redactor.text(verdict.message),
            cause=verdict.cause,
            transient=verdict.transient,
            probe=obs.probe if obs else None,
        )
        if obs is not None:
            result.duration_ms = obs.timings.total_ms
            result.request_ids = obs.request_ids(t.provider.request_id_headers)
            result.retries = list(obs.retries)
            if not verdict.passed and obs.method != "-":
                result.reproduce = curl_command(t, obs.method, obs.url, obs.request_headers, obs.request_body)
                if obs.probe in ("message", "stream", "count_tokens"):
                    result.reproduce_sdk = sdk_snippet(t, stream=obs.probe == "stream")
        self.run.checks.append(result)
        if not verdict.passed and blocks:
            self._blocked_by = check_id

    def record_feature(self, feature: str, verdict: Verdict, obs: Observation | None) -> None:
        """A feature.<name> check: never blocks the others."""
        self._record(f"feature.{feature}", verdict, obs, blocks=False)
        self.run.checks[-1].layer = "feature"

    def finish(self) -> TargetRun:
        """Mark every check the ladder did not reach: blocked by the failure below it, or skipped
        because the run stopped (deadline, Ctrl-C)."""
        if self._finished:
            return self.run
        self._finished = True
        self._order_observations()
        order = {check_id: i for i, check_id in enumerate(self.check_ids)}
        done = {c.id for c in self.run.checks}
        for check_id in self.check_ids:
            if check_id in done:
                continue
            layer = checks.CHECK_LAYERS.get(check_id, "feature" if check_id.startswith("feature.") else "conformance")
            if self._blocked_by is not None:
                status, message, by = "blocked", f"not run: blocked by {self._blocked_by}", self._blocked_by
            else:
                status, message, by = "skipped", f"not run: {self.stopped_reason or 'the run stopped'}", None
            self.run.checks.append(CheckResult(id=check_id, target=self.target.id, layer=layer, status=status,
                                               message=message, blocked_by=by, not_run=by is None))
        t = self.target  # the lifecycle data ranks below what the endpoint answered (contract §5)
        apply_lifecycle_rule(self.run.checks, self.run.lifecycle or lookup(t.provider.name, t.model), self.today)
        apply_model_echo_rule(self.run.checks, t.provider.name, t.model, self.run.observations.get("message"),
                              self.profile)
        self.run.checks.sort(key=lambda c: order.get(c.id, len(order)))
        return self.run


def _claude_code_ids(target: Target) -> list[str]:
    shape = target.claude_code_shape
    if shape is None:
        return []
    return (["claude-code.list-profiles"] if shape.list_profiles else []) + [f"claude-code.tier-{p.tier}"
                                                                             for p in shape.tier_probes]


def _status(verdict: Verdict) -> str:
    if not verdict.passed:
        return "failed"
    return "skipped" if verdict.skipped else "warning" if verdict.warning else "passed"


class DeadlineReached(Exception):
    """The whole-run deadline passed: no further request is sent."""


async def run_target(target: Target, prober: Prober, credential_factory: CredentialFactory | None = None,
                     *, profile: str = "smoke") -> TargetRun:
    ladder = Ladder(target, prober, credential_factory, profile=profile)
    await ladder.execute()
    return ladder.finish()
