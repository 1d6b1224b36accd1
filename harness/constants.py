"""Numbers and defaults in one place, so a change is made once."""

from __future__ import annotations

VERSION = "0.1.0"  # the one place the tool's version is written (pyproject reads it too)
ANTHROPIC_VERSION = "2023-06-01"  # what both seeds document; configurable per target
ENTRA_SCOPE_COGNITIVE = "https://cognitiveservices.azure.com/.default"  # Foundry seed
ENTRA_SCOPE_AI = "https://ai.azure.com/.default"  # current Anthropic docs
DEFAULT_ENTRA_SCOPE = ENTRA_SCOPE_COGNITIVE

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_TOKENS = 16  # small enough to be cheap, large enough for a reply (litellm PR #26610)
PROBE_PROMPT = "Reply with the single word: pong"

# Caps that keep a hostile or broken endpoint from exhausting memory or time.
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_STREAM_EVENTS = 10_000
REPORT_BODY_CHARS = 4_000

DEFAULT_REPORT_DIR = "reports"
