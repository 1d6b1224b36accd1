"""`check --claude-code`: what Claude Code would call, resolved from scratch home and project directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.claude_code import parse_settings, plan, resolve
from harness.cli import main
from harness.emulator import RunningEmulator
from harness.errors import ConfigError
from tests.helpers import read_report


def _settings(label: str, env: dict[str, str], **top: str) -> object:
    return parse_settings(label, json.dumps({"env": env, **top}))


def test_precedence_file_env_beats_the_shell_and_later_files_beat_earlier_ones() -> None:
    shell = {"ANTHROPIC_API_KEY": "k-shell-123456", "ANTHROPIC_MODEL": "from-shell"}
    files = [_settings("~/.claude/settings.json", {"ANTHROPIC_MODEL": "from-user"}),
             _settings(".claude/settings.json", {"ANTHROPIC_MODEL": "from-project"}),
             _settings(".claude/settings.local.json", {"ANTHROPIC_DEFAULT_HAIKU_MODEL": "haiku-local"})]
    resolved = resolve(shell, files)  # type: ignore[arg-type]
    cc = plan(resolved, mode="interactive")  # an interactive session also calls the haiku tier
    assert [r["model"] for r in cc.raws] == ["from-project", "haiku-local"]
    assert [r["model"] for r in plan(resolved).raws] == ["from-project"]  # claude -p calls the main model only
    assert "main ← ANTHROPIC_MODEL (.claude/settings.json env)" in cc.provenance["claude-code:from-project"]
    assert any("ANTHROPIC_MODEL from ~/.claude/settings.json env is overridden by .claude/settings.json env" in n
               for n in cc.notes)
    assert any("from environment is overridden" in n for n in cc.notes)


def test_an_empty_value_in_a_settings_file_cancels_a_shell_export() -> None:
    shell = {"CLAUDE_CODE_USE_FOUNDRY": "1", "ANTHROPIC_API_KEY": "k-123456"}
    files = [_settings(".claude/settings.local.json", {"CLAUDE_CODE_USE_FOUNDRY": ""})]
    assert plan(resolve(shell, files)).raws[0]["provider"] == "anthropic"  # type: ignore[arg-type]


def test_foundry_key_is_sent_as_x_api_key_and_the_auth_token_is_not_read() -> None:
    env = {"CLAUDE_CODE_USE_FOUNDRY": "1", "ANTHROPIC_FOUNDRY_RESOURCE": "myres",
           "ANTHROPIC_FOUNDRY_API_KEY": "k-123456", "ANTHROPIC_FOUNDRY_AUTH_TOKEN": "tok-123456",
           "ANTHROPIC_MODEL": "sonnet", "ANTHROPIC_DEFAULT_SONNET_MODEL": "dep-a[1m]"}
    cc = plan(resolve(env, []))
    assert len(cc.raws) == 1 and cc.raws[0]["model"] == "dep-a" and cc.raws[0]["auth"] == "x-api-key"
    assert cc.raws[0]["resource"] == "myres"
    assert any("ANTHROPIC_FOUNDRY_AUTH_TOKEN is set" in n and "does not read it" in n for n in cc.notes)
    only_token = plan(resolve({"CLAUDE_CODE_USE_FOUNDRY": "1", "ANTHROPIC_FOUNDRY_RESOURCE": "r",
                               "ANTHROPIC_FOUNDRY_AUTH_TOKEN": "tok-123456"}, []))
    # Claude Code 2.1.197 ignores the token and asks the Azure credential chain, unpinned on claude-sonnet-4-5
    assert only_token.raws[0]["model"] == "claude-sonnet-4-5" and only_token.raws[0]["auth"] == "entra"


def test_unsupported_providers_helpers_and_bad_files_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match=r"Bedrock \(Mantle\) \(CLAUDE_CODE_USE_MANTLE from ~/.claude/settings.json"):
        plan(resolve({}, [_settings("~/.claude/settings.json", {"CLAUDE_CODE_USE_MANTLE": "1"})]))  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="the gateway in front of the provider adds it"):
        plan(resolve({"CLAUDE_CODE_USE_BEDROCK": "1", "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1"}, []))
    helper = _settings("~/.claude/settings.json", {}, apiKeyHelper="echo secret")
    with pytest.raises(ConfigError, match="--run-helpers"):
        plan(resolve({}, [helper]))  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="not valid JSON"):
        parse_settings(".claude/settings.json", '{"env": {},}')
    with pytest.raises(ConfigError, match=r"claude\.ai login"):
        plan(resolve({}, []))


def _machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user: dict[str, object],
             project: dict[str, object]) -> Path:
    home, work = tmp_path / "home", tmp_path / "work"
    (home / ".claude").mkdir(parents=True)
    (work / ".claude").mkdir(parents=True)
    (home / ".claude" / "settings.json").write_text(json.dumps(user))
    (work / ".claude" / "settings.json").write_text(json.dumps(project))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    return tmp_path / "reports"


def test_claude_code_on_foundry_probes_exactly_its_deployments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, user={"env": {
            "CLAUDE_CODE_USE_FOUNDRY": "1", "ANTHROPIC_FOUNDRY_BASE_URL": f"{emu.url}/anthropic",
            "ANTHROPIC_FOUNDRY_API_KEY": "k-claude-code-123456", "ANTHROPIC_DEFAULT_SONNET_MODEL": "dep-sonnet",
            "ANTHROPIC_DEFAULT_HAIKU_MODEL": "dep-haiku"}}, project={"model": "dep-sonnet"})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    report = read_report(reports)
    assert code == 0, out
    assert sorted(t["model"] for t in report["targets"]) == ["dep-sonnet"]  # claude -p: the main model only
    sonnet = next(t for t in report["targets"] if t["model"] == "dep-sonnet")
    assert "main ← model setting (.claude/settings.json model)" in sonnet["provenance"]
    assert "base_url ← ANTHROPIC_FOUNDRY_BASE_URL (~/.claude/settings.json env)" in sonnet["provenance"]
    assert "from: credential ← ANTHROPIC_FOUNDRY_API_KEY (~/.claude/settings.json env)" in out
    assert "k-claude-code-123456" not in out + (reports / "report.json").read_text()


def test_bedrock_region_credential_prefix_and_the_background_models_own_region() -> None:
    shell = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "dev", "AWS_REGION": "eu-west-1"}
    files = [_settings("~/.claude/settings.json", {
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
        "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "eu-central-1", "ANTHROPIC_BEDROCK_SERVICE_TIER": "priority"})]
    cc = plan(resolve(shell, files), mode="interactive")  # type: ignore[arg-type]
    haiku = cc.raws[-1]
    assert (haiku["provider"], haiku["auth"], haiku["region"]) == ("bedrock", "sigv4", "eu-central-1")
    assert haiku["headers"] == {"X-Amzn-Bedrock-Service-Tier": "priority"}
    assert "credential ← AWS credentials from profile dev (environment), signed with SigV4" in \
        cc.provenance[f"claude-code:{haiku['model']}"]
    unpinned = plan(resolve({"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_BEARER_TOKEN_BEDROCK": "k-123456"}, []))
    assert unpinned.raws[0]["model"] == "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert unpinned.raws[0]["auth"] == "bearer" and unpinned.raws[0]["region"] == "us-east-1"
    assert [(p.tier, p.model) for p in unpinned.tier_probes["claude-code:" + unpinned.raws[0]["model"]]] == [
        ("opus", "us.anthropic.claude-opus-4-6-v1"), ("sonnet", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        ("haiku", "us.anthropic.claude-haiku-4-5-20251001-v1:0")]
    apac = plan(resolve({"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "ap-northeast-1",
                         "ANTHROPIC_BEDROCK_REGION_PREFIX": "global"}, []))
    assert apac.raws[0]["model"] == "apac.anthropic.claude-sonnet-4-5-20250929-v1:0"  # the prefix is not read
    assert any("ANTHROPIC_BEDROCK_REGION_PREFIX is set" in n for n in apac.notes)


def test_vertex_project_precedence_and_per_model_regions() -> None:
    from harness.providers.vertex.claude_code import region_variable as vertex_region_variable

    env = {"CLAUDE_CODE_USE_VERTEX": "1", "CLOUD_ML_REGION": "global", "ANTHROPIC_VERTEX_PROJECT_ID": "from-anthropic",
           "GOOGLE_CLOUD_PROJECT": "from-google", "ANTHROPIC_MODEL": "claude-sonnet-4-5@20250929",
           "ANTHROPIC_DEFAULT_HAIKU_MODEL": "claude-haiku-4-5@20251001", "VERTEX_REGION_CLAUDE_HAIKU_4_5": "us-east5"}
    cc = plan(resolve(env, []), mode="interactive")
    by_model = {r["model"]: r for r in cc.raws}
    assert by_model["claude-sonnet-4-5@20250929"]["region"] == "global"
    assert by_model["claude-haiku-4-5@20251001"]["region"] == "us-east5"
    assert {r["project"] for r in cc.raws} == {"from-google"} and {r["auth"] for r in cc.raws} == {"adc"}
    assert "region for this model ← VERTEX_REGION_CLAUDE_HAIKU_4_5 (environment)" in \
        cc.provenance["claude-code:claude-haiku-4-5@20251001"]
    assert [vertex_region_variable(m) for m in ("claude-3-5-haiku@20241022", "claude-opus-4@20250514",
                                                "claude-opus-4-1@20250805", "claude-opus-5", "claude-fable-5",
                                                "claude-sonnet-4-6")] == [
        "VERTEX_REGION_CLAUDE_3_5_HAIKU", "VERTEX_REGION_CLAUDE_4_0_OPUS", "VERTEX_REGION_CLAUDE_4_1_OPUS",
        "VERTEX_REGION_CLAUDE_5_OPUS", "VERTEX_REGION_CLAUDE_FABLE_5", "VERTEX_REGION_CLAUDE_4_6_SONNET"]


def test_claude_code_on_bedrock_through_a_gateway_makes_its_start_up_calls(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")  # before Sonnet 4.5's retirement: pinned
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, user={"env": {
            "CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BEDROCK_BASE_URL": f"{emu.url}/bedrock",
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ANTHROPIC_MODEL": "us.anthropic.claude-opus-4-6-v1",
            "ANTHROPIC_DEFAULT_HAIKU_MODEL": "claude-haiku-4-5"}}, project={})
        main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    report = read_report(reports)
    # claude -p calls the main model only: the (wrongly first-party) haiku pin is not called, and not tier-probed
    assert [t["model"] for t in report["targets"]] == ["us.anthropic.claude-opus-4-6-v1"]
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["claude-code.list-profiles"]["status"] == "passed"
    assert {k: checks[k]["status"] for k in ("claude-code.tier-opus", "claude-code.tier-sonnet")} == {
        "claude-code.tier-opus": "passed", "claude-code.tier-sonnet": "passed"}
    assert "claude-code.tier-haiku" not in checks
    assert report["usage"]["billable_calls"] == 4  # two tier probes, the message and the stream
    assert "2 billable max_tokens 1 tier probes" in " ".join(report["targets"][0]["provenance"])
    assert "ANTHROPIC_DEFAULT_HAIKU_MODEL (claude-haiku-4-5" in out and "not called by claude -p" in out
    assert "wJalrXUtnFEMI" not in (reports / "report.json").read_text()


def test_a_refused_tier_probe_fails_claude_code_and_names_the_variable_that_skips_it() -> None:
    from harness.checks.basic import Context
    from harness.checks.claude_code import tier_probe
    from harness.claude_code_shape import TierProbe
    from harness.observation import Observation

    denied = Observation(probe="tier_haiku", method="POST", url="http://gw/model/x/invoke", status=403,
                         headers={"x-amzn-errortype": "AccessDeniedException:http://internal.amazon.com/coral/"},
                         body_text='{"message":"You don\'t have access to the model with the specified model ID."}')
    verdict = tier_probe(denied, TierProbe("haiku", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
                         Context("bedrock", "sigv4", "us.anthropic.claude-haiku-4-5-20251001-v1:0"))
    assert not verdict.passed and verdict.cause == "model.access-denied"
    assert "Pin ANTHROPIC_DEFAULT_HAIKU_MODEL" in verdict.message and "fails to start" in verdict.message


def test_run_helpers_runs_the_api_key_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, user={"apiKeyHelper": "echo helper-key-7f3a9c", "env": {
            "ANTHROPIC_BASE_URL": emu.url}}, project={})
        refused = main(["check", "--claude-code", "--report-dir", str(reports)])
        assert refused == 2 and "--run-helpers" in capsys.readouterr().err
        code = main(["check", "--claude-code", "--run-helpers", "--retries", "0", "--report-dir", str(reports)])
    out = capsys.readouterr().out
    assert code == 0 and "apiKeyHelper" in out and "helper-key-7f3a9c" not in out


@pytest.mark.parametrize(("pasted", "cause", "step"), [
    ("API Error (claude-sonnet-4-6): 400 The provided model identifier is invalid.. Try --model to switch to "
     "us.anthropic.claude-sonnet-4-5-20250929-v1:0.", "model.not-found", "ANTHROPIC_DEFAULT"),
    ("API Error: 400 Invocation of model ID anthropic.claude-sonnet-4-6 with on-demand throughput isn't "
     "supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
     "model.inference-profile-required", "modelOverrides"),
    ("API Error: 403 You don't have access to the model with the specified model ID.", "model.access-denied",
     "ANTHROPIC_DEFAULT_HAIKU_MODEL"),
    ("API Error: 403 The security token included in the request is expired · Please run /login",
     "auth.token-expired", ""),
    ('API Error: 400 {"type":"error","error":{"type":"invalid_request_error","message":"Unexpected value(s) '
     '`oauth-2025-04-20` for the `anthropic-beta` header."}}', "request.unsupported-beta",
     "CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS=1"),
    ("Failed to get token from azureADTokenProvider: ChainedTokenCredential authentication failed",
     "auth.credential-unavailable", "az login"),
])
def test_claude_codes_own_error_texts_are_explained(pasted: str, cause: str, step: str) -> None:
    from harness.explain import explain_text

    result = explain_text(pasted, provider=None, auth=None)
    assert result["cause"] == cause
    assert step in " ".join(result["steps"])


def test_plain_check_reads_the_sdk_variables_and_says_where_each_came_from(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", emu.url)
        monkeypatch.setenv("ANTHROPIC_AUTH_TOKEN", "tok-sdk-123456")  # the anthropic SDK's bearer variable
        code = main(["check", "--retries", "0", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    report = read_report(tmp_path)
    assert code == 0 and [t["auth"] for t in report["targets"]] == ["bearer"]
    assert report["targets"][0]["provenance"] == [
        "base_url ← ANTHROPIC_BASE_URL (environment)",
        "credential ← ANTHROPIC_AUTH_TOKEN (environment), sent as Authorization: Bearer"]
    assert "from: base_url ← ANTHROPIC_BASE_URL (environment)" in out


def test_plain_check_reads_the_bedrock_and_vertex_sdk_variables(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", f"{emu.url}/bedrock")
        monkeypatch.setenv("AWS_REGION", "eu-west-1")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        monkeypatch.setenv("ANTHROPIC_VERTEX_BASE_URL", f"{emu.url}/vertex/v1")
        monkeypatch.setenv("CLOUD_ML_REGION", "global")
        monkeypatch.setenv("ANTHROPIC_VERTEX_PROJECT_ID", "my-project")
        monkeypatch.setenv("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.sdk-token-value")
        code = main(["check", "--retries", "0", "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert code == 0, report["checks"]
    targets = {t["provider"]: t for t in report["targets"]}
    assert set(targets) == {"bedrock", "vertex"}
    assert targets["bedrock"]["provenance"] == [
        "base_url ← ANTHROPIC_BEDROCK_BASE_URL (environment)", "region ← AWS_REGION (environment)",
        "credential ← the AWS credential chain, signed with SigV4"]
    assert (targets["bedrock"]["auth"], targets["bedrock"]["region"]) == ("sigv4", "eu-west-1")
    assert targets["vertex"]["provenance"] == [
        "base_url ← ANTHROPIC_VERTEX_BASE_URL (environment)", "region ← CLOUD_ML_REGION (environment)",
        "project ← ANTHROPIC_VERTEX_PROJECT_ID (environment)",
        "credential ← GOOGLE_OAUTH_ACCESS_TOKEN (environment)"]
    assert targets["vertex"]["auth"] == "bearer"


def test_claude_codes_start_up_call_to_a_gateway_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from harness.checks.basic import startup_hello
    from harness.observation import Observation

    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, user={"env": {
            "ANTHROPIC_BASE_URL": emu.url, "ANTHROPIC_AUTH_TOKEN": "tok-gateway-123456",
            "ANTHROPIC_MODEL": "claude-haiku-4-5"}}, project={})
        code = main(["check", "--claude-code", "--retries", "0", "--report-dir", str(reports)])
    capsys.readouterr()
    checks = {c["id"]: c for c in read_report(reports)["checks"]}
    assert code == 0 and checks["gateway.startup"]["status"] == "passed"
    assert checks["gateway.startup"]["message"] == (f"HEAD {emu.url} (no credential) answered HTTP 200: Claude "
                                                    "Code's start-up preconnect, whose answer it ignores")
    missing = startup_hello(Observation(probe="startup_hello", method="HEAD", url="http://gw/api/hello", status=404))
    assert missing.warning and missing.cause == "endpoint.not-served" and "not documented" in missing.message


def test_the_tier_probes_count_against_the_billable_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with RunningEmulator() as emu:
        reports = _machine(tmp_path, monkeypatch, user={"env": {
            "CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_BEDROCK_BASE_URL": f"{emu.url}/bedrock",
            "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "ANTHROPIC_MODEL": "us.anthropic.claude-opus-4-6-v1"}}, project={})
        monkeypatch.setenv("PATH", "/nonexistent")
        refused = main(["check", "--claude-code", "--max-billable-calls", "4", "--report-dir", str(reports)])
        err = capsys.readouterr().err
        assert refused == 2 and "5 billable calls, 1 over --max-billable-calls 4" in err  # 3 tier probes + 2
        assert not (reports / "report.json").exists()
        assert main(["check", "--claude-code", "--max-billable-calls", "5", "--retries", "0", "--report-dir",
                     str(reports)]) == 0
    capsys.readouterr()
    assert read_report(reports)["usage"]["billable_calls"] == 5


@pytest.mark.parametrize(("env", "main_model"), [
    # observed with the real claude -p 2.1.197: unpinned, the main model is a tier's, so pinning that tier moves it
    ({"ANTHROPIC_API_KEY": "k-123456", "ANTHROPIC_DEFAULT_OPUS_MODEL": "claude-opus-4-6"}, "claude-opus-4-6"),
    ({"ANTHROPIC_API_KEY": "k-123456", "ANTHROPIC_DEFAULT_SONNET_MODEL": "claude-sonnet-4-6"}, "claude-opus-4-8"),
    ({"CLAUDE_CODE_USE_FOUNDRY": "1", "ANTHROPIC_FOUNDRY_RESOURCE": "r", "ANTHROPIC_FOUNDRY_API_KEY": "k-123456",
      "ANTHROPIC_DEFAULT_SONNET_MODEL": "claude-sonnet-4-6"}, "claude-sonnet-4-6"),
    ({"CLAUDE_CODE_USE_FOUNDRY": "1", "ANTHROPIC_FOUNDRY_RESOURCE": "r", "ANTHROPIC_FOUNDRY_API_KEY": "k-123456",
      "ANTHROPIC_DEFAULT_OPUS_MODEL": "claude-opus-4-6"}, "claude-sonnet-4-5"),
    ({"CLAUDE_CODE_USE_BEDROCK": "1", "ANTHROPIC_DEFAULT_SONNET_MODEL": "us.anthropic.claude-sonnet-4-6"},
     "us.anthropic.claude-sonnet-4-6"),
    ({"CLAUDE_CODE_USE_VERTEX": "1", "ANTHROPIC_DEFAULT_SONNET_MODEL": "claude-sonnet-4-6"}, "claude-sonnet-4-6"),
])
def test_the_unpinned_main_model_follows_its_tier(env: dict[str, str], main_model: str) -> None:
    cc = plan(resolve(env, []))
    assert [r["model"] for r in cc.raws] == [main_model]
    if env.get("CLAUDE_CODE_USE_BEDROCK"):  # the pinned tier is not probed at start-up; the others are
        assert [p.tier for p in cc.tier_probes[f"claude-code:{main_model}"]] == ["opus", "haiku"]
