"""JSON Schema validation of provider responses (pure).

Violations name the JSON path, so a failure says exactly what is wrong.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema

from ..resources import schemas_dir

# One schema file per wire format (the files keep the names of the APIs they were first written from).
SCHEMA_FILES = {"anthropic-messages": "anthropic.schema.json", "openai-chat": "openrouter.schema.json"}


def schema_file(schemas: str) -> str:
    """The file of a set of schemas, named by its wire format or by the file's stem (``anthropic``)."""
    if schemas in SCHEMA_FILES:
        return SCHEMA_FILES[schemas]
    if f"{schemas}.schema.json" in SCHEMA_FILES.values():
        return f"{schemas}.schema.json"
    raise KeyError(schemas)


@cache
def _definitions(schemas: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((schemas_dir() / schema_file(schemas)).read_text(encoding="utf-8"))
    return data


@cache
def validator(schemas: str, name: str) -> jsonschema.Draft202012Validator:
    defs = _definitions(schemas)["$defs"]
    if name not in defs:
        raise KeyError(f"no schema {name!r} in {schema_file(schemas)}")
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": defs})


def violations(schemas: str, name: str, instance: Any, *, limit: int = 5) -> list[str]:
    """Readable violations: '$.usage.output_tokens: -1 is less than the minimum of 0'. ``schemas``: a wire format
    or a schema file's stem."""
    found = sorted(validator(schemas, name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    out = []
    for error in found[:limit]:
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        out.append(f"{path}: {error.message}")
    return out


def schema_names(schemas: str) -> list[str]:
    return sorted(_definitions(schemas)["$defs"])
