"""The conformance suite (full profile): schemas, stream grammar, usage, headers, error shapes.

Runs with --harness-profile full; under the smoke profile each test is skipped with that reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

try:  # installed: the package is claude_harness; a source checkout: harness
    from claude_harness.checks.conformance import CONFORMANCE_CHECKS
except ImportError:  # pragma: no cover - exercised in a source checkout without the wheel
    from harness.checks.conformance import CONFORMANCE_CHECKS

if TYPE_CHECKING:
    from harness.pytest_plugin import SuiteCheck


@pytest.mark.parametrize("check_id", CONFORMANCE_CHECKS)
def test_conformance(harness: SuiteCheck, check_id: str) -> None:
    if harness.run.check(check_id) is None:
        pytest.skip("conformance checks run with --harness-profile full")
    harness.expect(check_id)
