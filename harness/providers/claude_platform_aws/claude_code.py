"""Claude Code's switch for Claude Platform on AWS (``CLAUDE_CODE_USE_ANTHROPIC_AWS``,
``shared/docs/bedrock-vertex-claudecode.md`` §3.1; base URL override ``ANTHROPIC_AWS_BASE_URL``).

Not checked yet: which variable Claude Code reads the required workspace id from, which credential it sends, and its
default models there are not in the shared docs, and nothing was observed. No ``select``: ``check --claude-code``
refuses the switch and points at ``--provider claude-platform-aws``.
"""

from __future__ import annotations

SWITCH = "CLAUDE_CODE_USE_ANTHROPIC_AWS"
PRECEDENCE = 50
