"""Adapters between the Django side and the engine's case facts: the one mapping of each field.

A stored case, a case form's unsaved values (laid over a stored case) and a JSON file all become
the same `CaseFacts`, so they all reach the same assessment (cases/assessing.py). The other way,
parsed facts become a stored case (`import_case`).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from cases import models as m
from cases.clinical import facts as f
from cases.record_kinds import ENGINE_KINDS, LABS, RECORD_KINDS, RecordKind
from cases.validators import LABEL_MAX, label_problem, normalise_label

PATIENT_FIELDS = ("label", "age", "sex", "weight_kg", "ecog", "etiology")
# The case's contraindication fields, by their name in the facts.
CONTRAINDICATION_FIELDS = {
    "immunotherapy": "contraindication_immunotherapy",
    "bevacizumab": "contraindication_bevacizumab",
    "note": "contraindication_note",
}


def with_records(queryset: Any = None) -> Any:
    """A Case queryset that loads every dated record in one query per kind (constant query count).

    Each kind comes in its model's order (by date; therapies by start), the order the facts expect.
    """
    queryset = m.Case.objects.all() if queryset is None else queryset
    return queryset.prefetch_related(*(kind.related_name for kind in RECORD_KINDS))


def _blank_to_none(value: Any) -> Any:
    # Choice fields store "not recorded" as blank text; the engine knows only None.
    return None if value == "" else value


def _case_facts(value: Callable[[str], Any]) -> dict[str, Any]:
    """The case's own facts (patient, nodule count, contraindications), from a stored case or a form."""
    return {
        "patient": f.Patient(**{name: _blank_to_none(value(name)) for name in PATIENT_FIELDS}),
        "baseline_tumor_count": value("baseline_tumor_count"),
        "contraindications": f.Contraindications(
            immunotherapy=value(CONTRAINDICATION_FIELDS["immunotherapy"]),
            bevacizumab=value(CONTRAINDICATION_FIELDS["bevacizumab"]),
            note=value(CONTRAINDICATION_FIELDS["note"]) or None,
        ),
    }


def _record_fact(kind: RecordKind, values: Callable[[str], Any]) -> Any:
    """One record (stored or typed) as the engine's record of its kind."""
    if kind.fact is None:
        raise ValueError(f"the engine does not read {kind.name} records")
    return kind.fact(**{name: _blank_to_none(values(name)) for name in kind.fields})


def _records(case: m.Case, kind: RecordKind) -> Any:
    return getattr(case, kind.related_name).all()


def case_to_facts(case: m.Case) -> f.CaseFacts:
    """The engine's view of a stored case. Use a case from `with_records()` to avoid per-kind queries."""
    records: dict[str, Any] = {
        kind.facts_key: tuple(_record_fact(kind, partial(getattr, record)) for record in _records(case, kind))
        for kind in ENGINE_KINDS
    }
    return f.CaseFacts(**_case_facts(partial(getattr, case)), **records)


@dataclass(frozen=True, kw_only=True)
class RecordChange:
    """What a case form does to the latest record of one kind (nothing is saved by describing it)."""

    kind: RecordKind
    action: Literal["update", "add", "remove"]
    date: datetime.date | None  # the record's date after the change (None: removed)
    values: dict[str, Any]  # the record's fields besides its date, as typed
    previous_date: datetime.date | None  # the date of the record the form showed
    version: int | None = None  # the version of the shown record the form was read at


@dataclass(frozen=True, kw_only=True)
class UnsavedCase:
    """A case form's values, not saved: the case's own fields and the changes to its latest records."""

    case_fields: Mapping[str, Any]  # the case form's cleaned data
    changes: tuple[RecordChange, ...] = ()


