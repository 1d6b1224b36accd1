"""Runs the ladder for many targets concurrently and builds the report."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx

from harness.auth import CredentialFactory
from harness.config import Target
from harness.ladder import TargetRun, run_target
from harness.probe import Prober
from harness.redact import Redactor
from harness.report import build_report


async def run_targets(
    targets: Sequence[Target],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    credential_factory: CredentialFactory | None = None,
    verify: bool | str = True,
    concurrency: int = 8,
    redactor: Redactor | None = None,
    profile: str = "smoke",
) -> tuple[list[TargetRun], Redactor]:
    redactor = redactor or Redactor()
    for target in targets:
        if target.secret is not None:
            redactor.add(target.secret.reveal())
    gate = asyncio.Semaphore(max(1, concurrency))
    async with Prober(redactor, transport=transport, verify=verify) as prober:

        async def one(target: Target) -> TargetRun:
            async with gate:
                return await run_target(target, prober, credential_factory, profile=profile)

        runs = await asyncio.gather(*(one(t) for t in targets))
    return list(runs), redactor


def run_and_report(
    targets: Sequence[Target],
    *,
    mode: str,
    transport: httpx.AsyncBaseTransport | None = None,
    credential_factory: CredentialFactory | None = None,
    verify: bool | str = True,
    notes: Sequence[str] = (),
    profile: str = "smoke",
) -> dict[str, Any]:
    runs, redactor = asyncio.run(
        run_targets(targets, transport=transport, credential_factory=credential_factory, verify=verify,
                    profile=profile)
    )
    return build_report(runs, mode=mode, redactor=redactor, notes=notes)
