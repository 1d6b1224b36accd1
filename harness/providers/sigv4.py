"""AWS Signature Version 4 (pure): sign a request, or check a signature the way AWS does.

The harness signs with it (no botocore needed once the keys are known) and the emulator verifies with it, so
both sides follow one reading of the specification. The canonical path is the path as sent, percent-encoded once
more (AWS's rule for every service but S3), which is what botocore and the anthropic SDK produce.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
# Headers that proxies may change in flight; botocore leaves them out of the signature too.
UNSIGNED_HEADERS = frozenset({"authorization", "user-agent", "expect", "x-amzn-trace-id", "connection",
                              "content-length", "accept-encoding", "transfer-encoding"})
MAX_SKEW = _dt.timedelta(minutes=5)
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)"
    r"/aws4_request,\s*SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})\s*$"
)


@dataclass(frozen=True)
class AwsKeys:
    access_key: str
    secret_key: str
    session_token: str | None = None


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret_key: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return key


def canonical_query(query: str) -> str:
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in parse_qsl(query, keep_blank_values=True))
    return "&".join(f"{k}={v}" for k, v in pairs)


def canonical_request(method: str, raw_path: str, query: str, headers: Mapping[str, str], signed: list[str],
                      body: bytes) -> str:
    lowered = {k.lower(): " ".join(str(v).split()) for k, v in headers.items()}
    header_lines = "".join(f"{name}:{lowered.get(name, '')}\n" for name in signed)
    return "\n".join((method.upper(), quote(raw_path or "/", safe="/~"), canonical_query(query), header_lines,
                      ";".join(signed), hashlib.sha256(body).hexdigest()))


def string_to_sign(amz_date: str, scope: str, canonical: str) -> str:
    return "\n".join((ALGORITHM, amz_date, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()))


def sign(method: str, url: str, headers: Mapping[str, str], body: bytes, keys: AwsKeys, region: str, service: str,
         now: _dt.datetime) -> dict[str, str]:
    """The headers to add to a request so that AWS accepts it: X-Amz-Date, Authorization (and the session token)."""
    parts = urlsplit(url)
    amz_date = now.astimezone(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    added = {"x-amz-date": amz_date}
    if keys.session_token:
        added["x-amz-security-token"] = keys.session_token
    everything = {**{k.lower(): v for k, v in headers.items()}, **added, "host": parts.netloc}
    signed = sorted(name for name in everything if name not in UNSIGNED_HEADERS)
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    canonical = canonical_request(method, parts.path, parts.query, everything, signed, body)
    signature = hmac.new(signing_key(keys.secret_key, amz_date[:8], region, service),
                         string_to_sign(amz_date, scope, canonical).encode("utf-8"), hashlib.sha256).hexdigest()
    added["authorization"] = (f"{ALGORITHM} Credential={keys.access_key}/{scope}, "
                              f"SignedHeaders={';'.join(signed)}, Signature={signature}")
    return added


@dataclass(frozen=True)
class ParsedAuthorization:
    access_key: str
    date: str
    region: str
    service: str
    signed: list[str]
    signature: str


def parse_authorization(value: str) -> ParsedAuthorization | None:
    match = _AUTH_RE.match(value.strip())
    if match is None:
        return None
    return ParsedAuthorization(match["key"], match["date"], match["region"], match["service"],
                               match["signed"].split(";"), match["signature"])


def verify(method: str, raw_path: str, query: str, headers: Mapping[str, str], body: bytes,
           secret_for: Mapping[str, str], now: _dt.datetime) -> tuple[str, str] | None:
    """None when the signature is good; else (AWS error code, AWS message), as Bedrock answers them."""
    lowered = {k.lower(): v for k, v in headers.items()}
    parsed = parse_authorization(lowered.get("authorization", ""))
    if parsed is None:
        return ("IncompleteSignatureException",
                "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.")
    secret = secret_for.get(parsed.access_key)
    if secret is None:
        return "UnrecognizedClientException", "The security token included in the request is invalid."
    amz_date = lowered.get("x-amz-date", "")
    try:
        when = _dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return "IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' " \
                                               "or a 'Date' header."
    if abs(now - when) > MAX_SKEW:
        limit = (now - MAX_SKEW).strftime("%Y%m%dT%H%M%SZ")
        return ("InvalidSignatureException",
                f"Signature expired: {amz_date} is now earlier than {limit} ({now.strftime('%Y%m%dT%H%M%SZ')} - "
                "5 min.)" if when < now else
                f"Signature not yet current: {amz_date} is still later than "
                f"{(now + MAX_SKEW).strftime('%Y%m%dT%H%M%SZ')} ({now.strftime('%Y%m%dT%H%M%SZ')} + 5 min.)")
    scope = f"{parsed.date}/{parsed.region}/{parsed.service}/aws4_request"
    canonical = canonical_request(method, raw_path, query, lowered, parsed.signed, body)
    expected = hmac.new(signing_key(secret, parsed.date, parsed.region, parsed.service),
                        string_to_sign(amz_date, scope, canonical).encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, parsed.signature):
        return ("InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                "Secret Access Key and signing method. Consult the service documentation for details.")
    return None
