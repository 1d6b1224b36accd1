"""The network path to a target, pure: direct or through which proxy (and from which variable), and what
answered in front of the provider (a proxy, a load balancer, a WAF), read from headers and error pages.

The proxy rules mirror httpx's (which the probe uses): HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, lower-case spelling
winning as in urllib, NO_PROXY as curl reads it. A proxy's credentials are never kept.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from .observation import Observation

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class ProxyRoute:
    via: str  # "direct" | "proxy"
    proxy: str | None = None  # scheme://host:port, never user:password
    proxy_source: str | None = None  # the variable it came from
    no_proxy_match: str | None = None  # the NO_PROXY entry that sent it direct
    no_proxy_source: str | None = None

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"via": self.via}
        for key in ("proxy", "proxy_source", "no_proxy_match", "no_proxy_source"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    def line(self) -> str:
        if self.via == "proxy":
            return f"through the proxy {self.proxy} (from {self.proxy_source})"
        if self.no_proxy_match:
            return f"direct ({self.no_proxy_source} matches {self.no_proxy_match!r})"
        return "direct"


DIRECT = ProxyRoute("direct")


def _lookup(env: Mapping[str, str], name: str) -> tuple[str | None, str | None]:
    """urllib's rule: the lower-case variable wins over the upper-case one; an empty value is unset."""
    for spelled in (name.lower(), name.upper()):
        value = env.get(spelled, "").strip()
        if value:
            return value, spelled
    return None, None


def strip_credentials(proxy: str) -> str:
    """scheme://host:port of a proxy URL, without user:password (and without a path)."""
    text = proxy if "://" in proxy else f"http://{proxy}"
    parts = urlsplit(text)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}"


def _no_proxy_matches(entry: str, host: str) -> bool:
    entry = entry.strip().lower()
    if not entry:
        return False
    if entry == "*":
        return True
    if "://" in entry:
        entry = urlsplit(entry).hostname or ""
    entry = entry.split(":")[0] if entry.count(":") == 1 else entry.strip("[]")
    try:
        if "/" in entry:
            return ipaddress.ip_address(host.strip("[]")) in ipaddress.ip_network(entry, strict=False)
        return ipaddress.ip_address(host.strip("[]")) == ipaddress.ip_address(entry)
    except ValueError:
        pass
    if entry.startswith("."):
        return host.endswith(entry)
    return host == entry or host.endswith("." + entry.lstrip("*."))


def proxy_route(url: str, env: Mapping[str, str]) -> ProxyRoute:
    """How a request to ``url`` leaves this machine, given the environment (as httpx decides it)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    no_proxy, no_source = _lookup(env, "no_proxy")
    if no_proxy:
        for item in no_proxy.split(","):
            if _no_proxy_matches(item, host):
                return ProxyRoute("direct", no_proxy_match=item.strip(), no_proxy_source=no_source)
    for name in (f"{scheme}_proxy", "all_proxy"):
        if name == "http_proxy" and "REQUEST_METHOD" in env:
            continue  # urllib ignores HTTP_PROXY under CGI (httpoxy)
        value, source = _lookup(env, name)
        if value:
            return ProxyRoute("proxy", strip_credentials(value), source)
    return DIRECT


# --- what answered in front of the provider ----------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    name: str  # "nginx", "HAProxy", "squid", "Envoy", "Cloudflare", "AWS WAF", …
    kind: str  # "proxy" (forward), "reverse-proxy", "waf", "cdn"
    headers: tuple[tuple[str, re.Pattern[str]], ...]
    body: re.Pattern[str] | None
    blocks: bool  # its 403 page means "blocked by a WAF rule"
    timeout_setting: str | None = None  # what to raise when its 504 page answers
    size_setting: str | None = None  # what to raise when its 413 page answers


@cache
def middlebox_data() -> dict[str, Any]:
    """harness/diagnosis/middleboxes.toml: the signatures, and the public CAs' names."""
    folder = resources.files(__package__ or "harness").joinpath("diagnosis")
    data: dict[str, Any] = tomllib.loads(folder.joinpath("middleboxes.toml").read_text("utf-8"))
    return data


