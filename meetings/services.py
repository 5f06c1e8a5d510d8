"""What the meetings ask of the clinical engine, in one place: the assessment of a stored case, and
saving, checking, signing and correcting a decision.

Every engine call of the meetings app goes through this module; the models never run the engine
(a model method that imported the adapters hid a cycle adapters → models → meetings → adapters).
The lines marked ``-> cases.assessing at merge`` are the only ones that reach the adapters and the
engine: they move to the project's assessment service once it exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.adapters import case_to_facts, with_records  # -> cases.assessing at merge
from cases.clinical import Assessment, Reassessment, assess, case_to_document  # -> cases.assessing at merge
from cases.clinical.facts import CaseFacts
from cases.models import Case
from meetings.concordance import Concordance, as_proposal, judge_plan, ongoing_regimen
from meetings.models import AgendaItem, Decision, FollowUpAction, Meeting
from meetings.readiness import Readiness, readiness

# --- a stored case, assessed ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Assessed:
    """A stored case as the engine sees it (its facts) and the engine's answer."""

    facts: CaseFacts
    assessment: Assessment


def stored_cases(queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases with every record the engine reads, one query per kind of record (constant queries)."""
    return with_records(queryset)  # -> cases.assessing at merge


def stored_case(pk: int) -> Case:
    return stored_cases().get(pk=pk)


def assessment_for(case: Case, as_of: datetime.date, proposal: str | None = None) -> Assessed:
    """The one path in meetings from a stored case to its assessment, as of a date and with the
    board's plan as the proposal. ``case`` comes from ``stored_cases()`` (its records loaded)."""
    facts = case_to_facts(case)  # -> cases.assessing at merge
    return Assessed(facts=facts, assessment=assess(facts, as_of, proposal))  # -> cases.assessing at merge


# --- the agenda and follow-up -----------------------------------------------------------------


def agenda_readiness(meeting: Meeting, items: list[AgendaItem]) -> list[Readiness]:
    """Readiness of each agenda item on the meeting day: one engine run per case, constant queries."""
    cases = {c.pk: c for c in stored_cases(Case.objects.filter(pk__in=[i.case_id for i in items]))}
    checks = []
    for item in items:
        assessed = assessment_for(cases[item.case_id], meeting.day)
        checks.append(readiness(assessed.facts, meeting.day, assessed.assessment.missing))
    return checks


def reassessment_clocks(cases: Iterable[Case], today: datetime.date) -> list[tuple[Case, Reassessment, str | None]]:
    """(case, ALG-5 reassessment clock, ongoing regimen) of each case whose algorithm runs one."""
    clocks = []
    for case in cases:
        assessed = assessment_for(case, today)
        clock = assessed.assessment.algorithm.reassessment
        if clock is not None:
            clocks.append((case, clock, ongoing_regimen(assessed.facts)))
    return clocks


# --- decisions --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlanCheck:
    """A plan checked against the engine: the assessment with the plan as its proposal (so its
    stop flags are there) and whether the plan follows the algorithm."""

    facts: CaseFacts
    assessment: Assessment
    concordance: Concordance


def check_plan(item: AgendaItem, plan: str, as_of: datetime.date | None = None) -> PlanCheck:
    """The plan for this agenda item's case, checked on the case as stored now (nothing is saved)."""
    assessed = assessment_for(stored_case(item.case_id), as_of or timezone.localdate(), as_proposal(plan))
    concordance = judge_plan(plan, assessed.assessment, ongoing_regimen(assessed.facts))
    return PlanCheck(facts=assessed.facts, assessment=assessed.assessment, concordance=concordance)


def save_draft(decision: Decision) -> Decision:
    """Save a decision, its concordance computed from the engine (a posted value is never used).

    A draft's concordance follows the case as it is now; signing freezes it. A signed decision
    refuses the save (``DecisionLocked``) and an invalid one raises ``ValidationError``.
    """
    if not decision.is_signed:
        decision.record_concordance(check_plan(decision.agenda_item, decision.plan).concordance)
    decision.save()
    return decision


@transaction.atomic
def sign(decision: Decision, user: Any, at: datetime.datetime | None = None) -> None:
    """Sign and freeze: snapshot the case document and the assessment of this moment.

    Raises ``DecisionLocked`` when already signed and ``ValidationError`` (by field) when the
    rationale, the deviation reason or a stop-flag acknowledgment is missing.
    """
    Decision.objects.select_related(None).select_for_update().filter(pk=decision.pk).first()  # one signer at a time
    decision.refuse_if_signed()
    at = at or timezone.now()
    checked = check_plan(decision.agenda_item, decision.plan, timezone.localdate(at))
    problems = decision.signing_problems(checked.concordance)
    if problems:
        raise ValidationError(problems)
    decision.record_concordance(checked.concordance)
    decision.rule_set = checked.assessment.rule_set
    decision.case_snapshot = case_to_document(  # -> cases.assessing at merge
        checked.facts, checked.assessment.as_of, decision.proposal
    )
    decision.assessment_snapshot = checked.assessment.to_dict()
    decision.signed_by = user
    decision.signed_at = at
    decision.save()


@transaction.atomic
def start_correction(decision: Decision, user: Any) -> Decision:
    """A new draft that corrects this signed decision, starting from its content and actions."""
    if not decision.is_signed:
        raise ValidationError("Only a signed decision is corrected; edit the draft instead.")
    if Decision.objects.filter(corrects=decision).exists():
        raise ValidationError("This decision has already been corrected: correct the newer decision.")
    draft = Decision(
        agenda_item=decision.agenda_item,
        corrects=decision,
        plan=decision.plan,
        plan_other=decision.plan_other,
        rationale=decision.rationale,
        deviation_reason=decision.deviation_reason,
        deviation_note=decision.deviation_note,
        dissent=decision.dissent,
        next_review=decision.next_review,
        recorded_by=user,
    )
    save_draft(draft)
    for action in decision.actions.all():
        FollowUpAction.objects.create(decision=draft, description=action.description, owner=action.owner, due=action.due)
    return draft
