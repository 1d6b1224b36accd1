"""The conformance suite (full profile): schemas, stream grammar, usage, headers, error shapes.

Runs with --harness-profile full; under the smoke profile each test is skipped with that reason.
"""

from __future__ import annotations

import pytest

from harness.checks.conformance import CONFORMANCE_CHECKS
from harness.pytest_plugin import SuiteCheck


@pytest.mark.parametrize("check_id", CONFORMANCE_CHECKS)
def test_conformance(harness: SuiteCheck, check_id: str) -> None:
    if harness.run.check(check_id) is None:
        pytest.skip("conformance checks run with --harness-profile full")
    harness.expect(check_id)
