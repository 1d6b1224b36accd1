"""Model lifecycle as evidence ranked below the wire, with an injected clock (never today's date)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

import harness.probe
from harness.cli import main
from harness.lifecycle import STALE_DAYS, canonical_model, lookup, model_lifecycle, oldest_check
from harness.providers.openrouter.lifecycle import openrouter_id

_PROBER_INIT = harness.probe.Prober.__init__
RETIRES = date(2026, 11, 30)  # claude-sonnet-4-5, per the anthropic SDK's deprecation table
REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("today", "phrase"), [
    (date(2026, 8, 1), "deprecated and retires on 2026-11-30, in 121 days"),  # deprecated: always warned
    (date(2026, 9, 1), "in 90 days"),
    (date(2026, 11, 29), "in 1 day (as of 2026-11-29)"),
    (date(2026, 11, 30), "retired on 2026-11-30 (0 days ago, as of 2026-11-30)"),
    (date(2027, 1, 1), "retired on 2026-11-30 (32 days ago, as of 2027-01-01)"),
])
def test_sonnet_4_5_lifecycle_by_date_warns_and_never_fails(today: date, phrase: str) -> None:
    verdict = model_lifecycle("anthropic", "claude-sonnet-4-5", today)
    assert verdict.passed and verdict.warning, "the data alone never fails a target"
    assert phrase in verdict.message
    assert "claude-sonnet-4-6" in verdict.message, "the documented replacement is named"
    assert "Anthropic's schedule" in verdict.message
    assert verdict.cause == "model.retired"


def test_active_unknown_and_openrouter_models() -> None:
    assert model_lifecycle("anthropic", "claude-haiku-4-5", date(2026, 11, 22)).message.startswith(
        "'claude-haiku-4-5' is active")
    unknown = model_lifecycle("foundry", "my-deployment", date(2026, 11, 22))
    assert unknown.skipped and "no lifecycle data" in unknown.message and "Foundry deployment" in unknown.message
    elsewhere = model_lifecycle("anthropic", "my-alias", date(2026, 11, 22))
    assert elsewhere.skipped and "Foundry" not in elsewhere.message, "no Foundry hint on a non-Foundry target"
    assert canonical_model("openrouter", "anthropic/claude-sonnet-4.5:free") == "claude-sonnet-4-5"
    assert lookup("openrouter", "anthropic/claude-sonnet-4.5").retires == RETIRES
    assert openrouter_id("claude-sonnet-4-5") == "anthropic/claude-sonnet-4.5"
    assert openrouter_id("claude-sonnet-4-5-20250929") is None


# The ids issue 19 found missing, as each platform names them: each is retired or warned on 2026-12-01.
LEFT_IN_OLD_CONFIGS = [
    ("anthropic", "claude-3-5-sonnet-20241022"), ("anthropic", "claude-3-5-sonnet-latest"),
    ("anthropic", "claude-3-opus-20240229"), ("anthropic", "claude-2.1"), ("foundry", "claude-sonnet-4-5"),
    ("openrouter", "anthropic/claude-3.7-sonnet"), ("openrouter", "anthropic/claude-3-opus"),
    ("openrouter", "anthropic/claude-sonnet-4"), ("openrouter", "anthropic/claude-3.7-sonnet:thinking"),
    ("bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0"), ("bedrock", "us.anthropic.claude-3-opus-20240229-v1:0"),
    ("bedrock", "anthropic.claude-v2:1"), ("bedrock", "eu.anthropic.claude-sonnet-4-20250514-v1:0"),
    ("vertex", "claude-3-5-sonnet-v2@20241022"), ("vertex", "claude-3-opus@20240229"),
    ("vertex", "claude-sonnet-4@20250514"), ("vertex", "claude-3-7-sonnet@20250219"),
]


@pytest.mark.parametrize(("provider", "model"), LEFT_IN_OLD_CONFIGS)
def test_every_old_id_is_named_retired_or_warned_on_its_platform(provider: str, model: str) -> None:
    verdict = model_lifecycle(provider, model, date(2026, 12, 1))
    assert verdict.warning and not verdict.skipped, verdict.message
    assert model in verdict.message


def test_platform_schedules_and_the_labelled_fallback() -> None:
    today = date(2026, 12, 1)
    # Bedrock keeps Sonnet 4 (deprecated there) after Anthropic retired it: Bedrock's own schedule decides
    bedrock = model_lifecycle("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0", today)
    assert "deprecated on Amazon Bedrock's schedule" in bedrock.message and "retired" not in bedrock.message
    # Vertex's own date for Claude 3.7 Sonnet (2026-05-11), not Anthropic's (2026-02-19)
    vertex = model_lifecycle("vertex", "claude-3-7-sonnet@20250219", today)
    assert "2026-05-11" in vertex.message and "Google Cloud's schedule" in vertex.message
    # No Bedrock date for Sonnet 4.5 in the data: Anthropic's, said to be a fallback
    fallback = model_lifecycle("bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", today)
    assert "retired on 2026-11-30" in fallback.message and "this platform's date may differ" in fallback.message
    assert lookup("vertex", "claude-sonnet-4-5@20250929").describe(today)["fallback"] is True


# ---- the rule, end to end: what the endpoint answered decides ------------------------------------------------
def _answers(status: int = 200, error: dict[str, Any] | None = None, *, model: str | None = None
             ) -> Callable[[httpx.Request], httpx.Response]:
    """An Anthropic-format endpoint (a gateway, a mock) that answers every model the same way, naming the requested
    model in its reply (or ``model``)."""
    from harness.replay import _healthy

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1/models"):
            return httpx.Response(404, json={"type": "error", "error": {"type": "not_found_error",
                                                                         "message": "Not Found"}})
        if status != 200:
            return httpx.Response(status, json=error or {})
        if request.url.path.endswith("/count_tokens"):
            return httpx.Response(200, json={"input_tokens": 12})
        streamed = b'"stream":true' in request.content.replace(b" ", b"")
        healthy = _healthy("anthropic", "stream" if streamed else "message")
        if streamed or request.method != "POST":
            return healthy
        body = {**healthy.json(), "model": model or json.loads(request.content)["model"]}
        return httpx.Response(200, headers={k: v for k, v in healthy.headers.items() if k.lower() == "request-id"},
                              json=body)
    return answer


def _check(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, today: str, answer: Callable[[httpx.Request],
           httpx.Response], *flags: str, model: str | None = "claude-sonnet-4-5") -> tuple[int, str, dict[str, Any]]:
    """`check` of an Anthropic-format target whose every request is answered by ``answer`` (in process)."""
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", today)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key-123456")
    original = _PROBER_INIT  # the real one, also when a test checks twice

    def with_mock(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["transport"] = httpx.MockTransport(answer)
        original(self, *args, **kwargs)

    monkeypatch.setattr(harness.probe.Prober, "__init__", with_mock)
    target = ["--provider", "anthropic", "--model", model] if model else []
    code = main(["check", *target, "--retries", "0", "--report-dir", str(tmp_path), "--quiet", *flags])
    return code, (tmp_path / "terminal.txt").read_text(), json.loads((tmp_path / "report.json").read_text())


def test_retired_per_the_data_but_served_is_a_warning_and_exit_0(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, report = _check(monkeypatch, tmp_path, "2026-12-01", _answers())
    assert code == 0 and report["summary"]["verdict"] == "healthy"
    assert "[WARN] model.lifecycle" in out and "[ok  ] message.text-and-usage" in out
    lifecycle = next(c for c in report["checks"] if c["id"] == "model.lifecycle")
    for part in ("retired on 2026-11-30", "Anthropic's schedule", "claude-sonnet-4-6", "still answers it"):
        assert part in lifecycle["message"]
    assert report["diagnoses"] == [], "a healthy endpoint gets no root cause from the table"
    assert report["targets"][0]["lifecycle"]["status"] == "retired"
    for name in ("report.md", "report.html"):
        assert "still answers it" in (tmp_path / name).read_text()
    junit = (tmp_path / "junit.xml").read_text()
    assert 'name="warning"' in junit and "<failure" not in junit


def test_strict_makes_the_warning_fail_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, report = _check(monkeypatch, tmp_path, "2026-12-01", _answers(), "--strict")
    assert code == 1 and report["summary"]["exit_code"] == 1 and report["summary"]["strict"] is True
    assert report["summary"]["verdict"] == "healthy", "the verdict still says what the endpoint did"
    assert "--strict: 1 warning fail the run (exit 1)" in out
    assert 'type="warning"' in (tmp_path / "junit.xml").read_text()
    from harness.report import render_github

    github = render_github(report)
    assert "::error title=t1%3A model.lifecycle (warning%2C --strict)::" in github


def test_strict_from_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "targets.toml"
    config.write_text('strict = true\n\n[[targets]]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-5"\n')
    code, _out, report = _check(monkeypatch, tmp_path / "r", "2026-12-01", _answers(), "--config", str(config),
                                 model=None)
    assert code == 1 and report["summary"]["strict"] is True
    config.write_text('strict = "yes"\n\n[[targets]]\nprovider = "anthropic"\n')
    assert main(["check", "--config", str(config), "--report-dir", str(tmp_path / "r2")]) == 2


def test_no_strict_and_no_warning_still_exit_0_under_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _out, report = _check(monkeypatch, tmp_path, "2026-12-01", _answers(), "--strict", model="claude-haiku-4-5")
    assert code == 0 and report["summary"]["warning"] == 0


def test_retired_and_rejected_by_the_endpoint_is_model_retired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = {"type": "error", "error": {"type": "not_found_error", "message": "model: claude-sonnet-4-5"}}
    code, out, report = _check(monkeypatch, tmp_path, "2026-12-01", _answers(404, gone))
    assert code == 1 and "Root cause: model.retired" in out
    root = next(d for d in report["diagnoses"] if d["root"])
    assert root["cause"] == "model.retired" and root["check"] == "model.available"
    assert "claude-sonnet-4-6" in root["evidence"] and "2026-11-30" in root["evidence"]
    lifecycle = next(c for c in report["checks"] if c["id"] == "model.lifecycle")
    assert lifecycle["status"] == "warning", "the lifecycle check itself never fails"
    assert len(report["diagnoses"]) == 1


def test_a_bad_key_stays_the_root_cause_and_the_retirement_is_the_next_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad_key = {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
    code, out, report = _check(monkeypatch, tmp_path, "2026-12-01", _answers(401, bad_key))
    assert code == 1 and "Root cause: auth.invalid-key" in out
    assert "Next problem: model.retired" in out
    causes = [(d["cause"], d["root"]) for d in report["diagnoses"]]
    assert causes == [("auth.invalid-key", True), ("model.retired", False)]
    lifecycle = next(c for c in report["checks"] if c["id"] == "model.lifecycle")
    assert "auth.accepted failed first" in lifecycle["message"]
    assert "Also" in (tmp_path / "report.md").read_text()


def test_before_the_retirement_the_emulator_serves_it_with_a_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-22")
    code = main(["check", "--mocked", "--provider", "anthropic", "--model", "claude-sonnet-4-5",
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "[WARN] model.lifecycle" in out and "retires on 2026-11-30, in 8 days" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["targets"][0]["lifecycle"]["status"] == "deprecated"
    assert report["targets"][0]["lifecycle"]["retires"] == "2026-11-30"
    assert 'name="warning"' in (tmp_path / "junit.xml").read_text()
    assert report["diagnoses"] == []


@pytest.mark.parametrize(("provider", "model", "phrase"), [
    ("anthropic", "claude-sonnet-4-5", "model: claude-sonnet-4-5"),
    ("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "reached the end of its life"),
    ("vertex", "claude-3-7-sonnet@20250219", "Publisher Model `projects/"),
    ("openrouter", "anthropic/claude-sonnet-4.5", "No endpoints found"),
])
def test_after_the_retirement_the_emulator_rejects_it_as_the_platform_does(
        provider: str, model: str, phrase: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-12-01")
    code = main(["check", "--mocked", "--provider", provider, "--model", model, "--report-dir", str(tmp_path),
                 "--quiet"])
    report = json.loads((tmp_path / "report.json").read_text())
    root = next(d for d in report["diagnoses"] if d["root"])
    assert code == 1 and root["cause"] == "model.retired", root
    assert phrase in root["evidence"]


def test_the_emulated_models_api_lists_only_what_is_available(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.providers.anthropic.emulator import anthropic_models
    from harness.providers.openrouter.emulator import openrouter_models

    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-29")
    assert "claude-sonnet-4-5" in [m["id"] for m in anthropic_models()["data"]]
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-11-30")
    assert "claude-sonnet-4-5" not in [m["id"] for m in anthropic_models()["data"]]
    assert "anthropic/claude-sonnet-4.5" not in [m["id"] for m in openrouter_models()["data"]]
    assert "claude-haiku-4-5" in [m["id"] for m in anthropic_models()["data"]]


# ---- models and the data's freshness --------------------------------------------------------------------------
def test_models_lists_every_platform_sorted_by_status_and_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--as-of", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    for title in ("Claude API", "Microsoft Foundry", "OpenRouter", "Amazon Bedrock", "Google Vertex AI"):
        assert title in out
    assert "us.anthropic.claude-haiku-4-5-20251001-v1:0" in out and "claude-3-5-sonnet-v2@20241022" in out
    assert main(["models", "--provider", "openrouter", "--as-of", "2026-11-22"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:] if line.startswith("  anthropic/")]
    assert rows[0][:4] == ["anthropic/claude-sonnet-4.5", "deprecated", "2026-11-30", "8"]
    statuses = [r[1] for r in rows]
    assert statuses == sorted(statuses, key=["deprecated", "legacy", "active", "retired"].index)
    retired_dates = [r[2] for r in rows if r[1] == "retired"]
    assert retired_dates == sorted(retired_dates, reverse=True), "retired: the latest first"


def test_models_bad_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--as-of", "tomorrow"]) == 2
    assert "--as-of" in capsys.readouterr().err


def test_check_staleness_against_a_date_the_test_controls(capsys: pytest.CaptureFixture[str]) -> None:
    checked = oldest_check()
    fresh = date.fromordinal(checked.toordinal() + STALE_DAYS).isoformat()
    stale = date.fromordinal(checked.toordinal() + STALE_DAYS + 1).isoformat()
    assert main(["models", "--check-staleness", "--as-of", fresh]) == 0
    assert main(["models", "--check-staleness", "--as-of", stale]) == 1
    assert "docs/lifecycle.md" in capsys.readouterr().out


def test_the_lifecycle_data_is_no_older_than_the_code_that_ships_it() -> None:
    """Refreshing the data is routine: a commit more than STALE_DAYS after the data's oldest check fails here. The
    reference is the newest commit's date, not the wall clock, so the suite passes on any day (faketime +400d)."""
    try:
        newest = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%cs"], capture_output=True,
                                text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git checkout: the data's age is checked against the newest commit")
    if not newest:
        pytest.skip("not a git checkout: the data's age is checked against the newest commit")
    age = (date.fromisoformat(newest) - oldest_check()).days
    assert age <= STALE_DAYS, (f"harness/lifecycle.toml was last checked {age} days before the newest commit "
                               f"({newest}): refresh it (docs/lifecycle.md)")


