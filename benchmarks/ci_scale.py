"""Many targets at once, harness overhead, and the mocked suite's wall time.

    python -m benchmarks.ci_scale [--repeats 3] [--skip-suite]

1. 20 emulated targets whose emulator adds 300 ms to every response: wall time of the
   whole smoke run probed concurrently, against one target alone and against the 20
   run one after another (ratios from the same run).
2. Harness overhead: the median time of one probe through the harness (Prober.send,
   with redaction and recording) against a bare httpx request to the same emulator.
3. The mocked suites' wall time (`pytest --pyargs claude_harness_suites --harness-mocked --harness-profile full`)
   and the project's own test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from harness.config import Target, build_target
from harness.emulator import EmulatorSettings, RunningEmulator
from harness.probe import Prober, ProbeRequest
from harness.redact import Redactor
from harness.runner import RunOptions, run_and_report

ROOT = Path(__file__).resolve().parents[1]
ENV = {"BENCH_KEY": "bench-key-0000"}


def targets(base: str, count: int) -> list[Target]:
    """One host, one key, a deployment per target: a Foundry resource with `count` deployments."""
    return [build_target({"provider": "anthropic", "name": f"t{i:02d}", "base_url": base, "api_key_env": "BENCH_KEY",
                          "model": f"deployment-{i:02d}"}, ENV, default_id="t") for i in range(count)]


def timed_run(plan: list[Target], concurrency: int | None) -> float:
    """With the defaults a user gets (retries are 0 against the emulator, as with --emulator); concurrency=1
    only for the one-after-another baseline."""
    options = RunOptions(retries=0) if concurrency is None else RunOptions(concurrency=concurrency, retries=0)
    start = time.perf_counter()
    report = run_and_report(plan, mode="emulator", options=options)
    elapsed = time.perf_counter() - start
    assert report["summary"]["verdict"] == "healthy", report["summary"]
    return elapsed


def concurrency_figures(repeats: int) -> dict[str, float]:
    with RunningEmulator(EmulatorSettings(latency_seconds=0.3)) as emu:
        single = statistics.median(timed_run(targets(emu.url, 1), None) for _ in range(repeats))
        together = statistics.median(timed_run(targets(emu.url, 20), None) for _ in range(repeats))
        sequential = timed_run(targets(emu.url, 20), 1)
    return {"single": single, "concurrent": together, "sequential": sequential}


async def overhead_figures(samples: int) -> dict[str, float]:
    with RunningEmulator(EmulatorSettings()) as emu:
        url = f"{emu.url}/v1/messages/count_tokens"
        headers = {"x-api-key": "bench-key-0000", "anthropic-version": "2023-06-01", "content-type": "application/json"}
        body = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "ping"}]}
        bare_times: list[float] = []
        harness_times: list[float] = []
        async with httpx.AsyncClient() as client, Prober(Redactor(["bench-key-0000"])) as prober:
            request = ProbeRequest("count_tokens", "POST", url, headers, body)
            for _ in range(20):  # warm both connection pools
                await client.post(url, headers=headers, json=body)
                await prober.send(request)
            for _ in range(samples):  # interleaved, so drift on a shared machine hits both alike
                start = time.perf_counter()
                response = await client.post(url, headers=headers, json=body)
                response.raise_for_status()
                bare_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                obs = await prober.send(request)
                harness_times.append(time.perf_counter() - start)
                assert obs.status == 200
    return {"bare_ms": statistics.median(bare_times) * 1000, "harness_ms": statistics.median(harness_times) * 1000}


def suite_seconds(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--skip-suite", action="store_true", help="skip the (slow) test-suite timing")
    args = parser.parse_args()

    c = concurrency_figures(args.repeats)
    print("20 targets, emulator adds 300 ms to every response (Anthropic smoke ladder: 5 requests per target)")
    print(f"  one target alone            {c['single']:6.2f} s   (median of {args.repeats})")
    print(f"  20 targets concurrently     {c['concurrent']:6.2f} s   (median of {args.repeats}); "
          f"{c['concurrent'] / c['single']:.2f}x one target")
    print(f"  20 targets one after other  {c['sequential']:6.2f} s   (once); concurrent is "
          f"{c['concurrent'] / c['sequential']:.3f} of it")
    o = asyncio.run(overhead_figures(args.samples))
    print(f"harness overhead, median of {args.samples} interleaved count_tokens probes to the emulator")
    print(f"  bare httpx {o['bare_ms']:.2f} ms, through the harness {o['harness_ms']:.2f} ms: "
          f"ratio {o['harness_ms'] / o['bare_ms']:.2f}")
    mocked = suite_seconds(["--pyargs", "claude_harness_suites", "--harness-mocked", "--harness-profile", "full"])
    print(f"mocked suites (3 providers, full profile, 57 tests): {mocked:.1f} s wall")
    if not args.skip_suite:
        print(f"the project's own tests (pytest tests): {suite_seconds(['tests']):.1f} s wall")


if __name__ == "__main__":
    main()
