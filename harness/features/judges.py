"""One pure judge per feature: did what came back prove the feature works? (Status alone never does.)

A judge returns a Finding: works or not, what was seen, and for a failure the cause it points at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jsonschema

from ..observation import Observation
from ..wire import _json
from .probes import REPLY_SCHEMA, TOOL_NAME, TOOL_SCHEMA

BETA_STRIPPED = "feature.beta-stripped"
CACHE_DROPPED = "feature.cache-dropped"
TOOL_INPUT_BROKEN = "feature.tool-input-broken"
UNAVAILABLE = "feature.unavailable"
UNSUPPORTED_BETA = "request.unsupported-beta"


@dataclass(frozen=True)
class Finding:
    works: bool
    message: str
    cause: str | None = None
    evidence: Observation | None = None  # the answer that decided (its request ids and reproduce go to the report)


def _refused(obs: Observation, what: str) -> Finding | None:
    """A transport failure or an error status: the endpoint refused the feature's request."""
    if obs.phase is not None:
        return Finding(False, f"{what}: no answer ({obs.phase}: {obs.error})", None, obs)
    if obs.status is None or obs.ok:
        return None
    text = _error_text(obs)
    lowered = text.lower()
    if "extra inputs are not permitted" in lowered:
        cause = BETA_STRIPPED
    elif "invalid beta flag" in lowered or "unexpected value(s)" in lowered or "anthropic-beta" in lowered:
        cause = UNSUPPORTED_BETA
    else:
        cause = None  # classified from the answer by the caller (rate limit, server error, invalid request)
    return Finding(False, f"{what}: HTTP {obs.status}: {text[:300]}", cause, obs)


def _error_text(obs: Observation) -> str:
    body = obs.json()
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return (obs.body_text or "").strip()[:300]


def _content(obs: Observation) -> list[dict[str, Any]]:
    body = obs.json()
    content = body.get("content") if isinstance(body, dict) else None
    return [b for b in content or [] if isinstance(b, dict)]


def _text(obs: Observation) -> str:
    return "".join(str(b.get("text", "")) for b in _content(obs) if b.get("type") == "text")


def _schema_problem(value: Any, schema: dict[str, Any]) -> str | None:
    try:
        jsonschema.validate(value, schema)
    except jsonschema.ValidationError as exc:
        return exc.message
    return None


def tools(observations: list[Observation]) -> Finding:
    call = observations[0]
    refused = _refused(call, "the forced tool call")
    if refused:
        return refused
    uses = [b for b in _content(call) if b.get("type") == "tool_use"]
    if not uses:
        kinds = [b.get("type") for b in _content(call)]
        return Finding(False, f"a forced tool call came back without a tool_use block (content: {kinds})",
                       TOOL_INPUT_BROKEN, call)
    use = uses[0]
    if use.get("name") != TOOL_NAME:
        return Finding(False, f"tool_use names {use.get('name')!r}, not the forced {TOOL_NAME!r}", TOOL_INPUT_BROKEN,
                       call)
    problem = _schema_problem(use.get("input"), TOOL_SCHEMA)
    if problem:
        return Finding(False, f"tool_use input {json.dumps(use.get('input'))[:200]} does not match the tool's "
                       f"input_schema: {problem}", TOOL_INPUT_BROKEN, call)
    if len(observations) < 2:
        return Finding(False, "the tool_result round trip was not sent", None, call)
    answer = observations[1]
    refused = _refused(answer, "the tool_result round trip")
    if refused:
        return refused
    return Finding(True, f"tool_use with schema-valid input {json.dumps(use.get('input'))}; the tool_result "
                   f"round trip was answered (stop_reason {(answer.json() or {}).get('stop_reason')})", None, answer)


