"""The certificate a server (or a TLS-inspecting proxy) presented: who it names, who issued it, when it is valid.

``describe`` and ``is_public_ca`` are pure; ``presented_certificate`` is the one I/O function: after a failed
verification it repeats the handshake without verifying (sending nothing over it) to read the leaf certificate,
directly or through the same proxy's CONNECT tunnel.
"""

from __future__ import annotations

import asyncio
import base64
import socket
import ssl
import warnings
from datetime import datetime, timezone
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

from .netpath import middlebox_data

# OpenSSL's X509_V_ERR_* codes, as ssl.SSLCertVerificationError.verify_code carries them
VERIFY_KINDS = {
    9: "not-yet-valid", 10: "expired", 18: "self-signed", 19: "self-signed-in-chain", 20: "unknown-issuer",
    21: "unknown-issuer", 2: "unknown-issuer", 62: "hostname", 64: "hostname",
}


def verify_failure(exc: BaseException) -> tuple[int, str] | None:
    """OpenSSL's verify code and message from an exception chain (httpx wraps ssl's error)."""
    current: BaseException | None = exc
    for _ in range(10):
        if current is None:
            return None
        if isinstance(current, ssl.SSLCertVerificationError):
            return int(current.verify_code or 0), str(current.verify_message or current.reason or "")
        current = current.__cause__ or current.__context__
    return None


def _name(name: Any) -> str:
    return ", ".join(f"{a.oid._name}={a.value}" for a in name)  # e.g. "commonName=mitmproxy, organizationName=…"


def _attr(name: Any, oid_name: str) -> str | None:
    values = [a.value for a in name if a.oid._name == oid_name]
    return str(values[0]) if values else None


def describe(der: bytes) -> dict[str, Any]:
    """Subject, issuer, validity dates and names of a DER certificate; whether it signed itself."""
    from cryptography import x509

    with warnings.catch_warnings():  # a certificate that bends RFC 5280 (a negative serial) is still described
        warnings.simplefilter("ignore")
        cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(v) for v in san.get_values_for_type(x509.DNSName)]
        names += [str(v) for v in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        names = []
    issuer_org = _attr(cert.issuer, "organizationName")
    issuer_cn = _attr(cert.issuer, "commonName")
    return {
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "names": names,
        "not_before": cert.not_valid_before_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "self_signed": cert.issuer == cert.subject,
        "public_ca": is_public_ca(issuer_org, issuer_cn),
    }


@cache
def _public_names() -> frozenset[str]:
    """Organisation and common names of the public roots (certifi's copy of Mozilla's store) and of the public
    CAs' intermediates listed in middleboxes.toml."""
    names: set[str] = set()
    names.update(o.lower() for o in middlebox_data()["public_ca"]["organisations"])
    try:
        import certifi
        from cryptography import x509

        with open(certifi.where(), "rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # certifi holds a root with a negative serial number
            for root in x509.load_pem_x509_certificates(handle.read()):
                for oid_name in ("organizationName", "commonName"):
                    value = _attr(root.subject, oid_name)
                    if value:
                        names.add(value.lower())
    except (ImportError, OSError, ValueError):
        pass
    return frozenset(names)


def is_public_ca(organisation: str | None, common_name: str | None) -> bool:
    known = _public_names()
    return any(v is not None and v.lower() in known for v in (organisation, common_name))


def summary(cert: dict[str, Any]) -> str:
    """One line for a check message."""
    ca = "a public CA" if cert.get("public_ca") else "not a public CA"
    names = ", ".join(cert.get("names") or []) or "none"
    own = "; self-signed" if cert.get("self_signed") else ""
    return (f"presented certificate: subject {cert['subject']}; issuer {cert['issuer']} ({ca}{own}); "
            f"valid {cert['not_before']} to {cert['not_after']}; names {names}")


def validity_problem(cert: dict[str, Any], now: datetime | None = None) -> str | None:
    """'expired' or 'not-yet-valid' by the certificate's own dates, or None."""
    current = now or datetime.now(timezone.utc)
    stamp = current.strftime("%Y-%m-%dT%H:%M:%SZ")
    if stamp > cert["not_after"]:
        return "expired"
    if stamp < cert["not_before"]:
        return "not-yet-valid"
    return None


async def presented_certificate(url: str, proxy: str | None, timeout: float) -> bytes | None:
    """The leaf certificate the server at ``url`` presents (through ``proxy``'s CONNECT when given), read
    without verifying it; None when it cannot be read. Nothing is sent over the TLS connection."""
    return await asyncio.to_thread(_presented_certificate, url, proxy, timeout)


def _presented_certificate(url: str, proxy: str | None, timeout: float) -> bytes | None:
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        if proxy is None:
            sock = socket.create_connection((host, port), timeout=timeout)
        else:
            p = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
            if p.scheme != "http":  # an https:// or SOCKS proxy: this plain side-probe would expose its login
                return None
            login = ""
            if p.username is not None:  # the same proxy credentials the request itself used
                pair = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
                login = f"Proxy-Authorization: Basic {base64.b64encode(pair).decode()}\r\n"
            sock = socket.create_connection((p.hostname or "", p.port or 80), timeout=timeout)
            sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n{login}\r\n".encode())
            answer = b""
            while b"\r\n\r\n" not in answer and len(answer) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                answer += chunk
            if answer.split(b"\r\n", 1)[0].split(b" ")[1:2] != [b"200"]:
                sock.close()
                return None
        with context.wrap_socket(sock, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
        return bytes(der) if der else None
    except (OSError, ssl.SSLError, ValueError, IndexError):
        return None
