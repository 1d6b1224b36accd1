"""The public surface is curated: __all__ is sorted, complete and importable."""

from __future__ import annotations

import harness


def test_all_is_sorted_and_importable() -> None:
    assert harness.__all__ == sorted(harness.__all__)
    for name in harness.__all__:
        assert getattr(harness, name) is not None


def test_every_public_name_is_exported() -> None:
    public = {name for name, value in vars(harness).items()
              if not name.startswith("_") and not isinstance(value, type(harness))
              and name not in ("annotations", "TYPE_CHECKING", "Any")}
    assert public <= set(harness.__all__), public - set(harness.__all__)


def test_typed_package() -> None:
    from importlib import resources

    assert resources.files("harness").joinpath("py.typed").is_file()
