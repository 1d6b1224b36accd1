"""Where generic code names a provider: string literals equal to a registered provider's name (or used as a
prefix with ``startswith``), in every module of ``harness/`` outside ``harness/providers/``.

``python -m tests.provider_names`` prints them, module by module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "harness"


def provider_names() -> set[str]:
    from harness.providers import PROVIDERS

    return set(PROVIDERS)


def mentions(source: str, names: set[str]) -> Iterator[tuple[int, str]]:
    """(line, name) for each literal that names a provider."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
            yield node.lineno, node.value


def generic_modules() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        if "providers" not in path.relative_to(ROOT).parts:
            yield path


def report() -> dict[str, list[tuple[int, str]]]:
    names = provider_names()
    found = {}
    for path in generic_modules():
        hits = sorted(mentions(path.read_text(encoding="utf-8"), names))
        if hits:
            found[str(path.relative_to(ROOT.parent))] = hits
    return found


if __name__ == "__main__":
    for module, hits in report().items():
        print(f"{len(hits):3d} {module}: " + ", ".join(f"{line}:{name}" for line, name in hits))
