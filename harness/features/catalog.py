"""The features `check --features` knows, and how a list of them is read (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ConfigError

# In the order they run and appear in reports: the cheapest and most common first.
FEATURES: dict[str, str] = {
    "tools": "a forced tool call returns tool_use with schema-valid input; a tool_result round trip is accepted",
    "tool-streaming": "a streamed tool call arrives as input_json_delta events that assemble to valid input",
    "thinking": "extended thinking returns a thinking block with a signature",
    "caching": "two identical requests with cache_control above the model's minimum: the second reads the cache",
    "structured-output": "the reply validates against the JSON schema asked for",
    "images": "a tiny inline PNG is accepted and answered",
    "pdf": "a tiny inline PDF document is accepted and answered",
    "count-tokens": "count_tokens answers a positive input_tokens",
    "citations": "a document with citations enabled is answered with citations",
    "web-search": "the web search server tool runs (server_tool_use and its result)",
    "web-fetch": "the web fetch server tool runs",
    "code-execution": "the code execution server tool runs",
    "batches": "the Message Batches API answers a listing",
    "files": "the Files API answers a listing",
    "betas": "each anthropic-beta value named (--header 'anthropic-beta: …') reaches the provider",
    "long-context": "the 1M-token context beta is accepted for this model",
}
# `--profile features` without --features: what most apps rely on, without server tools (they bill their own fees)
# and citations (document apps only); name those with --features.
PROFILE_DEFAULT = ("tools", "tool-streaming", "thinking", "caching", "structured-output", "images", "pdf",
                   "count-tokens", "batches", "files")


def parse_features(value: str | Iterable[str], source: str = "--features") -> tuple[str, ...]:
    """A comma-separated list (or a TOML list) of known feature names, in the catalogue's order."""
    items = value.split(",") if isinstance(value, str) else list(value)
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{source} must list feature names as text, got {item!r}.",
                              fix=f"Known features: {', '.join(FEATURES)}.")
        name = item.strip().lower()
        if name and name not in names:
            names.append(name)
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ConfigError(f"Unknown feature(s) in {source}: {', '.join(unknown)}.",
                          fix=f"Known features: {', '.join(FEATURES)}.")
    if not names:
        raise ConfigError(f"{source} names no feature.", fix=f"Known features: {', '.join(FEATURES)}.")
    order = list(FEATURES)
    return tuple(sorted(names, key=order.index))