@cache
def signatures() -> tuple[Signature, ...]:
    rows = middlebox_data()["middleboxes"]
    return tuple(
        Signature(
            name=row["name"], kind=row["kind"],
            headers=tuple((k.lower(), re.compile(v, re.I)) for k, v in row.get("headers", {}).items()),
            body=re.compile(row["body"], re.I | re.S) if row.get("body") else None,
            blocks=bool(row.get("blocks", False)),
            timeout_setting=row.get("timeout_setting"), size_setting=row.get("size_setting"),
        )
        for row in rows
    )


@dataclass(frozen=True)
class Sighting:
    name: str
    kind: str
    label: str  # what to show: "nginx/1.22.1", "squid/5.7", "HAProxy"
    by: str  # "header server", "error page"
    blocks: bool
    timeout_setting: str | None = None
    size_setting: str | None = None


_VERSION = re.compile(r"[\w.-]+/[\d.]+\w*")


def sightings(headers: Mapping[str, str], body: str | None) -> list[Sighting]:
    """Every known middlebox that names itself in these headers or this (non-provider) error page."""
    lowered = {k.lower(): v for k, v in headers.items()}
    found: list[Sighting] = []
    for sig in signatures():
        label, by = None, None
        for name, pattern in sig.headers:
            value = lowered.get(name)
            if value is not None and pattern.search(value):
                version = _VERSION.search(value) if name in ("server", "via") else None
                label = version.group(0) if version and sig.name.lower() in version.group(0).lower() else sig.name
                by = f"header {name}"
                break
        if label is None and sig.body is not None and body and sig.body.search(body[:20000]):
            version = _VERSION.search(sig.body.search(body[:20000]).group(0))  # type: ignore[union-attr]
            label, by = (version.group(0) if version else sig.name), "error page"
        if label is not None and by is not None:
            found.append(Sighting(sig.name, sig.kind, label, by, sig.blocks, sig.timeout_setting, sig.size_setting))
    return found


# --- one target's path, for the report ---------------------------------------------------------------------------


def describe_path(observations: Iterable[Observation]) -> dict[str, Any]:
    """report.json targets[].path: how the connection was made and what was seen in front of the provider."""
    seen = list(observations)
    route = next((o.details["route"] for o in seen if "route" in o.details), DIRECT.describe())
    out: dict[str, Any] = dict(route)
    labels: list[str] = []
    for obs in seen:
        body = obs.body_text if obs.status is not None and not 200 <= obs.status < 300 else None
        found = sightings(obs.headers, body)
        via = obs.header("via")
        if via and not found:
            found = [Sighting(via, "proxy", f"via {via}", "header via", False)]
        for s in found:
            if s.label not in labels and not any(s.name == other.split("/")[0] for other in labels):
                labels.append(s.label)
    certificate = next((o.details.get("certificate") or o.details.get("tls", {}).get("certificate")
                        for o in seen if o.details.get("certificate") or o.details.get("tls", {}).get("certificate")),
                       None)
    if certificate:
        out["certificate"] = {k: certificate[k] for k in ("subject", "issuer", "not_before", "not_after",
                                                          "self_signed", "public_ca") if k in certificate}
        if not certificate.get("public_ca") and not certificate.get("self_signed"):
            labels.append(f"TLS issuer {certificate['issuer']} (not a public CA)")
    out["middleboxes"] = labels
    return out


def path_line(path: dict[str, Any] | None) -> str | None:
    """'path: through the proxy http://127.0.0.1:3128 (from HTTPS_PROXY); seen in front: nginx/1.22.1', or None
    for a plain direct path with nothing seen."""
    if not path:
        return None
    route = ProxyRoute(path.get("via", "direct"), path.get("proxy"), path.get("proxy_source"),
                       path.get("no_proxy_match"), path.get("no_proxy_source"))
    boxes = path.get("middleboxes") or []
    if route == DIRECT and not boxes:
        return None
    seen = f"; seen in front of the provider: {', '.join(boxes)}" if boxes else ""
    return f"path: {route.line()}{seen}"
