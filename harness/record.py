"""Record mode: write what a live run observed as fixtures for later mocked runs.

Everything passes through the run's redactor at write time, so a recording never
holds a key, a token or an Authorization value; request headers are not stored.
Layout: DIR/<target id>/target.json, then one <probe>.json (status, headers, body)
per observation and <probe>.sse for streams.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .ladder import TargetRun
from .redact import Redactor
from .replay import recording_folder
from .report.writer import write_atomic


def _sse_text(events: Sequence[Any]) -> str:
    parts = []
    for timed in events:
        head = f"event: {timed.event.event}\n" if timed.event.event else ""
        data = "".join(f"data: {line}\n" for line in timed.event.data.split("\n"))
        parts.append(f"{head}{data}\n")
    return "".join(parts)


def record_runs(runs: Sequence[TargetRun], directory: Path, redactor: Redactor) -> list[Path]:
    written: list[Path] = []
    for old in directory.glob("*/target.json"):  # an earlier recording is replaced whole, never merged
        shutil.rmtree(old.parent)
    for run in runs:
        folder = directory / recording_folder(run.target.id)
        folder.mkdir(parents=True, exist_ok=True)
        description = redactor.data(run.target.describe())
        write_atomic(folder / "target.json", json.dumps(description, indent=2) + "\n")
        written.append(folder / "target.json")
        for name, obs in run.observations.items():
            if obs.status is None:
                continue  # a transport failure has no answer to replay
            meta: dict[str, Any] = {"status": obs.status, "headers": redactor.headers(obs.headers)}
            if obs.streamed and obs.events:
                write_atomic(folder / f"{name}.sse", redactor.text(_sse_text(obs.events)))
                written.append(folder / f"{name}.sse")
            else:
                parsed = obs.json()
                meta["body"] = redactor.data(parsed) if parsed is not None else redactor.text(obs.body_text or "")
            write_atomic(folder / f"{name}.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
            written.append(folder / f"{name}.json")
    return written
