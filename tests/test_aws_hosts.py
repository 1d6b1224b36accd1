"""Amazon Bedrock's Mantle endpoint and Claude Platform on AWS: the official SDK clients against the emulator, SigV4
under each host's signing name (boto-free and botocore), the workspace header, faults and their causes."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from harness.cli import main
from harness.cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY
from harness.config import build_target, infer_providers
from harness.emulator import FAULTS, EmulatorSettings, RunningEmulator, fault_applies
from harness.explain import explain_text
from harness.lifecycle import canonical_model, lookup
from harness.providers import PROVIDERS, sigv4
from harness.reproduce import curl_command, sdk_snippet
from tests.helpers import read_report

anthropic = pytest.importorskip("anthropic")

HOSTS = ("bedrock-mantle", "claude-platform-aws")
PROMPT = [{"role": "user", "content": "Hello!"}]
WORKSPACE = "wrkspc_01AbCdEf23GhIj"
AWS_ENV = {"AWS_ACCESS_KEY_ID": EMULATOR_ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": EMULATOR_SECRET_KEY,
           "AWS_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as server:
        yield server


@pytest.fixture
def aws_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The AWS docs' example pair in the environment; no profile or config file of this machine is read."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK", "ANTHROPIC_AWS_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    for name, value in AWS_ENV.items():
        monkeypatch.setenv(name, value)


def _assert_creates_and_streams(client: Any, model: str) -> None:
    try:
        message = client.messages.create(model=model, max_tokens=64, messages=PROMPT)
        assert message.content[0].text and message.usage.output_tokens > 0
        with client.messages.stream(model=model, max_tokens=64, messages=PROMPT) as stream:
            text = "".join(stream.text_stream)
            final = stream.get_final_message()
        assert text == message.content[0].text
        assert final.usage.input_tokens == message.usage.input_tokens
    finally:
        client.close()


# --- the official SDK clients, unchanged ------------------------------------------------------------------------
def test_anthropic_bedrock_mantle_signs_with_botocore_and_streams(emu: RunningEmulator, aws_keys: None) -> None:
    pytest.importorskip("boto3")
    client = anthropic.AnthropicBedrockMantle(aws_region="us-east-1", base_url=emu.base_url("bedrock-mantle"),
                                              max_retries=0)
    assert emu.base_url("bedrock-mantle").endswith("/bedrock-mantle/anthropic")  # contract §5
    _assert_creates_and_streams(client, "anthropic.claude-haiku-4-5")


def test_anthropic_bedrock_mantle_with_an_api_key(emu: RunningEmulator) -> None:
    client = anthropic.AnthropicBedrockMantle(aws_region="us-east-1", api_key="ABSK-emulator",
                                              base_url=emu.base_url("bedrock-mantle"), max_retries=0)
    _assert_creates_and_streams(client, "anthropic.claude-sonnet-4-6")


def test_anthropic_aws_signs_with_botocore_and_streams(emu: RunningEmulator, aws_keys: None) -> None:
    pytest.importorskip("boto3")
    client = anthropic.AnthropicAWS(aws_region="us-east-1", workspace_id=WORKSPACE,
                                    base_url=emu.base_url("claude-platform-aws"), max_retries=0)
    assert emu.base_url("claude-platform-aws").endswith("/aws")  # contract §5
    _assert_creates_and_streams(client, "claude-haiku-4-5")


def test_anthropic_aws_with_an_api_key(emu: RunningEmulator) -> None:
    client = anthropic.AnthropicAWS(aws_region="us-east-1", api_key="sk-emulator", workspace_id=WORKSPACE,
                                    base_url=emu.base_url("claude-platform-aws"), max_retries=0)
    _assert_creates_and_streams(client, "claude-haiku-4-5")


def test_sdk_errors_from_the_front_doors(emu: RunningEmulator) -> None:
    mantle = anthropic.AnthropicBedrockMantle(aws_region="us-east-1", api_key="bad-key",
                                              base_url=emu.base_url("bedrock-mantle"), max_retries=0)
    platform = anthropic.AnthropicAWS(aws_region="us-east-1", api_key="bad-key", workspace_id=WORKSPACE,
                                      base_url=emu.base_url("claude-platform-aws"), max_retries=0)
    try:
        with pytest.raises(anthropic.PermissionDeniedError):
            mantle.messages.create(model="anthropic.claude-haiku-4-5", max_tokens=8, messages=PROMPT)
        with pytest.raises(anthropic.AuthenticationError):
            platform.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=PROMPT)
    finally:
        mantle.close()
        platform.close()


# --- SigV4 without botocore, under each host's signing name -------------------------------------------------------
def _signed_post(emu: RunningEmulator, provider: str, service: str, *, secret: str = EMULATOR_SECRET_KEY,
                 headers: dict[str, str] | None = None) -> httpx.Response:
    url = emu.base_url(provider) + "/v1/messages"
    body = json.dumps({"model": PROVIDERS[provider].default_model, "max_tokens": 8, "messages": PROMPT}).encode()
    sent = {"content-type": "application/json", "anthropic-version": "2023-06-01", **(headers or {})}
    sent.update(sigv4.sign("POST", url, sent, body, sigv4.AwsKeys(EMULATOR_ACCESS_KEY, secret), "us-east-1", service,
                           _dt.datetime.now(_dt.timezone.utc)))
    return httpx.post(url, content=body, headers=sent)


@pytest.mark.parametrize(("provider", "service"), [("bedrock-mantle", "bedrock-mantle"),
                                                   ("claude-platform-aws", "aws-external-anthropic")])
def test_boto_free_sigv4_is_verified_with_the_signing_name(emu: RunningEmulator, provider: str, service: str) -> None:
    workspace = {"anthropic-workspace-id": WORKSPACE} if provider == "claude-platform-aws" else {}
    assert PROVIDERS[provider].signing_name == service
    assert _signed_post(emu, provider, service, headers=workspace).status_code == 200
    wrong_secret = _signed_post(emu, provider, service, secret="not-the-secret", headers=workspace)
    assert wrong_secret.status_code == 403
    assert wrong_secret.headers["x-amzn-errortype"].startswith("InvalidSignatureException")
    other_service = _signed_post(emu, provider, "bedrock", headers=workspace)  # AnthropicBedrock's signing name
    assert other_service.status_code == 403
    assert f"scoped to correct service: '{service}'" in other_service.json()["message"]
    diagnosis = explain_text(f"HTTP/1.1 {other_service.status_code} Forbidden\nx-amzn-ErrorType: "
                             f"{other_service.headers['x-amzn-errortype']}\n\n{other_service.text}",
                             provider=provider, auth="sigv4")
    assert diagnosis["cause"] == "auth.wrong-signing-name"


# --- Claude Platform on AWS: the workspace header ----------------------------------------------------------------
def test_the_emulator_refuses_a_request_without_the_workspace_header(emu: RunningEmulator) -> None:
    url = emu.base_url("claude-platform-aws") + "/v1/messages"
    body = {"model": "claude-haiku-4-5", "max_tokens": 8, "messages": PROMPT}
    without = httpx.post(url, json=body, headers={"x-api-key": "k", "anthropic-version": "2023-06-01"})
    assert without.status_code == 400 and "anthropic-workspace-id" in without.text
    pasted = f"HTTP/1.1 400 Bad Request\n\n{without.text}"
    assert explain_text(pasted, provider="claude-platform-aws", auth="x-api-key")["cause"] == "config.missing-workspace"
    signed = _signed_post(emu, "claude-platform-aws", "aws-external-anthropic")  # a good signature, no workspace
    assert signed.status_code == 400
    with_it = httpx.post(url, json=body, headers={"x-api-key": "k", "anthropic-version": "2023-06-01",
                                                  "anthropic-workspace-id": WORKSPACE})
    assert with_it.status_code == 200


def test_a_missing_workspace_id_stops_before_sending(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ANTHROPIC_AWS_WORKSPACE_ID", raising=False)
    monkeypatch.setenv("K", "key")
    argv = ["check", "--provider", "claude-platform-aws", "--region", "us-west-2", "--auth", "x-api-key",
            "--api-key-env", "K", "--report-dir", str(tmp_path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "ANTHROPIC_AWS_WORKSPACE_ID" in err and "--workspace-id" in err and "Traceback" not in err
    assert not (tmp_path / "report.json").exists()
    assert main(["check", "--provider", "anthropic", "--workspace-id", WORKSPACE, "--api-key-env", "K",
                 "--report-dir", str(tmp_path)]) == 2
    assert "--workspace-id applies to Claude Platform on AWS" in capsys.readouterr().err


def test_the_workspace_id_comes_from_its_variable_and_travels_as_the_header() -> None:
    env = {"ANTHROPIC_AWS_WORKSPACE_ID": WORKSPACE, "ANTHROPIC_AWS_API_KEY": "k", "AWS_REGION": "eu-west-1"}
    target = build_target({"provider": "claude-platform-aws"}, env, default_id="t")
    assert target.auth == "x-api-key"  # the SDK's rule: an API key in the environment wins over the AWS chain
    assert target.base_url == "https://aws-external-anthropic.eu-west-1.api.aws"
    assert ("anthropic-workspace-id", WORKSPACE) in target.extra_headers
    assert target.describe()["workspace_id"] == WORKSPACE
    mantle = build_target({"provider": "bedrock-mantle"}, {"AWS_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "A",
                                                           "AWS_SECRET_ACCESS_KEY": "s"}, default_id="m")
    assert mantle.base_url == "https://bedrock-mantle.us-west-2.api.aws/anthropic" and mantle.auth == "sigv4"


def test_only_the_hosts_own_variables_select_them() -> None:
    assert "bedrock-mantle" not in infer_providers({"AWS_BEARER_TOKEN_BEDROCK": "k"})  # that is Bedrock's key
    assert infer_providers({"AWS_BEARER_TOKEN_BEDROCK": "k"}) == ["bedrock"]
    assert infer_providers({"ANTHROPIC_AWS_WORKSPACE_ID": WORKSPACE}) == ["claude-platform-aws"]
    assert infer_providers({"ANTHROPIC_BEDROCK_MANTLE_BASE_URL": "https://gw"}) == ["bedrock-mantle"]
    assert infer_providers({"AWS_REGION": "us-east-1"}) == []


# --- diagnosis on the wire -----------------------------------------------------------------------------------------
def test_an_inference_profile_id_on_mantle_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--emulator", "--provider", "bedrock-mantle", "--model", "us.anthropic.claude-sonnet-4-6",
                 "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    roots = [d for d in report["diagnoses"] if d["root"]]
    assert code == 1 and [d["cause"] for d in roots] == ["model.wrong-id-format"]
    failed = next(c for c in report["checks"] if c["status"] == "failed")
    assert "us.anthropic.claude-sonnet-4-6" in failed["message"]  # the 400 names the model


CASES = [(f.name, p) for f in FAULTS.values() for p in HOSTS if fault_applies(f, p)]


@pytest.mark.parametrize(("fault", "provider"), CASES, ids=[f"{f}-{p}" for f, p in CASES])
def test_each_fault_reaches_its_cause(fault: str, provider: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", provider, "--fault", fault, "--slow-seconds", "1.5",
                 "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert [d["cause"] for d in report["diagnoses"] if d["root"]] == [FAULTS[fault].expected_cause]
    assert code in (1, 3)


def test_the_hosts_own_faults_are_served() -> None:
    served = {p: {name for name, q in CASES if q == p} for p in HOSTS}
    assert {"wrong-signing-name", "model-access-denied", "signature-expired"} <= \
        served["bedrock-mantle"]
    assert {"missing-workspace", "federation-disabled", "wrong-signing-name", "invalid-key"} <= \
        served["claude-platform-aws"]


@pytest.mark.parametrize("provider", HOSTS)
def test_healthy_mocked_host_has_no_diagnoses(provider: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--mocked", "--provider", provider, "--profile", "full", "--report-dir",
                 str(tmp_path)]) == 0
    capsys.readouterr()
    report = read_report(tmp_path)
    assert report["diagnoses"] == [] and report["summary"]["failed"] == 0


# --- reproduction lines, lifecycle ids -----------------------------------------------------------------------------
def test_curl_signs_with_the_hosts_signing_name() -> None:
    env = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s", "ANTHROPIC_AWS_WORKSPACE_ID": WORKSPACE}
    for provider, service in (("bedrock-mantle", "bedrock-mantle"), ("claude-platform-aws", "aws-external-anthropic")):
        target = build_target({"provider": provider, "region": "us-east-1", "auth": "sigv4"}, env, default_id="t")
        curl = curl_command(target, "POST", target.base_url + "/v1/messages", {"anthropic-version": "2023-06-01"},
                            {"model": target.model})
        assert f"--aws-sigv4 aws:amz:us-east-1:{service}" in curl
        assert "s" not in curl.split("--user", 1)[1].split()[0].strip('"').split(":")  # placeholders, no secret


def test_the_sdk_snippet_runs_against_the_emulator(emu: RunningEmulator, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("K", "emulator-key")
    for provider, client in (("bedrock-mantle", "AnthropicBedrockMantle"), ("claude-platform-aws", "AnthropicAWS")):
        auth = "bearer" if provider == "bedrock-mantle" else "x-api-key"
        raw = {"provider": provider, "region": "us-east-1", "auth": auth, "api_key_env": "K",
               "base_url": emu.base_url(provider), "workspace_id": WORKSPACE}
        if provider == "bedrock-mantle":
            raw.pop("workspace_id")
        snippet = sdk_snippet(build_target(raw, {"K": "emulator-key"}, default_id="t"), stream=False)
        assert snippet is not None and f"from anthropic import {client}" in snippet and "emulator-key" not in snippet
        exec(compile(snippet, f"<{provider} snippet>", "exec"), {})  # what a user pasting it would run
        assert "pong from the claude-harness emulator" in capsys.readouterr().out


def test_lifecycle_ids() -> None:
    assert canonical_model("bedrock-mantle", "anthropic.claude-haiku-4-5") == "claude-haiku-4-5"
    assert canonical_model("claude-platform-aws", "claude-sonnet-4-6") == "claude-sonnet-4-6"
    assert lookup("claude-platform-aws", "claude-haiku-4-5").status == lookup("anthropic", "claude-haiku-4-5").status
    # Mantle's ids are Bedrock's base ids: Bedrock's data (its own dates, or Anthropic's as a labelled fallback)
    assert lookup("bedrock-mantle", "anthropic.claude-haiku-4-5").status == lookup(
        "bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0").status


def test_the_plugin_checks_mantle(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--pyargs", "claude_harness_suites", "-p", "no:cacheprovider", "--harness-mocked",
                                "--harness-provider", "bedrock-mantle")
    result.assert_outcomes(passed=7, skipped=13)
    result.stdout.fnmatch_lines(["*emulated-bedrock-mantle*"])


@pytest.mark.parametrize(("switch", "provider"), [("CLAUDE_CODE_USE_MANTLE", "bedrock-mantle"),
                                                  ("CLAUDE_CODE_USE_ANTHROPIC_AWS", "claude-platform-aws")])
def test_claude_code_on_these_hosts_points_at_the_provider(switch: str, provider: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no settings.json of this machine
    monkeypatch.setenv(switch, "1")
    assert main(["check", "--claude-code", "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"--provider {provider}" in err and "Traceback" not in err


def test_toml_targets_for_both_hosts(emu: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MANTLE_KEY", "ABSK-emulator")
    monkeypatch.setenv("PLATFORM_KEY", "sk-emulator")
    config = tmp_path / "targets.toml"
    config.write_text(f"""
