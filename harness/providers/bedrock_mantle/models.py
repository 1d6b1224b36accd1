"""Mantle's model ids (pure): ``anthropic.claude-sonnet-4-6``, no version suffix, no geo prefix.

DOCS ``claude-code/amazon-bedrock.md`` "Mantle endpoint errors": Mantle has its own lineup, "so inference profile
IDs such as ``us.anthropic.claude-sonnet-4-6`` will not work"; a ``-v1:0`` suffix is Bedrock InvokeModel's format.
"""

from __future__ import annotations

import re

_GEO = re.compile(r"^(us-gov|us|eu|apac|jp|au|global)\.")
_INVOKE_SUFFIX = re.compile(r"-v\d+(:\d+)?$")
_MANTLE_ID = re.compile(r"^anthropic\.claude-[a-z0-9-]+$")


def format_problem(model: str) -> str | None:
    """Why a model id is not in Mantle's format (None when it is)."""
    if _GEO.match(model):
        return "an inference-profile id (Mantle ids have no geo prefix)"
    if _INVOKE_SUFFIX.search(model):
        return "a Bedrock InvokeModel id (Mantle ids have no version suffix)"
    if model.startswith("arn:"):
        return "an ARN (Mantle takes model ids)"
    if not _MANTLE_ID.match(model):
        return "not an anthropic.claude-… id"
    return None


def other_platform_format(model: str) -> bool:
    """An id in Bedrock InvokeModel's format (a geo prefix, a version suffix, an ARN): Mantle refuses it by name."""
    return bool(_GEO.match(model) or _INVOKE_SUFFIX.search(model) or model.startswith("arn:"))


def mantle_id(model: str) -> str:
    """The Mantle id for a Bedrock InvokeModel or first-party id (the fix a user needs)."""
    bare = _INVOKE_SUFFIX.sub("", _GEO.sub("", model))
    bare = re.sub(r"-\d{8}$", "", bare.removeprefix("anthropic."))
    return f"anthropic.{bare}"


def lifecycle_id(model: str) -> str:
    """anthropic.claude-haiku-4-5 -> claude-haiku-4-5 (the first-party id the lifecycle table knows)."""
    return _INVOKE_SUFFIX.sub("", _GEO.sub("", model)).removeprefix("anthropic.")
