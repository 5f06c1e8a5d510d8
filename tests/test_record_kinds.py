"""The registry of record kinds (cases/record_kinds.py) covers every kind a case holds, and each
kind's names agree with the model, the engine's facts and the URLs already in use."""

import dataclasses

import pytest
from django.urls import reverse

from cases import models as m
from cases.clinical.facts import CaseFacts
from cases.clinical.facts import LabResult as LabFact
from cases.record_kinds import (
    CASE_FORM_KINDS,
    ENGINE_KINDS,
    LABS,
    RECORD_KINDS,
    RecordKind,
    kind_for_slug,
    kind_of,
)


def case_record_models() -> set[type]:
    """Every model of the cases app that hangs off a case by a foreign key (read from Case itself).

    The meetings' models also point at a case but are not records of it; they live in their own
    app, whose label leaves them out."""
    return {
        rel.related_model
        for rel in m.Case._meta.related_objects
        if rel.one_to_many and rel.related_model._meta.app_label == "cases"
    }


def test_every_dated_record_model_of_a_case_has_a_kind() -> None:
    models = case_record_models()
    assert len(models) >= 6
    assert {kind.model for kind in RECORD_KINDS} == models
    assert len(RECORD_KINDS) == len(models)  # one kind per model


def test_each_facts_key_is_a_case_facts_field_holding_the_kinds_facts() -> None:
    facts_fields = {field.name for field in dataclasses.fields(CaseFacts)}
    assert ENGINE_KINDS == RECORD_KINDS  # today the engine reads every kind
    for kind in ENGINE_KINDS:
        assert kind.facts_key in facts_fields, kind.slug
        assert kind.fact is not None
        assert {field.name for field in dataclasses.fields(kind.fact)} == set(kind.fields), kind.slug


def test_a_kind_the_engine_does_not_read_needs_no_engine_change() -> None:
    """A kind without an engine record class is allowed; one that claims one must match CaseFacts,
    and the case form (which previews the engine) only takes kinds the engine reads."""
    table = LABS.table
    notes = RecordKind(slug="notes", facts_key="notes", model=m.LabResult, fields=("date",), table=table)
    assert not notes.read_by_engine
    with pytest.raises(ValueError, match="not a CaseFacts field"):
        RecordKind(
            slug="x", facts_key="notes", model=m.LabResult, fact=LabFact, fields=("date",), table=table
        )
    with pytest.raises(ValueError, match="must be read by it"):
        RecordKind(
            slug="x",
            facts_key="notes",
            model=m.LabResult,
            fields=("date",),
            table=table,
            case_form=LABS.case_form,
        )


def test_each_kind_reads_its_accessor_and_names_from_the_model() -> None:
    case = m.Case(label="T-0000")
    for kind in RECORD_KINDS:
        assert hasattr(case, kind.related_name), kind.slug
        assert {field.name for field in kind.model._meta.fields} >= set(kind.fields), kind.slug
        assert kind.name and kind.plural and kind.model_name == kind.model._meta.model_name
    assert RECORD_KINDS[0].name == "TACE session" and RECORD_KINDS[0].plural == "TACE sessions"


def test_url_slugs_are_the_ones_in_use() -> None:
    # The record URLs (/cases/<pk>/<slug>/add/) are bookmarked and linked: they must not change.
    slugs = ["tace", "labs", "clinical", "endoscopies", "imaging", "therapies"]
    assert [kind.slug for kind in RECORD_KINDS] == slugs
    for kind in RECORD_KINDS:
        assert reverse("cases:record_add", args=[1, kind.slug]) == f"/cases/1/{kind.slug}/add/"
        assert kind_for_slug(kind.slug) is kind
    assert kind_for_slug("case") is None


def test_the_case_page_columns_show_fields_of_the_model() -> None:
    for kind in RECORD_KINDS:
        fields = {field.name for field in kind.model._meta.fields}
        for column in kind.table.columns:
            assert column.shows == "row_number" or column.field in fields, (kind.slug, column)
    assert len({kind.table.table_id for kind in RECORD_KINDS}) == len(RECORD_KINDS)


def test_the_case_form_blocks_keep_their_order_and_input_names() -> None:
    # The edit page posts these names; the live-panel tests and the browser tests type into them.
    assert [(k.facts_key, k.case_form.date_input) for k in CASE_FORM_KINDS if k.case_form] == [
        ("labs", "labs_date"),
        ("clinical", "clinical_date"),
        ("imaging", "imaging_date"),
        ("endoscopies", "endoscopy_date"),
    ]


def test_kind_of_a_record() -> None:
    assert kind_of(m.TaceSession()) is kind_for_slug("tace")
    assert kind_of(m.Case()) is None
