"""Amazon Bedrock and Google Vertex AI: signing, framing, diagnosis, and the official clients against the emulator."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness import eventstream
from harness.cli import main
from harness.cloud_credentials import EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY, describe_bedrock_key
from harness.diagnosis.classifier import TRANSIENT_CAUSES
from harness.emulator import FAULTS, EmulatorSettings, RunningEmulator, fault_applies
from harness.providers import sigv4
from harness.providers.base import Placement
from harness.providers.bedrock import BEDROCK
from harness.providers.vertex import VERTEX
from tests.helpers import bare_env, make_tls_files, read_report

KEYS = sigv4.AwsKeys(EMULATOR_ACCESS_KEY, EMULATOR_SECRET_KEY)
NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone.utc)
CLOUD_FAULTS = [(name, provider) for name, fault in FAULTS.items() if fault.scope != "token"
                for provider in ("bedrock", "vertex") if fault_applies(fault, provider)]


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as server:
        yield server


# --- the pure parts -------------------------------------------------------------------------------------------
def test_our_signature_is_botocores_and_the_emulator_checks_it() -> None:
    botocore = pytest.importorskip("botocore")
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-haiku-4-5-20251001-v1:0/invoke"
    headers, body = {"content-type": "application/json"}, b'{"max_tokens":8}'
    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials(KEYS.access_key, KEYS.secret_key), "bedrock", "us-east-1").add_auth(request)
    when = dt.datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
    ours = sigv4.sign("POST", url, headers, body, KEYS, "us-east-1", "bedrock", when)
    assert ours["authorization"] == request.headers["Authorization"]
    assert botocore.__version__
    sent = {**headers, **ours, "host": "bedrock-runtime.us-east-1.amazonaws.com"}
    path = "/model/us.anthropic.claude-haiku-4-5-20251001-v1:0/invoke"
    secrets = {KEYS.access_key: KEYS.secret_key}
    assert sigv4.verify("POST", path, "", sent, body, secrets, when) is None
    assert sigv4.verify("POST", path, "", sent, body + b" ", secrets, when)[0] == "InvalidSignatureException"
    assert sigv4.verify("POST", path, "", sent, body, {KEYS.access_key: "other"}, when)[0] == \
        "InvalidSignatureException"
    late = sigv4.verify("POST", path, "", sent, body, secrets, when + dt.timedelta(minutes=6))
    assert late is not None and late[1].startswith("Signature expired")
    assert sigv4.verify("POST", path, "", sent, body, {}, when)[0] == "UnrecognizedClientException"


def test_event_stream_decodes_at_any_split_and_refuses_a_bad_checksum() -> None:
    wire = eventstream.chunk_frame({"type": "message_start", "message": {"id": "msg_bdrk_1"}}) + \
        eventstream.exception_frame("throttlingException", "Too many tokens, please wait before trying again.")
    for cut in range(1, len(wire)):
        decoder = eventstream.EventStreamDecoder()
        frames = decoder.feed(wire[:cut]) + decoder.feed(wire[cut:])
        events = [eventstream.to_event(f) for f in frames]
        assert [e.event for e in events if e] == ["message_start", "error"]
    error = json.loads(events[1].data)  # type: ignore[union-attr]
    assert error["error"] == {"type": "throttlingException",
                              "message": "Too many tokens, please wait before trying again."}
    broken = bytearray(wire)
    broken[20] ^= 0xFF
    with pytest.raises(eventstream.FrameError):
        eventstream.EventStreamDecoder().feed(bytes(broken))


def test_the_clouds_address_and_shape_requests_as_the_sdks_do() -> None:
    assert BEDROCK.path("stream", "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2",
                        Placement("us-east-1")) == \
        "/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fa1b2/invoke-with-response-stream"
    body = BEDROCK.body("message", {"model": "m", "stream": True, "max_tokens": 5}, None)
    assert body == {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5}
    wrapped = BEDROCK.body("count_tokens", {"model": "m", "messages": []}, "2026-10-21")
    assert json.loads(base64.b64decode(wrapped["input"]["invokeModel"]["body"]))["anthropic_version"] == "2026-10-21"
    assert BEDROCK.base_url_for(Placement("cn-north-1")) == "https://bedrock-runtime.cn-north-1.amazonaws.com.cn"
    assert VERTEX.base_url_for(Placement("global")) == "https://aiplatform.googleapis.com/v1"
    assert VERTEX.base_url_for(Placement("eu")) == "https://aiplatform.eu.rep.googleapis.com/v1"
    assert VERTEX.base_url_for(Placement("us-east5")) == "https://us-east5-aiplatform.googleapis.com/v1"
    assert VERTEX.path("stream", "claude-haiku-4-5@20251001", Placement("us-east5", "p")) == \
        "/projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict"
    assert VERTEX.body("count_tokens", {"model": "m", "stream": True}, None)["model"] == "m"
    assert "model" not in VERTEX.body("stream", {"model": "m", "stream": True}, None)


def _short_term_key(issued: dt.datetime, seconds: int) -> str:
    query = (f"Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F"
             f"{issued:%Y%m%d}%2Feu-west-1%2Fbedrock%2Faws4_request&X-Amz-Date={issued:%Y%m%dT%H%M%SZ}"
             f"&X-Amz-Expires={seconds}&X-Amz-Signature=00ff&Version=1")
    return "bedrock-api-key-" + base64.b64encode(f"bedrock.amazonaws.com/?{query}".encode()).decode()


def test_a_short_term_bedrock_key_is_read_offline() -> None:
    details = describe_bedrock_key(_short_term_key(NOW - dt.timedelta(hours=13), 43200), NOW)
    assert details["key_type"] == "short-term" and details["key_region"] == "eu-west-1"
    assert details["expired"] is True and details["expires"] == "2026-11-22T08:30:00Z"


# --- the ladder against the emulator --------------------------------------------------------------------------
def test_five_providers_pass_on_the_emulator_full_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--emulator", "--profile", "full", "--report-dir", str(tmp_path)]) == 0
    capsys.readouterr()
    report = read_report(tmp_path)
    clouds = {t["id"]: t for t in report["targets"] if t["provider"] in ("bedrock", "vertex")}
    assert set(clouds) == {"emulated-bedrock", "emulated-vertex"}
    failed = [c for c in report["checks"] if c["status"] == "failed"]
    assert failed == []
    bedrock_checks = {c["id"]: c for c in report["checks"] if c["target"] == "emulated-bedrock"}
    assert "STS says arn:aws:iam::123456789012:" in bedrock_checks["credentials.obtained"]["message"]
    assert bedrock_checks["errors.bad-key"]["message"].startswith("a wrong credential gets 403")
    assert bedrock_checks["stream.grammar"]["status"] == "passed"
    assert bedrock_checks["auth.accepted"]["request_ids"].get("x-amzn-requestid")


@pytest.mark.parametrize(("fault", "provider"), CLOUD_FAULTS, ids=[f"{f}-{p}" for f, p in CLOUD_FAULTS])
def test_each_cloud_fault_gets_its_documented_cause(fault: str, provider: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", provider, "--fault", fault, "--report-dir", str(tmp_path),
                 *FAULTS[fault].check_args])
    capsys.readouterr()
    report = read_report(tmp_path)
    roots = [d["cause"] for d in report["diagnoses"] if d["root"]]
    if FAULTS[fault].expected_cause == "none":  # a warning only: the runtime request decides
        warned = [c for c in report["checks"] if c["status"] == "warning" and c["id"] == "model.access"]
        assert (roots, code, len(warned)) == ([], 0, 1), report["checks"]
        return
    assert roots == [FAULTS[fault].expected_cause]
    transient = FAULTS[fault].expected_cause in TRANSIENT_CAUSES or fault == "error-after-200"  # an overload
    assert code == (3 if transient else 1)


def test_a_wrong_aws_secret_is_a_signature_error_and_never_printed(tmp_path: Path, emu: RunningEmulator,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    canary = "CANARYsecretKEY0000000000000000000000000"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", EMULATOR_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", canary)
    code = main(["check", "--provider", "bedrock", "--region", "us-east-1", "--base-url", f"{emu.url}/bedrock",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr()
    assert code == 1
    report = read_report(tmp_path)
    assert [d["cause"] for d in report["diagnoses"] if d["root"]] == ["auth.signature-mismatch"]
    assert any(p.suffix == ".xml" for p in tmp_path.iterdir())  # the JUnit file is among what is searched
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file()) + out.out + out.err
    assert canary not in written and EMULATOR_ACCESS_KEY not in written


def test_a_first_party_model_id_sent_to_bedrock_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", "bedrock", "--model", "claude-sonnet-4-6",
                 "--report-dir", str(tmp_path)])
    capsys.readouterr()
    assert code == 1
    assert [d["cause"] for d in read_report(tmp_path)["diagnoses"] if d["root"]] == ["model.not-found"]


def test_a_bare_model_id_that_needs_a_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")  # before Sonnet 4.5's retirement: the date is pinned
    main(["check", "--mocked", "--provider", "bedrock", "--model", "anthropic.claude-sonnet-4-5-20250929-v1:0",
          "--report-dir", str(tmp_path)])
    capsys.readouterr()
    causes = [d["cause"] for d in read_report(tmp_path)["diagnoses"] if d["root"]]
    assert causes == ["model.inference-profile-required"]


def test_an_expired_bedrock_api_key_fails_before_any_request(tmp_path: Path, emu: RunningEmulator,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    key = _short_term_key(dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=13), 43200)
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", key)
    code = main(["check", "--provider", "bedrock", "--region", "eu-west-1", "--base-url", f"{emu.url}/bedrock",
                 "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    creds = next(c for c in report["checks"] if c["id"] == "credentials.obtained")
    assert code == 1 and creds["cause"] == "auth.token-expired" and "expired at" in creds["message"]
    assert key not in json.dumps(report)


@pytest.mark.parametrize(("argv", "named"), [
    (["--provider", "bedrock"], "--region"),
    (["--provider", "vertex", "--region", "us-east5", "--auth", "bearer"], "--project"),
    (["--provider", "anthropic", "--region", "us-east-1"], "applies to Amazon Bedrock"),
    (["--provider", "vertex", "--region", "US East"], "not a region name"),
])
def test_cloud_settings_errors_exit_2(argv: list[str], named: str, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "k-123456")
    monkeypatch.setenv("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.fake-token-value")
    assert main(["check", *argv, "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err
    assert not (tmp_path / "report.json").exists()


def test_a_missing_extra_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import harness.config

    monkeypatch.setattr(harness.config, "extra_installed", lambda module: False)
    assert main(["check", "--provider", "vertex", "--region", "global", "--project", "p",
                 "--report-dir", str(tmp_path)]) == 2
    assert "pip install google-auth" in capsys.readouterr().err
    assert main(["check", "--provider", "bedrock", "--region", "us-east-1", "--report-dir", str(tmp_path)]) == 2
    assert "pip install botocore" in capsys.readouterr().err


# --- google-auth, offline -------------------------------------------------------------------------------------
def _service_account_file(tmp_path: Path, token_uri: str) -> Path:
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    from cryptography.hazmat.primitives import serialization

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "sa.json"
    path.write_text(json.dumps({"type": "service_account", "project_id": "sa-project", "private_key_id": "k1",
                                "private_key": pem, "client_email": "probe@sa-project.iam.gserviceaccount.com",
                                "client_id": "1", "token_uri": token_uri}))
    return path


def test_adc_with_a_service_account_file_names_the_principal_and_project(tmp_path: Path, emu: RunningEmulator,
                                                                        capsys: pytest.CaptureFixture[str],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("google.auth")
    key_file = _service_account_file(tmp_path, f"{emu.url}/vertex/token")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    code = main(["check", "--provider", "vertex", "--region", "us-east5", "--base-url", f"{emu.url}/vertex/v1",
                 "--report-dir", str(tmp_path / "r")])
    capsys.readouterr()
    report = read_report(tmp_path / "r")
    creds = next(c for c in report["checks"] if c["id"] == "credentials.obtained")
    assert code == 0, creds
    assert "probe@sa-project.iam.gserviceaccount.com" in creds["message"] and "project sa-project" in creds["message"]
    assert "/projects/sa-project/" in json.dumps(report["checks"])
    assert "ya29." not in json.dumps(report)


def test_adc_from_the_metadata_server(tmp_path: Path, emu: RunningEmulator) -> None:
    """google-auth reads GCE_METADATA_HOST at import time: a fresh interpreter, pointed at the emulator."""
    pytest.importorskip("google.auth")
    host = emu.url.removeprefix("http://")
    env = bare_env(GCE_METADATA_HOST=host, GCE_METADATA_IP=host, CLOUDSDK_CONFIG=str(tmp_path),
                   AWS_EC2_METADATA_DISABLED="true", HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "harness", "check", "--provider", "vertex", "--region", "global",
                           "--base-url", f"{emu.url}/vertex/v1", "--report-dir", str(tmp_path / "r")],
                          env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "claude-harness@emulator-project.iam.gserviceaccount.com" in done.stdout
    assert "project emulator-project" in done.stdout


# --- the official clients, unchanged ----------------------------------------------------------------------------
def test_boto3_bedrock_runtime_works_against_the_emulator(emu: RunningEmulator) -> None:
    boto3 = pytest.importorskip("boto3")
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{emu.url}/bedrock",
                          aws_access_key_id=EMULATOR_ACCESS_KEY, aws_secret_access_key=EMULATOR_SECRET_KEY)
    model = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 16,
            "messages": [{"role": "user", "content": "Hello!"}]}
    try:
        answer = json.loads(client.invoke_model(modelId=model, body=json.dumps(body))["body"].read())
        assert answer["id"].startswith("msg_bdrk_") and answer["usage"]["input_tokens"] > 0
        stream = client.invoke_model_with_response_stream(modelId=model, body=json.dumps(body))["body"]
        kinds = [json.loads(event["chunk"]["bytes"])["type"] for event in stream]
        assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
        counted = client.count_tokens(modelId=model, input={"invokeModel": {"body": json.dumps(body).encode()}})
        assert counted["inputTokens"] == answer["usage"]["input_tokens"]
        bad = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{emu.url}/bedrock",
                           aws_access_key_id=EMULATOR_ACCESS_KEY, aws_secret_access_key="wrong")
        with pytest.raises(bad.exceptions.ClientError) as raised:
            bad.invoke_model(modelId=model, body=json.dumps(body))
        assert raised.value.response["Error"]["Code"] == "InvalidSignatureException"
        bad.close()
    finally:
        client.close()


def _clients(emu: RunningEmulator) -> list[Any]:
    anthropic = pytest.importorskip("anthropic")
    pytest.importorskip("boto3")
    return [
        anthropic.AnthropicBedrock(aws_access_key=EMULATOR_ACCESS_KEY, aws_secret_key=EMULATOR_SECRET_KEY,
                                   aws_region="us-east-1", base_url=f"{emu.url}/bedrock", max_retries=0),
        anthropic.AnthropicBedrock(api_key="any-bedrock-api-key", aws_region="us-east-1",
                                   base_url=f"{emu.url}/bedrock", max_retries=0),
        anthropic.AnthropicVertex(access_token="ya29.any", region="us-east5", project_id="p",
                                  base_url=f"{emu.url}/vertex/v1", max_retries=0),
    ]


def test_official_cloud_clients_create_and_stream(emu: RunningEmulator) -> None:
    clients = _clients(emu)
    try:
        for client in clients:
            model = "claude-haiku-4-5@20251001" if "Vertex" in type(client).__name__ else \
                "us.anthropic.claude-haiku-4-5-20251001-v1:0"
            message = client.messages.create(model=model, max_tokens=16,
                                             messages=[{"role": "user", "content": "Hello!"}])
            assert message.content[0].text and message.usage.input_tokens > 0
            with client.messages.stream(model=model, max_tokens=16,
                                        messages=[{"role": "user", "content": "Hello!"}]) as stream:
                final = stream.get_final_message()
            assert final.usage.input_tokens == message.usage.input_tokens
    finally:
        for client in clients:
            client.close()


@pytest.mark.parametrize(("version", "cause"), [("2026-10-21", None), ("bedrock-2023-05-31", None),
                                                ("2023-06-01", "request.unsupported-version")])
def test_the_dialect_is_configurable_and_a_rejection_is_named(version: str, cause: str | None, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", "bedrock", "--anthropic-version", version,
                 "--report-dir", str(tmp_path)])
    capsys.readouterr()
    report = read_report(tmp_path)
    assert [d["cause"] for d in report["diagnoses"] if d["root"]] == ([cause] if cause else [])
    assert code == (1 if cause else 0)
    assert report["targets"][0]["anthropic_version"] == version


@pytest.mark.parametrize(("pasted", "cause"), [
    ("botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) when calling the "
     "InvokeModel operation: You don't have access to the model with the specified model ID.", "model.access-denied"),
    ("botocore.exceptions.ClientError: An error occurred (ValidationException) when calling the InvokeModel "
     "operation: The provided model identifier is invalid.", "model.not-found"),
    ("An error occurred (ExpiredTokenException) when calling the InvokeModel operation: The security token included "
     "in the request is expired", "auth.token-expired"),
    ("An error occurred (ThrottlingException) (reached max retries: 4) when calling the InvokeModel operation: Too "
     "many tokens, please wait before trying again.", "rate-limit.exceeded"),
    ("botocore.exceptions.EventStreamError: An error occurred (modelStreamErrorException) when calling the "
     "InvokeModelWithResponseStream operation: The model failed mid-stream.", "stream.error-event"),
    ("botocore.exceptions.NoCredentialsError: Unable to locate credentials", "auth.credential-unavailable"),
    ("google.api_core.exceptions.PermissionDenied: 403 Permission 'aiplatform.endpoints.predict' denied on resource "
     "'//aiplatform.googleapis.com/projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5' (or it "
     "may not exist).", "auth.permission-denied"),
    ("google.api_core.exceptions.ResourceExhausted: 429 Quota exceeded for aiplatform.googleapis.com/"
     "online_prediction_requests_per_base_model with base model: anthropic-claude-haiku-4-5. Please submit a quota "
     "increase request.", "quota.exhausted"),
    ("google.auth.exceptions.RefreshError: Reauthentication is needed. Please run `gcloud auth application-default "
     "login` to reauthenticate.", "auth.credential-unavailable"),
])
def test_explain_reads_boto3_and_google_exceptions(pasted: str, cause: str) -> None:
    from harness.explain import explain_text

    assert explain_text(pasted, provider=None, auth=None)["cause"] == cause


def test_the_curl_reproduction_signs_as_aws_does(emu: RunningEmulator, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The report's curl line for a SigV4 target, run as a user would, reaches the model (curl signs it)."""
    import shutil

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", EMULATOR_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", EMULATOR_SECRET_KEY)
    main(["check", "--provider", "bedrock", "--region", "us-east-1", "--base-url", f"{emu.url}/bedrock",
          "--model", "us.anthropic.claude-opus-5", "--report-dir", str(tmp_path),
          "--header", "x-emulator-fault:model-access-denied"])
    capsys.readouterr()
    failed = next(c for c in read_report(tmp_path)["checks"] if c["status"] == "failed")
    assert "--aws-sigv4 aws:amz:us-east-1:bedrock" in failed["reproduce"]
    env = bare_env(AWS_ACCESS_KEY_ID=EMULATOR_ACCESS_KEY, AWS_SECRET_ACCESS_KEY=EMULATOR_SECRET_KEY)
    done = subprocess.run(["bash", "-c", failed["reproduce"]], env=env, capture_output=True, text=True, timeout=60)
    assert "HTTP/1.1 403" in done.stdout and "don't have access to the model" in done.stdout


