"""Fuzzing the pure core with arbitrary bytes: nothing raises, everything classifies.

    HARNESS_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py -q     # the documented long run

Without the variable each property runs 200 examples, as part of the normal test run.
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harness.checks.basic import message_has_text_and_usage, stream_completes
from harness.checks.grammar import check_anthropic_stream, check_openrouter_stream
from harness.diagnosis import Evidence, catalogue, classify
from harness.explain import explain_text
from harness.observation import Observation, TimedEvent
from harness.sse import SSEDecoder, decode_all

EXAMPLES = int(os.environ.get("HARNESS_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

EVENT_NAMES = st.sampled_from(["message_start", "content_block_start", "content_block_delta", "content_block_stop",
                               "message_delta", "message_stop", "ping", "error", "weird", None])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "index", "delta", "usage", "message", "error", "choices", "text", "content",
                         "output_tokens", "input_tokens", "stop_reason", "code"]) | st.text(max_size=6),
        children, max_size=5),
    max_leaves=25,
)
sse_like = st.lists(
    st.tuples(EVENT_NAMES, json_values | st.text(max_size=30)).map(
        lambda pair: (f"event: {pair[0]}\n" if pair[0] else "")
        + f"data: {pair[1] if isinstance(pair[1], str) else json.dumps(pair[1])}\n\n"),
    max_size=12,
).map(lambda parts: "".join(parts).encode())


def observation(data: bytes, *, streamed: bool) -> Observation:
    events = [TimedEvent(float(i), e) for i, e in enumerate(decode_all(data))]
    return Observation(probe="stream" if streamed else "message", method="POST", url="u", status=200,
                       headers={"content-type": "text/event-stream" if streamed else "application/json"},
                       body_text=data.decode("utf-8", "replace"), events=events, streamed=streamed)


@FUZZ
@given(st.binary(max_size=2000) | sse_like, st.lists(st.integers(min_value=0, max_value=2000), max_size=30))
def test_sse_decoder_total_and_split_invariant(data: bytes, cuts: list[int]) -> None:
    decoder = SSEDecoder()
    events = []
    start = 0
    for cut in sorted(set(cuts)):
        events += decoder.feed(data[start:cut])
        start = cut
    events += decoder.feed(data[start:]) + decoder.close()
    assert events == decode_all(data)


@FUZZ
@given(st.binary(max_size=2000) | sse_like)
@example(b'data:{"choices":1}')  # found by the long fuzz run: a non-list choices crashed the reader
@example(b'data:{"type":[]}')  # found by the long fuzz run: a non-string event type crashed the grammar
def test_stream_judges_never_raise(data: bytes) -> None:
    obs = observation(data, streamed=True)
    for wire in ("anthropic-messages", "openai-chat"):
        verdict = stream_completes(obs, wire, "anthropic", "x-api-key")  # type: ignore[arg-type]
        assert verdict.passed or verdict.cause
    events = [t.event for t in obs.events]
    check_anthropic_stream(events)
    check_openrouter_stream(events)


@FUZZ
@given(st.binary(max_size=2000) | json_values.map(lambda v: json.dumps(v).encode()))
def test_message_judge_never_raises(data: bytes) -> None:
    obs = observation(data, streamed=False)
    for wire in ("anthropic-messages", "openai-chat"):
        verdict = message_has_text_and_usage(obs, wire, "openrouter", "bearer")  # type: ignore[arg-type]
        assert verdict.passed or verdict.cause


@FUZZ
@given(st.none() | st.integers(min_value=0, max_value=999), st.binary(max_size=500) | json_values,
       st.sampled_from(["foundry", "anthropic", "openrouter"]), st.sampled_from(["api-key", "bearer", "entra"]),
       st.booleans())
def test_classifier_total_over_arbitrary_evidence(status: int | None, body: Any, provider: str, auth: str,
                                                  after_200: bool) -> None:
    result = classify(Evidence(provider=provider, auth=auth, status=status, body=body, after_200=after_200))
    assert result.cause in catalogue()


@FUZZ
@given(st.text(max_size=500))
def test_explain_never_raises(text: str) -> None:
    assert explain_text(text, provider="foundry", auth=None)["cause"] in catalogue()
