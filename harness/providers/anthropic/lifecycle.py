"""The Claude API's lifecycle (pure): the first-party ids, on Anthropic's own schedule.

What a provider's lifecycle module may hold is described in ``harness/lifecycle.py`` (``ProviderLifecycle``).
"""

from __future__ import annotations

COLUMN = "ids"  # lifecycle.toml: the first-party ids (the Claude API's, Claude Platform on AWS's)
TITLE = "Claude API (also Claude Platform on AWS)"