[[targets]]
name = "mantle"
provider = "bedrock-mantle"
base_url = "{emu.base_url('bedrock-mantle')}"
region = "us-east-1"
model = "anthropic.claude-sonnet-4-6"
auth = "bearer"
api_key_env = "MANTLE_KEY"

[[targets]]
name = "platform"
provider = "claude-platform-aws"
base_url = "{emu.base_url('claude-platform-aws')}"
region = "us-west-2"
workspace_id = "{WORKSPACE}"
auth = "x-api-key"
api_key_env = "PLATFORM_KEY"
""")
    assert main(["check", "--config", str(config), "--report-dir", str(tmp_path / "r")]) == 0
    capsys.readouterr()
    report = read_report(tmp_path / "r")
    assert {t["id"]: t["provider"] for t in report["targets"]} == {"mantle": "bedrock-mantle",
                                                                  "platform": "claude-platform-aws"}
    assert next(t for t in report["targets"] if t["id"] == "platform")["workspace_id"] == WORKSPACE


def test_explain_names_the_federation_setup_step(capsys: pytest.CaptureFixture[str]) -> None:
    pasted = 'HTTP/1.1 403 Forbidden\n\n{"message":"Outbound web identity federation is disabled for your account"}'
    assert main(["explain", "--provider", "claude-platform-aws", pasted]) == 0
    out = capsys.readouterr().out
    assert "auth.federation-disabled" in out and "aws iam enable-outbound-web-identity-federation" in out


def test_the_plugin_takes_the_workspace_id(pytester: pytest.Pytester, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    result = pytester.runpytest("--pyargs", "claude_harness_suites", "-p", "no:cacheprovider", "--harness-mocked",
                                "--harness-provider", "claude-platform-aws", "--harness-workspace-id",
                                "wrkspc_01FromThePlugin", f"--harness-report-dir={reports}")
    result.assert_outcomes(passed=7, skipped=13)
    report = json.loads((reports / "report.json").read_text())
    assert [t["workspace_id"] for t in report["targets"]] == ["wrkspc_01FromThePlugin"]
