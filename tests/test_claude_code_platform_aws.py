"""`check --claude-code` with CLAUDE_CODE_USE_ANTHROPIC_AWS: Claude Code's documented Claude Platform on AWS
variables (its page "Claude Code on Claude Platform on AWS"); the emulator is on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.claude_code import parse_settings, plan, resolve
from harness.cli import main
from harness.config import build_targets
from harness.emulator import RunningEmulator
from harness.errors import ConfigError
from tests.helpers import claude_code_machine, read_report

KEY = "sk-ant-claude-code-platform-aws-123456"
WORKSPACE = "wrkspc_01ABCDEFGHIJKLMN"
ACCESS_KEY, SECRET_KEY = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # the AWS docs' example
BASE = {"CLAUDE_CODE_USE_ANTHROPIC_AWS": "1", "ANTHROPIC_AWS_WORKSPACE_ID": WORKSPACE, "AWS_REGION": "us-east-1",
        "ANTHROPIC_MODEL": "claude-sonnet-4-6"}


def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Path:
    return claude_code_machine(tmp_path, monkeypatch, env)


def test_the_switch_reads_the_region_the_workspace_id_and_a_workspace_api_key_sent_as_x_api_key() -> None:
    env = {**BASE, "AWS_REGION": "eu-west-1", "ANTHROPIC_AWS_API_KEY": KEY, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    cc = plan(resolve(env, []))
    [raw] = cc.raws
    assert (raw["provider"], raw["region"], raw["workspace_id"], raw["auth"], raw["api_key_env"]) == (
        "claude-platform-aws", "eu-west-1", WORKSPACE, "x-api-key", "ANTHROPIC_AWS_API_KEY")
    assert "base_url" not in raw  # computed from the region: https://aws-external-anthropic.eu-west-1.api.aws
    lines = cc.provenance["claude-code:claude-sonnet-4-6"]
    assert "provider claude-platform-aws ← CLAUDE_CODE_USE_ANTHROPIC_AWS (environment)" in lines
    assert "region ← AWS_REGION (environment)" in lines
    assert "workspace_id ← ANTHROPIC_AWS_WORKSPACE_ID (environment)" in lines
    assert any(line.startswith("credential ← ANTHROPIC_AWS_API_KEY") and "precedence over SigV4" in line
               for line in lines)  # the page: the key wins, AWS credentials are ignored
    assert any("Claude Platform on AWS were not observed" in n for n in cc.notes)
    assert cc.tier_probes == {}
    [target] = build_targets(cc.raws, env)
    assert target.base_url == "https://aws-external-anthropic.eu-west-1.api.aws"
    assert ("anthropic-workspace-id", WORKSPACE) in target.extra_headers


def test_without_a_key_it_signs_from_the_aws_chain_as_aws_external_anthropic() -> None:
    env = {**BASE, "AWS_REGION": "", "AWS_DEFAULT_REGION": "us-west-2", "AWS_PROFILE": "dev"}
    cc = plan(resolve(env, []))
    [raw] = cc.raws
    assert (raw["auth"], raw["region"]) == ("sigv4", "us-west-2")
    assert "credential ← AWS credentials from profile dev (environment), signed with SigV4 as " \
           "aws-external-anthropic" in cc.provenance["claude-code:claude-sonnet-4-6"]


def test_the_base_url_override_is_a_gateway_forwarding_the_same_headers() -> None:
    cc = plan(resolve({**BASE, "ANTHROPIC_AWS_BASE_URL": "https://anthropic-proxy.example.com"}, []))
    [raw] = cc.raws
    assert (raw["base_url"], raw["gateway"]) == ("https://anthropic-proxy.example.com", True)
    assert "base_url ← ANTHROPIC_AWS_BASE_URL (environment)" in cc.provenance["claude-code:claude-sonnet-4-6"]


def test_a_gateways_own_token_is_named_and_not_sent() -> None:
    cc = plan(resolve({**BASE, "ANTHROPIC_AUTH_TOKEN": "gw-token"}, []))
    assert cc.raws[0]["auth"] == "sigv4"
    assert any("ANTHROPIC_AUTH_TOKEN is set" in n and "CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH" in n for n in cc.notes)


def test_a_missing_workspace_id_stops_with_the_providers_own_error() -> None:
    env = {k: v for k, v in BASE.items() if k != "ANTHROPIC_AWS_WORKSPACE_ID"}
    cc = plan(resolve(env, []))
    with pytest.raises(ConfigError, match="every request must carry the anthropic-workspace-id header") as stopped:
        build_targets(cc.raws, env)
    assert stopped.value.cause == "config.missing-workspace"
    assert "ANTHROPIC_AWS_WORKSPACE_ID" in (stopped.value.fix or "")


def test_an_unpinned_model_is_refused_because_its_default_is_undocumented() -> None:
    settings = parse_settings("~/.claude/settings.json", json.dumps({"env": {
        "CLAUDE_CODE_USE_ANTHROPIC_AWS": "1", "ANTHROPIC_AWS_WORKSPACE_ID": WORKSPACE}}))
    with pytest.raises(ConfigError, match="is not documented and was not observed") as refused:
        plan(resolve({}, [settings]))
    assert "CLAUDE_CODE_USE_ANTHROPIC_AWS from ~/.claude/settings.json" in str(refused.value)
    assert "ANTHROPIC_MODEL" in (refused.value.fix or "")
    assert "--provider claude-platform-aws" in (refused.value.fix or "")
    with pytest.raises(ConfigError, match="ANTHROPIC_DEFAULT_OPUS_MODEL"):  # an alias of an unpinned tier
        plan(resolve({**BASE, "ANTHROPIC_MODEL": "opus"}, []))
    aliased = plan(resolve({**BASE, "ANTHROPIC_MODEL": "opus", "ANTHROPIC_DEFAULT_OPUS_MODEL": "claude-opus-4-7"},
                           []))
    assert [r["model"] for r in aliased.raws] == ["claude-opus-4-7"]  # the page pins the aliases this way
    interactive = plan(resolve(BASE, []), mode="interactive")
    assert any("haiku tier" in n and "not documented" in n for n in interactive.notes)


def test_skipping_its_auth_means_the_gateway_is_what_claude_code_reaches() -> None:
    with pytest.raises(ConfigError, match="CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH"):
        plan(resolve({**BASE, "CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH": "1",
                      "ANTHROPIC_AWS_BASE_URL": "https://anthropic-proxy.example.com"}, []))


def test_bedrock_and_foundry_take_precedence_as_the_page_says() -> None:
    for switch, provider in (("CLAUDE_CODE_USE_BEDROCK", "bedrock"), ("CLAUDE_CODE_USE_FOUNDRY", "foundry")):
        cc = plan(resolve({**BASE, switch: "1", "ANTHROPIC_FOUNDRY_RESOURCE": "res"}, []))
        assert {r["provider"] for r in cc.raws} == {provider}


def test_claude_code_with_a_workspace_api_key_is_checked_against_the_emulator(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, {**BASE, "ANTHROPIC_AWS_BASE_URL": f"{emu.url}/aws",
                                                   "ANTHROPIC_AWS_API_KEY": KEY})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    report = read_report(reports)
    assert code == 0, out
    [target] = report["targets"]
    assert (target["provider"], target["model"], target["auth"]) == ("claude-platform-aws", "claude-sonnet-4-6",
                                                                    "x-api-key")
    assert "workspace_id ← ANTHROPIC_AWS_WORKSPACE_ID (~/.claude/settings.json env)" in target["provenance"]
    assert "were not observed" in out
    assert KEY not in out + (reports / "report.json").read_text()


def test_claude_code_signing_with_sigv4_is_checked_against_the_emulator(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, {**BASE, "ANTHROPIC_AWS_BASE_URL": f"{emu.url}/aws",
                                                   "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                                                   "AWS_SECRET_ACCESS_KEY": SECRET_KEY})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    report = read_report(reports)
    assert code == 0, out
    [target] = report["targets"]
    assert (target["provider"], target["auth"]) == ("claude-platform-aws", "sigv4")
    assert "credential ← AWS credentials from the default chain, signed with SigV4 as aws-external-anthropic" in \
        target["provenance"]
    assert report["usage"]["billable_calls"] == 2  # the message and the stream: no tier probes
    assert "wJalrXUtnFEMI" not in out + (reports / "report.json").read_text()


def test_a_missing_workspace_id_exits_2_as_check_provider_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    env = {k: v for k, v in BASE.items() if k != "ANTHROPIC_AWS_WORKSPACE_ID"}
    reports = _machine(tmp_path, monkeypatch, {**env, "ANTHROPIC_AWS_API_KEY": KEY})
    assert main(["check", "--claude-code", "--report-dir", str(reports)]) == 2
    claude_code_err = capsys.readouterr().err
    monkeypatch.setenv("ANTHROPIC_AWS_API_KEY", KEY)
    assert main(["check", "--provider", "claude-platform-aws", "--region", "us-east-1", "--auth", "x-api-key",
                 "--report-dir", str(reports)]) == 2
    provider_err = capsys.readouterr().err
    assert "No Claude Platform on AWS workspace id (wrkspc_…) for Claude Platform on AWS" in claude_code_err
    assert claude_code_err == provider_err
    assert "Traceback" not in claude_code_err and not (reports / "report.json").exists()
