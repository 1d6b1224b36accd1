"""`claude-harness explain`: the same diagnosis offline, from a status line, headers, a body or SDK text."""

from __future__ import annotations

import io
import json

import pytest

from harness.cli import main


def test_explain_reads_stdin_and_prints_json(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    pasted = ("HTTP/1.1 429 Too Many Requests\nrequest-id: req_0123\nretry-after: 30\n\n"
              '{"type":"error","error":{"type":"rate_limit_error","message":"You have reached your API usage '
              'limits","details":{"error_code":"enforced_spend_limit_reached"}}}')
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted))
    assert main(["explain", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["cause"] == "billing.spend-limit"
    assert set(result) >= {"cause", "title", "explanation", "steps", "sources"}
    assert result["request_ids"] == {"request-id": "req_0123"}


def test_explain_sdk_exception_text(capsys: pytest.CaptureFixture[str]) -> None:
    text = ("anthropic.NotFoundError: Error code: 404 - {'type': 'error', 'error': {'type': 'not_found_error', "
            "'message': 'model: claude-opus-9'}, 'request_id': 'req_011'}")
    assert main(["explain", text]) == 0
    out = capsys.readouterr().out
    assert out.startswith("model.not-found:") and "req_011" in out


def test_explain_transport_error(capsys: pytest.CaptureFixture[str]) -> None:
    main(["explain", "--provider", "foundry", "httpx.ConnectError: [Errno -2] Name or service not known"])
    assert capsys.readouterr().out.startswith("network.dns:")


def test_explain_redacts_pasted_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    main(["explain", "--format", "json", 'HTTP/1.1 401\n\n{"error":{"message":"invalid key sk-ant-api03-'
          'abcdefghijklmnopqrstu","code":401}}'])
    assert "abcdefghijklmnopqrstu" not in capsys.readouterr().out


def test_explain_nothing_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("  \n"))
    assert main(["explain"]) == 2
    assert "Nothing to explain" in capsys.readouterr().err
