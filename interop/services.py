"""FHIR in and out of the stored cases: what the API, the commands and the upload call.

Export runs through the assessment service (`assess_case`: the case file of the facts and the
as-of date it uses); the board's signed decision in force adds its CarePlan. Import parses the
Bundle (interop/fhir_import.py) and stores the facts with `create_case_from_facts`: all or nothing.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from cases.adapters import store_imported_case, with_records
from cases.assessing import assess_case, today
from cases.clinical.parse import CaseFormatError
from cases.models import Case
from interop.fhir_export import SignedDecision, case_bundle
from interop.fhir_import import parse_bundle
from meetings.models import Decision


def signed_decision(case: Case) -> SignedDecision | None:
    """The board's latest signed decision in force on the case, as the CarePlan carries it."""
    decision = Decision.objects.in_force().filter(case=case).order_by("-signed_at").first()
    if decision is None or decision.signed_at is None:
        return None
    return SignedDecision(
        plan=decision.plan,
        plan_label=decision.plan_label,
        signed_at=decision.signed_at.isoformat(),
        concordance=decision.concordance,
        concordance_why=decision.concordance_why,
        rationale=decision.rationale,
        assessment=decision.assessment_snapshot or {},
    )


def case_fhir(case: Case, as_of: datetime.date | None = None) -> dict[str, Any]:
    """The case as a FHIR R4 Bundle (validated by fhir.resources before it is returned)."""
    assessed = assess_case(case, as_of=as_of)
    return case_bundle(assessed.case_document(), signed_decision(case))


def export_text(pk: int, as_of: datetime.date | None) -> str:
    """`export_case PK --format fhir`: the Bundle as JSON text (raises Case.DoesNotExist)."""
    return json.dumps(case_fhir(with_records().get(pk=pk), as_of), indent=2, ensure_ascii=False)


def import_bundle(raw: bytes, fallback_label: str | None = None) -> tuple[Case | None, list[str]]:
    """Create a case from a FHIR Bundle: (the case, []) or (None, every problem). Nothing is saved
    unless everything is read."""
    try:
        parsed = parse_bundle(raw, today())
    except CaseFormatError as error:
        return None, error.problems
    return store_imported_case(parsed.facts, "Patient.identifier", fallback_label)
