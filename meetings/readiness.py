"""Is an agenda item's case ready to be discussed on the meeting day? (plain Python)

From the dates of the case's records and the engine's list of missing inputs; the board is told
what to chase before the meeting, never that unknown data is normal.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from cases.clinical import Assessment
from cases.clinical.facts import CaseFacts
from cases.presenters import input_label
from cases.worklist import CURRENT_FOR_DAYS

CURRENT = "current"
STALE = "stale"
MISSING = "missing"

# How old an input may be on the meeting day before the board should not rely on it:
# labs move Child-Pugh and ALBI within weeks; response and vascular invasion need imaging of the
# last two months; the endoscopy rule for bevacizumab (OPT-AB-EGD) accepts six months (183 days).
STALE_AFTER_DAYS = {**CURRENT_FOR_DAYS, "endoscopy": 183}
INPUT_NAMES = {
    "labs": "Laboratory results",
    "imaging": "Imaging (CT or MRI)",
    "endoscopy": "Upper GI endoscopy",
}
STATUS_WORDS = {CURRENT: "current", STALE: "stale", MISSING: "missing"}
ABSENT_RECORD_PATHS = {"imaging": "imaging.date", "endoscopy": "endoscopies.date"}


@dataclass(frozen=True, kw_only=True)
class InputCheck:
    key: str
    status: str  # current | stale | missing
    date: datetime.date | None
    age_days: int | None
    limit_days: int

    @property
    def label(self) -> str:
        return INPUT_NAMES[self.key]

    @property
    def status_label(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def text(self) -> str:
        if self.date is None:
            return f"{self.label}: none on record."
        when = f"{self.date.isoformat()}, {self.age_days} days before the meeting"
        if self.status == STALE:
            return f"{self.label}: {when} (older than {self.limit_days} days)."
        return f"{self.label}: {when}."


@dataclass(frozen=True, kw_only=True)
class Readiness:
    """Every input current and nothing that the assessment needs is missing; otherwise it lists
    what to chase before the meeting."""

    checks: tuple[InputCheck, ...]
    missing: tuple[str, ...]  # the engine's missing inputs, in the clinic's words

    @property
    def status(self) -> str:
        statuses = {c.status for c in self.checks}
        if MISSING in statuses or self.missing:
            return MISSING
        return STALE if STALE in statuses else CURRENT

    @property
    def ready(self) -> bool:
        return self.status == CURRENT

    @property
    def label(self) -> str:
        return {CURRENT: "Ready", STALE: "Stale data", MISSING: "Data missing"}[self.status]


def _latest(dates: Iterable[datetime.date], as_of: datetime.date) -> datetime.date | None:
    return max((d for d in dates if d <= as_of), default=None)


def _check(key: str, latest: datetime.date | None, as_of: datetime.date) -> InputCheck:
    limit = STALE_AFTER_DAYS[key]
    if latest is None:
        return InputCheck(key=key, status=MISSING, date=None, age_days=None, limit_days=limit)
    age = (as_of - latest).days
    return InputCheck(
        key=key, status=STALE if age > limit else CURRENT, date=latest, age_days=age, limit_days=limit
    )


# Paths on which no option needs an endoscopy first (bevacizumab, OPT-AB-EGD is the one that does).
NO_ENDOSCOPY_STEPS = ("BSC", "OUTSIDE")
CLOSED = ("contraindicated", "not_indicated")


def needs_endoscopy(assessment: Assessment | None) -> bool:
    """Whether the patient's path may lead to atezolizumab + bevacizumab, which waits for an upper GI
    endoscopy: not for best supportive care or outside the algorithm, nor when the regimen is closed.
    Without an assessment, ask for it (unknown is never taken as "not needed")."""
    if assessment is None:
        return True
    if assessment.algorithm.current_step in NO_ENDOSCOPY_STEPS:
        return False
    return assessment.option("atezolizumab_bevacizumab").status not in CLOSED


def readiness(
    facts: CaseFacts,
    meeting_day: datetime.date,
    missing_inputs: Iterable[str],
    assessment: Assessment | None = None,
) -> Readiness:
    """Readiness on the meeting day, from the record dates and the engine's ``missing`` list
    (an assessment as of the meeting day). With the assessment, only what the patient's path
    needs is asked for: no endoscopy for a patient headed for supportive care."""
    checks: tuple[InputCheck, ...] = (
        _check("labs", _latest((r.date for r in facts.labs), meeting_day), meeting_day),
        _check("imaging", _latest((r.date for r in facts.imaging), meeting_day), meeting_day),
    )
    if needs_endoscopy(assessment):
        checks += (
            _check("endoscopy", _latest((r.date for r in facts.endoscopies), meeting_day), meeting_day),
        )
    else:
        missing_inputs = [path for path in missing_inputs if not path.startswith("endoscopies.")]
    # "No imaging / no endoscopy on record", or an endoscopy too old for the bevacizumab rule (the
    # engine names it endoscopies.date too, RULES.md change M), is already said by the check above.
    said = {
        ABSENT_RECORD_PATHS[c.key] for c in checks if c.status != CURRENT and c.key in ABSENT_RECORD_PATHS
    }
    return Readiness(
        checks=checks, missing=tuple(input_label(path) for path in missing_inputs if path not in said)
    )
