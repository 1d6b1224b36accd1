"""`--help`, `--version` and `explain` stay light: no emulator, web server, HTTP stack or schema validator."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("harness.emulator", "uvicorn", "starlette", "jsonschema", "httpx", "azure")

PROBE = """
import sys
from harness.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r} or m.startswith("harness.emulator"))
print("HEAVY:", ",".join(heavy))
"""


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["check", "--help"],
                                  ["explain", "HTTP/1.1 401 Unauthorized\n\n{\"error\":{\"code\":401}}"]])
def test_light_commands_import_nothing_heavy(argv: list[str]) -> None:
    heavy = tuple(h for h in HEAVY if h != "harness.emulator")
    code = PROBE.format(argv=argv, heavy=set(heavy))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    line = next(x for x in out.splitlines() if x.startswith("HEAVY:"))
    assert line == "HEAVY: ", f"{argv} imported {line[7:]}"
