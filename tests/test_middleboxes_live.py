"""Real nginx, HAProxy, squid and mitmproxy on 127.0.0.1 in front of the emulator: every case of
tests/middleboxes/run.py gets its expected root cause (healthy, each failure, the fix applied). Skipped, naming
what is missing, where the servers are not installed (apt-get install nginx haproxy squid; pip install
'mitmproxy>=11,<12' or HARNESS_MITMDUMP=/path/to/mitmdump)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.middleboxes.run import Lab, cases, correct, missing, run_case

CASES = cases()


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    if all(missing(server) for server in ("nginx", "haproxy", "squid", "mitmproxy")):
        pytest.skip("no middlebox installed: " + "; ".join(str(missing(s)) for s in ("nginx", "haproxy", "squid",
                                                                                        "mitmproxy")))
    with tempfile.TemporaryDirectory(prefix="middleboxes-") as tmp, Lab(Path(tmp)) as running:
        yield running


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{c.server}-{c.name}" for c in CASES])
def test_middlebox_case(index: int, lab: Lab) -> None:
    case = CASES[index]
    reason = missing(case.server)
    if reason:
        pytest.skip(reason)
    result = run_case(lab, case)
    assert correct(result), result["seen"]
