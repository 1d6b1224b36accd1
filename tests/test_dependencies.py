"""Runtime dependencies are exactly what the runtime imports; test-only packages live in the test extra."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
# distribution name -> import name, where they differ
IMPORT_NAMES = {"azure-identity": "azure", "tomli": "tomli", "pyyaml": "yaml", "types-jsonschema": None,
                "google-auth": "google", "claude-endpoint-harness": None, "opentelemetry-sdk": "opentelemetry",
                "opentelemetry-exporter-otlp-proto-http": "opentelemetry"}


def _imports(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def _names(requirements: list[str]) -> set[str]:
    out = set()
    for requirement in requirements:
        dist = re.split(r"[<>=;\[ ]", requirement, maxsplit=1)[0].lower()
        name = IMPORT_NAMES.get(dist, dist.replace("-", "_"))
        if name:
            out.add(name)
    return out


def test_runtime_dependencies_are_what_the_runtime_imports() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _names(project["dependencies"])
    imported = (_imports(ROOT / "harness") | _imports(ROOT / "suites")) - set(sys.stdlib_module_names)
    imported -= {"harness", "suites", "claude_harness"}  # our own package, under either name
    extras = {name: _names(project["optional-dependencies"][name]) for name in ("bedrock", "vertex", "otel")}
    assert extras == {"bedrock": {"botocore"}, "vertex": {"google"}, "otel": {"opentelemetry"}}
    imported -= extras["bedrock"] | extras["vertex"] | extras["otel"]  # optional: imported only when asked for
    assert imported - runtime == set(), "imported by the runtime but not declared"
    assert runtime - imported == set(), "declared for the runtime but only the tests use it"
    tests_only = _names(project["optional-dependencies"]["test"])
    assert "hypothesis" in tests_only and "hypothesis" not in runtime
