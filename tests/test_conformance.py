"""Each full-profile rule passes on a conformant fixture and fails, with its cause and a
precise message, on a minimally broken one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from harness.checks.conformance import JUDGES, Observed
from tests.conformance_fixtures import edit_body, edit_events, observed

PROVIDERS = ["foundry", "anthropic", "openrouter"]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("check_id", sorted(JUDGES))
def test_conformant_fixtures_pass(provider: str, check_id: str) -> None:
    verdict = JUDGES[check_id](observed(provider))
    assert verdict.passed, verdict.message


def replace(o: Observed, **fields: Any) -> Observed:
    return dataclasses.replace(o, **fields)


def drop(key: str) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        target = body
        *path, last = key.split(".")
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]
    return change


def set_(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        target = body
        *path, last = key.split(".")
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return change


def names(items: list[list[Any]]) -> list[str]:
    return [n for n, _ in items]


def remove_event(name: str) -> Callable[[list[list[Any]]], None]:
    def change(items: list[list[Any]]) -> None:
        index = names(items).index(name)
        del items[index]
    return change


def remove_done(items: list[list[Any]]) -> None:
    items[:] = [i for i in items if i[1] != "[DONE]"]


def remove_usage_chunk(items: list[list[Any]]) -> None:
    items[:] = [i for i in items if not (isinstance(i[1], dict) and i[1].get("usage"))]


def second_block_index(items: list[list[Any]]) -> None:
    for item in items:
        if item[0] in ("content_block_start", "content_block_delta", "content_block_stop"):
            item[1]["index"] = 1


def error_after_start(items: list[list[Any]]) -> None:
    items[2:] = [["error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}]]


def decreasing_usage(items: list[list[Any]]) -> None:
    index = names(items).index("message_delta")
    first = {"type": "message_delta", "delta": {"stop_reason": None}, "usage": {"output_tokens": 5}}
    items[index][1]["usage"]["output_tokens"] = 3
    items.insert(index, ["message_delta", first])


def double_input(items: list[list[Any]]) -> None:
    items[0][1]["message"]["usage"]["input_tokens"] *= 2


def double_usage_chunk(items: list[list[Any]]) -> None:
    usage = next(i for i in items if isinstance(i[1], dict) and i[1].get("usage"))
    items.insert(items.index(usage), [None, usage[1]])


def text_delta_without_text(items: list[list[Any]]) -> None:
    delta = next(i for i in items if i[0] == "content_block_delta")
    del delta[1]["delta"]["text"]


def chunk_choices_not_list(items: list[list[Any]]) -> None:
    first = next(i for i in items if isinstance(i[1], dict))
    first[1]["choices"] = {"0": "x"}


CASES: list[tuple[str, str, Callable[[Observed], Observed], str, str]] = [
    ("schema.message", "anthropic", lambda o: replace(o, message=edit_body(o.message, drop("usage.output_tokens"))),
     "conformance.schema", "$.usage: 'output_tokens' is a required property"),
    ("schema.message", "foundry", lambda o: replace(o, message=edit_body(o.message, set_("stop_reason", None))),
     "conformance.schema", "$.stop_reason: None is not of type 'string'"),
    ("schema.message", "openrouter", lambda o: replace(o, message=edit_body(o.message, set_("object", "x"))),
     "conformance.schema", "$.object: 'chat.completion' was expected"),
    ("schema.stream-events", "anthropic", lambda o: replace(o, stream=edit_events(o.stream, text_delta_without_text)),
     "conformance.schema", "does not match ContentBlockDeltaEvent: $.delta: 'text' is a required property"),
    ("schema.stream-events", "openrouter", lambda o: replace(o, stream=edit_events(o.stream, chunk_choices_not_list)),
     "conformance.schema", "$.choices: {'0': 'x'} is not of type 'array'"),
    ("schema.auxiliary", "foundry",
     lambda o: replace(o, auxiliary=[edit_body(o.auxiliary[0], set_("input_tokens", "12"))]),
     "conformance.schema", "$.input_tokens: '12' is not of type 'integer'"),
    ("schema.auxiliary", "openrouter",
     lambda o: replace(o, auxiliary=[o.auxiliary[0], edit_body(o.auxiliary[1], drop("data.0.id"))]),
     "conformance.schema", "$.data[0]: 'id' is a required property"),
    ("stream.grammar", "anthropic", lambda o: replace(o, stream=edit_events(o.stream, remove_event("message_stop"))),
     "conformance.stream", "without message_stop"),
    ("stream.grammar", "foundry", lambda o: replace(o, stream=edit_events(o.stream, second_block_index)),
     "conformance.stream", "block index 1, expected 0"),
    ("stream.grammar", "anthropic", lambda o: replace(o, stream=edit_events(o.stream, remove_event("message_delta"))),
     "conformance.stream", "message_stop without a message_delta"),
    ("stream.grammar", "anthropic", lambda o: replace(o, stream=edit_events(o.stream, error_after_start)),
     "stream.error-event", "an error event after HTTP 200: overloaded_error"),
    ("stream.grammar", "openrouter", lambda o: replace(o, stream=edit_events(o.stream, remove_done)),
     "conformance.stream", "without data: [DONE]"),
    ("stream.grammar", "openrouter", lambda o: replace(o, stream=edit_events(o.stream, remove_usage_chunk)),
     "conformance.stream", "no final usage chunk"),
    ("usage.message", "anthropic", lambda o: replace(o, max_tokens=2), "conformance.max-tokens",
     "output tokens 6 exceed max_tokens 2"),
    ("usage.message", "openrouter",
     lambda o: replace(o, message=edit_body(o.message, set_("usage.total_tokens", 1))), "conformance.usage",
     "total_tokens 1 != prompt_tokens 19 + completion_tokens 6"),
    ("usage.message", "foundry",
     lambda o: replace(o, message=edit_body(o.message, set_("usage.input_tokens", -1))), "conformance.usage",
     "usage.input_tokens is negative (-1)"),
    ("usage.stream", "anthropic", lambda o: replace(o, stream=edit_events(o.stream, decreasing_usage)),
     "conformance.usage", "output_tokens decrease: [5, 3]"),
    ("usage.stream", "openrouter", lambda o: replace(o, stream=edit_events(o.stream, double_usage_chunk)),
     "conformance.usage", "usage exactly once, in the final chunk; it came 2 times"),
    ("usage.stream-vs-message", "foundry", lambda o: replace(o, stream=edit_events(o.stream, double_input)),
     "conformance.usage", "19 input tokens unstreamed and 38 streamed (about double"),
    ("usage.max-tokens", "anthropic",
     lambda o: replace(o, truncated=edit_body(o.truncated, set_("stop_reason", "end_turn"))),
     "conformance.max-tokens", "the stop reason is 'end_turn', expected 'max_tokens': max_tokens was ignored"),
    ("usage.max-tokens", "openrouter",
     lambda o: replace(o, truncated=edit_body(o.truncated, set_("choices.0.finish_reason", "stop"))),
     "conformance.max-tokens", "expected 'length'"),
    ("headers.request-id", "foundry",
     lambda o: replace(o, stream=dataclasses.replace(o.stream, headers={"request-id": "r"})),
     "conformance.headers", "the stream response lacks apim-request-id"),
    ("headers.rate-limit", "anthropic",
     lambda o: replace(o, message=dataclasses.replace(o.message, headers={**o.message.headers,
                                                                          "anthropic-ratelimit-requests-limit": "x"})),
     "conformance.headers", "anthropic-ratelimit-requests-limit: 'x' is not a whole number"),
    ("headers.rate-limit", "anthropic",
     lambda o: replace(o, message=dataclasses.replace(o.message, headers={**o.message.headers,
                                                                          "anthropic-ratelimit-tokens-reset": "soon"})),
     "conformance.headers", "'soon' is not an RFC 3339 time"),
    ("headers.rate-limit", "openrouter",
     lambda o: replace(o, bad_key=dataclasses.replace(o.bad_key, headers={"retry-after": "later"})),  # type: ignore[arg-type]
     "conformance.headers", "retry-after 'later' on bad_key is neither seconds nor an HTTP date"),
    ("errors.bad-key", "anthropic", lambda o: replace(o, bad_key=dataclasses.replace(o.bad_key, status=200)),  # type: ignore[arg-type]
     "conformance.errors", "a deliberately wrong credential got HTTP 200 at POST /invalid-key, expected 401"),
    ("errors.bad-key", "openrouter", lambda o: replace(o, bad_key=edit_body(o.bad_key, drop("error.message"))),  # type: ignore[arg-type]
     "conformance.errors", "$.error: 'message' is a required property"),
    ("errors.bad-model", "openrouter", lambda o: replace(o, bad_model=dataclasses.replace(o.bad_model, status=404)),  # type: ignore[arg-type]
     "conformance.errors", "an unknown model got HTTP 404 at POST /unknown-model, expected 400"),
    ("errors.bad-model", "foundry",
     lambda o: replace(o, bad_model=edit_body(o.bad_model, set_("error", {  # type: ignore[arg-type]
         "code": "api_not_supported", "message": "Requested API is currently not supported"}))),
     "conformance.errors", "reads as endpoint.unsupported, not model.not-found"),
    ("errors.unsupported-endpoints", "foundry",
     lambda o: replace(o, unsupported=(dataclasses.replace(o.unsupported[0], status=200),)),
     "conformance.errors", "got HTTP 200, expected 404 (documented as unsupported)"),
]


@pytest.mark.parametrize(("check_id", "provider", "breaks", "cause", "message"), CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_minimally_broken_fixture_fails(check_id: str, provider: str, breaks: Callable[[Observed], Observed],
                                        cause: str, message: str) -> None:
    verdict = JUDGES[check_id](breaks(observed(provider)))
    assert not verdict.passed
    assert verdict.cause == cause
    assert message in verdict.message, verdict.message


def test_every_rule_has_a_broken_case() -> None:
    assert {c[0] for c in CASES} == set(JUDGES)


def test_unsupported_endpoints_skipped_where_not_documented() -> None:
    verdict = JUDGES["errors.unsupported-endpoints"](observed("anthropic"))
    assert verdict.skipped and "not applicable" in verdict.message


def test_legal_quirks_stay_green() -> None:
    """Unknown events, extra pings, null cache fields, extra fields and keep-alive comments are legal."""
    def quirks(items: list[list[Any]]) -> None:
        items.insert(1, ["ping", {"type": "ping"}])
        items.insert(2, ["future_event", {"type": "future_event", "x": 1}])
        items[0][1]["message"]["usage"]["cache_read_input_tokens"] = None
        items[0][1]["message"]["brand_new_field"] = {"a": 1}

    o = observed("anthropic")
    o = replace(o, stream=edit_events(o.stream, quirks),
                message=edit_body(o.message, set_("content", [{"type": "text", "text": "pong"},
                                                              {"type": "some_new_block", "data": 1}])))
    for check_id, judge in JUDGES.items():
        verdict = judge(o)
        assert verdict.passed, f"{check_id}: {verdict.message}"
