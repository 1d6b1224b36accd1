"""A parameter error names the parameter, and for known conflicts the fix (data in parameters.toml)."""

from __future__ import annotations

import re
import sys
from functools import cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# How endpoints name the field they object to: `field`, 'field', "field: …" (pydantic), "param": "field".
_NAMED = re.compile(r"`([a-z_][a-z0-9_.\[\]]*)`|'([a-z_][a-z0-9_.]*)'|^([a-z_][a-z0-9_.]*):\s|"
                    r"\"param\"\s*:\s*\"([a-z_][a-z0-9_.]*)\"|support the ([a-z_][a-z0-9_.]*) parameter",
                    re.I | re.M)


@cache
def _known() -> tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...]:
    text = resources.files(__package__ or "harness.diagnosis").joinpath("parameters.toml").read_text(encoding="utf-8")
    return tuple((tuple(row["names"]), re.compile(row["pattern"], re.I), row["step"])
                 for row in tomllib.loads(text)["parameters"])


def parameter_steps(message: str) -> list[str]:
    """The first steps for a request.invalid: the known fix, else the parameter(s) the message names."""
    for names, pattern, step in _known():
        if pattern.search(message):
            return [f"The endpoint objected to {' and '.join(names)}. {step}"]
    named = [next(g for g in m.groups() if g) for m in _NAMED.finditer(message)]
    named = [n for n in dict.fromkeys(named) if n.lower() not in ("error", "type", "message", "invalid_request_error")]
    if named:
        return [f"The endpoint objected to the parameter {', '.join(named[:3])}: fix or remove it in the request."]
    return []
