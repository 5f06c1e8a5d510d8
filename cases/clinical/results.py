"""Small shared building blocks of an assessment: rule findings, rounding, JSON evidence."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Statuses of a rule finding (criteria, signals, scores).
MET = "met"
NOT_MET = "not_met"
INSUFFICIENT = "insufficient_data"
NOT_APPLICABLE = "not_applicable"
OK = "ok"

Evidence = Mapping[str, object]


def round_half_away(value: float, places: int) -> float:
    """Round half away from zero on the value's shortest decimal form (CASE_FORMAT.md, "Numbers").

    ``Decimal(repr(x))`` takes the shortest form, so 2.675 rounds to 2.68 (binary float would
    give 2.67); ROUND_HALF_UP in ``decimal`` rounds ties away from zero (-2.605 → -2.61).
    """
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def iso(d: datetime.date | None) -> str | None:
    return None if d is None else d.isoformat()


def sorted_unique(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names)))


def jsonable(value: object) -> object:
    """Evidence values as JSON values: dates as ISO text, tuples as lists."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class RuleFinding:
    """The outcome of one rule for this patient (a refractoriness criterion or a signal).

    ``status`` is met | not_met | insufficient_data | not_applicable; ``missing`` names the inputs
    that were needed and not recorded; ``evidence`` holds the patient values that made it fire;
    ``note`` is a short qualifier the rule book asks for (e.g. "reassess after the next session").
    """

    id: str
    status: str
    missing: tuple[str, ...] = ()
    evidence: Evidence = field(default_factory=dict)
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"id": self.id, "status": self.status}
        if self.missing:
            out["missing"] = list(self.missing)
        if self.evidence:
            out["evidence"] = jsonable(self.evidence)
        if self.note:
            out["note"] = self.note
        return out
