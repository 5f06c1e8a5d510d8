"""The one path from a case to its assessment: every screen, the API and the commands come here.

    stored case (+ unsaved form values) → facts (cases/adapters.py) → engine → summary (cases/presenters.py)

The date an assessment is "as of" is chosen here, once: today in the app's time zone unless the
caller names a day (the API's `?as_of=`, a meeting's day, an export's `--as-of`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from cases.adapters import UnsavedCase, case_to_facts, overlay
from cases.clinical import Assessment, CaseFacts, assess, case_to_document
from cases.models import Case
from cases.presenters import Summary, summarise


def today() -> datetime.date:
    """The default as-of date: the calendar day in the app's time zone (settings.TIME_ZONE).

    The render cache keys on it too (cases/caching.py): a page cached yesterday is not served today."""
    return timezone.localdate()


@dataclass(frozen=True, kw_only=True)
class CaseAssessment:
    """A case's facts as of a date, with what the engine and the screens make of them.

    The engine runs when `assessment` (or `summary`) is first read, so a screen that needs only the
    facts and the date (the timeline, an export) does not pay for it.
    """

    facts: CaseFacts
    as_of: datetime.date
    proposal: str | None = None  # the board's proposed plan, checked against the rules (RULES.md §7)

    @cached_property
    def assessment(self) -> Assessment:
        return assess(self.facts, self.as_of, self.proposal)

    @cached_property
    def summary(self) -> Summary:
        """The assessment as the screens show it."""
        return summarise(self.assessment, self.facts.patient.weight_kg)

    def case_document(self) -> dict[str, object]:
        """The case file (hcc-case/1) of these facts, this date and this plan: what a signed
        board decision freezes beside the assessment."""
        return case_to_document(self.facts, self.as_of, self.proposal)


def assess_facts(
    facts: CaseFacts, *, as_of: datetime.date | None = None, proposal: str | None = None
) -> CaseAssessment:
    """Assess facts that are not a stored case (a parsed case file)."""
    return CaseAssessment(facts=facts, as_of=as_of or today(), proposal=proposal)


def assessment_of(facts: CaseFacts, as_of: datetime.date, proposal: str | None = None) -> Assessment:
    """The engine's assessment of parsed facts, in the shape the engine's command line takes
    (`cases.clinical.cli.run`): what `manage.py assess` runs."""
    return assess_facts(facts, as_of=as_of, proposal=proposal).assessment


def assess_case(
    case: Case | None,
    *,
    as_of: datetime.date | None = None,
    proposal: str | None = None,
    unsaved: UnsavedCase | None = None,
) -> CaseAssessment:
    """Assess a stored case (None: a new, empty one), with a case form's unsaved values laid over it.

    Pass a case from `adapters.with_records()`: its records are then read in one query per kind.
    """
    facts = case_to_facts(case) if case is not None else CaseFacts()
    if unsaved is not None:
        facts = overlay(facts, unsaved)
    return assess_facts(facts, as_of=as_of, proposal=proposal)
