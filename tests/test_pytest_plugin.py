"""The plugin runs the shipped suites; outcomes, skips and JUnit properties are what CI reads."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest


def run_suites(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--pyargs", "claude_harness_suites", "-p", "no:cacheprovider", *args)


def test_suites_pass_against_healthy_emulator(pytester: pytest.Pytester) -> None:
    result = run_suites(pytester, "--harness-emulator")
    # 7 smoke tests x 7 providers; the 13 conformance checks wait for --harness-profile full
    result.assert_outcomes(passed=49, skipped=91)
    result.stdout.fnmatch_lines(["*claude-harness (emulator): emulated-foundry=foundry:http://127.0.0.1:*"])


def test_fault_fails_the_right_test_and_blocks_the_rest(pytester: pytest.Pytester, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    reports = tmp_path / "reports"
    result = run_suites(pytester, "--harness-mocked", "--harness-provider", "foundry", "--harness-fault",
                        "unknown-model", f"--junitxml={junit}", f"--harness-report-dir={reports}")
    result.assert_outcomes(passed=4, failed=1, skipped=2 + 13)
    result.stdout.fnmatch_lines(["*model.available ?model.not-found?: expected model*", "*claude-harness root causes*"])
    tree = ET.parse(junit)
    failed = [case for case in tree.iter("testcase") if case.find("failure") is not None]
    assert len(failed) == 1
    props = {p.get("name"): p.get("value") for p in failed[0].iter("property")}
    assert props["cause"] == "model.not-found"
    assert props["provider"] == "foundry"
    assert props["apim-request-id"]
    report = json.loads((reports / "report.json").read_text())
    assert report["diagnoses"][0]["cause"] == "model.not-found"


def test_without_credentials_suites_skip_naming_the_variables(pytester: pytest.Pytester) -> None:
    result = run_suites(pytester, "-rs")
    result.assert_outcomes(skipped=7 + 13)
    result.stdout.fnmatch_lines(["*ANTHROPIC_FOUNDRY_API_KEY*--harness-emulator*"])


def test_bad_plugin_option_is_a_usage_error(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_suites(pytester, "--harness-provider", "foundry", "--harness-base-url",
                        "https://res.services.ai.azure.com/anthropic", "--harness-model", "d")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*ANTHROPIC_FOUNDRY_API_KEY is not set*"])


def test_full_profile_suites_against_emulator(pytester: pytest.Pytester) -> None:
    result = run_suites(pytester, "--harness-emulator", "--harness-profile", "full", "-rs")
    # 13 conformance checks x 7 providers; errors.unsupported-endpoints applies to Foundry only
    result.assert_outcomes(passed=49 + 91 - 6, skipped=6)
    result.stdout.fnmatch_lines(["*not applicable: OpenRouter documents no unsupported endpoints*"])


def test_xdist_runs_each_target_once_and_the_controller_writes_the_report(pytester: pytest.Pytester,
                                                                          tmp_path: Path) -> None:
    pytest.importorskip("xdist")
    reports = tmp_path / "reports"
    junit = tmp_path / "junit.xml"
    result = run_suites(pytester, "-n", "2", "--dist", "loadgroup", "--harness-mocked", "--harness-fault",
                        "invalid-key", f"--harness-report-dir={reports}", f"--junitxml={junit}")
    # Vertex has no API keys, so invalid-key does not apply to it: 6 targets
    result.assert_outcomes(passed=18, failed=6, skipped=18 + 78)
    report = json.loads((reports / "report.json").read_text())
    assert sorted(t["id"] for t in report["targets"]) == ["emulated-anthropic", "emulated-bedrock",
                                                          "emulated-bedrock-mantle", "emulated-claude-platform-aws",
                                                          "emulated-foundry", "emulated-openrouter"]
    assert {d["cause"] for d in report["diagnoses"]} == {"auth.invalid-key"}
    assert report["summary"]["verdict"] == "broken"
    causes = [p.get("value") for p in ET.parse(junit).iter("property") if p.get("name") == "cause"]
    assert causes.count("auth.invalid-key") == 6


def test_require_live_fails_instead_of_skipping(pytester: pytest.Pytester) -> None:
    result = run_suites(pytester, "--harness-require-live")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--harness-require-live: no live target*ANTHROPIC_API_KEY*"])


@pytest.mark.parametrize(("args", "message"), [
    (("--harness-mocked", "--harness-fault", "no-such-fault"), "*Unknown fault(s): no-such-fault*"),
    (("--harness-provider", "anthropic", "--harness-fault", "invalid-key"),
     "*--harness-fault only applies to the built-in emulator*--harness-emulator*"),
    (("--harness-mocked", "--harness-max-billable-calls", "1"), "*exceeds the budget*--harness-max-billable-calls*"),
])
def test_bad_options_are_usage_errors_naming_pytest_options(pytester: pytest.Pytester, args: tuple[str, ...],
                                                            message: str) -> None:
    result = run_suites(pytester, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, "a usage error, never an INTERNALERROR"
    result.stderr.fnmatch_lines([message])
    assert "INTERNALERROR" not in result.stderr.str() + result.stdout.str()


def test_hints_name_the_pytest_option(pytester: pytest.Pytester) -> None:
    result = run_suites(pytester, "--harness-provider", "foundry", "--harness-resource", "res",
                        "--harness-model", "d")
    result.stderr.fnmatch_lines(["*ANTHROPIC_FOUNDRY_API_KEY is not set*--harness-api-key-env*"])
    assert " --api-key-env" not in result.stderr.str()


def test_transient_failures_can_be_xfail(pytester: pytest.Pytester, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    result = run_suites(pytester, "--harness-mocked", "--harness-provider", "anthropic", "--harness-fault",
                        "overloaded", "--harness-transient", "xfail", f"--harness-report-dir={reports}")
    result.assert_outcomes(passed=5, xfailed=1, skipped=1 + 13)
    assert result.ret == pytest.ExitCode.OK
    report = json.loads((reports / "report.json").read_text())
    assert report["summary"]["verdict"] == "transient" and report["summary"]["exit_code"] == 3
    default = run_suites(pytester, "--harness-mocked", "--harness-provider", "anthropic", "--harness-fault",
                         "overloaded")
    default.assert_outcomes(passed=5, failed=1, skipped=1 + 13)


def test_every_ci_option_has_a_pytest_twin(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    text = result.stdout.str()
    for option in ("config", "provider", "base-url", "resource", "model", "auth", "api-key-env", "header",
                   "concurrency",
                   "gateway", "timeout", "max-tokens", "retries", "max-retry-wait", "deadline",
                   "max-billable-calls", "max-output-tokens", "ca-bundle", "insecure", "profile", "report-dir",
                   "transient", "require-live", "strict"):
        assert f"--harness-{option}" in text, option


def test_deadline_and_timeout_apply_under_pytest(pytester: pytest.Pytester) -> None:
    result = run_suites(pytester, "--harness-mocked", "--harness-provider", "anthropic", "--harness-fault",
                        "slow-first-byte", "--harness-timeout", "0.3", "--harness-retries", "0", "-rs")
    result.assert_outcomes(passed=5, failed=1, skipped=1 + 13)  # count_tokens answered: auth and model pass
    result.stdout.fnmatch_lines(["*message.text-and-usage ?network.timeout?*", "*larger --harness-timeout*"])
    assert "larger --timeout" not in result.stdout.str(), "hints under pytest name the pytest option"


def test_concurrency_under_pytest(pytester: pytest.Pytester, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    result = run_suites(pytester, "--harness-mocked", "--harness-concurrency", "3", f"--harness-report-dir={reports}")
    result.assert_outcomes(passed=49, skipped=91)
    report = json.loads((reports / "report.json").read_text())
    assert len(report["targets"]) == 7 and report["summary"]["verdict"] == "healthy"
    pytest.importorskip("xdist")
    both = run_suites(pytester, "--harness-mocked", "--harness-concurrency", "3", "-n", "2")
    assert both.ret == pytest.ExitCode.USAGE_ERROR


def test_the_lifecycle_suite_test_warns_and_fails_with_strict_as_the_cli_does(pytester: pytest.Pytester,
                                                                             monkeypatch: pytest.MonkeyPatch,
                                                                             tmp_path: Path) -> None:
    """claude-sonnet-4-5 eight days before its retirement (the date is injected): a warning that passes, and with
    --harness-strict a failure, exactly as `check` exits 0, and 1 with --strict."""
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")
    args = ("--harness-mocked", "--harness-provider", "anthropic", "--harness-model", "claude-sonnet-4-5",
            "-k", "lifecycle")
    warned = run_suites(pytester, *args, f"--harness-report-dir={tmp_path / 'a'}")
    warned.assert_outcomes(passed=1, deselected=6 + 13)
    report = json.loads((tmp_path / "a" / "report.json").read_text())
    assert report["summary"]["exit_code"] == 0
    strict = run_suites(pytester, *args, "--harness-strict", f"--harness-report-dir={tmp_path / 'b'}")
    strict.assert_outcomes(failed=1, deselected=6 + 13)
    strict.stdout.fnmatch_lines(["*model.lifecycle warning (--harness-strict)*retires on 2026-11-30, in 8 days*"])
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    assert report["summary"]["exit_code"] == 1 and report["summary"]["strict"] is True
