"""OpenRouter's reasoning parameter answered with reasoning text, details and token counts (issue 24)."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from harness.emulator import EmulatorSettings, RunningEmulator

HELLO = [{"role": "user", "content": "Hello"}]


@pytest.fixture(scope="module")
def router() -> Iterator[openai.OpenAI]:
    with RunningEmulator(EmulatorSettings()) as emu, \
            openai.OpenAI(api_key="sk-or-any", base_url=f"{emu.url}/api/v1", max_retries=0) as client:
        yield client


def test_reasoning_effort_answers_reasoning_and_counts_it(router: openai.OpenAI) -> None:
    plain = router.chat.completions.create(model="anthropic/claude-sonnet-4.6", messages=HELLO)  # type: ignore[arg-type]
    thought = router.chat.completions.create(model="anthropic/claude-sonnet-4.6", messages=HELLO,  # type: ignore[arg-type]
                                             extra_body={"reasoning": {"effort": "high"}})
    message = thought.choices[0].message.model_dump()
    assert message["reasoning"] and message["reasoning_details"][0]["type"] == "reasoning.text"
    assert message["reasoning_details"][0]["signature"]
    assert message["content"] == plain.choices[0].message.content
    assert thought.usage is not None and plain.usage is not None
    reasoning = thought.usage.completion_tokens_details.reasoning_tokens  # type: ignore[union-attr]
    assert reasoning and thought.usage.completion_tokens == plain.usage.completion_tokens + reasoning


def test_excluded_reasoning_is_counted_but_not_returned(router: openai.OpenAI) -> None:
    answer = router.chat.completions.create(model="anthropic/claude-sonnet-4.6", messages=HELLO,  # type: ignore[arg-type]
                                            extra_body={"reasoning": {"max_tokens": 2000, "exclude": True}})
    assert answer.choices[0].message.model_dump().get("reasoning") is None
    assert answer.usage.completion_tokens_details.reasoning_tokens  # type: ignore[union-attr]


def test_streamed_reasoning_comes_before_the_text(router: openai.OpenAI) -> None:
    chunks = list(router.chat.completions.create(model="anthropic/claude-sonnet-4.6", messages=HELLO,  # type: ignore[arg-type]
                                                 stream=True, extra_body={"reasoning": {"enabled": True}}))
    deltas = [c.choices[0].delta.model_dump() for c in chunks if c.choices]
    assert deltas[0].get("reasoning") and not deltas[0].get("content")
    assert "".join(d.get("content") or "" for d in deltas)
