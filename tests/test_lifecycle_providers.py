"""The lifecycle side of the provider packages: generic modules ask each provider's lifecycle module."""

from __future__ import annotations

import pytest

from harness.lifecycle import first_party, listed_platforms, lookup, platform_title


def test_models_lists_the_first_party_platform_first_then_the_registry_order() -> None:
    assert listed_platforms() == ("anthropic", "foundry", "openrouter", "bedrock", "vertex")
    assert platform_title("bedrock") == "Amazon Bedrock (base and inference-profile ids)"


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-3-5-haiku-20241022", "claude-opus-4-1",
                                   "anthropic/claude-sonnet-4.5", "my-deployment"])
def test_first_party_is_the_claude_api_entry(model: str) -> None:
    assert first_party(model) == lookup("anthropic", model)
