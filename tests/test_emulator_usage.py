"""Usage that apps read: prompt caching on an injected clock, streamed usage as the API sends it, and token counts
that include images, documents and tools (issue 24, item 2)."""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from harness.emulator import EmulatorSettings, RunningEmulator
from harness.emulator.caching import PromptCache
from harness.emulator.usage import Segment, image_size, image_tokens, input_tokens


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))


LONG = "The quick brown fox jumps over the lazy dog. " * 500  # ~5,600 tokens: above every cache minimum
SYSTEM = [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral"}}]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def claude(clock: FakeClock) -> Iterator[anthropic.Anthropic]:
    with RunningEmulator(EmulatorSettings(clock=clock)) as running, \
            anthropic.Anthropic(api_key="any-key", base_url=running.url, max_retries=0) as client:
        yield client


def ask(claude: anthropic.Anthropic, question: str, system: Any = SYSTEM, model: str = "claude-sonnet-4-6") -> Any:
    return claude.messages.create(model=model, max_tokens=64, system=system,
                                  messages=[{"role": "user", "content": question}]).usage


def test_first_call_writes_the_cache_and_a_repeat_reads_it(claude: anthropic.Anthropic, clock: FakeClock) -> None:
    first = ask(claude, "Summarise.")
    assert first.cache_creation_input_tokens > 4000 and first.cache_read_input_tokens == 0
    assert first.cache_creation.ephemeral_5m_input_tokens == first.cache_creation_input_tokens
    clock.now += 299
    second = ask(claude, "A different question after the cached prefix.")
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens
    assert second.cache_creation_input_tokens == 0
    counted = claude.messages.count_tokens(model="claude-sonnet-4-6", system=SYSTEM,  # type: ignore[arg-type]
                                           messages=[{"role": "user", "content": "Summarise."}])
    assert counted.input_tokens == first.input_tokens + first.cache_creation_input_tokens


def test_the_entry_expires_after_its_ttl_and_a_hit_refreshes_it(claude: anthropic.Anthropic,
                                                                clock: FakeClock) -> None:
    ask(claude, "one")
    clock.now += 250
    assert ask(claude, "two").cache_read_input_tokens > 0  # refreshed: 5 more minutes from here
    clock.now += 250
    assert ask(claude, "three").cache_read_input_tokens > 0
    clock.now += 301
    expired = ask(claude, "four")
    assert expired.cache_read_input_tokens == 0 and expired.cache_creation_input_tokens > 0


def test_one_hour_ttl_and_per_model_caches(claude: anthropic.Anthropic, clock: FakeClock) -> None:
    hour = [{"type": "text", "text": LONG, "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
    assert ask(claude, "a", hour).cache_creation.ephemeral_1h_input_tokens > 0
    clock.now += 1800
    assert ask(claude, "b", hour).cache_read_input_tokens > 0
    assert ask(claude, "c", hour, model="claude-opus-4-6").cache_read_input_tokens == 0  # another model's cache


def test_a_prefix_below_the_model_minimum_is_not_cached(claude: anthropic.Anthropic) -> None:
    short = [{"type": "text", "text": "x" * 3000, "cache_control": {"type": "ephemeral"}}]  # ~750 tokens
    usage = ask(claude, "hi", short)
    assert usage.cache_creation_input_tokens == 0 and usage.cache_read_input_tokens == 0


def test_top_level_cache_control_caches_the_conversation(claude: anthropic.Anthropic) -> None:
    messages = [{"role": "user", "content": LONG}]
    first = claude.messages.create(model="claude-sonnet-4-6", max_tokens=16, messages=messages,  # type: ignore[arg-type]
                                   extra_body={"cache_control": {"type": "ephemeral"}})
    again = claude.messages.create(model="claude-sonnet-4-6", max_tokens=16, messages=messages,  # type: ignore[arg-type]
                                   extra_body={"cache_control": {"type": "ephemeral"}})
    assert first.usage.cache_creation_input_tokens > 0
    assert again.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens


def test_streamed_usage_carries_input_tokens_in_start_and_delta(claude: anthropic.Anthropic) -> None:
    ask(claude, "warm the cache")
    with claude.messages.stream(model="claude-sonnet-4-6", max_tokens=64, system=SYSTEM,  # type: ignore[arg-type]
                                messages=[{"role": "user", "content": "stream it"}]) as stream:
        events = list(stream)
        final = stream.get_final_message()
    start = next(e for e in events if e.type == "message_start")
    delta = next(e for e in events if e.type == "message_delta")
    assert start.message.usage.input_tokens > 0
    assert delta.usage.input_tokens == start.message.usage.input_tokens
    assert delta.usage.cache_read_input_tokens == start.message.usage.cache_read_input_tokens > 0
    assert final.usage.output_tokens == delta.usage.output_tokens > 0


def test_the_cache_is_bounded() -> None:
    clock = FakeClock()
    cache = PromptCache(clock, max_entries=8)
    for n in range(50):
        cache.account("m", [Segment(5000, f"prefix-{n}", {"type": "ephemeral"})], 1024)
    assert len(cache) == 8


def test_images_documents_and_tools_count() -> None:
    assert image_size(png(1000, 750)) == (1000, 750)
    assert image_tokens(1000, 750) == 1000  # width * height / 750
    assert image_tokens(3136, 3136) == image_tokens(1568, 1568)  # downscaled to the 1568 px long edge
    text = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    image = {"model": "m", "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                     "data": base64.b64encode(png(1000, 750)).decode()}},
        {"type": "text", "text": "hi"}]}]}
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Pages /Count 2 >>\n2 0 obj << /Type /Page >>\n3 0 obj << /Type /Page >>"
    document = {"model": "m", "messages": [{"role": "user", "content": [
        {"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
                                        "data": base64.b64encode(pdf).decode()}},
        {"type": "text", "text": "hi"}]}]}
    tools = {**text, "tools": [{"name": "get_weather", "input_schema": {"type": "object"}}]}
    base = input_tokens(text)
    assert input_tokens(image) - base == 1000  # the image; the text costs the same in both
    assert input_tokens(document) - base >= 4000  # two pages
    assert input_tokens(tools) - base > 346  # the tool-use system prompt plus the definition


def test_earlier_thinking_is_not_counted_but_the_tool_loop_turn_is() -> None:
    thought = {"type": "thinking", "thinking": "t" * 4000, "signature": "sig"}
    call = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}
    earlier = {"model": "m", "messages": [
        {"role": "user", "content": "q"}, {"role": "assistant", "content": [thought, {"type": "text", "text": "a"}]},
        {"role": "user", "content": "next"}]}
    looping = {"model": "m", "messages": [
        {"role": "user", "content": "q"}, {"role": "assistant", "content": [thought, call]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}]}
    without = {"model": "m", "messages": [
        {"role": "user", "content": "q"}, {"role": "assistant", "content": [{"type": "text", "text": "a"}]},
        {"role": "user", "content": "next"}]}
    assert input_tokens(earlier) == input_tokens(without)
    assert input_tokens(looping) > input_tokens(without) + 900
