"""What one target's ladder has in flight: its requests run side by side as tasks, and each request counts
against the limits the run shares (per deployment, optionally per host).

The ladder judges its layers in order whatever order the answers arrive in; this module only sends.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .config import Target
from .observation import Observation

T = TypeVar("T")
Sent = asyncio.Future[Observation]

# The order the ladder once sent its probes in: observations are kept in it, whatever order they arrived in,
# so reports, timings and recordings read the same from run to run. A probe not listed keeps its arrival order.
PROBE_ORDER = ("network", "startup_hello", "sts_identity", "model_info", "availability", "foundation_model",
               "inference_profile", "key_info", "count_tokens", "models", "message", "stream", "truncated",
               "bad_key", "bad_model", "unsupported_models", "unsupported_batches")


def in_probe_order(names: list[str]) -> list[str]:
    rank = {name: i for i, name in enumerate(PROBE_ORDER)}
    return sorted(names, key=lambda name: rank.get(name, len(rank)))  # stable: unlisted ones keep their order


@dataclass
class InFlightCalls:
    """The API calls sent once the credential was obtained, judged later in ladder order."""

    message: Sent
    stream: asyncio.Future[Observation | None]  # None: held back until the message is judged
    prechecks: list[Sent]
    identity: asyncio.Future[Observation | None] | None = None  # STS, where it is in reach
    model_info: Sent | None = None
    availability: Sent | None = None
    foundation_model: Sent | None = None
    inference_profile: Sent | None = None


class InFlight:
    """The tasks one ladder started. ``in_order`` runs each to completion as it is started: the order the ladder
    used before it sent side by side, kept only as a benchmark baseline."""

    def __init__(self, *, in_order: bool = False) -> None:
        self.in_order = in_order
        self._tasks: list[asyncio.Future[Any]] = []

    async def start(self, work: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        if self.in_order:
            done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
            done.set_result(await work)
            return done
        task = asyncio.ensure_future(work)
        self._tasks.append(task)
        return task

    async def settle(self, *, ignore: tuple[type[BaseException], ...] = ()) -> None:
        """Wait for what is still in flight (the answers of layers already judged blocked: kept as evidence)."""
        for task in list(self._tasks):
            with contextlib.suppress(*ignore):
                await task

    async def cancel(self) -> None:
        """Stop whatever is still in flight (a deadline, Ctrl-C, an error): nothing more is sent."""
        pending = [task for task in self._tasks if not task.done()]
        for task in pending:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(BaseException):
                await task
        self._tasks.clear()


class RequestLimits:
    """Requests in flight at once, shared by every ladder of a run: per deployment (a host, a model and a
    credential: what providers rate-limit) and, when asked, per host. Every concurrent request of a target counts."""

    def __init__(self, per_deployment: int | None = None, per_host: int | None = None) -> None:
        self.per_deployment = per_deployment
        self.per_host = per_host
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._deployments: dict[tuple[str, str, str], asyncio.Semaphore] = {}

    def gates(self, deployment: tuple[str, str, str], url: str) -> list[asyncio.Semaphore]:
        """The gate of the request's host (when capped), then the target's deployment's: every request a target
        sends counts, even one without its credential, so the deployment never sees more than the limit. Always
        acquired in this order, so two requests never wait on each other."""
        found = []
        if self.per_host is not None:
            host = urlsplit(url).netloc
            found.append(self._hosts.setdefault(host, asyncio.Semaphore(max(1, self.per_host))))
        if self.per_deployment is not None:
            found.append(self._deployments.setdefault(deployment, asyncio.Semaphore(max(1, self.per_deployment))))
        return found

    @contextlib.asynccontextmanager
    async def hold(self, deployment: tuple[str, str, str], url: str) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for gate in self.gates(deployment, url):
                await stack.enter_async_context(gate)
            yield


def deployment_key(target: Target) -> tuple[str, str, str]:
    """What providers rate-limit: a deployment or model and a credential, on one host (not the host alone: 20
    deployments of one Foundry resource run side by side, 20 targets on one deployment and key do not)."""
    host = urlsplit(target.base_url).netloc
    return host, target.model, target.secret.fingerprint if target.secret else target.auth
