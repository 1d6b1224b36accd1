"""The emulator's model catalogue: every id in the lifecycle data, with limits and capabilities from models.toml.

Pure apart from reading the two data files once. The Models API's ``GET /v1/models/{id}`` answers any id here;
the limits drive the ``max_tokens`` check and the prompt-cache minimum.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from ..lifecycle import all_models, first_party

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Family:
    prefix: str
    display: str
    line: str
    max_input_tokens: int
    max_tokens: int
    min_cacheable_tokens: int
    thinking: bool
    structured_outputs: bool
    temperature_and_top_p: bool
    released: str


@cache
def families() -> tuple[Family, ...]:
    text = resources.files(__package__ or "harness.emulator").joinpath("models.toml").read_text(encoding="utf-8")
    return tuple(Family(**row) for row in tomllib.loads(text)["family"])


@lru_cache(maxsize=1024)
def family_of(model: str) -> Family:
    """The row for a model id: Bedrock/Vertex/OpenRouter spellings are mapped to Anthropic's first."""
    name = canonical(model)
    return next(f for f in families() if name.startswith(f.prefix))


def canonical(model: str) -> str:
    """anthropic/claude-sonnet-4.6, us.anthropic.claude-sonnet-4-6-v1:0, claude-sonnet-4-6@2026 -> claude-sonnet-4-6"""
    name = model.split("/")[-1].split(":")[0]
    if "anthropic." in name:
        name = name.split("anthropic.", 1)[1]
    name = name.split("@")[0]
    if name.endswith(("-v1", "-v2")):
        name = name[:-3]
    return name.replace(".", "-")


def known_ids() -> list[str]:
    """Every public id and alias the lifecycle data names, in its order (deprecated first, retired last)."""
    return [m.model for m in all_models()]


def _display(model: str, family: Family) -> str:
    if family.display:
        return family.display
    parts = model.removeprefix("claude-").split("-")
    words = [p for p in parts if not (p.isdigit() and len(p) == 8)]
    name = words[0].capitalize() if words else model
    version = ".".join(w for w in words[1:] if w.isdigit())
    return f"Claude {name} {version}".strip()


def _supported(flag: bool) -> dict[str, bool]:
    return {"supported": flag}


def capabilities(family: Family) -> dict[str, Any]:
    """The Models API's capabilities object (every key always present)."""
    modern = family.structured_outputs
    effort = {"supported": modern, **{level: _supported(modern) for level in ("low", "medium", "high", "max")}}
    thinking_types = {"enabled": _supported(family.thinking), "disabled": _supported(True),
                      "adaptive": _supported(modern), "between_tools": _supported(family.thinking)}
    return {
        "batch": _supported(True), "citations": _supported(True), "code_execution": _supported(modern),
        "context_management": _supported(modern), "effort": effort, "image_input": _supported(True),
        "pdf_input": _supported(True),
        "server_tools": {"supported": True, "code_execution": _supported(modern), "web_search": _supported(True)},
        "structured_outputs": _supported(family.structured_outputs),
        "thinking": {"supported": family.thinking, "types": thinking_types},
    }


def model_info(model: str) -> dict[str, Any] | None:
    """GET /v1/models/{id}: the ModelInfo for an id the lifecycle data names, or None (404)."""
    info = first_party(model)
    if info.status == "unknown":
        return None
    family = family_of(model)
    lifecycle = "deprecated" if info.status == "legacy" else info.status
    retires = f"{info.retires.isoformat()}T00:00:00Z" if info.retires else None
    return {
        "id": model, "type": "model", "display_name": _display(model, family),
        "created_at": f"{family.released}T00:00:00Z", "lifecycle": lifecycle,
        "deprecated_at": None,  # the lifecycle data has no deprecation dates
        "retires_at": retires if lifecycle != "active" else None,
        "line": family.line or _display(model, family).split(" ")[1].lower(),
        "max_input_tokens": family.max_input_tokens, "max_tokens": family.max_tokens,
        "capabilities": capabilities(family),
    }
