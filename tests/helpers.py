"""Shared test helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from harness.resources import schemas_dir


def validate_report(report: dict[str, Any]) -> None:
    schema = json.loads((schemas_dir() / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)


def read_report(directory: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((directory / "report.json").read_text())
    validate_report(data)
    return data
