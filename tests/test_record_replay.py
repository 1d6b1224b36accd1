"""`--record DIR` writes scrubbed fixtures; `--replay DIR` reproduces the run's verdict offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.cli import main
from harness.resources import fixtures_dir

CANARY = "CANARY-record-5e1d7a3b9c2f"
# the shapes the repository's pre-stop hook looks for, plus bearer values
KEY_SHAPES = re.compile(
    r"sk-ant-(api|admin)[0-9]{2}-[A-Za-z0-9_-]{20,}|sk-or-v1-[a-f0-9]{40,}|AKIA[0-9A-Z]{16}"
    r"|eyJ[A-Za-z0-9_-]{20,}\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}|Bearer [A-Za-z0-9._~+/=-]{16,}"
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main([*argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def causes(report: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((d["target"], d["cause"]) for d in report["diagnoses"])  # type: ignore[attr-defined, index]


@pytest.mark.parametrize("fault", [None, "echo-key", "unknown-model", "rate-limited", "truncated-stream"])
def test_record_then_replay(fault: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CANARY_KEY", CANARY)
    recording = tmp_path / "recording"
    argv = ["check", "--emulator", "--api-key-env", "CANARY_KEY", "--profile", "full", "--record", str(recording),
            "--report-dir", str(tmp_path / "live")]
    if fault:
        argv += ["--fault", fault]
    code, live = run(argv, capsys)
    recorded = "".join(p.read_text() for p in recording.rglob("*") if p.is_file())
    assert CANARY not in recorded and CANARY[8:20] not in recorded
    assert not KEY_SHAPES.search(recorded)
    replay_code, replayed = run(["check", "--replay", str(recording), "--profile", "full",
                                 "--report-dir", str(tmp_path / "replayed")], capsys)
    assert (replay_code, causes(replayed)) == (code, causes(live))
    statuses = lambda r: sorted((c["target"], c["id"], c["status"]) for c in r["checks"])  # noqa: E731
    assert statuses(replayed) == statuses(live)


def test_entra_recording_holds_no_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recording = tmp_path / "recording"
    main(["check", "--emulator", "--auth", "entra", "--record", str(recording), "--report-dir", str(tmp_path / "r")])
    capsys.readouterr()
    assert not KEY_SHAPES.search("".join(p.read_text() for p in recording.rglob("*") if p.is_file()))
    assert main(["check", "--replay", str(recording), "--report-dir", str(tmp_path / "r2")]) == 0
    capsys.readouterr()


def test_replay_of_nothing_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--replay", str(tmp_path), "--report-dir", str(tmp_path / "r")]) == 2
    assert "holds no recording" in capsys.readouterr().err


def test_no_fixture_in_the_repository_holds_a_key_shaped_string() -> None:
    root = fixtures_dir()
    offenders = [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
                 and KEY_SHAPES.search(p.read_text(errors="replace"))]
    assert offenders == [], f"key-shaped strings in fixtures: {offenders}"


def _two_targets_one_host(emu_url: str, path: Path, names: tuple[str, str]) -> Path:
    path.write_text(
        f'[[targets]]\nname = "{names[0]}"\nprovider = "foundry"\nbase_url = "{emu_url}/anthropic"\n'
        f'model = "deployment-ok"\napi_key_env = "K"\n\n'
        f'[[targets]]\nname = "{names[1]}"\nprovider = "foundry"\nbase_url = "{emu_url}/anthropic"\n'
        f'model = "nonexistent-deployment"\napi_key_env = "K"\n')
    return path


@pytest.mark.parametrize("names", [("healthy", "broken"), ("a/../../escape", "with space/and slash")])
def test_replay_answers_each_target_from_its_own_recording(names: tuple[str, str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from harness.emulator import RunningEmulator

    monkeypatch.setenv("K", "k-replay-123456")
    recording = tmp_path / "deep" / "rec"
    with RunningEmulator() as emu:
        config = _two_targets_one_host(emu.url, tmp_path / "two.toml", names)
        code, live = run(["check", "--config", str(config), "--retries", "0", "--record", str(recording),
                          "--report-dir", str(tmp_path / "live")], capsys)
    assert code == 1
    verdicts = {t["id"]: t["verdict"] for t in live["targets"]}  # type: ignore[attr-defined]
    assert verdicts == {names[0]: "healthy", names[1]: "broken"}
    written = [p for p in tmp_path.rglob("target.json")]
    assert len(written) == 2 and all(recording in p.parents for p in written), "recorded outside --record DIR"
    code2, replayed = run(["check", "--replay", str(recording), "--report-dir", str(tmp_path / "replayed")], capsys)
    assert code2 == code
    assert {t["id"]: t["verdict"] for t in replayed["targets"]} == verdicts  # type: ignore[attr-defined]
    assert causes(replayed) == causes(live)


def test_replaying_a_smoke_recording_in_full_skips_what_was_not_recorded(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    recording = tmp_path / "rec"
    code, _ = run(["check", "--emulator", "--provider", "anthropic", "--record", str(recording),
                   "--report-dir", str(tmp_path / "live")], capsys)
    assert code == 0
    code, replayed = run(["check", "--replay", str(recording), "--profile", "full",
                          "--report-dir", str(tmp_path / "r")], capsys)
    checks = replayed["checks"]  # type: ignore[assignment]
    skipped = [c for c in checks if c["status"] == "skipped" and c["message"].startswith("not recorded")]
    assert skipped and not [c for c in checks if c["status"] == "failed"], "unrecorded probes are not failures"
    assert replayed["diagnoses"] == []


def test_record_refuses_a_foreign_directory_and_replaces_an_old_recording(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    assert main(["check", "--mocked", "--record", str(foreign), "--report-dir", str(tmp_path / "r")]) == 2
    assert "is not empty and does not hold a recording" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text() == "mine"
    recording = tmp_path / "rec"
    assert main(["check", "--mocked", "--record", str(recording), "--report-dir", str(tmp_path / "r1")]) == 0
    assert len(list(recording.glob("*/target.json"))) == 7
    assert main(["check", "--mocked", "--provider", "anthropic", "--record", str(recording),
                 "--report-dir", str(tmp_path / "r2")]) == 0
    capsys.readouterr()
    assert [p.parent.name for p in recording.glob("*/target.json")] == ["emulated-anthropic"], "old targets merged"
