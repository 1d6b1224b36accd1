"""`check --claude-code` with CLAUDE_CODE_USE_MANTLE: Claude Code's documented Mantle variables (its Bedrock page,
"Use the Mantle endpoint"), alone and beside CLAUDE_CODE_USE_BEDROCK; the emulator is on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.claude_code import parse_settings, plan, resolve
from harness.cli import main
from harness.emulator import RunningEmulator
from harness.errors import ConfigError
from tests.helpers import claude_code_machine, read_report

KEY = "ABSK-claude-code-mantle-123456"


def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Path:
    return claude_code_machine(tmp_path, monkeypatch, env)


def test_mantle_reads_the_aws_region_its_base_url_and_a_bedrock_api_key_sent_as_x_api_key() -> None:
    env = {"CLAUDE_CODE_USE_MANTLE": "1", "AWS_REGION": "eu-west-1", "AWS_BEARER_TOKEN_BEDROCK": KEY,
           "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": "https://gw.example/anthropic",
           "ANTHROPIC_MODEL": "anthropic.claude-sonnet-4-6"}
    cc = plan(resolve(env, []))
    [raw] = cc.raws
    assert (raw["provider"], raw["region"], raw["auth"], raw["api_key_env"], raw["base_url"], raw["gateway"]) == (
        "bedrock-mantle", "eu-west-1", "x-api-key", "AWS_BEARER_TOKEN_BEDROCK", "https://gw.example/anthropic", True)
    lines = cc.provenance["claude-code:anthropic.claude-sonnet-4-6"]
    assert "provider bedrock-mantle ← CLAUDE_CODE_USE_MANTLE (environment)" in lines
    assert "region ← AWS_REGION (environment)" in lines
    assert "main ← ANTHROPIC_MODEL (environment)" in lines
    # Claude Code's requests on Mantle were never observed: said, not guessed
    assert any("Amazon Bedrock (Mantle) were not observed" in n for n in cc.notes)
    assert cc.tier_probes == {}


def test_mantle_without_a_key_signs_from_the_aws_chain_in_claude_codes_fallback_region() -> None:
    env = {"CLAUDE_CODE_USE_MANTLE": "1", "AWS_PROFILE": "dev", "ANTHROPIC_MODEL": "anthropic.claude-haiku-4-5"}
    [raw] = plan(resolve(env, [])).raws
    assert (raw["auth"], raw["region"]) == ("sigv4", "us-east-1")
    assert "base_url" not in raw  # the SDK's own host for the region: bedrock-mantle.us-east-1.api.aws


def test_an_unpinned_mantle_model_is_refused_because_its_default_is_undocumented() -> None:
    settings = parse_settings("~/.claude/settings.json", json.dumps({"env": {"CLAUDE_CODE_USE_MANTLE": "1"}}))
    with pytest.raises(ConfigError, match="is not documented and was not observed") as refused:
        plan(resolve({}, [settings]))
    assert "CLAUDE_CODE_USE_MANTLE from ~/.claude/settings.json" in str(refused.value)
    assert "--provider bedrock-mantle" in (refused.value.fix or "")
    with pytest.raises(ConfigError, match="ANTHROPIC_DEFAULT_SONNET_MODEL"):  # an alias of an unpinned tier
        plan(resolve({"CLAUDE_CODE_USE_MANTLE": "1", "ANTHROPIC_MODEL": "sonnet"}, []))
    aliased = plan(resolve({"CLAUDE_CODE_USE_MANTLE": "1", "ANTHROPIC_MODEL": "sonnet",
                            "ANTHROPIC_DEFAULT_SONNET_MODEL": "anthropic.claude-sonnet-4-6"}, []))
    assert [r["model"] for r in aliased.raws] == ["anthropic.claude-sonnet-4-6"]


def test_the_background_model_on_mantle_is_checked_only_when_pinned_and_in_its_own_region() -> None:
    base = {"CLAUDE_CODE_USE_MANTLE": "1", "ANTHROPIC_MODEL": "anthropic.claude-sonnet-4-6"}
    unpinned = plan(resolve(base, []), mode="interactive")
    assert [r["model"] for r in unpinned.raws] == ["anthropic.claude-sonnet-4-6"]
    assert any("haiku tier" in n and "not documented" in n and "ANTHROPIC_DEFAULT_HAIKU_MODEL" in n
               for n in unpinned.notes)
    pinned = plan(resolve({**base, "ANTHROPIC_DEFAULT_HAIKU_MODEL": "anthropic.claude-haiku-4-5",
                           "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "us-west-2"}, []), mode="interactive")
    haiku = next(r for r in pinned.raws if r["model"] == "anthropic.claude-haiku-4-5")
    assert (haiku["provider"], haiku["region"]) == ("bedrock-mantle", "us-west-2")


def test_skipping_mantle_auth_means_the_gateway_is_what_claude_code_reaches() -> None:
    with pytest.raises(ConfigError, match="CLAUDE_CODE_SKIP_MANTLE_AUTH"):
        plan(resolve({"CLAUDE_CODE_USE_MANTLE": "1", "CLAUDE_CODE_SKIP_MANTLE_AUTH": "1",
                      "ANTHROPIC_MODEL": "anthropic.claude-sonnet-4-6"}, []))


def test_beside_bedrock_mantle_format_ids_go_to_mantle_and_the_rest_to_invoke() -> None:
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "CLAUDE_CODE_USE_MANTLE": "1", "AWS_REGION": "us-west-2",
           "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6",
           "ANTHROPIC_DEFAULT_HAIKU_MODEL": "anthropic.claude-haiku-4-5"}
    cc = plan(resolve(env, []), mode="interactive")
    by_model = {r["model"]: r for r in cc.raws}
    assert by_model["us.anthropic.claude-sonnet-4-6"]["provider"] == "bedrock"
    assert by_model["anthropic.claude-haiku-4-5"]["provider"] == "bedrock-mantle"
    assert {r["region"] for r in cc.raws} == {"us-west-2"}
    assert any("is in its model-id format" in line for line in cc.provenance["claude-code:anthropic.claude-haiku-4-5"])
    assert any("Amazon Bedrock (Mantle) were not observed" in n for n in cc.notes)
    # only Mantle's switch: the Bedrock-format pin would be refused by Mantle by name; it is sent there as set
    alone = plan(resolve({k: v for k, v in env.items() if k != "CLAUDE_CODE_USE_BEDROCK"}, []), mode="interactive")
    assert {r["provider"] for r in alone.raws} == {"bedrock-mantle"}


def test_claude_code_on_mantle_is_checked_against_the_emulator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, {
            "CLAUDE_CODE_USE_MANTLE": "1", "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": f"{emu.url}/bedrock-mantle/anthropic",
            "AWS_REGION": "us-east-1", "AWS_BEARER_TOKEN_BEDROCK": KEY,
            "ANTHROPIC_MODEL": "anthropic.claude-sonnet-4-6"})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    report = read_report(reports)
    assert code == 0, out
    [target] = report["targets"]
    assert (target["provider"], target["model"]) == ("bedrock-mantle", "anthropic.claude-sonnet-4-6")
    assert "credential ← AWS_BEARER_TOKEN_BEDROCK (~/.claude/settings.json env), a Bedrock API key sent as " \
           "x-api-key (Claude Code's Mantle docs; not observed)" in target["provenance"]
    assert "were not observed" in out
    assert KEY not in out + (reports / "report.json").read_text()


def test_a_bedrock_format_id_on_mantle_alone_fails_as_mantle_refuses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, {
            "CLAUDE_CODE_USE_MANTLE": "1", "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": f"{emu.url}/bedrock-mantle/anthropic",
            "AWS_BEARER_TOKEN_BEDROCK": KEY, "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6"})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    capsys.readouterr()
    assert code != 0
    assert read_report(reports)["targets"][0]["provider"] == "bedrock-mantle"


def test_beside_bedrock_a_mantle_id_is_signed_for_mantle_against_the_emulator(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, {
            "CLAUDE_CODE_USE_BEDROCK": "1", "CLAUDE_CODE_USE_MANTLE": "1", "AWS_REGION": "us-east-1",
            "ANTHROPIC_BEDROCK_BASE_URL": f"{emu.url}/bedrock",
            "ANTHROPIC_BEDROCK_MANTLE_BASE_URL": f"{emu.url}/bedrock-mantle/anthropic",
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ANTHROPIC_MODEL": "anthropic.claude-sonnet-4-6"})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    report = read_report(reports)
    assert code == 0, out
    [target] = report["targets"]
    assert target["provider"] == "bedrock-mantle" and target["auth"] == "sigv4"
    assert "credential ← AWS credentials from the default chain, signed with SigV4 as bedrock-mantle" in \
        target["provenance"]
    assert report["usage"]["billable_calls"] == 2  # the message and the stream: Bedrock's tier probes stay unsent
    assert "start-up probes of Amazon Bedrock's unpinned tiers are not sent" in out
    assert "wJalrXUtnFEMI" not in (reports / "report.json").read_text()


def test_a_switch_that_loses_and_is_not_routed_beside_the_winner_is_named() -> None:
    env = {"CLAUDE_CODE_USE_VERTEX": "1", "CLAUDE_CODE_USE_MANTLE": "1", "ANTHROPIC_VERTEX_PROJECT_ID": "p",
           "CLOUD_ML_REGION": "us-east5", "ANTHROPIC_MODEL": "claude-sonnet-4-6"}
    cc = plan(resolve(env, []))
    assert [raw["provider"] for raw in cc.raws] == ["vertex"]
    assert "CLAUDE_CODE_USE_MANTLE is set too: the check follows Google Vertex AI and sends nothing to Amazon " \
           "Bedrock (Mantle)" in cc.notes


def test_custom_headers_join_the_providers_own_headers() -> None:
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-east-1", "AWS_BEARER_TOKEN_BEDROCK": KEY,
           "ANTHROPIC_BEDROCK_SERVICE_TIER": "priority", "ANTHROPIC_CUSTOM_HEADERS": "X-Team: search",
           "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6"}
    [raw] = plan(resolve(env, [])).raws
    assert raw["headers"] == {"X-Amzn-Bedrock-Service-Tier": "priority", "X-Team": "search"}
