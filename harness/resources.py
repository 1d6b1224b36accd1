"""Where the shipped data lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@cache
def fixtures_dir() -> Path:
    installed = _PACKAGE / "_fixtures"  # the wheel force-includes fixtures/ here
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "fixtures"


def schemas_dir() -> Path:
    return _PACKAGE / "schemas"


@cache
def load_error_fixture(provider: str, name: str) -> dict[str, Any] | None:
    path = fixtures_dir() / provider / "errors" / f"{name}.json"
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def fill(value: Any, replacements: dict[str, str]) -> Any:
    """Substitute {model}, {request_id} and friends inside fixture data."""
    if isinstance(value, str):
        for key, replacement in replacements.items():
            value = value.replace("{" + key + "}", replacement)
        return value
    if isinstance(value, dict):
        return {k: fill(v, replacements) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, replacements) for v in value]
    return value
