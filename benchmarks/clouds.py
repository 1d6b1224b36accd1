"""What the clouds cost: a smoke check per provider on the loopback emulator, and the two per-request extras.

    python -m benchmarks.clouds [--repeats 15]

1. `claude-harness check --emulator --provider P` as a user runs it (a fresh process, defaults), for each of
   the five providers, interleaved; medians and the ratio to the Anthropic API's check.
2. Per request: SigV4 signing of a message request, and decoding one Bedrock event stream against parsing the
   same events as SSE (the Anthropic API's framing), medians over many runs in this process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from harness import eventstream
from harness.cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from harness.emulator import responses
from harness.providers import sigv4
from harness.providers.bedrock.emulator import to_event_stream
from harness.sse import SSEDecoder

PROVIDERS = ("anthropic", "foundry", "openrouter", "bedrock", "vertex")


def _script() -> list[str]:
    found = shutil.which("claude-harness")
    return [found] if found else [sys.executable, "-m", "claude_harness"]


def _check(provider: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([*_script(), "check", "--emulator", "--provider", provider, "--report-dir", tmp], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        return time.perf_counter() - start


def _median_us(work: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {p: [] for p in PROVIDERS}
    for _ in range(args.repeats):  # interleaved: drift on a shared machine hits every provider alike
        for provider in PROVIDERS:
            samples[provider].append(_check(provider))
    base = statistics.median(samples["anthropic"])
    print(f"{'check --emulator --provider':<30} {'median':>9} {'vs anthropic':>13}")
    for provider, values in samples.items():
        median = statistics.median(values)
        print(f"{provider:<30} {median * 1000:>7.0f} ms {median / base:>12.2f}x")

    body = b'{"anthropic_version":"bedrock-2023-05-31","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}'
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-haiku-4-5-20251001-v1:0/invoke"
    keys = sigv4.AwsKeys(EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY)
    now = dt.datetime.now(dt.timezone.utc)
    signing = _median_us(lambda: sigv4.sign("POST", url, {"content-type": "application/json"}, body, keys,
                                            "us-east-1", "bedrock", now), 5000)
    sse = responses.anthropic_stream("msg_bench", "m", {"max_tokens": 16, "messages": [
        {"role": "user", "content": "hi"}]})
    framed = b"".join(to_event_stream(sse))
    flat = b"".join(sse)

    def decode_frames() -> object:
        return [eventstream.to_event(f) for f in eventstream.EventStreamDecoder().feed(framed)]

    def parse_sse() -> object:
        decoder = SSEDecoder()
        return decoder.feed(flat) + decoder.close()

    frames_us, sse_us = _median_us(decode_frames, 3000), _median_us(parse_sse, 3000)
    print(f"\nSigV4 signing of one message request: {signing:.0f} µs (median of 5000)")
    print(f"one {len(sse)}-event stream: AWS event stream {frames_us:.0f} µs, SSE {sse_us:.0f} µs "
          f"({frames_us / sse_us:.2f}x; medians of 3000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
