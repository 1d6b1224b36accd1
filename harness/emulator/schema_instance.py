"""A minimal valid instance of a JSON Schema, deterministically (pure).

Structured outputs (Messages ``output_config.format``, the beta ``output_format``, OpenRouter's
``response_format``) and client tools' ``input_schema`` are answered with the smallest document this finds that
the schema accepts: required properties only, the shortest strings and arrays the bounds allow, the first enum
value, the first branch of ``anyOf``/``oneOf``, ``allOf`` merged, local ``$ref`` (``#/$defs/...``,
``#/definitions/...``) followed. Schemas the generator cannot satisfy (``not``, a ``pattern`` with no example)
still get a value of the right type; callers that must be sure validate the result themselves.
"""

from __future__ import annotations

import math
from typing import Any

# A value per string "format", each valid for its format checker.
FORMAT_EXAMPLES: dict[str, str] = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
MAX_DEPTH = 32  # a recursive schema ($ref to itself through a required property) stops here


def minimal_valid_instance(schema: Any) -> Any:
    """The smallest value the schema accepts (an empty object for a schema that is not a dict)."""
    root = schema if isinstance(schema, dict) else {}
    return _instance(root, root, 0)


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    if not ref.startswith("#"):
        return {}
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _merge(schemas: list[Any], root: dict[str, Any]) -> dict[str, Any]:
    """allOf as one schema: properties and required unioned, other keywords last-wins."""
    merged: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for sub in schemas:
        if not isinstance(sub, dict):
            continue
        if "$ref" in sub:
            sub = {**_resolve(sub["$ref"], root), **{k: v for k, v in sub.items() if k != "$ref"}}
        if "allOf" in sub:
            sub = {**{k: v for k, v in sub.items() if k != "allOf"}, **_merge(sub["allOf"], root)}
        properties.update(sub.get("properties") or {})
        required.extend(r for r in sub.get("required") or [] if r not in required)
        merged.update({k: v for k, v in sub.items() if k not in ("properties", "required")})
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        return str(non_null[0]) if non_null else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")):
        return "number"
    return None


def _instance(schema: dict[str, Any], root: dict[str, Any], depth: int) -> Any:
    if depth > MAX_DEPTH:
        return None
    if "$ref" in schema:
        target = _resolve(str(schema["$ref"]), root)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return _instance({**target, **rest}, root, depth + 1)
    if "allOf" in schema:
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return _instance(_merge([rest, *schema["allOf"]], root), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for combinator in ("anyOf", "oneOf"):
        branches = schema.get(combinator)
        if isinstance(branches, list) and branches:
            rest = {k: v for k, v in schema.items() if k != combinator}
            branch = branches[0] if isinstance(branches[0], dict) else {}
            return _instance(_merge([rest, branch], root), root, depth + 1)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, root, depth)
    if kind == "array":
        return _array(schema, root, depth)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return _integer(schema)
    if kind == "number":
        return _number(schema)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return {}  # an unconstrained schema ({} or true) accepts anything; an object is what apps parse


def _object(schema: dict[str, Any], root: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    out: dict[str, Any] = {}
    for name in schema.get("required") or []:
        sub = properties.get(name)
        if not isinstance(sub, dict):
            extra = schema.get("additionalProperties")
            sub = extra if isinstance(extra, dict) else {}
        out[str(name)] = _instance(sub, root, depth + 1)
    minimum = int(schema.get("minProperties", 0))
    for name, sub in properties.items():  # minProperties beyond the required ones: the declared ones in order
        if len(out) >= minimum:
            break
        if name not in out:
            out[name] = _instance(sub if isinstance(sub, dict) else {}, root, depth + 1)
    return out


def _array(schema: dict[str, Any], root: dict[str, Any], depth: int) -> list[Any]:
    prefix = [p for p in schema.get("prefixItems") or [] if isinstance(p, dict)]
    items = schema.get("items")
    count = int(schema.get("minItems", 0))
    out = [_instance(p, root, depth + 1) for p in prefix[:count]]
    item_schema = items if isinstance(items, dict) else {}
    while len(out) < count:
        value = _instance(item_schema, root, depth + 1)
        if schema.get("uniqueItems") and value in out:
            value = _unique_variant(item_schema, len(out))
        out.append(value)
    return out


def _unique_variant(schema: dict[str, Any], index: int) -> Any:
    """The index-th distinct value for uniqueItems (enum members, integers, or suffixed strings)."""
    if isinstance(schema.get("enum"), list) and index < len(schema["enum"]):
        return schema["enum"][index]
    kind = _type_of(schema)
    if kind in ("integer", "number"):
        return _integer(schema) + index
    if kind == "boolean":
        return index == 1
    return _string(schema) + str(index)


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES:
        return FORMAT_EXAMPLES[fmt]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], str):
        return examples[0]
    length = max(int(schema.get("minLength", 0)), 1)
    maximum = schema.get("maxLength")
    if isinstance(maximum, int):
        length = min(length, maximum)
    return "x" * length


def _bounds(schema: dict[str, Any]) -> tuple[float | None, bool, float | None, bool]:
    low, low_open = schema.get("minimum"), False
    high, high_open = schema.get("maximum"), False
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(exclusive_low, (int, float)) and not isinstance(exclusive_low, bool) and (
            low is None or exclusive_low >= low):
        low, low_open = exclusive_low, True
    if isinstance(exclusive_high, (int, float)) and not isinstance(exclusive_high, bool) and (
            high is None or exclusive_high <= high):
        high, high_open = exclusive_high, True
    return low, low_open, high, high_open


def _integer(schema: dict[str, Any]) -> int:
    low, low_open, high, high_open = _bounds(schema)
    step = schema.get("multipleOf")
    step = int(step) if isinstance(step, (int, float)) and step >= 1 and float(step).is_integer() else 1
    if low is None:
        value = 0 if high is None or high > 0 or (high == 0 and not high_open) else math.floor(high) - 1
    else:
        value = math.floor(low) + 1 if low_open and float(low).is_integer() else math.ceil(low)
    return int(math.ceil(value / step) * step)


def _number(schema: dict[str, Any]) -> float | int:
    low, low_open, high, _high_open = _bounds(schema)
    step = schema.get("multipleOf")
    if isinstance(step, (int, float)) and step > 0 and not isinstance(step, bool):
        start = 0.0 if low is None else float(low)
        value = math.ceil(start / step) * step
        if low_open and value <= start:
            value += step
        return int(value) if float(value).is_integer() else value
    if low is None:
        return 0 if high is None or high > 0 else high - 1
    if low_open:
        return low + (1 if high is None or high - low > 1 else (high - low) / 2)
    return low
