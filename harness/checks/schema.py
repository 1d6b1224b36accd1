"""JSON Schema validation of provider responses (pure).

Violations name the JSON path, so a failure says exactly what is wrong.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from ..resources import schemas_dir

SCHEMA_FILES = {"anthropic": "anthropic.schema.json", "openrouter": "openrouter.schema.json"}


@cache
def _definitions(family: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((schemas_dir() / SCHEMA_FILES[family]).read_text(encoding="utf-8"))
    return data


@cache
def validator(family: str, name: str) -> jsonschema.Draft202012Validator:
    defs = _definitions(family)["$defs"]
    if name not in defs:
        raise KeyError(f"no schema {name!r} in {SCHEMA_FILES[family]}")
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": defs})


def violations(family: str, name: str, instance: Any, *, limit: int = 5) -> list[str]:
    """Readable violations: '$.usage.output_tokens: -1 is less than the minimum of 0'."""
    found = sorted(validator(family, name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    out = []
    for error in found[:limit]:
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        out.append(f"{path}: {error.message}")
    return out


def schema_names(family: str) -> list[str]:
    return sorted(_definitions(family)["$defs"])
