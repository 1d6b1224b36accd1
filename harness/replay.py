"""Replay recorded fixtures through respx: the probe runs unchanged above the transport.

``fixtures/<provider>/healthy/`` holds one recorded answer per probe (JSON with
status, headers and body; streams as ``.sse`` transcripts), and
``fixtures/<provider>/errors/`` the providers' error answers. A fault name
replaces the healthy answer at the probes that fault breaks, as in the emulator.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from harness.config import Target
from harness.emulator.app import SCOPE_KINDS
from harness.emulator.faults import FAULTS
from harness.errors import HarnessError
from harness.resources import fill, fixtures_dir, load_error_fixture


def _healthy(provider: str, kind: str) -> httpx.Response:
    folder = fixtures_dir() / provider / "healthy"
    meta: dict[str, Any] = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
    if kind == "stream":
        return httpx.Response(meta["status"], headers=meta["headers"], content=(folder / "stream.sse").read_bytes())
    return httpx.Response(meta["status"], headers=meta["headers"], json=meta["body"])


def _error(provider: str, name: str, model: str) -> httpx.Response | None:
    data = load_error_fixture(provider, name)
    if data is None:
        return None
    body = fill(data["body"], {"model": model, "request_id": "req_011CReplayedFixture00001"})
    headers = dict(data.get("headers", {}))
    if isinstance(body, str):
        return httpx.Response(data["status"], headers=headers, text=body)
    return httpx.Response(data["status"], headers=headers, json=body)


def replay_router(target: Target, fault: str | None = None) -> respx.Router:
    """A router answering every probe of ``target`` from fixtures."""
    if fault is not None and (fault not in FAULTS or FAULTS[fault].behaviour != "fixture"):
        raise HarnessError(f"Fault {fault!r} has no recorded fixture to replay.")
    spec = target.provider
    router = respx.Router(assert_all_called=False)

    def answer(kind: str, request: httpx.Request) -> httpx.Response:
        if fault is not None and kind in SCOPE_KINDS.get(FAULTS[fault].scope, set()):
            broken = _error(spec.name, fault, target.model)
            if broken is not None:
                return broken
        return _healthy(spec.name, kind)

    def messages(request: httpx.Request) -> httpx.Response:
        streamed = json.loads(request.content or b"{}").get("stream") is True
        return answer("stream" if streamed else "message", request)

    base = target.base_url
    router.post(base + spec.messages_path).mock(side_effect=messages)
    if spec.count_tokens_path:
        router.post(base + spec.count_tokens_path).mock(side_effect=lambda req: answer("count_tokens", req))
    if spec.key_info_path:
        router.get(base + spec.key_info_path).mock(side_effect=lambda req: answer("key", req))
    if spec.models_path and spec.key_info_path:
        router.get(base + spec.models_path).mock(side_effect=lambda req: answer("models", req))
    router.route().mock(return_value=httpx.Response(404, json={"error": "not recorded"}))
    return router
