"""The smoke suite: one test per check, parametrized over the configured targets.

Run live:      pytest --pyargs claude_harness_suites --harness-provider foundry --harness-model DEPLOYMENT
Run emulated:  pytest --pyargs claude_harness_suites --harness-emulator
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the plugin provides the fixture; the suites import nothing of the harness at run time
    from harness.pytest_plugin import SuiteCheck


@pytest.mark.harness_check("model.lifecycle")
def test_model_lifecycle(harness: SuiteCheck) -> None:
    """A retired or retiring model warns (fails with --harness-strict); the endpoint's answer decides the rest."""
    harness.expect("model.lifecycle")


@pytest.mark.harness_check("network.reachable")
def test_endpoint_answers(harness: SuiteCheck) -> None:
    harness.expect("network.reachable")


@pytest.mark.harness_check("credentials.obtained")
def test_credentials_are_obtained(harness: SuiteCheck) -> None:
    harness.expect("credentials.obtained")


@pytest.mark.harness_check("auth.accepted")
def test_credentials_are_accepted(harness: SuiteCheck) -> None:
    harness.expect("auth.accepted")


@pytest.mark.harness_check("model.available")
def test_model_or_deployment_exists(harness: SuiteCheck) -> None:
    harness.expect("model.available")


@pytest.mark.harness_check("message.text-and-usage")
def test_message_has_text_and_usage(harness: SuiteCheck) -> None:
    harness.expect("message.text-and-usage")


@pytest.mark.harness_check("stream.completes")
def test_stream_ends_properly(harness: SuiteCheck) -> None:
    harness.expect("stream.completes")