def tool_streaming(observations: list[Observation]) -> Finding:
    obs = observations[0]
    refused = _refused(obs, "the streamed tool call")
    if refused:
        return refused
    started, parts, error = False, [], None
    for timed in obs.events:
        data = _json(timed.event.data)
        if not isinstance(data, dict):
            continue
        block = data.get("content_block")
        if data.get("type") == "content_block_start" and isinstance(block, dict) and block.get("type") == "tool_use":
            started = True
        delta = data.get("delta")
        if isinstance(delta, dict) and delta.get("type") == "input_json_delta":
            parts.append(str(delta.get("partial_json", "")))
        if data.get("type") == "error":
            error = data.get("error")
    if error is not None:
        return Finding(False, f"the stream carried an error event: {error}", None, obs)
    if not started:
        return Finding(False, "the stream has no tool_use content block", TOOL_INPUT_BROKEN, obs)
    if not parts:
        return Finding(False, "the tool_use block arrived without input_json_delta events (a proxy that buffers "
                       "or rewrites tool streaming)", TOOL_INPUT_BROKEN, obs)
    try:
        value = json.loads("".join(parts) or "{}")
    except ValueError:
        return Finding(False, f"the input_json_delta parts do not assemble to JSON: {''.join(parts)[:200]!r}",
                       TOOL_INPUT_BROKEN, obs)
    problem = _schema_problem(value, TOOL_SCHEMA)
    if problem:
        return Finding(False, f"streamed tool input {json.dumps(value)[:200]} does not match the input_schema: "
                       f"{problem}", TOOL_INPUT_BROKEN, obs)
    return Finding(True, f"{len(parts)} input_json_delta event(s) assemble to schema-valid input {json.dumps(value)}",
                   None, obs)


def thinking(observations: list[Observation]) -> Finding:
    obs = observations[0]
    refused = _refused(obs, "the thinking request")
    if refused:
        return refused
    blocks = _content(obs)
    thought = next((b for b in blocks if b.get("type") in ("thinking", "redacted_thinking")), None)
    if thought is None:
        return Finding(False, f"no thinking block came back (content: {[b.get('type') for b in blocks]}); a "
                       "translation layer may drop the thinking parameter", UNAVAILABLE, obs)
    if thought.get("type") == "thinking" and not thought.get("signature"):
        return Finding(False, "the thinking block has no signature (it cannot be passed back in a later turn)",
                       UNAVAILABLE, obs)
    return Finding(True, f"a {thought.get('type')} block with a signature came back", None, obs)


def _usage(obs: Observation) -> dict[str, Any]:
    body = obs.json()
    usage = body.get("usage") if isinstance(body, dict) else None
    return usage if isinstance(usage, dict) else {}


def caching(observations: list[Observation]) -> Finding:
    for obs, what in zip(observations, ("the first cached request", "the second cached request"), strict=False):
        refused = _refused(obs, what)
        if refused:
            return refused
    if len(observations) < 2:
        return Finding(False, "the second request was not sent", None, observations[0])
    first, second = _usage(observations[0]), _usage(observations[1])
    written = int(first.get("cache_creation_input_tokens") or 0) + int(first.get("cache_read_input_tokens") or 0)
    read = int(second.get("cache_read_input_tokens") or 0)
    if read > 0:
        return Finding(True, f"the second request read {read} tokens from the cache (first: "
                       f"cache_creation_input_tokens {first.get('cache_creation_input_tokens', 0)})", None,
                       observations[1])
    return Finding(False, f"cache_control was sent on a prefix above the model's minimum, yet cache tokens stayed "
                   f"0 (first wrote {written}, second read {read}): something dropped cache_control or caching is "
                   "off for this deployment", CACHE_DROPPED, observations[1])


def structured_output(observations: list[Observation]) -> Finding:
    obs = observations[0]
    refused = _refused(obs, "the structured-output request")
    if refused:
        return refused
    text = _text(obs)
    try:
        value = json.loads(text)
    except ValueError:
        return Finding(False, f"the reply is not JSON: {text[:200]!r}", UNAVAILABLE, obs)
    problem = _schema_problem(value, REPLY_SCHEMA)
    if problem:
        return Finding(False, f"the reply {text[:200]} does not validate against the schema: {problem}",
                       UNAVAILABLE, obs)
    return Finding(True, f"the reply {text[:120]} validates against the schema", None, obs)


def _read(observations: list[Observation], what: str, expected: str) -> Finding:
    obs = observations[0]
    refused = _refused(obs, f"the inline {what}")
    if refused:
        return refused
    text = _text(obs).strip()
    if not text:
        return Finding(False, f"the inline {what} was accepted but the reply has no text", UNAVAILABLE, obs)
    named = expected in text.lower()
    return Finding(True, f"the inline {what} was accepted and answered {text[:60]!r}"
                   + ("" if named else f" (the reply does not say {expected!r}: the {what} may not have been read)"),
                   None, obs)


def images(observations: list[Observation]) -> Finding:
    return _read(observations, "image", "red")


def pdf(observations: list[Observation]) -> Finding:
    return _read(observations, "PDF", "hello")


