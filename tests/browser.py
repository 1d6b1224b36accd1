"""Headless Chromium helpers (Debian's chromium), offline by construction."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    binary = chromium()
    assert binary is not None
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def dump_dom(page: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    return _run(["--dump-dom", page.as_uri()], profile)


def screenshot(page: Path, out: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    return _run([f"--screenshot={out}", "--window-size=1100,900", "--hide-scrollbars", page.as_uri()], profile)
