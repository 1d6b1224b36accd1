"""The probe ladder: config -> network -> credentials -> auth -> model -> message -> stream.

One target's ladder runs in order; a failed layer marks every layer above it
``blocked``, so each failure has one root cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from . import checks
from .auth import CredentialFactory, Credentials, auth_headers, base_headers, obtain_credentials
from .checks import Verdict
from .checks.basic import Context, startup_hello
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
from .checks.prechecks import judge_access, judge_prechecks, other_route_works, similar_ids_hint
from .cloud_credentials import EMULATOR_ACCESS_KEY, SigV4, caller_identity, sts_url
from .config import Target
from .lifecycle import Lifecycle, from_models_api, lifecycle_today, model_lifecycle
from .observation import Observation
from .probe import Prober, ProbeRequest
from .providers import Placement, ProbeKind
from .providers.bedrock import control_url, foundation_model_id, is_profile
from .providers.gateways import detect_gateway
from .providers.sigv4 import AwsKeys
from .reproduce import curl_command, sdk_snippet
from .wire import count_tokens_body, message_body, read_message, read_stream, usage_counts

# Probes that generate (and bill) when the endpoint accepts them; a rejected one bills nothing.
BILLABLE_PROBES = frozenset({"message", "stream", "truncated", "bad_key", "bad_model"})
BAD_KEY = "bad-key-from-claude-harness"
NOT_RECORDED_HEADER = "x-claude-harness-not-recorded"  # set by replay on an answer the recording lacks
UNKNOWN_MODEL = "nonexistent-model-from-claude-harness"


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
        billable = [o for name, o in self.observations.items() if name in BILLABLE_PROBES and o.ok]
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
    """Runs one target's probes in order and judges each layer."""

    def __init__(self, target: Target, prober: Prober | None, credential_factory: CredentialFactory | None = None,
                 *, profile: str = "smoke", deadline: float | None = None) -> None:
        self.target = target
        self.profile = profile
        self.deadline = deadline
        self.stopped_reason: str | None = None
        self.check_ids = [c for c in checks.CHECK_LAYERS if (c != "model.access" or target.provider.control_plane)
                          and (c != "gateway.startup" or self._claude_code_gateway)]
        self.check_ids += list(CONFORMANCE_CHECKS) if profile == "full" else []
        self.prober = prober
        self.credential_factory = credential_factory
        self.run = TargetRun(target)
        self._finished = False
        self._credentials: Credentials | None = None
        self._blocked_by: str | None = None
        self.on_probe: Callable[[str, str], None] | None = None  # (target id, probe): the progress display
        self.today = lifecycle_today()

    @property
    def _claude_code_gateway(self) -> bool:
        t = self.target
        return t.claude_code and t.gateway and t.provider.name == "anthropic"

    async def execute(self) -> TargetRun:
        try:
            await self._climb()
        except DeadlineReached:
            self.stop("the run deadline was reached")
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

        if not self._blocked():
            obs = await self._probe("network", "GET", t.base_url, {"user-agent": base_headers(t)["user-agent"]})
            self._record("network.reachable", checks.endpoint_answers(obs), obs)
            if self._claude_code_gateway and not self._blocked():
                hello = await self._probe("startup_hello", "HEAD", t.base_url + "/api/hello",
                                          {"user-agent": base_headers(t)["user-agent"]})
                self._record("gateway.startup", startup_hello(hello), hello, blocks=False)

        if not self._blocked():
            self._credentials = await obtain_credentials(t, self.credential_factory)
            self.run.credential_details = dict(self._credentials.details)
            for value in self._credentials.secret_values:
                self._prober.redactor.add(value)
            if self._credentials.ok and t.auth == "sigv4":
                await self._caller_identity()
            if not self._credentials.ok:
                verdict = Verdict(
                    False, f"no token could be obtained: {self._credentials.error}", "auth.credential-unavailable"
                )
            elif t.auth == "entra":
                verdict = token_is_usable(self.run.credential_details, t.entra_scope, time.time())
            elif (t.auth in ("sigv4", "adc") or "key_type" in self.run.credential_details
                  or (t.provider.regional and not t.provider.signing_name)):  # a cloud credential, or Vertex's
                verdict = cloud_credentials_verdict(t.auth, t.provider.name, self.run.credential_details,
                                                    t.project or self.run.credential_details.get("project"),
                                                    t.region, time.time())
            else:
                assert t.secret is not None
                verdict = Verdict.ok(f"{t.secret.describe()} will be sent as {t.auth}")
            self._record("credentials.obtained", verdict, None)

        if self._blocked():
            return
        if spec.name == "anthropic":
            await self._lifecycle_from_models_api()
        if spec.control_plane:
            await self._control_plane()
        # Free pre-checks first (hints), then the real message, which decides the auth and model layers.
        prechecks = await self._prechecks()
        message = await self._message()
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
            body = message_body(spec.wire, t.model, t.max_tokens, stream=True)
            obs = await self._api("stream", "stream", body)
            self._record("stream.completes", checks.stream_completes(obs, spec.wire, spec.name, t.auth), obs)
        if self.profile == "full" and not self._blocked():
            await self._conformance()

    async def _lifecycle_from_models_api(self) -> None:
        """GET /v1/models/{model} (free): its lifecycle fields, where served, replace the table's verdict."""
        t = self.target
        obs = await self._authed("model_info", "GET", f"/v1/models/{quote(t.model, safe='')}", None)
        known = from_models_api(t.model, obs.json()) if obs.ok else None
        if known is None:
            return
        self.run.lifecycle = known
        verdict = model_lifecycle(t.provider.name, t.model, self.today, known)
        self.run.checks = [c for c in self.run.checks if c.id != "model.lifecycle"]
        self._record("model.lifecycle", verdict, None, blocks=False)

    async def _caller_identity(self) -> None:
        """STS GetCallerIdentity (free, no permission needed): which AWS account and principal the keys belong to.
        Informational: the runtime request decides whether they work."""
        url = sts_url(self.target)
        if url is None:
            self.run.credential_details["identity"] = "not asked: STS is not reachable through a custom endpoint"
            return
        assert self._credentials is not None and self._credentials.signer is not None
        keys = self._credentials.signer.keys  # type: ignore[attr-defined]
        signer = SigV4(keys, self.target.region or "us-east-1", "sts")
        obs = await self._probe("sts_identity", "GET", url + "?Action=GetCallerIdentity&Version=2011-06-15",
                                {"user-agent": base_headers(self.target)["user-agent"]}, auth=signer)
        self.run.credential_details.update(caller_identity(obs))

    async def _control_plane(self) -> None:
        """Bedrock: GetFoundationModelAvailability, GetInferenceProfile (what Claude Code asks at start-up) and
        GetFoundationModel's lifecycle, all free; hints that never fail the target."""
        t = self.target
        base = control_url(t.base_url)
        foundation = foundation_model_id(t.model)
        availability = profile = None
        if foundation is not None:
            model_id = quote(foundation, safe=":")
            availability = await self._authed("availability", "GET", f"/foundation-model-availability/{model_id}",
                                              None, base=base)
            info = await self._authed("foundation_model", "GET", f"/foundation-models/{model_id}", None, base=base)
            known = bedrock_lifecycle(t.model, info, self.today)
            if known is not None:
                self.run.lifecycle = known
                self.run.checks = [c for c in self.run.checks if c.id != "model.lifecycle"]
                self._record("model.lifecycle", model_lifecycle(t.provider.name, t.model, self.today, known), None,
                             blocks=False)
        if is_profile(t.model):
            profile = await self._authed("inference_profile", "GET", f"/inference-profiles/{quote(t.model, safe='')}",
                                         None, base=base)
        verdict = judge_model_access(availability, profile, t.region or "")
        self._record("model.access", verdict, availability or profile, blocks=False)

    def _context(self) -> Context:
        return Context(self.target.provider.name, self.target.auth, self.target.model)

    async def _prechecks(self) -> list[Observation]:
        """The provider's free pre-checks: OpenRouter GET /key and /models, or count_tokens."""
        t, spec = self.target, self.target.provider
        found = []
        if spec.key_info_path:
            found.append(await self._authed("key_info", "GET", spec.key_info_path, None))
        elif spec.count_tokens_path:
            found.append(await self._api("count_tokens", "count_tokens", count_tokens_body(t.model)))
        if spec.models_path and spec.key_info_path:
            found.append(await self._authed("models", "GET", spec.models_path, None))
        return found

    async def _conformance(self) -> None:
        """The full profile: one more billable call (max_tokens 3) and negative probes that a conforming
        endpoint rejects before generating anything."""
        t, spec = self.target, self.target.provider
        obs = self.run.observations
        body = message_body(spec.wire, t.model, TRUNCATION_MAX_TOKENS, stream=False)
        body["messages"] = [{"role": "user", "content": TRUNCATION_PROMPT}]
        truncated = await self._api("truncated", "message", body)
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
        bad_key = await self._probe("bad_key", "POST", t.base_url + self._path("message", t.model),
                                    {**base_headers(t), **bad_auth},
                                    spec.body("message", message_body(spec.wire, t.model, 1, stream=False),
                                              t.anthropic_version), auth=signer)
        unknown = f"anthropic/{UNKNOWN_MODEL}" if spec.name == "openrouter" else UNKNOWN_MODEL
        bad_model = await self._api("bad_model", "message", message_body(spec.wire, unknown, 1, stream=False),
                                    model=unknown)
        unsupported: list[Observation] = []
        if spec.name == "foundry":
            for name, path in (("unsupported_models", "/v1/models"), ("unsupported_batches", "/v1/messages/batches")):
                unsupported.append(await self._authed(name, "GET", path, None))
        observed = Observed(
            spec=spec, auth=t.auth, max_tokens=t.max_tokens, message=obs["message"], stream=obs["stream"],
            auxiliary=[o for n, o in obs.items() if n in ("count_tokens", "key_info", "models")],
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

    def _path(self, kind: ProbeKind, model: str) -> str:
        t = self.target
        project = t.project or (self._credentials.details.get("project") if self._credentials else None)
        return t.provider.path(kind, model, Placement(t.region, project))

    async def _api(self, probe: str, kind: ProbeKind, body: dict[str, Any], *, model: str | None = None
                   ) -> Observation:
        """A Messages API call, addressed and shaped the provider's way (the clouds put the model in the path)."""
        t = self.target
        shaped = t.provider.body(kind, body, t.anthropic_version)
        return await self._authed(probe, "POST", self._path(kind, model or t.model), shaped, stream=kind == "stream")

    async def _authed(self, probe: str, method: str, path: str, body: Any, *, stream: bool = False,
                      base: str | None = None) -> Observation:
        """A request with the target's credential, to ``path`` under the base URL (or under ``base``: Bedrock's
        control plane)."""
        assert self._credentials is not None and self._credentials.ok
        headers = {**base_headers(self.target), **self._credentials.headers}
        if method == "GET":
            headers.pop("content-type", None)
        return await self._probe(probe, method, (base or self.target.base_url) + path, headers, body, stream=stream,
                                 auth=self._credentials.signer)

    async def _probe(
        self, probe: str, method: str, url: str, headers: dict[str, str], body: Any = None, *, stream: bool = False,
        auth: httpx.Auth | None = None,
    ) -> Observation:
        timeout = self.target.timeout
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise DeadlineReached
            timeout = min(timeout, left)
        request = ProbeRequest(probe, method, url, headers, body, stream, timeout, target=self.target.id, auth=auth)
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

    def finish(self) -> TargetRun:
        """Mark every check the ladder did not reach: blocked by the failure below it, or skipped
        because the run stopped (deadline, Ctrl-C)."""
        if self._finished:
            return self.run
        self._finished = True
        order = {check_id: i for i, check_id in enumerate(self.check_ids)}
        done = {c.id for c in self.run.checks}
        for check_id in self.check_ids:
            if check_id in done:
                continue
            layer = checks.CHECK_LAYERS.get(check_id, "conformance")
            if self._blocked_by is not None:
                status, message, by = "blocked", f"not run: blocked by {self._blocked_by}", self._blocked_by
            else:
                status, message, by = "skipped", f"not run: {self.stopped_reason or 'the run stopped'}", None
            self.run.checks.append(CheckResult(id=check_id, target=self.target.id, layer=layer, status=status,
                                               message=message, blocked_by=by, not_run=by is None))
        self.run.checks.sort(key=lambda c: order.get(c.id, len(order)))
        return self.run


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