def count_tokens(observations: list[Observation]) -> Finding:
    obs = observations[0]
    refused = _refused(obs, "count_tokens")
    if refused:
        return refused
    body = obs.json()
    count = body.get("input_tokens", body.get("inputTokens")) if isinstance(body, dict) else None
    if isinstance(count, int) and not isinstance(count, bool) and count > 0:
        return Finding(True, f"count_tokens answered input_tokens {count}", None, obs)
    return Finding(False, f"count_tokens answered without a positive input_tokens: {str(body)[:200]}", UNAVAILABLE,
                   obs)


def citations(observations: list[Observation]) -> Finding:
    obs = observations[0]
    refused = _refused(obs, "the cited document")
    if refused:
        return refused
    cited = [c for b in _content(obs) if b.get("type") == "text" for c in b.get("citations") or []
             if isinstance(c, dict)]
    if not cited:
        return Finding(False, "the reply carries no citations although the document enabled them", UNAVAILABLE, obs)
    return Finding(True, f"{len(cited)} citation(s), e.g. {str(cited[0].get('cited_text', ''))[:60]!r}", None, obs)


def _server_tool(observations: list[Observation], name: str, result_suffix: str,
                 also: tuple[str, ...] = ()) -> Finding:
    """``also``: other names the tool's use may carry (code execution 2025-08-25 runs as bash_code_execution or
    text_editor_code_execution, with results named after them)."""
    obs = observations[0]
    refused = _refused(obs, f"the {name} server tool")
    if refused:
        return refused
    blocks = _content(obs)
    used = any(b.get("type") == "server_tool_use" and b.get("name") in (name, *also) for b in blocks)
    result = next((b for b in blocks if str(b.get("type", "")).endswith(result_suffix)), None)
    if not used or result is None:
        return Finding(False, f"no server_tool_use of {name} with its result came back (content: "
                       f"{[b.get('type') for b in blocks]})", UNAVAILABLE, obs)
    inner = result.get("content")
    if isinstance(inner, dict) and str(inner.get("type", "")).endswith("_error"):
        return Finding(False, f"{name} ran but answered an error: {inner.get('error_code')}", UNAVAILABLE, obs)
    return Finding(True, f"{name} ran (server_tool_use and {result.get('type')})", None, obs)


def web_search(observations: list[Observation]) -> Finding:
    return _server_tool(observations, "web_search", "web_search_tool_result")


def web_fetch(observations: list[Observation]) -> Finding:
    return _server_tool(observations, "web_fetch", "web_fetch_tool_result")


def code_execution(observations: list[Observation]) -> Finding:
    return _server_tool(observations, "code_execution", "code_execution_tool_result",
                        also=("bash_code_execution", "text_editor_code_execution"))


def _listing(observations: list[Observation], what: str) -> Finding:
    obs = observations[0]
    refused = _refused(obs, f"the {what} listing")
    if refused:
        return refused
    body = obs.json()
    if isinstance(body, dict) and isinstance(body.get("data"), list):
        return Finding(True, f"the {what} API answered a listing ({len(body['data'])} item(s) on the first page)",
                       None, obs)
    return Finding(False, f"the {what} API answered 2xx without a data list: {(obs.body_text or '')[:200]}",
                   UNAVAILABLE, obs)


def batches(observations: list[Observation]) -> Finding:
    return _listing(observations, "Message Batches")


def files(observations: list[Observation]) -> Finding:
    return _listing(observations, "Files")


def betas(observations: list[Observation], values: tuple[str, ...]) -> Finding:
    reached = []
    for obs, value in zip(observations, values, strict=False):
        refused = _refused(obs, f"anthropic-beta {value}")
        if refused:
            return refused
        reached.append(value)
    return Finding(True, "each beta's request was accepted: " + ", ".join(reached), None, observations[-1])


def long_context(observations: list[Observation]) -> Finding:
    obs = observations[0]
    refused = _refused(obs, "the 1M-context beta")
    if refused:
        return refused
    return Finding(True, "the context-1m beta was accepted (a prompt past 200k tokens would prove the window "
                   "itself, at that many input tokens: not sent)", None, obs)


JUDGES = {"tools": tools, "tool-streaming": tool_streaming, "thinking": thinking, "caching": caching,
          "structured-output": structured_output, "images": images, "pdf": pdf, "count-tokens": count_tokens,
          "citations": citations, "web-search": web_search, "web-fetch": web_fetch,
          "code-execution": code_execution, "batches": batches, "files": files, "long-context": long_context}
