"""Each provider's diagnosis data (diagnosis.toml, diagnosis.py in its package) loads, and fits what reads it."""

from __future__ import annotations

from harness.checks.schema import schema_names
from harness.diagnosis import catalogue
from harness.diagnosis.provider_facts import DiagnosisFacts, facts, recognisers, step_labels
from harness.providers import PROVIDERS


def test_every_provider_facts_load_and_unknown_names_get_the_defaults() -> None:
    for name in PROVIDERS:
        assert isinstance(facts(name), DiagnosisFacts)
    assert facts("gateway") == facts("any") == facts(None) == DiagnosisFacts()


def test_recognition_ranks_are_distinct_and_leave_the_gateways_rank_free() -> None:
    ranks = [rank for rank, _, _ in recognisers()]
    assert len(ranks) == len(set(ranks)) and 40 not in ranks


def test_the_schemas_a_provider_names_exist_in_its_wire_formats_file() -> None:
    for name, spec in PROVIDERS.items():
        known = set(schema_names(spec.wire))
        assert facts(name).error_schema in known, name
        if spec.count_tokens_path:
            assert facts(name).count_tokens_schema in known, name


def test_every_step_label_is_used_by_the_catalogue() -> None:
    steps = [step for cause in catalogue().values() for step in cause.steps]
    for label in step_labels():
        assert any(step.startswith(label) for step in steps), label