def overlay(facts: f.CaseFacts, unsaved: UnsavedCase) -> f.CaseFacts:
    """The stored case's facts with the form's unsaved values laid over them (nothing is saved)."""
    replaced: dict[str, Any] = _case_facts(unsaved.case_fields.get)
    for change in unsaved.changes:
        kind = change.kind
        records = getattr(facts, kind.facts_key)
        drop = {change.previous_date} if change.action in ("update", "remove") else {change.date}
        kept = tuple(r for r in records if r.date not in drop)
        if change.action != "remove":
            values = {"date": change.date, **change.values}
            kept += (_record_fact(kind, values.get),)
        replaced[kind.facts_key] = kept
    return dataclasses.replace(facts, **replaced)


def model_values(model: type[models.Model], values: Mapping[str, Any]) -> dict[str, Any]:
    """Engine or form values → model field values: text fields store "not recorded" as blank, not NULL."""
    text = (models.CharField, models.TextField)
    return {
        name: "" if value is None and isinstance(model._meta.get_field(name), text) else value
        for name, value in values.items()
    }


def _fact_values(fact: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(fact, name) for name in names}


def _case_fields(facts: f.CaseFacts) -> dict[str, Any]:
    """The case's own fields from its facts (the way back of `_case_facts`)."""
    return {
        **_fact_values(facts.patient, PATIENT_FIELDS),
        "baseline_tumor_count": facts.baseline_tumor_count,
        **{field: getattr(facts.contraindications, name) for name, field in CONTRAINDICATION_FIELDS.items()},
    }


def _merged_by_date(labs: tuple[f.LabResult, ...]) -> list[dict[str, Any]]:
    """Lab rows of one date as one row: the format allows two lab rows on one date when they carry
    different analytes (the parser refuses a repeated analyte); the database keeps one per date."""
    merged: dict[datetime.date, dict[str, Any]] = {}
    for lab in labs:
        values = merged.setdefault(lab.date, {})
        values.update({k: v for k, v in _fact_values(lab, LABS.fields).items() if v is not None})
    return list(merged.values())


@transaction.atomic
def create_case_from_facts(facts: f.CaseFacts, label: str) -> m.Case:
    """Store a parsed case and all its records; all or nothing (any invalid record rolls back all)."""
    case = m.Case.objects.create(**model_values(m.Case, {**_case_fields(facts), "label": label}))
    # In the file's order, so the problem reported is the first one in the file.
    order = [field.name for field in dataclasses.fields(f.CaseFacts)]
    for kind in sorted(ENGINE_KINDS, key=lambda kind: order.index(kind.facts_key)):
        records = getattr(facts, kind.facts_key)
        rows = _merged_by_date(records) if kind is LABS else [_fact_values(r, kind.fields) for r in records]
        for row in rows:
            kind.model._default_manager.create(case=case, **model_values(kind.model, row))
    return case


def store_imported_case(
    facts: f.CaseFacts, label_field: str, fallback_label: str | None
) -> tuple[m.Case | None, list[str]]:
    """Store a case read from a file (case JSON, a FHIR Bundle): (the case, []) or (None, every
    problem, each naming the file's field). All or nothing; never an exception for bad content.

    `label_field` is how the file names its label (`patient.label`, `Patient.identifier`). The label
    is normalised and checked as the case form does (cases/validators.py): pseudonymous, at most
    LABEL_MAX characters, unique ignoring case.
    """
    raw_label = facts.patient.label or fallback_label
    if not raw_label:
        return None, [f"{label_field}: a case needs a label to be stored (or give one)"]
    label = normalise_label(raw_label)
    problem = label_problem(label) or (
        f"longer than {LABEL_MAX} characters" if len(label) > LABEL_MAX else None
    )
    if problem:
        return None, [f"{label_field}: {problem}"]
    if m.Case.labelled(label).exists():
        return None, [f"{label_field}: a case labelled {label!r} already exists"]
    try:
        return create_case_from_facts(facts, label), []
    except ValidationError as error:
        return None, [
            f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages
        ]
    except DatabaseError as error:  # e.g. the same label imported at the same moment elsewhere
        return None, [f"the database refused the case: {str(error)[:120]}"]
