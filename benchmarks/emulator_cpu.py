"""CPU time per request through the emulator's ASGI app, in-process, against a bare Starlette baseline.

    python -m benchmarks.emulator_cpu [--requests 500] [--rounds 7]

No sockets and no second process: one httpx client drives the app through httpx.ASGITransport, and the
process's CPU time (time.process_time) per request is measured, so a loaded machine changes the numbers far less
than wall-clock throughput does (benchmarks/emulator_throughput.py measures that). Rows alternate within each
round; the table shows the median over rounds, and each row's ratio to the baseline of the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import time
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from harness.emulator import EmulatorSettings, create_app

BODY: dict[str, Any] = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [{"role": "user",
                                                                                      "content": "ping"}]}
CACHED = {**BODY, "system": [{"type": "text", "text": "A style guide. " * 800, "cache_control": {"type": "ephemeral"}}]}
ROWS: list[tuple[str, str, dict[str, Any]]] = [
    ("baseline (bare Starlette JSON)", "/v1/messages", BODY),
    ("emulator, Anthropic message", "/v1/messages", BODY),
    ("emulator, Anthropic stream", "/v1/messages", {**BODY, "stream": True}),
    ("emulator, Anthropic cached prompt", "/v1/messages", CACHED),
    ("emulator, Foundry message", "/anthropic/v1/messages", BODY),
    ("emulator, OpenRouter message", "/api/v1/chat/completions", {"model": "anthropic/claude-haiku-4.5",
                                                                   "messages": BODY["messages"]}),
]


def _baseline() -> Starlette:
    async def answer(request: Request) -> JSONResponse:
        await request.json()
        return JSONResponse({"id": "msg", "type": "message", "content": [{"type": "text", "text": "pong"}]})

    return Starlette(routes=[Route("/v1/messages", answer, methods=["POST"])])


async def _measure(client: httpx.AsyncClient, path: str, body: dict[str, Any], requests: int) -> float:
    headers = {"x-api-key": "k", "authorization": "Bearer k"}
    start = time.process_time()
    for _ in range(requests):
        answer = await client.post(path, json=body, headers=headers)
        assert answer.status_code == 200, answer.text
    return (time.process_time() - start) / requests * 1e6


async def run(requests: int, rounds: int) -> dict[str, list[float]]:
    emulator = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(EmulatorSettings())),
                                 base_url="http://127.0.0.1")
    baseline = httpx.AsyncClient(transport=httpx.ASGITransport(app=_baseline()), base_url="http://127.0.0.1")
    samples: dict[str, list[float]] = {name: [] for name, _, _ in ROWS}
    async with emulator, baseline:
        for _ in range(rounds + 1):  # the first round warms up and is dropped
            for name, path, body in ROWS:
                client = baseline if name.startswith("baseline") else emulator
                samples[name].append(await _measure(client, path, body, requests))
    return {name: values[1:] for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    samples = asyncio.run(run(args.requests, args.rounds))
    base = statistics.median(samples[ROWS[0][0]])
    print(f"{platform.python_implementation()} {platform.python_version()}, {args.requests} requests x "
          f"{args.rounds} rounds, in-process (httpx.ASGITransport)")
    print(f"{'workload':36} {'CPU us/request':>15} {'vs baseline':>12}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:36} {median:15.0f} {median / base:11.2f}x")


if __name__ == "__main__":
    main()
