"""The lifecycle side of the provider packages: generic modules ask each provider's lifecycle module."""

from __future__ import annotations

import pytest

from harness.lifecycle import first_party, listed_platforms, lookup, platform_title


def test_models_lists_the_first_party_platform_first_then_the_registry_order() -> None:
    assert listed_platforms() == ("anthropic", "foundry", "openrouter", "bedrock", "vertex", "bedrock-mantle")
    assert platform_title("bedrock") == "Amazon Bedrock (base and inference-profile ids)"


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-3-5-haiku-20241022", "claude-opus-4-1",
                                   "anthropic/claude-sonnet-4.5", "my-deployment"])
def test_first_party_is_the_claude_api_entry(model: str) -> None:
    assert first_party(model) == lookup("anthropic", model)


def test_mantle_lists_its_own_id_format_and_no_retired_model() -> None:
    from datetime import date

    from harness.lifecycle import listing
    from harness.providers.bedrock_mantle.models import format_problem

    day = date(2026, 11, 20)
    listed = listing(day, ("bedrock-mantle",))
    assert listed and all(format_problem(item.model) is None for item in listed)  # anthropic.claude-…, no suffix
    assert all(item.info.status_on(day) != "retired" for item in listed)
    assert "anthropic.claude-sonnet-4-6" in {item.model for item in listed}
    assert not any(item.model.startswith(("us.", "eu.", "global.")) for item in listed)
