"""How long the light commands take to start, against importing httpx alone (the same run, interleaved).

    python -m benchmarks.cli_startup [--repeats 21]

Each sample is a fresh process: `claude-harness --help`, `claude-harness explain '…'`, and the baseline
`python -c "import httpx"`. Medians and ratios to the baseline are printed (target: --help at most 2×).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

EXPLAIN = 'HTTP/1.1 401 Unauthorized\n\n{"type":"error","error":{"type":"authentication_error","message":"x"}}'


def _script() -> list[str]:
    found = shutil.which("claude-harness")
    return [found] if found else [sys.executable, "-m", "claude_harness"]


def _once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    commands = {
        "python -c 'import httpx' (baseline)": [sys.executable, "-c", "import httpx"],
        "claude-harness --help": [*_script(), "--help"],
        "claude-harness explain '<401>'": [*_script(), "explain", EXPLAIN],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeats):  # interleaved, so drift on a shared machine hits every command alike
        for name, argv in commands.items():
            samples[name].append(_once(argv))
    baseline = statistics.median(next(iter(samples.values())))
    print(f"{'command':<40} {'median':>9} {'vs baseline':>12}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<40} {median * 1000:>7.0f} ms {median / baseline:>11.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