def test_bedrock_control_plane_hints_and_lifecycle(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")
    code = main(["check", "--mocked", "--provider", "bedrock", "--fault", "model-access-denied",
                 "--model", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "--report-dir", str(tmp_path / "a")])
    capsys.readouterr()
    checks = {c["id"]: c for c in read_report(tmp_path / "a")["checks"]}
    assert code == 1 and checks["model.available"]["cause"] == "model.access-denied"
    assert checks["model.access"]["status"] == "warning"
    assert "model access is NOT_AUTHORIZED" in checks["model.access"]["message"]
    assert checks["model.lifecycle"]["status"] == "warning"
    assert "retires on 2026-11-30, in 8 days" in checks["model.lifecycle"]["message"]
    assert "Bedrock's GetFoundationModel" in checks["model.lifecycle"]["message"]
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3"
    code = main(["check", "--mocked", "--provider", "bedrock", "--model", arn, "--report-dir", str(tmp_path / "b")])
    assert code == 0
    capsys.readouterr()
    access = next(c for c in read_report(tmp_path / "b")["checks"] if c["id"] == "model.access")
    assert access["status"] == "passed" and "inference profile" in access["message"]



def test_boto3_with_a_bedrock_api_key_over_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore prefers AWS_BEARER_TOKEN_BEDROCK over SigV4 and refuses it over plain http: TLS, with a CA
    made here."""
    boto3 = pytest.importorskip("boto3")
    cert, key = make_tls_files(tmp_path)
    body = json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 8,
                       "messages": [{"role": "user", "content": "Hello!"}]})
    model = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    with RunningEmulator(EmulatorSettings(), tls=(str(cert), str(key))) as emu:
        for token, works in (("any-bedrock-api-key", True), ("bad-bedrock-api-key", False)):
            monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", token)
            client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=f"{emu.url}/bedrock",
                                  verify=str(cert))
            try:
                if works:
                    assert json.loads(client.invoke_model(modelId=model, body=body)["body"].read())["type"] == \
                        "message"
                else:
                    with pytest.raises(client.exceptions.AccessDeniedException):
                        client.invoke_model(modelId=model, body=body)
            finally:
                client.close()


def test_sources_fit_the_target() -> None:
    from harness.diagnosis import entry, sources_for

    cause = entry("auth.permission-denied")
    bedrock, foundry = sources_for(cause, "bedrock"), sources_for(cause, "foundry")
    assert any("code.claude.com" in s for s in bedrock) and not any("Microsoft" in s for s in bedrock)
    assert any("Microsoft Learn" in s for s in foundry) and not any("Google Cloud" in s for s in foundry)
    assert sources_for(cause, None) == list(cause.sources)
