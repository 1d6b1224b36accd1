"""Configuration errors exit 2 with a message naming the fix, and send nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main


def run(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", "--report-dir", str(tmp_path / "out"), *argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


CASES = [
    (["--provider", "nope"], {}, "Unknown provider 'nope'", "--provider with one of"),
    (["--provider", "foundry", "--resource", "res", "--base-url", "https://res.services.ai.azure.com/anthropic",
      "--model", "d"], {"ANTHROPIC_FOUNDRY_API_KEY": "k1234"}, "mutually exclusive", "Keep one"),
    (["--provider", "foundry", "--model", "d"],
     {"ANTHROPIC_FOUNDRY_API_KEY": "k1234", "ANTHROPIC_FOUNDRY_RESOURCE": "res",
      "ANTHROPIC_FOUNDRY_BASE_URL": "https://res.services.ai.azure.com/anthropic"}, "mutually exclusive",
     "ANTHROPIC_FOUNDRY_RESOURCE"),
    (["--provider", "foundry", "--base-url", "https://res.services.ai.azure.com", "--model", "d"],
     {"ANTHROPIC_FOUNDRY_API_KEY": "k1234"}, "must end in /anthropic", "/anthropic"),
    (["--provider", "foundry", "--base-url", "https://res.services.ai.azure.com/anthropic/v1/messages",
      "--model", "d"], {"ANTHROPIC_FOUNDRY_API_KEY": "k1234"}, "adds /v1/messages itself", "/anthropic"),
    (["--provider", "foundry", "--resource", "res", "--model", "d"], {}, "ANTHROPIC_FOUNDRY_API_KEY is not set",
     "Export ANTHROPIC_FOUNDRY_API_KEY"),
    (["--provider", "openrouter", "--api-key-env", "MY_KEY"], {"MY_KEY": ""}, "MY_KEY is empty", "Put the key"),
    (["--provider", "openrouter"], {"OPENROUTER_API_KEY": "abc def"}, "whitespace", "Remove the whitespace"),
    (["--provider", "anthropic", "--model", "claude sonnet"], {"ANTHROPIC_API_KEY": "k1234"}, "contains spaces",
     "--model"),
    (["--provider", "anthropic", "--base-url", "ftp://example.invalid"], {"ANTHROPIC_API_KEY": "k1234"},
     "not an http(s) URL", "Use a URL"),
    (["--provider", "anthropic", "--base-url", "http://api.example.invalid"], {"ANTHROPIC_API_KEY": "k1234"},
     "plain http", "--allow-insecure-http"),
    (["--provider", "openrouter", "--auth", "api-key"], {"OPENROUTER_API_KEY": "k1234"}, "not available",
     "bearer"),
    (["--provider", "foundry", "--resource", "res"], {"ANTHROPIC_FOUNDRY_API_KEY": "k1234"},
     "deployment name", "--model"),
    ([], {}, "No target is configured", "--emulator"),
    (["--fault", "invalid-key"], {}, "--fault only applies", "--emulator"),
    (["--provider", "anthropic", "--base-url", "https://"], {"ANTHROPIC_API_KEY": "k1234"}, "not an http(s) URL",
     "Use a URL"),
    (["--provider", "anthropic", "--base-url", "https://api.example.invalid:99999"], {"ANTHROPIC_API_KEY": "k1234"},
     "invalid port", "Base URL"),
    (["--provider", "anthropic", "--base-url", "https://api.example.invalid/?key=1"], {"ANTHROPIC_API_KEY": "k1234"},
     "query string", "Base URL"),
    (["--emulator", "--mocked"], {}, "alternatives", "Pick one"),
    (["--emulator", "--base-url", "http://127.0.0.1:1"], {}, "picks its own endpoints", "Drop --config"),
    (["--config", "x.toml", "--provider", "anthropic"], {}, "are alternatives", "drop --config"),
    (["--mocked", "--concurrency", "0"], {}, "--concurrency must be at least 1", "--concurrency"),
    (["--mocked", "--insecure", "--ca-bundle", "ca.pem"], {}, "contradict", "Pick one"),
    (["--provider", "anthropic", "--ca-bundle", "/nonexistent/ca.pem"], {"ANTHROPIC_API_KEY": "k1234"},
     "is not a readable file", "--ca-bundle"),
    (["--provider", "anthropic", "--header", "no-colon"], {"ANTHROPIC_API_KEY": "k1234"}, "is not NAME:VALUE",
     "--header"),
    (["--provider", "anthropic", "--header", "x-api-key: sneaky"], {"ANTHROPIC_API_KEY": "k1234"},
     "carries a credential", "--api-key-env"),
    (["--emulator", "--fault", "no-such-fault"], {}, "Unknown fault", "Known faults"),
]


@pytest.mark.parametrize(("argv", "env", "problem", "fix"), CASES, ids=[c[2][:30] for c in CASES])
def test_config_error_exits_2_with_fix(
    argv: list[str], env: dict[str, str], problem: str, fix: str,
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, err = run(argv, tmp_path, capsys)
    assert code == 2
    assert problem in err
    assert fix in err
    assert not (tmp_path / "out" / "report.json").exists()


@pytest.mark.parametrize(("argv", "env", "cause"), [
    (["--provider", "foundry", "--resource", "res", "--model", "d"], {}, "config.missing-credentials"),
    ([], {}, "config.missing-credentials"),
    (["--provider", "foundry", "--resource", "r", "--base-url", "https://r.services.ai.azure.com/anthropic",
      "--model", "d"], {"ANTHROPIC_FOUNDRY_API_KEY": "k1234"}, "config.conflicting-endpoint"),
    (["--provider", "foundry", "--base-url", "https://r.services.ai.azure.com", "--model", "d"],
     {"ANTHROPIC_FOUNDRY_API_KEY": "k1234"}, "config.invalid-endpoint"),
    (["--provider", "openrouter", "--base-url", "https://openrouter.ai/api"], {"OPENROUTER_API_KEY": "k1234"},
     "config.invalid-endpoint"),
])
def test_config_errors_name_their_cause(argv: list[str], env: dict[str, str], cause: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    code, err = run(argv, tmp_path, capsys)
    assert code == 2 and f"[{cause}]" in err


def test_toml_unknown_key_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "targets.toml"
    config.write_text('[[targets]]\nprovider = "anthropic"\nmodle = "x"\n')
    code, err = run(["--config", str(config)], tmp_path, capsys)
    assert code == 2 and "unknown keys: modle" in err


def test_toml_syntax_error_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "targets.toml"
    config.write_text("[[targets]\nprovider = ")
    code, err = run(["--config", str(config)], tmp_path, capsys)
    assert code == 2 and "not valid TOML" in err


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["--config", str(tmp_path / "missing.toml")], tmp_path, capsys)
    assert code == 2 and "does not exist" in err


def test_config_that_is_a_directory_is_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["--config", str(tmp_path)], tmp_path, capsys)
    assert code == 2 and "cannot be read" in err


def test_unwritable_report_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["check", "--mocked", "--report-dir", str(blocker / "reports")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot be written" in err and "--report-dir" in err


def test_argparse_errors_exit_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["check", "--timeout", "soon"])
    assert info.value.code == 2
    assert "invalid float value" in capsys.readouterr().err


def test_report_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["check", "--mocked", "--report-dir", str(blocker)])
    err = capsys.readouterr().err
    assert code == 2 and "is a file" in err


@pytest.mark.parametrize(("argv", "problem"), [
    (["--header", "bad header: x"], "'bad header' is not a valid HTTP header name"),
    (["--header", "X-Team: caf\u00e9"], "non-ASCII"),
    (["--header", "X-Secret: env:NOT_SET_ANYWHERE"], "NOT_SET_ANYWHERE, which is not set"),
])
def test_bad_headers_exit_2_naming_the_header(argv: list[str], problem: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k1234")
    code, err = run(["--provider", "anthropic", *argv], tmp_path, capsys)
    assert code == 2 and problem in err
    assert not (tmp_path / "out").exists(), "a configuration error leaves no report directory behind"


@pytest.mark.parametrize(("line", "problem"), [
    ('allow_insecure_http = "no"', "'allow_insecure_http' must be true or false"),
    ("max_tokens = 16.9", "'max_tokens' must be a whole number"),
    ('timeout = "30"', "'timeout' must be a number"),
    ('gateway = 1', "'gateway' must be true or false"),
    ('headers = {"X-Note" = "a\\nb"}', "line break"),
])
def test_toml_values_of_the_wrong_type_exit_2(line: str, problem: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k1234")
    config = tmp_path / "t.toml"
    config.write_text(f'[[targets]]\nprovider = "anthropic"\n{line}\n')
    code, err = run(["--config", str(config)], tmp_path, capsys)
    assert code == 2 and problem in err, err
    assert not (tmp_path / "out").exists()


def test_setting_flags_apply_to_every_target_of_a_config(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The documented rule: setting flags override the file for every target; target flags conflict."""
    from harness.commands import _apply_flags

    raw = {"provider": "anthropic", "timeout": 5, "headers": {"X-Team": "file", "X-Keep": "1"}}
    flags = {"timeout": 9.0, "allow_insecure_http": True, "headers": {"x-team": "flag"}, "gateway": True}
    applied = _apply_flags(raw, flags)
    assert applied["timeout"] == 9.0 and applied["allow_insecure_http"] is True and applied["gateway"] is True
    assert applied["headers"] == {"X-Keep": "1", "x-team": "flag"}
    config = tmp_path / "t.toml"
    config.write_text('[[targets]]\nprovider = "anthropic"\nbase_url = "http://gw.example.invalid"\n')
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k1234")
    code, err = run(["--config", str(config), "--model", "m"], tmp_path, capsys)
    assert code == 2 and "alternatives" in err
    # --allow-insecure-http given with --config is honoured, not ignored (nothing is sent: the budget refuses)
    code, err = run(["--config", str(config), "--allow-insecure-http", "--max-billable-calls", "0"], tmp_path,
                    capsys)
    assert code == 2 and "exceeds the budget" in err and "allow-insecure-http" not in err


def test_unwritable_github_step_summary_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no-such-dir" / "summary.md"))
    code = main(["check", "--mocked", "--format", "github", "--report-dir", str(tmp_path / "r")])
    captured = capsys.readouterr()
    assert code == 0 and "Traceback" not in captured.err
    assert "::warning" in captured.err and "GITHUB_STEP_SUMMARY" in captured.err


@pytest.mark.parametrize(("second", "problem"), [
    ('name = "eu"\nprovider = "anthropic"\nmodel = 5', "target 2 ('eu'): Setting 'model' must be a string"),
    ('name = "eu"\nprovider = "nope"', "target 2 ('eu'): Unknown provider 'nope'. Use --provider with one of"),
    ('provider = "anthropic"\nmax_tokens = 16.9', "target 2: Setting 'max_tokens' must be a whole number"),
])
def test_a_toml_error_names_the_file_and_the_target(second: str, problem: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k1234")
    config = tmp_path / "t.toml"
    config.write_text(f'[[targets]]\nname = "us"\nprovider = "anthropic"\n\n[[targets]]\n{second}\n')
    code, err = run(["--config", str(config)], tmp_path, capsys)
    assert code == 2 and f"Config file {config}, {problem}" in err, err
    assert not (tmp_path / "out").exists()
