"""A live smoke check's waiting time, against its floor: one billable call plus one free round trip.

    python -m benchmarks.round_trip [--repeats 7] [--free-ms 150] [--billable-ms 1200] [--profile smoke|full]

A loopback stand-in with a real endpoint's shape of time: the emulator served by uvicorn on 127.0.0.1 behind a
per-route delay before the first byte (free calls 150 ms: the reachability GET, count_tokens, /key, /models, the
Models API, Bedrock's control plane, STS; billable calls 1.2 s: messages, streams, invoke, rawPredict). For each
provider (anthropic, foundry, openrouter, bedrock, vertex), a smoke check of one target with the defaults a user
gets (RunOptions(), as `claude-harness check` builds them for a live target), interleaved with the old
one-after-another order (RunOptions(in_order=True), kept only as this baseline) in the same run. Medians, each as
a ratio to the floor; every run must be healthy with 2 billable calls. ``--profile full`` times the full profile
the same way (3 billable calls; its floor adds the max_tokens call, which waits for the smoke layers, and the
negative probes, priced here as billable calls although a conforming endpoint refuses them at once).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from harness.emulated import emulated_targets
from harness.emulator import EmulatorSettings, create_app
from harness.providers import PROVIDERS as REGISTRY
from harness.runner import RunOptions, run_and_report

PROVIDERS = tuple(REGISTRY)  # every provider, where the emulator serves it
BASES = {name: spec.emulator_mount or "" for name, spec in REGISTRY.items()}
WIDTH = max(len(name) for name in PROVIDERS)
# The generating calls, by the end of their path (count_tokens first: Vertex's also ends in :rawPredict).
FREE_SUFFIXES = ("/count_tokens", "/count-tokens", "count-tokens:rawPredict")
BILLABLE_SUFFIXES = ("/v1/messages", "/chat/completions", "/invoke", "/invoke-with-response-stream", ":rawPredict",
                     ":streamRawPredict")


def is_billable(method: str, path: str) -> bool:
    return method == "POST" and not path.endswith(FREE_SUFFIXES) and path.endswith(BILLABLE_SUFFIXES)


def with_route_latency(app: Any, free_s: float, billable_s: float) -> Any:
    """ASGI middleware: wait before handling each request, by what kind of call it is."""

    async def delayed(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(billable_s if is_billable(scope["method"], scope["path"]) else free_s)
        await app(scope, receive, send)

    return delayed


@contextmanager
def stand_in(free_s: float, billable_s: float) -> Iterator[str]:
    """The emulator behind the per-route delay, on a free loopback port; yields its URL."""
    # streams paced as a real endpoint generates them (unpaced, the whole stream would arrive at once after the
    # route delay, which the full profile rightly calls buffered)
    app = with_route_latency(create_app(EmulatorSettings(tokens_per_second=500)), free_s, billable_s)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error", lifespan="off",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the stand-in did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def smoke_check(url: str, provider: str, options: RunOptions) -> float:
    targets = emulated_targets({provider: url + BASES[provider]}, {"provider": provider}, dict(os.environ))
    start = time.perf_counter()
    report = run_and_report(targets, mode="emulator", options=options)
    elapsed = time.perf_counter() - start
    summary, usage = report["summary"], report["usage"]
    billable = 3 if options.profile == "full" else 2
    if summary["verdict"] != "healthy" or usage["billable_calls"] != billable:
        raise SystemExit(f"{provider}: expected a healthy check with {billable} billable calls, got "
                         f"{summary['verdict']} with {usage['billable_calls']}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--free-ms", type=float, default=150.0)
    parser.add_argument("--billable-ms", type=float, default=1200.0)
    parser.add_argument("--profile", choices=("smoke", "full"), default="smoke")
    args = parser.parse_args()
    rounds = 2 if args.profile == "full" else 1  # full: the max_tokens call goes out once the smoke layers passed
    floor = (rounds * args.billable_ms + args.free_ms) / 1000.0
    modes = {"one after another": RunOptions(profile=args.profile, in_order=True),
             "side by side (default)": RunOptions(profile=args.profile)}
    samples: dict[tuple[str, str], list[float]] = {(p, m): [] for p in PROVIDERS for m in modes}
    with stand_in(args.free_ms / 1000.0, args.billable_ms / 1000.0) as url:
        for provider in PROVIDERS:  # warm-up: imports, first connections
            smoke_check(url, provider, modes["side by side (default)"])
        for _ in range(args.repeats):  # interleaved: drift on a shared machine hits every row alike
            for provider in PROVIDERS:
                for mode, options in modes.items():
                    samples[provider, mode].append(smoke_check(url, provider, options))
    floor_is = "one billable call" if rounds == 1 else "two billable calls in a row"
    print(f"{args.profile} check, free calls {args.free_ms:g} ms, billable {args.billable_ms:g} ms to first byte; "
          f"floor {floor:.2f} s ({floor_is} + one free round trip); medians of {args.repeats}")
    print(f"{'provider':<{WIDTH}} {'one after another':>22} {'side by side (default)':>26}")
    worst = 0.0
    for provider in PROVIDERS:
        before = statistics.median(samples[provider, "one after another"])
        after = statistics.median(samples[provider, "side by side (default)"])
        worst = max(worst, after / floor)
        print(f"{provider:<{WIDTH}} {before:>8.2f} s {before / floor:>6.2f}x floor {after:>10.2f} s "
              f"{after / floor:>6.2f}x floor")
    print(f"worst side-by-side ratio: {worst:.2f}x floor" + (" (target <= 1.3x)" if rounds == 1 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
