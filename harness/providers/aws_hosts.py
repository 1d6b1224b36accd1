"""What the Amazon-fronted Messages API hosts share (Mantle, Claude Platform on AWS): regional ``*.api.aws`` hosts,
SigV4 under each host's own signing name, STS beside them, and the emulator's check of a signature's scope.

Bedrock's InvokeModel keeps its own module (``bedrock.py``); the signing itself is ``sigv4.py`` for all three.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1", "emulator.invalid")


def api_aws_host(prefix: str, region: str) -> str:
    return f"{prefix}.{region}.api.aws"


def sts_url(base_url: str, region: str | None, host_prefix: str, emulator_mount: str) -> str | None:
    """STS GetCallerIdentity for the keys that sign this host: AWS's regional STS for the real host, the
    emulator's /sts/ beside the emulated host (its mount is the base URL's path); None through a gateway."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if host.startswith(host_prefix + ".") and host.endswith(".api.aws") and region:
        return f"https://sts.{region}.amazonaws.com/"
    path = parts.path.rstrip("/")
    if host in LOOPBACK and path.endswith(emulator_mount):
        return f"{parts.scheme}://{parts.netloc}{path.removesuffix(emulator_mount)}/sts/"
    return None


def wrong_scope(signed_service: str, signing_name: str) -> str | None:
    """AWS's answer to a signature scoped to another service (the credential scope names the service)."""
    if signed_service == signing_name:
        return None
    return f"Credential should be scoped to correct service: '{signing_name}'. "
