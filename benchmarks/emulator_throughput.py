"""Emulator throughput and latency, against a bare Starlette baseline in the same run.

    python -m benchmarks.emulator_throughput [--requests 1500] [--concurrency 16]

With aimock installed (npm @copilotkit/aimock; `llmock` on PATH or in HARNESS_THIRD_PARTY_PATH), the same
client also drives aimock serving the same Anthropic request, message and stream, in the same run.

A concurrent httpx client sends non-streamed and streamed messages to the
emulator (uvicorn on 127.0.0.1), and the same number of requests to a bare
Starlette app that returns a fixed JSON body, served the same way. It reports
requests per second and p50/p99 latency, and the emulator/baseline ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from harness.emulator import EmulatorSettings, RunningEmulator

BODY = {"model": "claude-sonnet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": "ping"}]}


def bare_app() -> Starlette:
    async def endpoint(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"type": "message", "content": [{"type": "text", "text": "pong"}]})

    return Starlette(routes=[Route("/v1/messages", endpoint, methods=["POST"])])


class BareServer:
    def __init__(self) -> None:
        config = uvicorn.Config(bare_app(), host="127.0.0.1", port=0, log_level="error", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


async def load(url: str, headers: dict[str, str], body: dict[str, Any], requests: int, concurrency: int,
               stream: bool) -> dict[str, float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                if stream:
                    async with client.stream("POST", url, headers=headers, json=body) as response:
                        async for _ in response.aiter_bytes():
                            pass
                else:
                    response = await client.post(url, headers=headers, json=body)
                response.raise_for_status()
                latencies.append(time.perf_counter() - start)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def run_load(url: str, headers: dict[str, str], body: dict[str, Any], requests: int, concurrency: int,
             stream: bool) -> dict[str, float]:
    return asyncio.run(load(url, headers, body, requests, concurrency, stream))


@contextlib.contextmanager
def aimock() -> Iterator[str | None]:
    """aimock on a free loopback port with a catch-all fixture, or None when it is not installed."""
    extra = os.environ.get("HARNESS_THIRD_PARTY_PATH", "")
    binary = shutil.which("llmock", path=os.pathsep.join(filter(None, [extra, os.environ.get("PATH", "")])))
    if binary is None:
        yield None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        fixture = {"fixtures": [{"match": {"model": BODY["model"]}, "response": {"content": "pong from aimock."}}]}
        Path(folder, "f.json").write_text(json.dumps(fixture))
        proc = subprocess.Popen([binary, "-p", str(port), "-h", "127.0.0.1", "-f", folder],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    headers = {"x-api-key": "bench", "anthropic-version": "2023-06-01"}
    results: dict[str, dict[str, float]] = {}
    n, c = args.requests, args.concurrency
    # The client runs in its own process so that it does not share the servers' GIL.
    with BareServer() as bare, RunningEmulator(EmulatorSettings()) as emu, aimock() as mock, \
            ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as client:
        msg = f"{emu.url}/anthropic/v1/messages"
        for url in (f"{bare}/v1/messages", msg):
            client.submit(run_load, url, headers, BODY, min(200, n), c, False).result()  # warm up
        plan = {
            "baseline (bare Starlette JSON)": (f"{bare}/v1/messages", headers, BODY, False),
            "emulator, Foundry message": (msg, headers, BODY, False),
            "emulator, Foundry stream": (msg, headers, {**BODY, "stream": True}, True),
            "emulator, OpenRouter stream": (
                f"{emu.url}/api/v1/chat/completions", {"authorization": "Bearer bench"},
                {**BODY, "model": "anthropic/claude-haiku-4.5", "stream": True}, True),
            "emulator, Anthropic message": (f"{emu.url}/v1/messages", headers, BODY, False),
            "emulator, Anthropic stream": (f"{emu.url}/v1/messages", headers, {**BODY, "stream": True}, True),
        }
        if mock is not None:
            client.submit(run_load, f"{mock}/v1/messages", headers, BODY, min(200, n), c, False).result()
            plan["aimock, Anthropic message"] = (f"{mock}/v1/messages", headers, BODY, False)
            plan["aimock, Anthropic stream"] = (f"{mock}/v1/messages", headers, {**BODY, "stream": True}, True)
        for name, (url, hdrs, body, stream) in plan.items():
            results[name] = client.submit(run_load, url, hdrs, body, n, c, stream).result()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    base = results["baseline (bare Starlette JSON)"]
    print(f"{platform.python_implementation()} {platform.python_version()}, {args.requests} requests per row, "
          f"{args.concurrency} concurrent, client in a separate process")
    print(f"{'workload':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50 vs baseline':>16}")
    for name, row in results.items():
        print(f"{name:<32} {row['rps']:>8.0f} {row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} "
              f"{row['p50_ms'] / base['p50_ms']:>15.2f}x")


if __name__ == "__main__":
    main()
