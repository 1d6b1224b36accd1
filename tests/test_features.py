"""check --features: every feature against the emulator healthy and under the fault that breaks it, the plan's
cost before sending, what is not offered skipped with its source, and bad names refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.emulated import IN_PROCESS_BASES, emulated_targets
from harness.emulator import EmulatorSettings
from harness.emulator.gateway import in_front
from harness.emulator.inprocess import StreamingASGITransport
from harness.emulator.tokens import in_process_credential
from harness.errors import HarnessError
from harness.features.catalog import FEATURES
from harness.runner import RunOptions, run_and_report
from tests.feature_standin import lossy_gateway, standin
from tests.helpers import read_report, validate_report

SERVED_BY_EMULATOR = ("tools", "tool-streaming", "thinking", "images", "pdf", "count-tokens")
SERVED_BY_STANDIN = ("caching", "structured-output", "citations", "web-search", "web-fetch", "code-execution",
                     "batches", "files")
ANTHROPIC_FORMAT = ("foundry", "anthropic", "bedrock", "vertex")


def _checks(report: dict[str, Any], target: str | None = None) -> dict[str, dict[str, Any]]:
    return {c["id"].removeprefix("feature."): c for c in report["checks"]
            if c["id"].startswith("feature.") and (target is None or c["target"] == target)}


def _run(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--mocked", "--report-dir", str(tmp_path), "-q", *args])
    return code, read_report(tmp_path)


@pytest.mark.parametrize("provider", ANTHROPIC_FORMAT)
def test_features_the_emulator_serves_pass_on_every_platform(provider: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _run(tmp_path, "--provider", provider, "--features", ",".join(SERVED_BY_EMULATOR))
    checks = _checks(report)
    assert list(checks) == list(SERVED_BY_EMULATOR)  # one check per feature, in the catalogue's order
    assert {f: c["status"] for f, c in checks.items()} == dict.fromkeys(SERVED_BY_EMULATOR, "passed"), checks
    assert all(c["layer"] == "feature" for c in checks.values())
    assert "schema-valid input" in checks["tools"]["message"] and "round trip" in checks["tools"]["message"]
    assert code == 0
    err = capsys.readouterr().err
    assert f"features plan for emulated-{provider}" in err  # the cost is printed before anything is sent


def test_not_offered_is_skipped_with_its_source_and_sends_nothing(tmp_path: Path) -> None:
    code, report = _run(tmp_path, "--provider", "bedrock", "--features", "batches,files,web-search,code-execution")
    checks = _checks(report)
    for feature in ("batches", "files", "web-search", "code-execution"):
        assert checks[feature]["status"] == "skipped"
        assert checks[feature]["message"].startswith("not offered on this platform (Amazon Bedrock); source: https://")
    assert report["usage"]["billable_calls"] == 2  # the smoke ladder's message and stream only
    assert code == 0


def test_a_model_without_the_feature_is_skipped_for_the_model(tmp_path: Path) -> None:
    _, report = _run(tmp_path, "--provider", "anthropic", "--features", "long-context")
    assert _checks(report)["long-context"]["status"] == "skipped"
    assert "not offered for this model (claude-haiku-4-5)" in _checks(report)["long-context"]["message"]
    _, report = _run(tmp_path, "--provider", "anthropic", "--model", "claude-sonnet-4-5-20250929",
                     "--features", "long-context")
    assert _checks(report)["long-context"]["status"] == "passed"


def test_betas_named_by_the_user_reach_the_provider_and_a_stripping_gateway_is_named(tmp_path: Path) -> None:
    beta = ["--header", "anthropic-beta: context-management-2025-06-27"]
    code, report = _run(tmp_path, "--provider", "anthropic", "--features", "betas", *beta)
    assert (_checks(report)["betas"]["status"], code) == ("passed", 0)
    code, report = _run(tmp_path / "f", "--provider", "anthropic", "--features", "betas", *beta,
                        "--fault", "strip-betas")
    check = _checks(report)["betas"]
    assert (check["status"], check["cause"], code) == ("failed", "feature.beta-stripped", 1)
    assert "Extra inputs are not permitted" in check["message"]
    assert "dropped the anthropic-beta header" in check["message"]  # the culprit
    assert "curl" in check["reproduce"]


def test_broken_tool_input_is_named_for_tools_and_tool_streaming(tmp_path: Path) -> None:
    code, report = _run(tmp_path, "--provider", "foundry", "--features", "tools,tool-streaming",
                        "--fault", "broken-tool-input")
    checks = _checks(report)
    assert {f: (c["status"], c.get("cause")) for f, c in checks.items()} == {
        "tools": ("failed", "feature.tool-input-broken"), "tool-streaming": ("failed", "feature.tool-input-broken")}
    assert "'city' is a required property" in checks["tools"]["message"]
    assert "translation layer" in checks["tools"]["message"]
    assert "deployment type" not in checks["tools"]["message"]  # the answer names the loss: no platform guess
    assert code == 1


def _standin_report(faults: frozenset[str], features: tuple[str, ...], provider: str = "anthropic",
                    *, lossy: bool = False, **flags: Any) -> dict[str, Any]:
    settings = EmulatorSettings()
    app = in_front(standin(settings), faults)  # the gateway, then the provider
    app = lossy_gateway(app) if lossy else app
    targets = emulated_targets(IN_PROCESS_BASES, {"provider": provider, "features": list(features), **flags}, {},
                               in_process=True)
    report = run_and_report(targets, mode="mocked", transport=StreamingASGITransport(app),
                            credential_factory=in_process_credential(settings), options=RunOptions(retries=0))
    validate_report(report)
    return report


def test_features_the_standin_serves_pass_when_documented() -> None:
    report = _standin_report(frozenset(), SERVED_BY_STANDIN)
    checks = _checks(report)
    assert {f: c["status"] for f, c in checks.items()} == dict.fromkeys(SERVED_BY_STANDIN, "passed"), checks
    assert "read" in checks["caching"]["message"] and "from the cache" in checks["caching"]["message"]


def test_documented_off_platform_works_is_an_info_pass_and_unknown_failure_is_not_blamed() -> None:
    report = _standin_report(frozenset(), ("structured-output",), provider="vertex")
    check = _checks(report)["structured-output"]
    assert check["status"] == "passed" and "although not documented for Google Vertex AI (info" in check["message"]


def test_a_refusal_on_foundry_suspects_the_deployment_type() -> None:
    report = _standin_report(frozenset(), ("images",), provider="foundry", lossy=True)
    check = _checks(report)["images"]
    assert check["status"] == "failed" and "the deployment type: Foundry 'Hosted on Azure'" in check["message"]


def test_a_proxy_dropping_cache_control_is_named() -> None:
    report = _standin_report(frozenset({"drop-cache-control"}), ("caching",))
    check = _checks(report)["caching"]
    assert (check["status"], check["cause"]) == ("failed", "feature.cache-dropped")
    assert "removes cache_control" in check["message"]
    roots = [d for d in report["diagnoses"] if d["root"]]
    assert roots[0]["cause"] == "feature.cache-dropped" and roots[0]["sources"]


def test_unknown_feature_exits_2_listing_the_known_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--features", "tools,teleport", "--report-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2
    assert "teleport" in err and all(name in err for name in FEATURES)
    assert not (tmp_path / "r" / "report.json").exists()


def test_toml_features_and_profile_features(tmp_path: Path) -> None:
    from harness.config import build_target

    target = build_target({"provider": "anthropic", "features": ["caching", "tools"]}, {"ANTHROPIC_API_KEY": "k"},
                          default_id="t1")
    assert target.features == ("tools", "caching")
    with pytest.raises(HarnessError, match="Known features: tools"):
        build_target({"provider": "anthropic", "features": ["warp"]}, {"ANTHROPIC_API_KEY": "k"}, default_id="t1")
    _, report = _run(tmp_path, "--provider", "anthropic", "--profile", "features")
    assert set(_checks(report)) >= {"tools", "thinking", "caching", "count-tokens", "files"}


def test_the_plan_counts_against_the_budget_before_sending(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # smoke alone: 2 calls; thinking adds one call that may generate its whole budget (1025 tokens)
    code = main(["check", "--mocked", "--provider", "anthropic", "--features", "thinking", "--max-output-tokens",
                 "1000", "--report-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "over --max-output-tokens 1000" in err and "Nothing was sent" in err
    code = main(["check", "--mocked", "--provider", "anthropic", "--features", "tools,caching",
                 "--max-billable-calls", "5", "--report-dir", str(tmp_path)])
    assert code == 2 and "6 billable calls" in capsys.readouterr().err


def test_report_json_keeps_the_feature_checks(tmp_path: Path) -> None:
    _run(tmp_path, "--provider", "anthropic", "--features", "tools")
    report = json.loads((tmp_path / "report.json").read_text())
    assert [c["id"] for c in report["checks"] if c["layer"] == "feature"] == ["feature.tools"]


def test_features_matrix_in_every_format(tmp_path: Path) -> None:
    code, report = _run(tmp_path, "--features", "tools,batches", "--fault", "broken-tool-input", "--matrix")
    matrix = report["features_matrix"]
    assert [r["feature"] for r in matrix["rows"]] == ["tools", "batches"]
    cells = {r["feature"]: {t: c["state"] for t, c in r["cells"].items()} for r in matrix["rows"]}
    assert cells["batches"]["emulated-bedrock"] == "not offered" and cells["batches"]["emulated-foundry"] == \
        "not offered"
    assert cells["tools"]["emulated-anthropic"] == "failed"
    html = (tmp_path / "report.html").read_text()
    assert 'id="features"' in html and 'title="not offered on this platform (Amazon Bedrock); source: https://' in html
    markdown = (tmp_path / "report.md").read_text()
    assert "## Features matrix" in markdown and "| batches | " in markdown
    terminal = (tmp_path / "terminal.txt").read_text()
    assert "Features matrix:" in terminal
    junit = (tmp_path / "junit.xml").read_text()
    assert 'name="feature.tools"' in junit
    assert '<property name="feature.batches" value="not offered" />' in junit
    assert code == 1


def test_a_failed_lower_layer_blocks_the_feature_checks(tmp_path: Path) -> None:
    code, report = _run(tmp_path, "--provider", "anthropic", "--features", "tools,caching", "--fault", "invalid-key")
    checks = _checks(report)
    assert {c["status"] for c in checks.values()} == {"blocked"} and all(c["layer"] == "feature"
                                                                         for c in checks.values())
    assert report["usage"]["billable_calls"] == 0 and code == 1


def test_recorded_feature_answers_replay_through_the_same_judges(tmp_path: Path) -> None:
    record = tmp_path / "rec"
    args = ["--provider", "anthropic", "--features", "tools,count-tokens,betas", "--header",
            "anthropic-beta: context-management-2025-06-27"]
    _, live = _run(tmp_path / "a", *args, "--fault", "broken-tool-input", "--record", str(record))
    assert (record / "emulated-anthropic" / "feature.tools.call.json").is_file()
    assert (record / "emulated-anthropic" / "feature-free.count-tokens.count.json").is_file()
    code = main(["check", "--replay", str(record), "--report-dir", str(tmp_path / "b"), "-q"])
    replayed = read_report(tmp_path / "b")
    assert {f: (c["status"], c.get("cause")) for f, c in _checks(replayed).items()} == {
        f: (c["status"], c.get("cause")) for f, c in _checks(live).items()}
    assert _checks(replayed)["tools"]["cause"] == "feature.tool-input-broken" and code == 1


LITELLM = Path(__file__).resolve().parents[1] / "fixtures" / "third-party" / "litellm-features"


@pytest.mark.parametrize(("case", "expected", "exit_code"), [
    ("healthy", {"tools": "passed", "tool-streaming": "passed", "thinking": "passed", "images": "passed",
                 "pdf": "passed", "count-tokens": "passed", "betas": "passed"}, 0),
    ("broken-tool-input", {"tools": "failed", "tool-streaming": "failed"}, 1),
])
def test_litellm_proxy_recordings_replay_through_the_same_judges(case: str, expected: dict[str, str], exit_code: int,
                                                                 tmp_path: Path) -> None:
    """Real LiteLLM proxy 1.108.7 answers (fixtures/third-party/litellm-features/README.md), judged unchanged."""
    code = main(["check", "--replay", str(LITELLM / case), "--report-dir", str(tmp_path), "-q"])
    report = read_report(tmp_path)
    checks = _checks(report)
    assert {f: c["status"] for f, c in checks.items()} == expected
    assert report["targets"][0]["gateway_detected"].startswith("LiteLLM proxy 1.108.7")
    if case == "broken-tool-input":
        assert {c["cause"] for c in checks.values()} == {"feature.tool-input-broken"}
        assert "the gateway in front of the provider (LiteLLM proxy 1.108.7" in checks["tools"]["message"]
    assert code == exit_code


LOST = {"thinking": "no thinking block", "structured-output": "not JSON", "images": "text content only",
        "pdf": "text content only", "count-tokens": "HTTP 404", "citations": "no citations",
        "web-search": "no server_tool_use of web_search", "web-fetch": "no server_tool_use of web_fetch",
        "code-execution": "no server_tool_use of code_execution", "batches": "HTTP 404", "files": "HTTP 404"}


def test_each_feature_fails_behind_a_gateway_that_loses_it() -> None:
    """The judges read what came back: a 200 without the feature's content fails as surely as a refusal."""
    report = _standin_report(frozenset(), tuple(LOST), lossy=True)
    checks = _checks(report)
    for feature, evidence in LOST.items():
        assert checks[feature]["status"] == "failed", (feature, checks[feature])
        assert evidence in checks[feature]["message"], (feature, checks[feature]["message"])
        assert checks[feature]["cause"] == "feature.unavailable"
    assert report["summary"]["exit_code"] == 1


