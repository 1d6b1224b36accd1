"""The buffered-stream judge: events that all arrive at once long after the request are buffered; a fast stream,
a paced one, or one too short to tell is not."""

from __future__ import annotations

import json

import pytest

from harness.checks.basic import Verdict
from harness.checks.buffering import judge_buffering
from harness.observation import Observation, TimedEvent
from harness.sse import ServerSentEvent

DELTA = json.dumps({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "x"}})


def _stream(arrivals: list[float], deltas: int) -> Observation:
    names = ["message_start", "content_block_start"] + ["content_block_delta"] * deltas + ["message_stop"]
    obs = Observation(probe="stream", method="POST", url="http://127.0.0.1/v1/messages", status=200, streamed=True)
    obs.events = [TimedEvent(at, ServerSentEvent(event=name, data=DELTA if name == "content_block_delta" else "{}"))
                  for at, name in zip(arrivals, names, strict=True)]
    obs.timings.ttfb_ms = arrivals[0]
    return obs


COMPLETED = Verdict.ok("stream returned text")


@pytest.mark.parametrize(("arrivals", "deltas", "buffered"), [
    ([900.0] * 8 + [901.0], 6, True),  # all at once, 0.9 s after the request
    ([5.0] * 9, 6, False),  # all at once but right away: a fast answer, nothing held back
    ([300.0 + 40 * i for i in range(9)], 6, False),  # paced as generated
    ([2000.0] * 5, 2, False),  # two deltas: too short to tell
])
def test_buffered_streams_are_told_from_fast_and_paced_ones(arrivals: list[float], deltas: int,
                                                           buffered: bool) -> None:
    smoke = judge_buffering(_stream(arrivals, deltas), COMPLETED, "smoke")
    full = judge_buffering(_stream(arrivals, deltas), COMPLETED, "full")
    if buffered:
        assert smoke.passed and smoke.warning and smoke.cause == "stream.buffered"
        assert not full.passed and full.cause == "stream.buffered" and "proxy_buffering" in full.message
    else:
        assert smoke == COMPLETED and full == COMPLETED


def test_a_failed_stream_keeps_its_own_verdict() -> None:
    failed = Verdict(False, "stream ended early", "conformance.stream")
    assert judge_buffering(_stream([900.0] * 9, 6), failed, "full") is failed