# ---- the answer matches the question ---------------------------------------------------------------------------
@pytest.mark.parametrize(("provider", "requested", "answered", "mismatch"), [
    ("anthropic", "claude-haiku-4-5", "claude-haiku-4-5-20251001", False),  # an alias answered by its snapshot
    ("anthropic", "claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", False),
    ("anthropic", "claude-opus-4-0", "claude-opus-4-20250514", False),
    ("bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001", False),
    ("vertex", "claude-haiku-4-5@20251001", "claude-haiku-4-5-20251001", False),
    ("openrouter", "anthropic/claude-sonnet-4.5", "anthropic/claude-4.5-sonnet-20250929", False),
    ("foundry", "claude-sonnet-4-6", "claude-sonnet-4-5-20250929", False),  # a deployment name: anything behind it
    ("anthropic", "my-gateway-alias", "claude-3-haiku-20240307", False),
    ("anthropic", "claude-haiku-4-5", "claude-3-haiku-20240307", True),
    ("openrouter", "anthropic/claude-haiku-4.5", "openai/gpt-4", True),
    ("anthropic", "claude-sonnet-4-6", "claude-opus-4-6", True),
])
def test_which_replies_name_another_model(provider: str, requested: str, answered: str, mismatch: bool) -> None:
    from harness.checks.model_echo import differs

    assert differs(provider, requested, answered) is mismatch


