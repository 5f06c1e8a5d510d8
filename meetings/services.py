"""What the meetings ask of the clinical engine, in one place: the assessment of a stored case, and
saving, checking, signing and correcting a decision; and the meeting's lifecycle (open the session,
close it approving the minutes, append an amendment).

Every engine call of the meetings app goes through this module; the models never run the engine
(a model method that imported the adapters hid a cycle adapters → models → meetings → adapters).
Every one of them goes through the project's assessment service (cases/assessing.py).
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

from cases.adapters import with_records
from cases.assessing import CaseAssessment, assess_case
from cases.clinical import Assessment, Reassessment
from cases.clinical.facts import CaseFacts
from cases.models import Case
from meetings.concordance import Concordance, as_proposal, judge_plan, ongoing_regimen
from meetings.models import (
    AgendaItem,
    Amendment,
    Decision,
    FollowUpAction,
    Meeting,
    MeetingFrozen,
    MeetingStatus,
)
from meetings.readiness import Readiness, readiness

# --- a stored case, assessed ------------------------------------------------------------------


def stored_cases(queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    """Cases with every record the engine reads, one query per kind of record (constant queries)."""
    return with_records(queryset)


def stored_case(pk: int) -> Case:
    return stored_cases().get(pk=pk)


def assessment_for(
    case: Case, as_of: datetime.date | None = None, proposal: str | None = None
) -> CaseAssessment:
    """A stored case's assessment as of a date (a meeting's day; default today), with the board's
    plan as the proposal. ``case`` comes from ``stored_cases()`` (its records loaded)."""
    return assess_case(case, as_of=as_of, proposal=proposal)


# --- the agenda and follow-up -----------------------------------------------------------------


def agenda_readiness(meeting: Meeting, items: list[AgendaItem]) -> list[Readiness]:
    """Readiness of each agenda item on the meeting day: one engine run per case, constant queries."""
    cases = {c.pk: c for c in stored_cases(Case.objects.filter(pk__in=[i.case_id for i in items]))}
    checks = []
    for item in items:
        assessed = assessment_for(cases[item.case_id], meeting.day)
        checks.append(
            readiness(assessed.facts, meeting.day, assessed.assessment.missing, assessed.assessment)
        )
    return checks


def reassessment_clocks(
    cases: Iterable[Case], today: datetime.date
) -> list[tuple[Case, Reassessment, str | None]]:
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

    assessed: CaseAssessment
    concordance: Concordance

    @property
    def facts(self) -> CaseFacts:
        return self.assessed.facts

    @property
    def assessment(self) -> Assessment:
        return self.assessed.assessment

    @property
    def case_document(self) -> dict[str, object]:
        return self.assessed.case_document()


def check_plan(item: AgendaItem, plan: str, as_of: datetime.date | None = None) -> PlanCheck:
    """The plan for this agenda item's case, checked on the case as stored now (nothing is saved)."""
    assessed = assess_case(stored_case(item.case_id), as_of=as_of, proposal=as_proposal(plan))
    concordance = judge_plan(plan, assessed.assessment, ongoing_regimen(assessed.facts))
    return PlanCheck(assessed=assessed, concordance=concordance)


def save_draft(decision: Decision) -> Decision:
    """Save a decision, its concordance computed from the engine (a posted value is never used).

    A draft's concordance follows the case as it is now; signing freezes it. A signed decision
    refuses the save (``DecisionLocked``) and an invalid one raises ``ValidationError``.
    """
    if not decision.is_signed:
        decision.record_concordance(check_plan(decision.agenda_item, decision.plan).concordance)
    decision.save()
    return decision


def not_signable(decision: Decision) -> str | None:
    """Why no decision of this meeting can be signed now (None when it can): only in session."""
    meeting = decision.agenda_item.meeting
    if meeting.is_planned:
        return "The meeting has not started: decisions are signed once the coordinator opens the session."
    if meeting.is_closed:
        return "The meeting is closed and its minutes approved: no decision is signed after that."
    return None


def signing_problems(decision: Decision, at: datetime.datetime | None = None) -> dict[str, str]:
    """Everything that stops this draft being signed now, by form field (empty when it can be)."""
    problem = not_signable(decision)
    if problem:
        return {"__all__": problem}
    checked = check_plan(decision.agenda_item, decision.plan, timezone.localdate(at or timezone.now()))
    return decision.signing_problems(checked.concordance)


