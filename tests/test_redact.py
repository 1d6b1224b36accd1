"""The one redactor: known secrets, secret shapes, sensitive headers."""

from __future__ import annotations

from harness.redact import Redactor, Secret, fingerprint


def test_known_secret_replaced_by_fingerprint() -> None:
    r = Redactor(["my-secret-value"])
    assert r.text("echo my-secret-value back") == f"echo [REDACTED] {fingerprint('my-secret-value')} back"


def test_secret_shapes_are_scrubbed_without_being_known() -> None:
    r = Redactor()
    text = ("key sk-ant-api03-abcdefghijklmnop and sk-or-v1-0123456789abcdef and "
            "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4eXoifQ.c2lnbmF0dXJl and Authorization: Bearer abcdefgh12345 "
            "and https://h.example/x?api-key=abcdef123&x=1")
    out = r.text(text)
    for secret in ("abcdefghijklmnop", "0123456789abcdef", "eyJhdWQiOiJ4eXoifQ", "abcdefgh12345", "abcdef123"):
        assert secret not in out
    assert "x=1" in out


def test_python_source_is_not_mangled() -> None:
    line = 'client = AnthropicFoundry(api_key=os.environ["VAR"])'
    assert Redactor().text(line) == line


def test_sensitive_headers_masked() -> None:
    out = Redactor().headers({"api-key": "k-123456", "Authorization": "Bearer tok-999999", "request-id": "r1"})
    assert out["api-key"].startswith("[REDACTED] sha256:")
    assert out["Authorization"].startswith("Bearer [REDACTED] sha256:")
    assert out["request-id"] == "r1"


def test_secret_object_never_shows_its_value() -> None:
    secret = Secret("value-123456", kind="api-key key", source="$VAR")
    assert "value-123456" not in repr(secret) + str(secret) + f"{secret}" + secret.describe()
    assert secret.reveal() == "value-123456"


def test_secret_header_names_are_recognised_by_whole_words() -> None:
    from harness.redact import is_secret_header

    for name in ("Ocp-Apim-Subscription-Key", "X-Gateway-Token", "x-auth-token", "X-Api-Key", "Cookie",
                 "x-amz-security-token", "X-Client-Secret"):
        assert is_secret_header(name), name
    for name in ("anthropic-ratelimit-tokens-limit", "request-id", "x-team", "content-type", "retry-after"):
        assert not is_secret_header(name), name