def test_a_feature_answer_that_echoes_the_key_never_leaks_it(tmp_path: Path) -> None:
    """A gateway that refuses the feature's request and quotes the key it was sent: every report format hides it."""
    from harness.report import renderings

    canary = "CANARY-feature-5e1d9a7c3b"
    settings = EmulatorSettings()
    emulator = standin(settings)

    async def echoing(scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers", []))
        if scope["type"] == "http" and scope["path"].endswith("/v1/messages/batches"):
            data = json.dumps({"type": "error", "error": {"type": "invalid_request_error", "message":
                               f"batches refused for key {headers.get(b'x-api-key', b'').decode()}"}}).encode()
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": data})
            return
        await emulator(scope, receive, send)

    targets = emulated_targets(IN_PROCESS_BASES, {"provider": "anthropic", "features": ["batches"],
                                                  "api_key_env": "FEATURE_CANARY"}, {"FEATURE_CANARY": canary},
                               in_process=True)
    report = run_and_report(targets, mode="mocked", transport=StreamingASGITransport(echoing),
                            credential_factory=in_process_credential(settings), options=RunOptions(retries=0))
    check = _checks(report)["batches"]
    assert check["status"] == "failed" and "batches refused for key" in check["message"]
    everything = json.dumps(report) + "".join(renderings(report).values())
    assert canary not in everything and canary[:12] not in everything


def test_the_plan_names_what_server_tools_and_caching_bill_beyond_output_tokens(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--mocked", "--provider", "anthropic", "--features", "caching,web-search,code-execution",
                 "--max-output-tokens", "10", "--report-dir", str(tmp_path), "-q"])
    err = capsys.readouterr().err
    assert code == 2 and "Nothing was sent" in err  # refused by the budget: the plan alone is printed
    extra = next(line for line in err.splitlines() if "beyond output tokens" in line)
    assert "caching: at least" in extra and "input tokens written to the cache" in extra
    assert "web-search: at most 1 web search (billed per search)" in extra
    assert "code-execution: code execution container time" in extra


