"""The network settings Claude Code would use here: its proxy, CA and client-certificate variables, each with where
it came from, and how the probes apply them (docs/proxies.md).

Claude Code reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY, NODE_EXTRA_CA_CERTS, CLAUDE_CODE_CERT_STORE and
CLAUDE_CODE_CLIENT_CERT / CLAUDE_CODE_CLIENT_KEY / CLAUDE_CODE_CLIENT_KEY_PASSPHRASE from the shell or a settings
file's env block. NODE_EXTRA_CA_CERTS is the exception: Node reads it once, when the process starts, so a value in
settings.json is never applied; it is flagged, and the probes do not trust it either (they check what Claude Code
would see).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .netpath import strip_credentials
from .runner import RunOptions

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy")
CA_VARIABLES = ("NODE_EXTRA_CA_CERTS", "CLAUDE_CODE_CERT_STORE")
CLIENT_CERT_VARIABLES = ("CLAUDE_CODE_CLIENT_CERT", "CLAUDE_CODE_CLIENT_KEY", "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE")
_SECRET = "CLAUDE_CODE_CLIENT_KEY_PASSPHRASE"


@dataclass
class NetworkSettings:
    provenance: list[str] = field(default_factory=list)  # "HTTPS_PROXY = http://proxy:3128 (from … env)"
    notes: list[str] = field(default_factory=list)
    proxy_env: dict[str, str] = field(default_factory=dict)  # applied to the probes' process environment
    extra_ca: str | None = None  # a PEM file Claude Code would add to its trust store
    client_cert: tuple[str, str | None, str | None] | None = None  # (cert, key, passphrase)


def network_settings(values: Mapping[str, tuple[str, str]]) -> NetworkSettings:
    """``values``: variable -> (value, source) as Claude Code resolved them ("environment" for the shell)."""
    out = NetworkSettings()
    for name in (*PROXY_VARIABLES, *CA_VARIABLES, *CLIENT_CERT_VARIABLES):
        found = values.get(name)
        if found is None or found[0] == "":
            continue
        value, source = found
        shown = "[set, not shown]" if name == _SECRET else strip_credentials(value) if "PROXY" in name.upper() \
            and not name.lower().startswith("no_") else value
        out.provenance.append(f"{name} = {shown} (from {source})")
        if name in PROXY_VARIABLES:
            # Claude Code also takes NO_PROXY separated by spaces; httpx only by commas
            out.proxy_env[name] = ",".join(value.replace(",", " ").split()) if name.lower() == "no_proxy" else value
    ca = values.get("NODE_EXTRA_CA_CERTS")
    if ca is not None and ca[0]:
        if ca[1] == "environment":
            out.extra_ca = ca[0]
        else:
            out.notes.append(f"NODE_EXTRA_CA_CERTS is set in {ca[1]}: Claude Code does not apply it from a settings "
                             "file (Node reads it only at start-up); export it in the shell that starts Claude Code. "
                             "The probes do not trust it either.")
    store = values.get("CLAUDE_CODE_CERT_STORE")
    if store is not None and store[0]:
        out.notes.append(f"CLAUDE_CODE_CERT_STORE={store[0]} ({store[1]}) chooses Claude Code's CA stores; the probes "
                         "use this machine's CA bundle (and NODE_EXTRA_CA_CERTS from the shell)")
    cert, key = values.get("CLAUDE_CODE_CLIENT_CERT"), values.get("CLAUDE_CODE_CLIENT_KEY")
    if cert is not None and cert[0]:
        passphrase = values.get(_SECRET)
        out.client_cert = (cert[0], key[0] if key and key[0] else None,
                           passphrase[0] if passphrase and passphrase[0] else None)
    elif key is not None and key[0]:
        out.notes.append("CLAUDE_CODE_CLIENT_KEY is set without CLAUDE_CODE_CLIENT_CERT: no client certificate is sent")
    return out


def trust_bundle(extra_ca: str, folder: Path) -> Path:
    """Node's rule: NODE_EXTRA_CA_CERTS adds to the default roots. The probes get one bundle with both."""
    import certifi

    extra = Path(extra_ca)
    try:
        added = extra.read_text(encoding="utf-8")
    except OSError as exc:
        from .errors import HarnessError

        raise HarnessError(f"NODE_EXTRA_CA_CERTS={extra_ca} cannot be read ({exc.strerror}).",
                           fix="Point NODE_EXTRA_CA_CERTS at a PEM file of your CA certificates.") from None
    bundle = folder / "claude-code-trust.pem"
    bundle.write_text(Path(certifi.where()).read_text(encoding="utf-8") + "\n" + added, encoding="utf-8")
    return bundle


@contextlib.contextmanager
def applied_proxy_env(proxy_env: Mapping[str, str]) -> Iterator[None]:
    """The probes' httpx reads the proxy variables from the process environment: apply Claude Code's (settings
    files included) for the run, and restore the shell's afterwards."""
    saved = {name: os.environ.get(name) for name in PROXY_VARIABLES}
    try:
        for name in PROXY_VARIABLES:
            os.environ.pop(name, None)
        os.environ.update(proxy_env)
        yield
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="claude-harness-") as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def prepared(net: NetworkSettings, options: RunOptions) -> Iterator[RunOptions]:
    """Run options and process environment with Claude Code's network settings applied to the probes."""
    with scratch_folder() as tmp, applied_proxy_env(net.proxy_env):
        if net.extra_ca and options.verify is True:  # an explicit --ca-bundle or --insecure wins
            options = replace(options, verify=str(trust_bundle(net.extra_ca, tmp)))
        if net.client_cert is not None:
            options = replace(options, client_cert=net.client_cert)
        yield options
