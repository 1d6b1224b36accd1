"""How Claude Code reaches Vertex AI: ``CLAUDE_CODE_USE_VERTEX``, ``CLOUD_ML_REGION`` (else us-east5), the project
variables, Application Default Credentials, and a per-model ``VERTEX_REGION_CLAUDE_*`` location
(``shared/docs/bedrock-vertex-claudecode.md`` §3.1)."""

from __future__ import annotations

import re
from typing import Any

SWITCH = "CLAUDE_CODE_USE_VERTEX"
SKIP_AUTH = "CLAUDE_CODE_SKIP_VERTEX_AUTH"
PRECEDENCE = 20
DEFAULT_REGION = "us-east5"  # Claude Code's own fallback when nothing is set (its Vertex docs)


def select(sel: Any) -> str:
    raw, used = sel.raw, sel.used
    if not sel.take("region", ("CLOUD_ML_REGION",)):
        raw["region"] = DEFAULT_REGION
        used.append(f"region ← not set: Claude Code's fallback {DEFAULT_REGION}")
    # Claude Code lets the Google project variables override ANTHROPIC_VERTEX_PROJECT_ID
    if not sel.take("project", ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT", "ANTHROPIC_VERTEX_PROJECT_ID")):
        used.append("project ← the one Application Default Credentials resolve")
    if sel.take("base_url", ("ANTHROPIC_VERTEX_BASE_URL",)):
        raw["gateway"] = True
    raw["auth"] = "adc"
    used.append("credential ← Google Application Default Credentials")
    return str(sel.facts.provider(raw["provider"]).main)


def region_variable(model: str) -> str | None:
    """The VERTEX_REGION_CLAUDE_* variable Claude Code reads for this model's location, if the model has one."""
    name = model.split("@", 1)[0].removeprefix("claude-")
    old = re.fullmatch(r"(\d)-(\d)-(haiku|sonnet|opus)", name)  # claude-3-5-haiku, claude-3-7-sonnet
    if old:
        return f"VERTEX_REGION_CLAUDE_{old[1]}_{old[2]}_{old[3].upper()}"
    new = re.fullmatch(r"(haiku|sonnet|opus|fable)-(\d)(?:-(\d))?(?:-\d{8})?", name)
    if new is None:
        return None
    family, major, minor = new[1].upper(), new[2], new[3]
    if family in ("HAIKU", "FABLE"):
        return f"VERTEX_REGION_CLAUDE_{family}_{major}" + (f"_{minor}" if minor else "")
    version = f"{major}_{minor}" if minor else (f"{major}_0" if major == "4" else major)
    return f"VERTEX_REGION_CLAUDE_{version}_{family}"