def test_a_substituted_model_warns_in_smoke_and_is_a_finding_in_full(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    swapped = _answers(model="claude-3-haiku-20240307")
    code, _out, report = _check(monkeypatch, tmp_path / "smoke", "2026-12-01", swapped, model="claude-haiku-4-5")
    message = next(c for c in report["checks"] if c["id"] == "message.text-and-usage")
    assert code == 0 and message["status"] == "warning" and message["cause"] == "conformance.model-mismatch"
    assert "'claude-3-haiku-20240307', not the requested 'claude-haiku-4-5'" in message["message"]
    code, _out, report = _check(monkeypatch, tmp_path / "full", "2026-12-01", swapped, "--profile", "full",
                               model="claude-haiku-4-5")
    root = next(d for d in report["diagnoses"] if d["root"])
    assert code == 1 and root["cause"] == "conformance.model-mismatch"
    assert "claude-3-haiku-20240307" in root["evidence"] and "claude-haiku-4-5" in root["evidence"]
    code, _out, report = _check(monkeypatch, tmp_path / "alias", "2026-12-01", _answers(
        model="claude-haiku-4-5-20251001"), "--profile", "full", model="claude-haiku-4-5")
    assert not any(d["cause"] == "conformance.model-mismatch" for d in report["diagnoses"]), report["diagnoses"]


@pytest.mark.parametrize("today", ["2026-11-22", "2026-12-01"])
def test_on_bedrock_the_verdict_does_not_flip_with_control_plane_access(today: str, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """GetFoundationModel readable or not, the same model gets the same verdict and root cause: the wire decides."""
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", today)
    outcomes = []
    for name, faults in (("readable", []), ("denied", ["--fault", "control-plane-denied"])):
        code = main(["check", "--mocked", "--provider", "bedrock", "--model",
                     "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "--report-dir", str(tmp_path / name), "--quiet",
                     *faults])
        report = json.loads((tmp_path / name / "report.json").read_text())
        lifecycle = next(c for c in report["checks"] if c["id"] == "model.lifecycle")
        outcomes.append((code, [d["cause"] for d in report["diagnoses"] if d["root"]], lifecycle["status"]))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][2] == "warning"
    assert outcomes[0][:2] == ((0, []) if today == "2026-11-22" else (1, ["model.retired"]))


def test_a_parameter_error_in_a_check_names_the_parameter_and_the_fix(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    both = {"type": "error", "error": {"type": "invalid_request_error",
                                       "message": "`temperature` and `top_p` cannot both be specified for this model. "
                                                  "Please use only one."}}
    code, _out, report = _check(monkeypatch, tmp_path, "2026-12-01", _answers(400, both), model="claude-haiku-4-5")
    root = next(d for d in report["diagnoses"] if d["root"])
    assert code == 1 and root["cause"] == "request.invalid"
    assert root["steps"][0].startswith("The endpoint objected to temperature and top_p. Send either temperature")


def test_a_real_litellm_alias_serving_a_retired_name_is_a_warning(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Recorded from LiteLLM proxy 1.108.7 on 127.0.0.1 (tests/third_party, set-up litellm-retired-alias): a model
    alias named claude-3-5-sonnet-20241022, retired by Anthropic on 2025-10-22, still answers. The date is not
    pinned: the retirement is in the past on any day the suite runs."""
    folder = REPO / "fixtures" / "third-party" / "litellm-retired-alias" / "healthy-smoke"
    code = main(["check", "--replay", str(folder), "--report-dir", str(tmp_path), "--quiet"])
    capsys.readouterr()
    report = json.loads((tmp_path / "report.json").read_text())
    lifecycle = next(c for c in report["checks"] if c["id"] == "model.lifecycle")
    assert code == 0 and report["summary"]["verdict"] == "healthy" and report["diagnoses"] == []
    assert lifecycle["status"] == "warning"
    for part in ("retired on 2025-10-22", "claude-sonnet-4-6", "still answers it"):
        assert part in lifecycle["message"]
    assert main(["check", "--replay", str(folder), "--report-dir", str(tmp_path / "s"), "--quiet", "--strict"]) == 1


def test_the_emulated_models_api_and_messages_agree_on_a_retired_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Models retrieve says "retired" for a model the messages route refuses as retired, on the same day."""
    import asyncio

    import httpx

    from harness.emulator import EmulatorSettings, create_app

    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", "2026-12-01")  # a day after claude-sonnet-4-5 retired

    async def ask() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(EmulatorSettings()))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            headers = {"x-api-key": "k-123456", "anthropic-version": "2023-06-01"}
            info = await client.get("/v1/models/claude-sonnet-4-5", headers=headers)
            message = await client.post("/v1/messages", headers=headers, json={
                "model": "claude-sonnet-4-5", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]})
        return info, message

    info, message = asyncio.run(ask())
    assert message.status_code == 404
    assert info.status_code == 200 and info.json()["lifecycle"] == "retired"
