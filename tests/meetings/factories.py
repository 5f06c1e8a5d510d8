"""Factories and ready-made cases for the meeting tests (issue 5)."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.contrib.auth.models import User
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from cases import models as m
from meetings import services
from meetings.models import AgendaItem, Attendee, Decision, FollowUpAction, Meeting, MeetingStatus
from tests.factories import (
    CaseFactory,
    ClinicalFactory,
    EndoscopyFactory,
    ImagingFactory,
    LabFactory,
    TaceFactory,
    TherapyFactory,
    days_ago,
)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = "Liver tumor board"
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    location = "Room 3"
    # In session, so its decisions can be signed; MeetingFactory(status=MeetingStatus.PLANNED) for one not started.
    status = MeetingStatus.IN_SESSION
    opened_at = factory.LazyAttribute(lambda m: m.starts_at if m.status != MeetingStatus.PLANNED else None)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory)
    question = "Which treatment now?"


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.Sequence(lambda n: User.objects.create_user(f"doctor{n}"))
    specialty = "hepatology"
    present = True


def refractory_case(endoscopy: bool = True, **case: Any) -> m.Case:
    """Child-Pugh A, ECOG 0, two stable-disease responses within six months: TACE-refractory.
    With the endoscopy (small varices, treated) atezolizumab + bevacizumab is recommended;
    without it, it needs work-up (and a plan for it raises the stop flag PIT-AB-EGD)."""
    c = CaseFactory(**case)
    LabFactory(case=c, date=days_ago(5))
    ClinicalFactory(case=c, date=days_ago(5))
    ImagingFactory(case=c, date=days_ago(10))
    if endoscopy:
        EndoscopyFactory(case=c, date=days_ago(40))
    TaceFactory(case=c, date=days_ago(150), response="SD")
    TaceFactory(case=c, date=days_ago(70), response="SD")
    return c


def responding_case(**case: Any) -> m.Case:
    """Complete then partial response: not refractory, the algorithm stays at ALG-1 (continue TACE)."""
    c = CaseFactory(**case)
    LabFactory(case=c, date=days_ago(5))
    ClinicalFactory(case=c, date=days_ago(5))
    ImagingFactory(case=c, date=days_ago(10))
    EndoscopyFactory(case=c, date=days_ago(40))
    TaceFactory(case=c, date=days_ago(150), response="CR")
    TaceFactory(case=c, date=days_ago(70), response="PR")
    return c


def on_therapy_case(imaging_days_ago: int | None, **case: Any) -> m.Case:
    """On sorafenib (ongoing); the ALG-5 clock runs from the latest imaging."""
    c = CaseFactory(**case)
    LabFactory(case=c, date=days_ago(5))
    ClinicalFactory(case=c, date=days_ago(5))
    if imaging_days_ago is not None:
        ImagingFactory(case=c, date=days_ago(imaging_days_ago))
    TaceFactory(case=c, date=days_ago(400), response="SD")
    TaceFactory(case=c, date=days_ago(330), response="SD")
    TherapyFactory(case=c, regimen="sorafenib", start=days_ago(200), end=None, outcome="ongoing")
    return c


# Most tests' meetings have nobody marked present: their decisions are signed with this reason.
NO_QUORUM_REASON = "Test meeting: nobody marked present."


def signed_decision(
    item: AgendaItem, user: User, plan: str = "atezolizumab_bevacizumab", **fields: Any
) -> Decision:
    fields.setdefault("rationale", "Refractory; Child-Pugh A.")
    decision = services.save_draft(Decision(agenda_item=item, plan=plan, recorded_by=user, **fields))
    services.sign(decision, user, quorum_reason=NO_QUORUM_REASON)
    return decision


def sample_meeting(case: m.Case) -> Meeting:
    """Meeting 1 with agenda item 1 (the given case), attendee 1 and a signed decision 1 with
    action 1: the objects behind tests/url_samples.py's sample URLs."""
    user = User.objects.create_user("sample-signer")
    meeting = MeetingFactory(pk=1)
    AttendeeFactory(pk=1, meeting=meeting, user=user)
    item = AgendaItemFactory(pk=1, meeting=meeting, case=case)
    decision = services.save_draft(
        Decision(
            pk=1,
            agenda_item=item,
            plan="other",
            plan_other="Watch",
            rationale="r",
            deviation_reason="other",
            deviation_note="n",
            recorded_by=user,
        )
    )
    FollowUpAction.objects.create(pk=1, decision=decision, description="Call", owner=user, due=days_ago(0))
    services.sign(decision, user, quorum_reason=NO_QUORUM_REASON)
    # Rows created with an explicit pk leave PostgreSQL's id sequences behind: move them past the
    # rows, so a row the test creates next (a correction of decision 1) gets a free id.
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Meeting, Attendee, AgendaItem, Decision, FollowUpAction]
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return meeting


def today() -> datetime.date:
    return timezone.localdate()
