"""Writing reports to disk: atomically, so a report is never half-written."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import HarnessError

# The files every run writes (report.json and its renderings), checked before anything is sent.
REPORT_FILES = ("report.json", "report.md", "report.html", "junit.xml", "terminal.txt")


def prepare_report_dir(path: Path) -> Path:
    """Create the directory or explain why it cannot be used, before anything is sent."""
    if path.exists() and not path.is_dir():
        raise HarnessError(f"Report directory {path} exists and is a file.", fix="Pass another --report-dir.")
    blocked = [name for name in REPORT_FILES if (path / name).exists() and not (path / name).is_file()]
    if blocked:
        raise HarnessError(f"Report directory {path} holds {', '.join(blocked)} as something other than a file, so "
                           "the report cannot be written there.", fix="Remove it, or pass another --report-dir.")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test-", delete=True):
            pass
    except OSError as exc:
        raise HarnessError(
            f"Report directory {path} cannot be written ({exc.strerror or exc}).", fix="Pass a writable --report-dir."
        ) from None
    return path


def _file_mode() -> int:
    """What a file the user creates gets (0o666 less the umask); mkstemp alone would give 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(directory: Path, report: dict[str, Any], renderings: dict[str, str]) -> list[Path]:
    """Every format, each written atomically; a failure (a full disk) is a clear error naming the file."""
    written = []
    files = {"report.json": json.dumps(report, indent=2, ensure_ascii=False) + "\n", **renderings}
    for name, text in files.items():
        out = directory / name
        try:
            write_atomic(out, text)
        except OSError as exc:
            raise HarnessError(f"The report file {out} cannot be written ({exc.strerror or exc}).",
                               fix="Free space or pass another --report-dir.") from None
        written.append(out)
    return written
