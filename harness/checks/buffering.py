"""Is the stream delivered as it is generated, or held back and delivered at once (pure)?

A stream's events are generated over time (the decode of every token takes milliseconds); a buffering proxy
(nginx's proxy_buffering, gzip on text/event-stream, an HTTP/1.0 upstream, a content-scanning proxy) holds them
and sends them together at the end. With enough content events to tell, events that all arrive within a few
milliseconds, long after the request, were buffered. Too short a stream to tell is never judged, nor one whose events
were read just after the prober's own event loop stalled (``loop_stalls``, from harness/stall.py): they may have
come apart on the wire and been read together.
"""

from __future__ import annotations

from dataclasses import replace

from ..observation import Observation
from ..stall import stall_explains
from .basic import Verdict

MIN_CONTENT_EVENTS = 4  # fewer deltas can come in one burst from the provider itself
MAX_SPAN_MS = 10.0  # every event within this: delivered at once
MIN_WAIT_MS = 300.0  # and after this long: held back, not merely fast


def _read_at_once(obs: Observation) -> tuple[float, float] | None:
    """(span, when the last arrived) in ms when every event was read together long after the request, else None."""
    content = [e for e in obs.events if e.event.event in ("content_block_delta", "")  # OpenAI chunks have no name
               or '"delta"' in e.event.data]
    if len(content) < MIN_CONTENT_EVENTS or len(obs.events) < 2:
        return None
    first, last = obs.events[0].at_ms, obs.events[-1].at_ms
    return (last - first, last) if last - first <= MAX_SPAN_MS and last >= MIN_WAIT_MS else None


def _stalled(obs: Observation, at_once: tuple[float, float]) -> bool:
    return stall_explains(obs.details.get("loop_stalls", []), obs.events[0].at_ms, at_once[1], MAX_SPAN_MS)


def buffered_span(obs: Observation) -> tuple[float, float] | None:
    """(span of the events' arrival, when the last arrived) in ms, when the stream was held back; else None."""
    at_once = _read_at_once(obs)
    return at_once if at_once is not None and not _stalled(obs, at_once) else None


def judge_buffering(obs: Observation, completes: Verdict, profile: str) -> Verdict:
    """A stream that completed but arrived all at once: a warning in smoke, a failure in full (stream.buffered)."""
    if not completes.passed or completes.warning or not obs.ok:
        return completes
    found = _read_at_once(obs)
    if found is None:
        return completes
    if _stalled(obs, found):  # said, so a buffering proxy on a busy machine is not taken for a clean path
        return replace(completes, message=f"{completes.message}; its events were read together just after this "
                       "machine kept the prober from reading, so buffering on the path was not judged")
    span, last = found
    ttfb = obs.timings.ttfb_ms or 0.0
    message = (f"{completes.message}; but all {len(obs.events)} events arrived within {span:.0f} ms, {last:.0f} ms "
               f"after the request (first byte at {ttfb:.0f} ms): something on the path buffers the stream "
               "(stream.buffered: nginx proxy_buffering off and proxy_http_version 1.1, no gzip on "
               "text/event-stream)")
    if profile == "full":
        return Verdict(False, message, "stream.buffered")
    return Verdict.warn(message, "stream.buffered")
