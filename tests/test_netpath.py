"""The path to a target (proxy variables as httpx reads them) and `explain` on pasted proxy and TLS texts.
The texts are what curl 7.88, Node 20, httpx 0.28, requests and squid 5.7 printed on this machine."""

from __future__ import annotations

import pytest

from harness.explain import explain_text
from harness.netpath import proxy_route, strip_credentials


def test_the_proxy_is_named_with_its_variable_and_never_its_credentials() -> None:
    route = proxy_route("https://api.anthropic.com/v1", {"HTTPS_PROXY": "http://bob:s3cret@proxy.corp:3128"})
    assert route.describe() == {"via": "proxy", "proxy": "http://proxy.corp:3128", "proxy_source": "HTTPS_PROXY"}
    assert strip_credentials("user:pw@10.0.0.1:8080") == "http://10.0.0.1:8080"


@pytest.mark.parametrize(("env", "via", "source"), [
    ({"https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:2"}, "proxy", "https_proxy"),  # lower case wins
    ({"ALL_PROXY": "http://a:1"}, "proxy", "ALL_PROXY"),
    ({"HTTP_PROXY": "http://a:1"}, "direct", None),  # an https URL does not use HTTP_PROXY
    ({"HTTPS_PROXY": "http://a:1", "NO_PROXY": "anthropic.com"}, "direct", None),
    ({"HTTPS_PROXY": "http://a:1", "NO_PROXY": ".other.com,*"}, "direct", None),
    ({"HTTPS_PROXY": "http://a:1", "NO_PROXY": "thropic.com"}, "proxy", "HTTPS_PROXY"),
])
def test_proxy_variables_as_httpx_reads_them(env: dict[str, str], via: str, source: str | None) -> None:
    route = proxy_route("https://api.anthropic.com/v1", env)
    assert route.via == via and route.proxy_source == source


@pytest.mark.parametrize(("text", "cause"), [
    ("httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer "
     "certificate (_ssl.c:1006)", "network.tls-untrusted"),
    ("curl: (60) SSL certificate problem: unable to get local issuer certificate", "network.tls-untrusted"),
    ("UNABLE_TO_VERIFY_LEAF_SIGNATURE unable to verify the first certificate", "network.tls-untrusted"),
    ("Error: self-signed certificate in certificate chain\n  code: 'SELF_SIGNED_CERT_IN_CHAIN'",
     "network.tls-untrusted"),
    ("code: 'DEPTH_ZERO_SELF_SIGNED_CERT'", "network.tls-untrusted"),
    ("code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'", "network.tls-untrusted"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for "
     "'127.0.0.1'. (_ssl.c:1006)", "network.tls-hostname"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)",
     "network.tls-expired"),
    ("curl: (56) CONNECT tunnel failed, response 407", "proxy.auth-required"),
    ("requests.exceptions.ProxyError: HTTPSConnectionPool(host='api.anthropic.com', port=443): Max retries exceeded "
     "with url: /v1/messages (Caused by ProxyError('Unable to connect to proxy', OSError('Tunnel connection failed: "
     "407 Proxy Authentication Required')))", "proxy.auth-required"),
    ("curl: (56) CONNECT tunnel failed, response 403", "proxy.denied"),
    ("curl: (5) Could not resolve proxy: proxy.corp.example", "proxy.unreachable"),
    ("HTTP/1.1 407 Proxy Authentication Required\nServer: squid/5.7\nProxy-Authenticate: Basic realm=\"Squid\"",
     "proxy.auth-required"),
    ("HTTP/1.1 504 Gateway Time-out\nServer: nginx/1.22.1\n\n<html>\r\n<head><title>504 Gateway Time-out</title>"
     "</head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx/1.22.1</center>"
     "\r\n</body>\r\n</html>", "middlebox.timeout"),
    ("HTTP/1.1 403 Forbidden\nServer: cloudflare\ncf-ray: 8f1e2d3c4b5a6978-FRA\n\n<!DOCTYPE html><title>Attention "
     "Required! | Cloudflare</title><h1>Sorry, you have been blocked</h1>", "middlebox.blocked"),
])
def test_explain_recognises_pasted_proxy_and_tls_texts(text: str, cause: str) -> None:
    result = explain_text(text, provider=None, auth=None)
    assert result["cause"] == cause
    assert not result["transient"]


@pytest.mark.parametrize(("case", "with_status", "cause"), [
    ("auth-required-http", False, "proxy.auth-required"),  # squid's page alone, as pasted from a browser
    ("auth-required-http", True, "proxy.auth-required"),
    ("denied-http", True, "proxy.denied"),
])
def test_explain_recognises_squids_own_pages(case: str, with_status: bool, cause: str) -> None:
    import json
    from pathlib import Path

    answer = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "middleboxes" / "squid" /
                         f"{case}.json").read_text())["answer"]
    head = f"HTTP/1.1 {answer['status']} x\nX-Squid-Error: {answer['headers']['x-squid-error']}\n\n" if with_status \
        else ""
    assert explain_text(head + answer["body"], provider=None, auth=None)["cause"] == cause


def test_a_cdns_5xx_in_front_of_the_provider_stays_transient() -> None:
    page = ("HTTP/1.1 502 Bad Gateway\nServer: cloudflare\ncf-ray: 8f1e2d3c4b5a6978-FRA\n\n<html><head><title>"
            "api.anthropic.com | 502: Bad gateway</title></head><body>cloudflare</body></html>")
    result = explain_text(page, provider="anthropic", auth=None)
    assert result["cause"] == "provider.unavailable" and result["transient"]
