"""Rules for answers that come from between the client and the provider (pure): a proxy that refused the tunnel,
a reverse proxy's or WAF's own error page, a credential that was sent but never arrived."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from ..netpath import sightings
from .shapes import ErrorInfo

_NETWORK_FAMILIES = ("network.", "proxy.", "middlebox.")
_CONNECT_STATUS = re.compile(r"answered connect with (\d{3})|tunnel failed, response (\d{3})|connect.{0,20}\b(\d{3})\b")


class Row(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def cause(self) -> str: ...
    @property
    def statuses(self) -> frozenset[int]: ...
    @property
    def pattern(self) -> re.Pattern[str]: ...


def transport_cause(phase: str, text: str, rows: Iterable[Row]) -> tuple[str, str]:
    """A failure with no HTTP answer: a recognised text (a TLS verify error, a proxy's CONNECT answer) decides,
    else the phase."""
    for row in rows:
        if not row.statuses and row.cause.startswith(_NETWORK_FAMILIES) and row.pattern.search(text):
            return row.cause, row.id
    if phase == "proxy":
        found = _CONNECT_STATUS.search(text)
        code = int(next(g for g in found.groups() if g)) if found else None
        if code == 407:
            return "proxy.auth-required", "the proxy answered CONNECT with 407"
        if code is not None and code >= 500:
            return "middlebox.error", f"the proxy answered CONNECT with {code}: it could not reach the endpoint"
        if code is not None:
            return "proxy.denied", f"the proxy refused the CONNECT tunnel ({code})"
        return "proxy.unreachable", "no connection to the proxy"
    return f"network.{phase}", f"transport phase {phase} failed"


def answer_cause(status: int, info: ErrorInfo, headers: Mapping[str, str], body: str | None
                 ) -> tuple[str, str] | None:
    """An error page that is not the provider's, from a middlebox that names itself (or a 407)."""
    if status == 407:
        return "proxy.auth-required", "status 407: the proxy wants credentials"
    if info.structured or status not in (403, 413, 429, 500, 502, 503, 504):
        return None
    seen = sightings(headers, body)
    if not seen:
        if status == 504 and info.shape == "html":
            return "middlebox.timeout", "an HTML 504 page: a gateway between here and the provider timed out"
        return None
    box = seen[0]
    if box.kind == "cdn" and status != 403:
        return None  # a CDN's 5xx is usually the provider's own edge having trouble (Cloudflare before Anthropic)
    lowered = {k.lower(): v for k, v in headers.items()}
    squid_error = lowered.get("x-squid-error", "")
    if box.kind == "proxy" and status == 403:
        return "proxy.denied", f"{box.label}'s 403 page ({squid_error or box.by}): the proxy refused the destination"
    if status == 403:
        return "middlebox.blocked", f"{box.label}'s own 403 page ({box.by}): a rule in front of the provider"
    if status == 504 or "ERR_READ_TIMEOUT" in squid_error:
        raise_it = f"; raise {box.name}'s {box.timeout_setting}" if box.timeout_setting else ""
        return "middlebox.timeout", f"{box.label}'s own {status} page ({box.by}): its timeout toward the upstream" \
            + raise_it
    if status == 413 and box.size_setting:
        return "middlebox.error", f"{box.label}'s own 413 page ({box.by}); raise {box.name}'s {box.size_setting}"
    return "middlebox.error", f"{box.label}'s own {status} page ({box.by})"


# What providers say when no credential arrived, and the header that should have carried it.
_MISSING = (
    (re.compile(r"x-api-key header is required"), ("x-api-key",)),
    (re.compile(r"missing subscription key|subscription key.{0,40}missing"), ("api-key", "ocp-apim-subscription-key")),
    (re.compile(r"no auth credentials found|missing authentication token|authorization header is missing|"
                r"missing required authentication credential|no api key provided|missing bearer"),
     ("authorization",)),
)


def credential_missing(text: str, sent: Iterable[str]) -> bool:
    """The provider says the credential header never arrived, and the request carried that very header."""
    carried = set(sent)
    return any(pattern.search(text) and carried.intersection(names) for pattern, names in _MISSING)