def test_a_plan_without_fees_beyond_tokens_prints_no_extra_line(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--mocked", "--provider", "anthropic", "--features", "tools", "--report-dir", str(tmp_path), "-q"])
    err = capsys.readouterr().err
    assert "features plan for emulated-anthropic" in err and "beyond output tokens" not in err


@pytest.mark.parametrize("provider", [*ANTHROPIC_FORMAT, "bedrock-mantle", "claude-platform-aws"])
def test_the_emulator_serves_every_feature_its_platform_offers(provider: str, tmp_path: Path) -> None:
    """The features once checked only against a stand-in (caching, structured output, citations, server tools,
    batches, files) pass on the emulator wherever the platform offers them, and are 'not offered' elsewhere."""
    code, report = _run(tmp_path, "--provider", provider, "--features", ",".join(SERVED_BY_STANDIN))
    cells = report["features_matrix"]["rows"]
    states = {row["feature"]: next(iter(row["cells"].values()))["state"] for row in cells}
    assert set(states) == set(SERVED_BY_STANDIN)
    # batches and files on Mantle and Claude Platform on AWS: their availability is not documented ("not checked")
    allowed = {"supported", "not offered"} | ({"not checked"} if provider not in ANTHROPIC_FORMAT else set())
    assert set(states.values()) <= allowed, states
    if provider == "anthropic":
        assert set(states.values()) == {"supported"}, states
    assert code == 0
