"""Regenerate the generated docs: python docs/generate.py

- docs/troubleshooting.md from the cause catalogue;
- docs/report-broken.png, a screenshot of the HTML report for a broken target (needs chromium).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(DOCS.parent))
    from harness.cli import main as cli
    from harness.diagnosis.guide import render_troubleshooting
    from tests.browser import screenshot

    (DOCS / "troubleshooting.md").write_text(render_troubleshooting(), encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        with contextlib.redirect_stdout(io.StringIO()):
            cli(["check", "--mocked", "--provider", "foundry", "--fault", "missing-role", "--report-dir", tmp])
        if shutil.which("chromium"):
            screenshot(Path(tmp) / "report.html", DOCS / "report-broken.png", Path(tmp))
        else:
            print("chromium not found: screenshot not refreshed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
