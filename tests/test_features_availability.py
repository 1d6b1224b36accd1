"""The documented availability table: a source and a checked-on date for every cell, and a staleness rule.

The staleness test never reads the wall clock (the suite also runs under `faketime -f +400d`): it holds the data to
its own declared review interval, measured from the newest checked date in the data, and to the day this test was
last reviewed (REVIEWED, below). Re-reading the pages means bumping the checked dates, and then REVIEWED; a cell
left far behind the others is what goes stale, whatever today is.
"""

from __future__ import annotations

import datetime as dt

from harness.features.availability import caching_minimum, cells, documented, review_due, table
from harness.features.catalog import FEATURES
from harness.providers import PROVIDERS

REVIEWED = dt.date(2026, 12, 1)  # the day this test and the table were last compared


def test_every_feature_has_a_cell_with_a_source_url_per_platform() -> None:
    data = table()
    assert set(data["features"]) == set(FEATURES)
    for feature, entry in data["features"].items():
        for platform in PROVIDERS:
            cell = entry.get(platform)
            assert isinstance(cell, dict), (feature, platform)
            assert cell["offered"] in ("yes", "no", "unknown"), (feature, platform)
            url = data["sources"].get(cell["source"], cell["source"])
            assert url.startswith("https://"), (feature, platform, url)
            assert isinstance(cell["checked"], dt.date), (feature, platform)


def test_no_cell_is_older_than_the_review_interval_behind_the_newest() -> None:
    interval = dt.timedelta(days=int(table()["review_interval_days"]))
    newest = max(c[3] for c in cells())
    behind = [(f, p, d) for f, p, _, d in cells() if newest - d > interval]
    assert behind == []
    assert newest <= REVIEWED  # no date from the future of the last review
    assert review_due() == newest + interval
    assert review_due() >= REVIEWED, "the table was due for a re-read before the last review: re-check the pages"


def test_lookup_by_platform_and_model_family() -> None:
    assert documented("batches", "bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0").offered == "no"
    assert documented("long-context", "vertex", "claude-sonnet-4-5@20250929").offered == "yes"
    assert documented("long-context", "vertex", "claude-haiku-4-5@20251001").offered == "model"
    assert caching_minimum("claude-haiku-4-5-20251001") == 4096
    assert caching_minimum("anthropic/claude-sonnet-4.5") == 1024
