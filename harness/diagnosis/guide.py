"""The troubleshooting guide, rendered from the catalogue so the docs and the tool cannot disagree."""

from __future__ import annotations

from .catalogue import catalogue

_GROUPS = {
    "config": "Configuration", "network": "Network", "auth": "Credentials and access", "model": "Model or deployment",
    "endpoint": "Endpoints", "rate-limit": "Rate limits", "billing": "Billing", "moderation": "Content",
    "access": "Access", "provider": "Provider trouble", "request": "Requests", "stream": "Streams",
    "conformance": "Conformance", "unclassified": "Anything else", "proxy": "Proxies",
    "middlebox": "Proxies, load balancers and WAFs in front of the provider",
}


def render_troubleshooting() -> str:
    lines = [
        "# Troubleshooting",
        "",
        "Generated from `harness/diagnosis/catalogue.toml` by `python docs/generate.py`; do not edit by hand.",
        "Every cause id below is what `claude-harness check` and `claude-harness explain` report.",
    ]
    current = None
    for cause in catalogue().values():
        group = _GROUPS.get(cause.id.split(".")[0], "Other")
        if group != current:
            lines += ["", f"## {group}"]
            current = group
        lines += ["", f"### `{cause.id}`: {cause.title}", "", cause.explanation, ""]
        lines += [f"{i}. {step}" for i, step in enumerate(cause.steps, start=1)]
        lines += ["", "Sources: " + "; ".join(cause.sources)]
    return "\n".join(lines) + "\n"
