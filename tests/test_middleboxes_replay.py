"""Replays what real nginx, HAProxy, squid and mitmproxy answered (fixtures/middleboxes/, recorded by
``python -m tests.middleboxes.run --record fixtures/middleboxes``): each answer gets the recorded root cause
again, buffered streams are told from paced ones, and no recording holds a secret."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.checks.basic import Verdict, evidence_of
from harness.checks.buffering import buffered_span, judge_buffering
from harness.diagnosis import Evidence, classify
from harness.netpath import describe_path
from harness.observation import Observation, TimedEvent
from harness.sse import ServerSentEvent

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "middleboxes"
RECORDED = sorted(FOLDER.glob("*/*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _observation(answer: dict[str, Any]) -> Observation:
    obs = Observation(probe=answer["probe"], method="POST", url="http://127.0.0.1/v1/messages",
                      request_headers={name: "[REDACTED]" for name in answer["sent_headers"]},
                      status=answer["status"], headers=answer["headers"], body_text=answer["body"],
                      phase=answer["phase"], error=answer["error"], details=answer["details"],
                      streamed=answer["streamed"])
    rows = zip(answer["arrivals_ms"], answer["event_names"], answer["event_data"], strict=True)
    obs.events = [TimedEvent(at, ServerSentEvent(event=name, data=data)) for at, name, data in rows]
    obs.timings.ttfb_ms, obs.timings.total_ms = answer["ttfb_ms"], answer["total_ms"]
    return obs


def test_every_server_was_recorded_with_its_version() -> None:
    servers = {_load(p)["server"]: _load(p)["version"] for p in RECORDED}
    assert {"nginx", "haproxy", "squid", "mitmproxy"} <= set(servers)
    assert servers["nginx"].startswith("nginx version: nginx/1.22")
    assert servers["squid"].startswith("Squid Cache: Version 5.7")
    assert servers["haproxy"].startswith("HAProxy version 2.6")
    assert servers["mitmproxy"].startswith("Mitmproxy: 11.")


@pytest.mark.parametrize("path", RECORDED, ids=[f"{p.parent.name}/{p.stem}" for p in RECORDED])
def test_recorded_answer_gets_its_root_cause_again(path: Path) -> None:
    case = _load(path)
    assert case["seen"]["root"] == case["expected"]["root"]  # the live run was right
    assert case["seen"]["exit_code"] == case["expected"]["exit_code"]
    obs = _observation(case["answer"])
    root = case["expected"]["root"]
    if root is None or root == "stream.buffered":
        verdict = judge_buffering(obs, Verdict.ok("the stream completed"), case["profile"])
        expected = case["expected"]["warning"] or root
        assert verdict.cause == expected
        assert (buffered_span(obs) is not None) == (expected == "stream.buffered")
    elif obs.status is None:
        result = classify(Evidence(provider="anthropic", phase=obs.phase, error_text=obs.error))
        assert result.cause == root and not result.transient
    else:
        result = classify(evidence_of(obs, "anthropic", "x-api-key", model="claude-haiku-4-5"))
        assert result.cause == root and not result.transient


@pytest.mark.parametrize("path", RECORDED, ids=[f"{p.parent.name}/{p.stem}" for p in RECORDED])
def test_recorded_path_is_rebuilt_and_holds_no_credential(path: Path) -> None:
    case = _load(path)
    text = path.read_text()
    assert "proxy-secret" not in text and "sk-ant-middlebox" not in text
    recorded = case["seen"]["path"]
    rebuilt = describe_path([_observation(case["answer"])])
    assert rebuilt["via"] == recorded["via"] and rebuilt.get("proxy_source") == recorded.get("proxy_source")
    assert "@" not in recorded.get("proxy", "")
    for box in rebuilt["middleboxes"]:
        assert box in recorded["middleboxes"]


def test_proxy_causes_name_the_proxy_and_never_say_set_https_proxy() -> None:
    for name in ("auth-required-connect", "denied-connect"):
        case = _load(FOLDER / "squid" / f"{name}.json")
        assert "(from HTTPS_PROXY)" in case["seen"]["evidence"]
        assert not any("set HTTPS_PROXY" in step for step in case["seen"]["steps"])
    unreachable = _load(FOLDER / "none" / "proxy-unreachable.json")
    assert "could not connect to the proxy http://127.0.0.1:" in unreachable["seen"]["evidence"]


def test_mitmproxy_interception_is_named() -> None:
    case = _load(FOLDER / "mitmproxy" / "interception-untrusted.json")
    assert case["seen"]["tls"]["tls_interception"] is True
    assert "mitmproxy" in case["seen"]["tls"]["issuer"]


@pytest.mark.parametrize(("server", "case", "setting"), [
    ("nginx", "read-timeout", "raise nginx's proxy_read_timeout"),
    ("haproxy", "server-timeout", "raise HAProxy's timeout server"),
    ("nginx", "body-too-large", "raise nginx's client_max_body_size"),
])
def test_a_middleboxs_own_page_names_the_setting_to_raise(server: str, case: str, setting: str) -> None:
    recorded = _load(FOLDER / server / f"{case}.json")
    assert setting in recorded["seen"]["evidence"]
    obs = _observation(recorded["answer"])
    assert setting in classify(evidence_of(obs, "anthropic", "x-api-key")).rule
    assert "the same status on 2 attempts" in recorded["seen"]["evidence"] or case == "body-too-large"


def test_the_certificate_is_read_through_an_authenticating_proxy() -> None:
    case = _load(FOLDER / "squid" / "untrusted-through-proxy.json")
    assert case["seen"]["tls"]["issuer"] == "commonName=Example Corp TLS Inspection CA, organizationName=Example Corp"
    assert case["seen"]["tls"]["tls_interception"] is True
