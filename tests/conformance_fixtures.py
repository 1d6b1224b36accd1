"""Observations built from the recorded fixtures, for the full-profile judges."""

from __future__ import annotations

import copy
import json
from typing import Any

from harness.checks.conformance import Observed
from harness.observation import Observation, TimedEvent
from harness.providers import PROVIDERS
from harness.resources import fixtures_dir
from harness.sse import ServerSentEvent, decode_all


def answer(provider: str, folder: str, name: str, probe: str) -> Observation:
    data: dict[str, Any] = json.loads((fixtures_dir() / provider / folder / f"{name}.json").read_text())
    body = data["body"] if isinstance(data["body"], str) else json.dumps(data["body"])
    return Observation(probe=probe, method="POST", url=f"https://h/{name}", status=data["status"],
                       headers=dict(data["headers"]), body_text=body)


def stream(provider: str) -> Observation:
    folder = fixtures_dir() / provider / "healthy"
    meta = json.loads((folder / "stream.json").read_text())
    events = [TimedEvent(float(i), e) for i, e in enumerate(decode_all((folder / "stream.sse").read_bytes()))]
    return Observation(probe="stream", method="POST", url="https://h/stream", status=200, headers=meta["headers"],
                       events=events, streamed=True)


def observed(provider: str) -> Observed:
    aux = ["key", "models"] if provider == "openrouter" else ["count_tokens"]
    probes = {"key": "key_info", "models": "models", "count_tokens": "count_tokens"}
    unsupported = (answer("foundry", "errors", "unsupported", "unsupported_models"),) if provider == "foundry" else ()
    return Observed(
        spec=PROVIDERS[provider], auth="bearer" if provider == "openrouter" else "x-api-key", max_tokens=16,
        message=answer(provider, "healthy", "message", "message"), stream=stream(provider),
        auxiliary=[answer(provider, "healthy", a, probes[a]) for a in aux],
        truncated=answer(provider, "healthy", "truncated", "truncated"),
        bad_key=answer(provider, "errors", "invalid-key", "bad_key"),
        bad_model=answer(provider, "errors", "unknown-model", "bad_model"),
        unsupported=unsupported,
    )


def edit_body(obs: Observation, change: Any) -> Observation:
    body = json.loads(obs.body_text or "null")
    change(body)
    new = copy.copy(obs)
    new.body_text = json.dumps(body)
    return new


def edit_events(obs: Observation, change: Any) -> Observation:
    """change(list of (event name, data object or raw string)) edits the stream in place."""
    items: list[list[Any]] = []
    for timed in obs.events:
        try:
            items.append([timed.event.event, json.loads(timed.event.data)])
        except ValueError:
            items.append([timed.event.event, timed.event.data])
    change(items)
    new = copy.copy(obs)
    new.events = [TimedEvent(float(i), ServerSentEvent(event=name, data=data if isinstance(data, str)
                                                      else json.dumps(data)))
                  for i, (name, data) in enumerate(items)]
    return new
