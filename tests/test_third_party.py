"""Servers nobody on this team wrote: recorded runs replay through the unchanged ladder to the right verdict.

The recordings under fixtures/third-party/ were made by `python -m tests.third_party.run --record
fixtures/third-party` against LiteLLM proxy, aimock and Prism on 127.0.0.1 (each folder's case.json names the
server and version). The expected outcome comes from tests/third_party/matrix.py, not from the recording, so a
change to the ladder, checks or classifier that flips a verdict fails here. The same matrix runs live when the
servers are installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from tests.third_party.matrix import SETUPS, Expected
from tests.third_party.run import Outcome, missing_servers
from tests.third_party.run import main as run_live

RECORDINGS = Path(__file__).resolve().parents[1] / "fixtures" / "third-party"
CASES = sorted(p.parent for p in RECORDINGS.glob("*/*/case.json"))


def _expected(setup_id: str, case_name: str, profile: str) -> Expected:
    setup = next(s for s in SETUPS if s.id == setup_id)
    case = next(c for c in setup.cases if c.name == case_name)
    return case.full if profile == "full" else case.smoke


def test_every_setup_and_case_is_recorded() -> None:
    recorded = {(p.parent.name, p.name) for p in CASES}
    wanted = {(s.id, f"{c.name}-{profile}") for s in SETUPS for c in s.cases for profile in ("smoke", "full")}
    assert wanted <= recorded, f"not recorded: {sorted(wanted - recorded)}"


@pytest.mark.parametrize("folder", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_recorded_third_party_run_replays_to_the_right_verdict(folder: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    code = main(["check", "--replay", str(folder), "--profile", meta["profile"], "--report-dir", str(tmp_path),
                 "--format", "json"])
    capsys.readouterr()
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    roots = [d["cause"] for d in report["diagnoses"] if d["root"]]
    failed = {c["id"]: c.get("cause", "") for c in report["checks"] if c["status"] == "failed"}
    outcome = Outcome(meta["setup"], meta["case"], meta["profile"], code, roots[0] if roots else None, failed,
                      _expected(meta["setup"], meta["case"], meta["profile"]))
    assert outcome.correct, (f"{meta['server']}: exit {code}, root {outcome.root}, unreviewed findings "
                             f"{outcome.unexplained}; expected {outcome.expected}")
    if outcome.expected.root is None:
        assert report["diagnoses"] == [], "a healthy target got a diagnosis"


def test_gateway_findings_are_warnings_never_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = RECORDINGS / "litellm-plain" / "healthy-full"
    main(["check", "--replay", str(folder), "--profile", "full", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    target = report["targets"][0]
    assert target["gateway_detected"].startswith("LiteLLM proxy 1.106")
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["headers.request-id"] == statuses["headers.rate-limit"] == "warning"
    assert "[WARN] headers.request-id" in out and "judged as a gateway: LiteLLM proxy" in out
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert 'name="warning"' in junit and "<system-out>warning: gateway:" in junit


def test_live_third_party_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    missing = missing_servers()
    if missing:
        pytest.skip("third-party servers not installed: " + "; ".join(sorted(set(missing.values()))))
    code = run_live([])
    out = capsys.readouterr().out
    assert code == 0, out
