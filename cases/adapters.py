"""Adapters between the Django models and the engine's case facts (both directions).

A stored case, a form's unsaved data (overlaid on a stored case) and a JSON file all become the
same `CaseFacts`, so they all reach the same `assess`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from cases import models as m
from cases.clinical import facts as f

RECORD_RELATIONS = ("labs", "clinical_findings", "imaging", "endoscopies", "tace_sessions", "systemic_therapies")


def with_records(queryset: Any = None) -> Any:
    """A Case queryset that loads every dated record in one query per kind (constant query count)."""
    queryset = m.Case.objects.all() if queryset is None else queryset
    return queryset.prefetch_related(
        *RECORD_RELATIONS[:-1],
        Prefetch("systemic_therapies", queryset=m.SystemicTherapy.objects.order_by("start", "pk")),
    )


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _values(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _blank_to_none(getattr(record, name)) for name in names}


LAB_FIELDS = m.LabResult.FORMAT_FIELDS
CLINICAL_FIELDS = m.ClinicalFinding.FORMAT_FIELDS
IMAGING_FIELDS = m.Imaging.FORMAT_FIELDS
ENDOSCOPY_FIELDS = m.Endoscopy.FORMAT_FIELDS
TACE_FIELDS = m.TaceSession.FORMAT_FIELDS
PATIENT_FIELDS = ("label", "age", "sex", "weight_kg", "ecog", "etiology")


def case_to_facts(case: m.Case) -> f.CaseFacts:
    """The engine's view of a stored case. Use a case from `with_records()` to avoid per-kind queries."""
    return f.CaseFacts(
        patient=f.Patient(**_values(case, PATIENT_FIELDS)),
        labs=tuple(f.LabResult(date=r.date, **_values(r, LAB_FIELDS)) for r in case.labs.all()),
        clinical=tuple(
            f.ClinicalFinding(date=r.date, **_values(r, CLINICAL_FIELDS)) for r in case.clinical_findings.all()
        ),
        baseline_tumor_count=case.baseline_tumor_count,
        imaging=tuple(f.Imaging(date=r.date, **_values(r, IMAGING_FIELDS)) for r in case.imaging.all()),
        endoscopies=tuple(
            f.Endoscopy(date=r.date, **_values(r, ENDOSCOPY_FIELDS)) for r in case.endoscopies.all()
        ),
        tace_sessions=tuple(
            f.TaceSession(date=r.date, **_values(r, TACE_FIELDS)) for r in case.tace_sessions.all()
        ),
        systemic_therapies=tuple(
            f.SystemicTherapy(
                regimen=r.regimen, start=r.start, outcome=r.outcome, end=r.end, tolerated=r.tolerated
            )
            for r in case.systemic_therapies.all()
        ),
        contraindications=f.Contraindications(
            immunotherapy=case.contraindication_immunotherapy,
            bevacizumab=case.contraindication_bevacizumab,
            note=case.contraindication_note or None,
        ),
    )


# Choice fields store "not recorded" as blank text; numbers and yes/no answers as NULL.
CHOICE_FIELDS = frozenset(
    ("sex", "etiology", "ascites", "encephalopathy", "portal_vein_invasion", "varices", "technique", "response")
)


def _fields(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """Engine values → model field values."""
    values = {name: getattr(record, name) for name in names}
    return {name: "" if value is None and name in CHOICE_FIELDS else value for name, value in values.items()}


@transaction.atomic
def create_case_from_facts(facts: f.CaseFacts, label: str) -> m.Case:
    """Store a parsed case and all its records; all or nothing (any invalid record rolls back all)."""
    patient = facts.patient
    case = m.Case.objects.create(
        label=label,
        **{k: v for k, v in _fields(patient, PATIENT_FIELDS).items() if k != "label"},
        baseline_tumor_count=facts.baseline_tumor_count,
        contraindication_immunotherapy=facts.contraindications.immunotherapy,
        contraindication_bevacizumab=facts.contraindications.bevacizumab,
        contraindication_note=facts.contraindications.note or "",
    )
    # The format allows two lab rows on one date when they carry different analytes; the
    # database keeps one row per date, so such rows are merged.
    labs_by_date: dict[datetime.date, dict[str, Any]] = {}
    for lab in facts.labs:
        merged = labs_by_date.setdefault(lab.date, {})
        merged.update({k: v for k, v in _fields(lab, LAB_FIELDS).items() if v is not None})
    for date, values in labs_by_date.items():
        m.LabResult.objects.create(case=case, date=date, **values)
    for clinical in facts.clinical:
        m.ClinicalFinding.objects.create(case=case, date=clinical.date, **_fields(clinical, CLINICAL_FIELDS))
    for imaging in facts.imaging:
        m.Imaging.objects.create(case=case, date=imaging.date, **_fields(imaging, IMAGING_FIELDS))
    for endoscopy in facts.endoscopies:
        m.Endoscopy.objects.create(case=case, date=endoscopy.date, **_fields(endoscopy, ENDOSCOPY_FIELDS))
    for session in facts.tace_sessions:
        m.TaceSession.objects.create(case=case, date=session.date, **_fields(session, TACE_FIELDS))
    for therapy in facts.systemic_therapies:
        m.SystemicTherapy.objects.create(
            case=case,
            regimen=therapy.regimen,
            start=therapy.start,
            end=therapy.end,
            outcome=therapy.outcome,
            tolerated=therapy.tolerated,
        )
    return case
