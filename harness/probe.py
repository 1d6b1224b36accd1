"""The one I/O seam: sends a request with httpx, records everything, judges nothing."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from . import constants, eventstream, netpath, retry, tlsinfo
from .observation import Observation, TimedEvent, TransportPhase
from .redact import Redactor
from .sse import ServerSentEvent, SSEDecoder
from .stall import StallWatch


@dataclass(frozen=True)
class ProbeRequest:
    probe: str
    method: str
    url: str
    headers: Mapping[str, str]
    json_body: Any = None
    stream: bool = False
    timeout: float = constants.DEFAULT_TIMEOUT_S
    target: str = ""  # the target's id, carried as a request extension (replay answers each from its own folder)
    auth: httpx.Auth | None = None  # signs the request as sent (SigV4); never recorded


TARGET_EXTENSION = "claude_harness_target"
PROBE_EXTENSION = "claude_harness_probe"  # the probe's name (replay answers feature probes by it)


class TransportFailure(Exception):
    def __init__(self, phase: TransportPhase, message: str) -> None:
        super().__init__(message)
        self.phase = phase


def classify_transport_error(exc: BaseException) -> TransportPhase:
    """Pick the most specific failing phase from an httpx exception and its causes."""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in chain:
        if isinstance(item, socket.gaierror):
            return "dns"
        if isinstance(item, ssl.SSLError):
            return "tls"
    text = " ".join(str(item) for item in chain).lower()
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return "dns"
    if "ssl" in text or "certificate" in text or "tls" in text:
        return "tls"
    if isinstance(exc, httpx.ConnectError):
        return "connect"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.LocalProtocolError)):
        return "protocol"
    return "read"


@contextlib.contextmanager
def map_transport_errors() -> Iterator[None]:
    """Translate foreign exceptions at the boundary into one family."""
    try:
        yield
    except httpx.TransportError as exc:
        phase = classify_transport_error(exc)
        detail = str(exc) or {"timeout": "no data within the timeout"}.get(phase, "no detail")
        raise TransportFailure(phase, f"{type(exc).__name__}: {detail}") from exc


class Prober:
    """Sends probe requests through one httpx client.

    Tests replace the transport (respx, ``httpx.MockTransport`` or an ASGI app);
    everything above it runs unchanged.
    """

    def __init__(
        self,
        redactor: Redactor,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        verify: bool | str = True,
        clock: Callable[[], float] = time.perf_counter,
        retries: int = 0,
        max_retry_wait_s: float = retry.DEFAULT_MAX_WAIT_S,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
        deadline: float | None = None,
        client_cert: tuple[str, str | None, str | None] | None = None,
    ) -> None:
        self.redactor = redactor
        self._clock = clock
        self.retries = retries
        self.max_retry_wait_s = max_retry_wait_s
        self._sleep = sleep
        self._jitter = jitter
        self.deadline = deadline  # a time.monotonic() after which nothing more is sent
        self.on_retry: Callable[[ProbeRequest, float, str], None] | None = None  # progress display
        tls: bool | ssl.SSLContext = ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
        if client_cert is not None:  # mTLS (Claude Code's CLAUDE_CODE_CLIENT_CERT / _KEY / _KEY_PASSPHRASE)
            tls = tls if isinstance(tls, ssl.SSLContext) else httpx.create_ssl_context(verify=tls)
            tls.load_cert_chain(client_cert[0], client_cert[1], client_cert[2])
        self._client = httpx.AsyncClient(transport=transport, verify=tls, follow_redirects=False)
        # httpx reads the proxy variables only when it owns the transport; so does the path we report
        self._env: dict[str, str] | None = dict(os.environ) if transport is None else None
        for name, value in os.environ.items():  # a proxy's password is a secret too, wherever it might be echoed
            if name.lower().endswith("_proxy") and "@" in value:
                userinfo = value.split("://", 1)[-1].rsplit("@", 1)[0]
                if ":" in userinfo and len(userinfo.split(":", 1)[1]) >= 4:
                    redactor.add(userinfo.split(":", 1)[1])
        self._certificates: dict[str, dict[str, Any]] = {}  # per origin: the certificate it presented

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Prober:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def send(self, req: ProbeRequest) -> Observation:
        """Send with bounded retries that respect the provider; every retry is recorded."""
        earlier: list[dict[str, Any]] = []
        attempt = 0
        while True:
            obs = await self._attempt(req)
            decision = retry.decide(
                attempt=attempt, retries=self.retries, status=obs.status, phase=obs.phase, headers=obs.headers,
                body_text=obs.body_text, jitter=self._jitter(), max_wait_s=self.max_retry_wait_s,
            )
            if decision.retry and self.deadline is not None and time.monotonic() + decision.wait_s >= self.deadline:
                decision = retry.RetryDecision(False, 0.0, "the run deadline leaves no time to retry")
            if not decision.retry:
                obs.retries = earlier
                return obs
            earlier.append({"attempt": attempt + 1, "status": obs.status, "phase": obs.phase,
                            "wait_s": round(decision.wait_s, 3), "reason": decision.reason})
            if self.on_retry is not None:
                self.on_retry(req, decision.wait_s, f"{obs.status or obs.phase} ({decision.reason})")
            await self._sleep(decision.wait_s)
            attempt += 1

    async def _attempt(self, req: ProbeRequest) -> Observation:
        obs = Observation(
            probe=req.probe,
            method=req.method,
            url=self.redactor.text(req.url),
            request_headers=self.redactor.headers(req.headers),
            request_body=req.json_body,
            streamed=req.stream,
        )
        start = self._clock()
        watch = StallWatch(start, self._clock)
        try:
            async with watch.watching() if req.stream else contextlib.nullcontext(watch):
                exchange = self._exchange(req, obs, start)
                if self.deadline is None:
                    await exchange
                else:  # a hard cap: custom transports do not enforce httpx's own timeouts
                    await asyncio.wait_for(exchange, max(0.0, self.deadline - time.monotonic()))
        except asyncio.TimeoutError:
            obs.phase, obs.error = "timeout", "the run deadline was reached"
        if req.stream:  # arrival times are the wire's only while the loop was listening (checks/buffering.py)
            obs.details["loop_stalls"] = [list(stall) for stall in watch.stalls]
        obs.timings.total_ms = self._ms(start)
        return obs

    def route(self, url: str) -> netpath.ProxyRoute:
        """Direct, or through which proxy (from which variable): as httpx will send it."""
        return netpath.DIRECT if self._env is None else netpath.proxy_route(url, self._env)

    async def _exchange(self, req: ProbeRequest, obs: Observation, start: float) -> None:
        route = self.route(req.url)
        obs.details["route"] = route.describe()
        try:
            with map_transport_errors():
                request = self._client.build_request(
                    req.method, req.url, headers=dict(req.headers), json=req.json_body, timeout=req.timeout,
                    extensions={TARGET_EXTENSION: req.target, PROBE_EXTENSION: req.probe},
                )
                response = await self._client.send(request, stream=True, auth=req.auth or httpx.USE_CLIENT_DEFAULT)
                try:
                    obs.timings.ttfb_ms = self._ms(start)
                    obs.status = response.status_code
                    obs.headers = self.redactor.headers(dict(response.headers))
                    self._note_certificate(req.url, response, obs)
                    content_type = response.headers.get("content-type", "")
                    if "text/event-stream" in content_type:
                        await self._read_stream(response, obs, start, req.timeout)
                    elif eventstream.CONTENT_TYPE in content_type:
                        await self._read_event_stream(response, obs, start, req.timeout)
                    else:
                        await self._read_body(response, obs)
                finally:
                    await response.aclose()
        except TransportFailure as failure:
            obs.phase = failure.phase
            obs.error = self.redactor.text(str(failure))
            await self._explain_failure(req, obs, route, failure)
        except Exception as exc:
            obs.phase = "protocol"
            obs.error = self.redactor.text(f"{type(exc).__name__}: {exc}")

    async def _explain_failure(self, req: ProbeRequest, obs: Observation, route: netpath.ProxyRoute,
                               failure: TransportFailure) -> None:
        """Say where a transport failure happened: at the proxy (never the endpoint's fault), or in the
        certificate check (with the certificate that was presented)."""
        cause = failure.__cause__
        where = f"the proxy {route.proxy} (from {route.proxy_source})"
        if isinstance(cause, httpx.ProxyError) and route.via == "proxy":
            obs.phase = "proxy"
            obs.error = self.redactor.text(f"{where} answered CONNECT with {cause}")
        elif route.via == "proxy" and (obs.phase in ("connect", "dns") or isinstance(cause, httpx.ConnectTimeout)):
            obs.phase = "proxy"
            obs.error = self.redactor.text(f"could not connect to {where}: {failure}")
        elif obs.phase == "tls" and cause is not None:
            found = tlsinfo.verify_failure(cause)
            details: dict[str, Any] = {}
            if found is not None:
                details = {"verify_code": found[0], "verify_message": found[1],
                           "kind": tlsinfo.VERIFY_KINDS.get(found[0], "other")}
            proxy = self._env.get(route.proxy_source or "", route.proxy) if self._env is not None else None
            der = await tlsinfo.presented_certificate(req.url, proxy, min(req.timeout, 10.0))
            if der is not None:
                details["certificate"] = tlsinfo.describe(der)
                obs.error = f"{obs.error}; {tlsinfo.summary(details['certificate'])}"
            obs.details["tls"] = self.redactor.data(details)
            obs.error = self.redactor.text(obs.error or "")

    def _note_certificate(self, url: str, response: httpx.Response, obs: Observation) -> None:
        """The certificate an https origin presented (once per origin): its issuer shows a TLS-inspecting proxy."""
        if not url.startswith("https://"):
            return
        origin = url.split("/", 3)[2]
        if origin not in self._certificates:
            stream = response.extensions.get("network_stream")
            ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
            der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
            try:
                self._certificates[origin] = tlsinfo.describe(der) if der else {}
            except (ImportError, ValueError):
                self._certificates[origin] = {}
        if self._certificates[origin]:
            obs.details["certificate"] = self._certificates[origin]

    async def _read_body(self, response: httpx.Response, obs: Observation) -> None:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > constants.MAX_BODY_BYTES:
                obs.phase, obs.error = "cap", f"body exceeded {constants.MAX_BODY_BYTES} bytes; reading stopped"
                break
            chunks.append(chunk)
        obs.body_text = self.redactor.text(b"".join(chunks).decode("utf-8", errors="replace"))

    async def _read_stream(self, response: httpx.Response, obs: Observation, start: float, timeout: float) -> None:
        decoder = SSEDecoder()
        raw = bytearray()
        limit = max(timeout * 3, 10.0)
        async for chunk in response.aiter_bytes():
            raw.extend(chunk[: max(0, constants.MAX_BODY_BYTES - len(raw))])
            for event in decoder.feed(chunk):
                obs.events.append(TimedEvent(self._ms(start), self._scrub_event(event)))
            if len(obs.events) > constants.MAX_STREAM_EVENTS or len(raw) >= constants.MAX_BODY_BYTES:
                obs.phase, obs.error = "cap", "stream exceeded the event or byte cap; reading stopped"
                break
            if self._clock() - start > limit:
                obs.phase, obs.error = "timeout", f"stream still open after {limit:g} s; reading stopped"
                break
        else:
            for event in decoder.close():
                obs.events.append(TimedEvent(self._ms(start), self._scrub_event(event)))
        obs.comments = len(decoder.comments)
        obs.body_text = self.redactor.text(bytes(raw[: constants.REPORT_BODY_CHARS]).decode("utf-8", "replace"))

    async def _read_event_stream(self, response: httpx.Response, obs: Observation, start: float,
                                 timeout: float) -> None:
        """Bedrock's binary stream: each frame becomes the Anthropic event it carries (or an error event)."""
        decoder = eventstream.EventStreamDecoder()
        limit = max(timeout * 3, 10.0)
        try:
            async for chunk in response.aiter_bytes():
                for frame in decoder.feed(chunk):
                    event = eventstream.to_event(frame)
                    if event is not None:
                        obs.events.append(TimedEvent(self._ms(start), self._scrub_event(event)))
                if len(obs.events) > constants.MAX_STREAM_EVENTS:
                    obs.phase, obs.error = "cap", "stream exceeded the event cap; reading stopped"
                    break
                if self._clock() - start > limit:
                    obs.phase, obs.error = "timeout", f"stream still open after {limit:g} s; reading stopped"
                    break
        except eventstream.FrameError as exc:
            obs.phase, obs.error = "protocol", f"the AWS event stream is malformed: {exc}"
        if decoder.pending and obs.phase is None:
            obs.phase, obs.error = "protocol", f"the stream ended inside a frame ({decoder.pending} bytes left over)"
        # a readable rendering for reports: the decoded events, as server-sent events
        text = "".join(f"event: {e.event.event}\ndata: {e.event.data}\n\n" for e in obs.events)
        obs.body_text = text[: constants.REPORT_BODY_CHARS]

    def _scrub_event(self, event: ServerSentEvent) -> ServerSentEvent:
        return ServerSentEvent(
            event=event.event, data=self.redactor.text(event.data), id=event.id, retry=event.retry
        )

    def _ms(self, start: float) -> float:
        return round((self._clock() - start) * 1000.0, 3)