@transaction.atomic
def sign(decision: Decision, user: Any, at: datetime.datetime | None = None, quorum_reason: str = "") -> None:
    """Sign and freeze: snapshot the case document and the assessment of this moment.

    Only while the meeting is in session. Without quorum, the board's reason is required and kept
    (the minutes show it). Raises ``DecisionLocked`` when already signed, ``StaleEdit`` when the
    draft changed since ``decision.version`` was read, and ``ValidationError`` (by field) when the
    meeting is not in session, or the rationale, the deviation reason, a stop-flag acknowledgment
    or the reason for signing without quorum is missing.
    """
    # The meeting's row first (closing takes the same lock): a decision is never signed in the
    # instant between a coordinator closing the meeting and the minutes being approved.
    meeting = decision.agenda_item.meeting
    meeting.status = Meeting.objects.select_for_update().values_list("status", flat=True).get(pk=meeting.pk)
    Decision.objects.select_related(None).select_for_update().filter(
        pk=decision.pk
    ).first()  # one signer at a time
    decision.refuse_if_signed()
    problem = not_signable(decision)
    if problem:
        raise ValidationError({"__all__": problem})
    at = at or timezone.now()
    checked = check_plan(decision.agenda_item, decision.plan, timezone.localdate(at))
    problems = decision.signing_problems(checked.concordance)
    quorum = decision.agenda_item.meeting.quorum()
    if not quorum.met and not quorum_reason.strip():
        problems["quorum_reason"] = f"No quorum: {quorum.text} Give the reason for signing without it."
    if problems:
        raise ValidationError(problems)
    decision.record_concordance(checked.concordance)
    decision.rule_set = checked.assessment.rule_set
    decision.case_snapshot = checked.case_document
    decision.assessment_snapshot = checked.assessment.to_dict()
    decision.quorum_met = quorum.met
    decision.quorum_reason = "" if quorum.met else quorum_reason.strip()
    decision.signed_by = user
    decision.signed_at = at
    decision.save()


@transaction.atomic
def start_correction(decision: Decision, user: Any) -> Decision:
    """A new draft that corrects this signed decision, starting from its content and actions."""
    if not decision.is_signed:
        raise ValidationError("Only a signed decision is corrected; edit the draft instead.")
    decision.agenda_item.meeting.refuse_if_closed()
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
        FollowUpAction.objects.create(
            decision=draft, description=action.description, owner=action.owner, due=action.due
        )
    return draft


# --- the meeting's lifecycle ------------------------------------------------------------------


@transaction.atomic
def open_session(given: Meeting, user: Any, at: datetime.datetime | None = None) -> None:
    """Planned → in session. Not before the meeting's day: a decision is never signed ahead of it."""
    meeting = Meeting.objects.select_for_update().get(pk=given.pk)
    at = at or timezone.now()
    if not meeting.is_planned:
        raise MeetingFrozen(f"The session was already opened ({meeting.get_status_display().lower()}).")
    if timezone.localdate(at) < meeting.day:
        raise MeetingFrozen(
            f"The meeting is on {meeting.day:%Y-%m-%d}: its session opens on that day, not before."
        )
    meeting.status, meeting.opened_at, meeting.opened_by = MeetingStatus.IN_SESSION, at, user
    _save_transition(meeting, user, given)


@transaction.atomic
def close_meeting(given: Meeting, user: Any, at: datetime.datetime | None = None) -> None:
    """In session → closed: the coordinator approves the minutes; nothing changes afterwards."""
    meeting = Meeting.objects.select_for_update().get(pk=given.pk)
    if not meeting.in_session:
        raise MeetingFrozen(
            "Only a meeting in session is closed: "
            + ("open the session first." if meeting.is_planned else "this one is closed already.")
        )
    meeting.status, meeting.closed_at, meeting.closed_by = MeetingStatus.CLOSED, at or timezone.now(), user
    _save_transition(meeting, user, given)


def _save_transition(meeting: Meeting, user: Any, given: Meeting) -> None:
    """Store the new status; the meeting's history row names who made the transition. The
    caller's copy of the meeting is brought up to date as well."""
    meeting._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    meeting.save()
    meeting.bump_display()  # the displays show the meeting's state
    given.refresh_from_db(fields=["status", "opened_at", "opened_by", "closed_at", "closed_by"])


def amend(meeting: Meeting, user: Any, note: str, reason: str) -> Amendment:
    """Append an amendment to a closed meeting's minutes (``ValidationError`` by field)."""
    return Amendment.objects.create(meeting=meeting, made_by=user, note=note, reason=reason)
