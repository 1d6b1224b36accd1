"""The SSE decoder gives identical events for any split of the byte stream."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.emulator.responses import anthropic_stream
from harness.providers.openrouter.emulator import openrouter_stream
from harness.sse import ServerSentEvent, SSEDecoder, decode_all

ANTHROPIC = b"".join(anthropic_stream("msg_1", "m", {"max_tokens": 8, "messages": [{"role": "user", "content": "hé"}]}))
OPENROUTER = b"".join(openrouter_stream("gen-1", "m", {"max_tokens": 8, "messages": []}))


def decode_in_pieces(data: bytes, cuts: list[int]) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    start = 0
    for cut in sorted(set(cuts)):
        events += decoder.feed(data[start:cut])
        start = cut
    events += decoder.feed(data[start:])
    return events + decoder.close()


@settings(max_examples=300)
@given(st.sampled_from([ANTHROPIC, OPENROUTER, ANTHROPIC.replace(b"\n", b"\r\n"), OPENROUTER.replace(b"\n", b"\r")]),
       st.lists(st.integers(min_value=0, max_value=len(ANTHROPIC) + 10), max_size=40))
def test_any_split_decodes_identically(data: bytes, cuts: list[int]) -> None:
    assert decode_in_pieces(data, cuts) == decode_all(data)


@settings(max_examples=300)
@given(st.binary(max_size=400), st.lists(st.integers(min_value=0, max_value=400), max_size=20))
def test_arbitrary_bytes_never_raise_and_split_invariant(data: bytes, cuts: list[int]) -> None:
    assert decode_in_pieces(data, cuts) == decode_all(data)


def test_named_events_multiline_data_and_comments() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b": OPENROUTER PROCESSING\n\nevent: ping\ndata: a\ndata: b\nid: 7\nretry: 10\n\n")
    assert events == [ServerSentEvent(event="ping", data="a\nb", id="7", retry=10)]
    assert decoder.comments == ["OPENROUTER PROCESSING"]


def test_anthropic_transcript_has_the_documented_grammar() -> None:
    names = [e.event for e in decode_all(ANTHROPIC)]
    assert names[0] == "message_start" and names[-1] == "message_stop"
    assert names[-2] == "message_delta" and "ping" in names


def test_line_without_final_newline_is_kept() -> None:
    assert decode_all(b"data: [DONE]") == [ServerSentEvent(event=None, data="[DONE]")]


def test_utf8_split_inside_a_character() -> None:
    data = "data: héllo\n\n".encode()
    cut = data.index("é".encode()) + 1
    assert decode_in_pieces(data, [cut]) == [ServerSentEvent(event=None, data="héllo")]
