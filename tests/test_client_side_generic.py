"""The client side's generic modules name no provider (the integrator's scanner, tests/provider_names.py), and every
provider Claude Code can select says how through its package's claude_code.py."""

from __future__ import annotations

from harness.claude_code import claude_code_providers
from harness.providers import PROVIDERS
from tests.provider_names import report

CLIENT_SIDE = {"harness/emulated.py", "harness/claude_code.py", "harness/config.py", "harness/ladder.py",
               "harness/reproduce.py", "harness/replay.py", "harness/cli.py", "harness/commands.py"}


def test_the_client_sides_generic_modules_name_no_provider() -> None:
    assert {module: hits for module, hits in report().items() if module in CLIENT_SIDE} == {}


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
