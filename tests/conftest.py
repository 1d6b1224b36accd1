"""Test isolation: a clean environment and no traffic off this machine."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings

# Hypothesis's per-example deadline is a wall-clock assertion: on a loaded two-core machine it fails tests whose
# behaviour is right. Speed is measured in benchmarks/, never asserted in tests.
settings.register_profile("harness", deadline=None)
settings.load_profile("harness")

_PREFIXES = ("ANTHROPIC_", "OPENROUTER_", "AZURE_", "IDENTITY_", "MSI_", "IMDS_", "CLAUDE_HARNESS_", "AWS_", "GOOGLE_",
             "GCE_", "GCLOUD_", "CLOUDSDK_", "CLOUD_ML_")
PINNED_TODAY = "2026-11-20"
_PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(_PREFIXES) or name in _PROXIES or name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
            monkeypatch.delenv(name, raising=False)
    # the AWS and Google credential chains must never reach an instance-metadata address or a user's own files
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    monkeypatch.setenv("CLOUDSDK_CONFIG", os.devnull)
    # The model lifecycle is judged as of a fixed day, so no test depends on the calendar (the suite also runs
    # under `faketime -f +400d`); tests of the lifecycle itself set their own days.
    monkeypatch.setenv("CLAUDE_HARNESS_TODAY", PINNED_TODAY)


def _loopback(host: Any) -> bool:
    if host in ("localhost", None, ""):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_outside_traffic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any DNS lookup or connection to a non-loopback address fails the test loudly."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _loopback(host):
            raise AssertionError(f"test tried to resolve an outside host: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and not _loopback(address[0]):
            raise AssertionError(f"test tried to connect outside this machine: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield
