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


@pytest.mark.parametrize(("stalls", "judged"), [
    ([], True),  # the prober was listening: the wire held the events back
    ([[905.0, 120.0]], False),  # its loop stalled just as they were read: they may have come apart on the wire
    ([[100.0, 80.0], [300.0, 90.0], [500.0, 80.0]], False),  # stalled for over a quarter of the wait
    ([[100.0, 20.0], [400.0, 25.0], [902.0, 21.0]], True),  # a loaded machine's ordinary jitter
])
def test_events_read_together_after_the_probers_own_stall_are_not_called_buffered(stalls: list[list[float]],
                                                                                   judged: bool) -> None:
    obs = _stream([900.0] * 8 + [901.0], 6)
    obs.details["loop_stalls"] = stalls
    verdict = judge_buffering(obs, COMPLETED, "full")
    assert (verdict.cause == "stream.buffered") is judged
    assert judged or (verdict.passed and "buffering on the path was not judged" in verdict.message)


def test_the_stall_watch_sees_a_blocked_event_loop() -> None:
    import asyncio
    import time

    from harness.stall import StallWatch

    async def blocked_then_idle() -> StallWatch:
        watch = StallWatch(time.perf_counter())
        async with watch.watching():
            await asyncio.sleep(0.02)
            time.sleep(0.08)  # a CPU-bound step holding the loop
            await asyncio.sleep(0.02)
        return watch

    stalls = asyncio.run(blocked_then_idle()).stalls
    assert any(lasted >= 60 for _, lasted in stalls), stalls



def _sse_body() -> bytes:
    names = ["message_start", "content_block_start"] + ["content_block_delta"] * 6 + ["message_stop"]
    return b"".join(f"event: {n}\ndata: {DELTA if n == 'content_block_delta' else '{}'}\n\n".encode() for n in names)


@pytest.mark.parametrize(("held_by", "buffered"), [("the wire", True), ("the prober's own loop", False)])
def test_the_probe_tells_a_stream_held_on_the_wire_from_one_its_own_loop_was_too_busy_to_read(
        held_by: str, buffered: bool) -> None:
    import asyncio
    import time
    from collections.abc import AsyncIterator

    import httpx

    from harness.checks.buffering import buffered_span
    from harness.probe import Prober, ProbeRequest
    from harness.redact import Redactor

    class Held(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            if held_by == "the wire":
                await asyncio.sleep(0.35)  # the prober listens; nothing arrives
            else:
                time.sleep(0.35)  # the prober's loop is held up: whatever came meanwhile is read at once
            yield _sse_body()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Held())

    async def send() -> Observation:
        async with Prober(Redactor(), transport=httpx.MockTransport(handler)) as prober:
            return await prober.send(ProbeRequest("stream", "POST", "https://h.test/v1/messages", {}, {"a": 1},
                                                  stream=True))

    obs = asyncio.run(send())
    assert len(obs.events) == 9 and isinstance(obs.details["loop_stalls"], list)
    assert (buffered_span(obs) is not None) is buffered, obs.details["loop_stalls"]
