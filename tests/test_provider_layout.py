"""One folder per provider: outside harness/providers/, no module names a provider, and each package is complete
enough for the generic code that asks it."""

from __future__ import annotations

import pytest

from harness.providers import PROVIDERS, package_of, provider_part
from tests.provider_names import mentions, report


def test_no_generic_module_names_a_provider() -> None:
    # string literals equal to a registered provider's name, in every module of harness/ outside harness/providers/
    assert report() == {}


def test_the_scanner_finds_a_provider_named_in_generic_code() -> None:
    source = 'if spec.name == "foundry":\n    pass\nlabel = "Foundry: a display name is prose, not a name"\n'
    assert list(mentions(source, set(PROVIDERS))) == [(1, "foundry")]


@pytest.mark.parametrize("name", list(PROVIDERS))
def test_every_provider_is_a_package_with_its_emulator(name: str) -> None:
    spec = PROVIDERS[name]
    assert package_of(spec) == f"harness.providers.{name.replace('-', '_')}"
    emulator = provider_part(spec, "emulator")
    assert emulator is not None and callable(emulator.routes)  # the emulator serves every provider
    assert spec.emulator_mount is not None
    assert provider_part(spec, "no_such_concern") is None  # a concern a package leaves out falls back to defaults


def test_every_fault_a_host_offers_is_a_fault() -> None:
    from harness.emulator.faults import FAULTS
    from harness.emulator.host import host_of

    for name in PROVIDERS:
        assert host_of(name).offered_faults <= set(FAULTS), name  # a typo in emulator.toml would drop a fault
