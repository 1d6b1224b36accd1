"""Every provider Claude Code can select says how through its package's claude_code.py."""

from __future__ import annotations

from harness.claude_code import claude_code_providers
from harness.providers import PROVIDERS


def test_each_claude_code_switch_is_one_providers_and_exactly_one_provider_is_the_default() -> None:
    parts = claude_code_providers()
    switches = [part.SWITCH for _, part in parts]
    assert switches.count(None) == 1 and len(set(switches)) == len(switches)
    assert all(s is None or s.startswith("CLAUDE_CODE_USE_") for s in switches)
    default = next(spec for spec, part in parts if part.SWITCH is None)
    assert hasattr(default.claude_code_part(), "select")
    # each provider beside another names one Claude Code can select, and says which model ids it takes
    for _, part in parts:
        for other in getattr(part, "ALONGSIDE", ()):
            assert other in PROVIDERS and PROVIDERS[other].claude_code_part() is not None and callable(part.takes)
