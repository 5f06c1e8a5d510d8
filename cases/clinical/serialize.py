"""``CaseFacts`` → case document (CASE_FORMAT.md, hcc-case/1), so that export → parse round-trips.

Values that are not recorded (``None``) are left out of the document: a missing optional key
means "not recorded", exactly like ``null``. Lists are always written, in the facts' order.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import fields
from typing import Any

from .facts import CaseFacts
from .vocab import FORMAT_CASE


def _value(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _record(obj: Any, order: tuple[str, ...] | None = None) -> dict[str, object]:
    names = order or tuple(f.name for f in fields(obj))
    out: dict[str, object] = {}
    for name in names:
        value = getattr(obj, name)
        if value is not None:
            out[name] = _value(value)
    return out


_THERAPY_ORDER = ("regimen", "start", "end", "outcome", "tolerated")


def case_to_document(
    facts: CaseFacts, as_of: datetime.date, proposal: str | None = None
) -> dict[str, object]:
    """The case document for ``facts`` as of ``as_of`` (and the board's ``proposal``, if any)."""
    doc: dict[str, object] = {"format": FORMAT_CASE, "as_of": as_of.isoformat()}
    doc["patient"] = _record(facts.patient)
    doc["labs"] = [_record(r) for r in facts.labs]
    doc["clinical"] = [_record(r) for r in facts.clinical]
    if facts.baseline_tumor_count is not None:
        doc["baseline_tumor_count"] = facts.baseline_tumor_count
    doc["imaging"] = [_record(r) for r in facts.imaging]
    doc["endoscopies"] = [_record(r) for r in facts.endoscopies]
    doc["tace_sessions"] = [_record(r) for r in facts.tace_sessions]
    doc["systemic_therapies"] = [_record(r, _THERAPY_ORDER) for r in facts.systemic_therapies]
    doc["contraindications"] = _record(facts.contraindications)
    if proposal is not None:
        doc["proposal"] = proposal
    return doc


def case_to_json(facts: CaseFacts, as_of: datetime.date, proposal: str | None = None) -> str:
    """The case document as JSON text (2-space indent, UTF-8 characters kept)."""
    return json.dumps(case_to_document(facts, as_of, proposal), indent=2, ensure_ascii=False)
