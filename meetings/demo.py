"""The meetings app's demo data: two demo meetings (a past one with signed decisions, an upcoming
one with its agenda) and two more board members. Idempotent.

`python manage.py seed_demo` (the cases app's command) seeds the cases and users, then calls every
demo seeder other apps register (cases/apps.py); meetings registers `seed_meetings` (meetings/apps.py),
so the meetings come after the cases they discuss, whatever the order of INSTALLED_APPS.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.permissions import BOARD_MEMBER
from meetings import services
from meetings.models import AgendaItem, Attendee, BoardProfile, Decision, FollowUpAction, Meeting

# Two more board members so the demo meetings have a quorum (hepatology or oncology,
# interventional radiology, surgery); same password as the other demo users.
MEETING_USERS = {"demo-surgeon": BOARD_MEMBER, "demo-radiologist": BOARD_MEMBER}
DEMO_SPECIALTIES = {
    "demo-coordinator": "hepatology",
    "demo-member": "oncology",
    "demo-viewer": "nursing",
    "demo-surgeon": "surgery",
    "demo-radiologist": "interventional_radiology",
}
PAST_MEETING = "Liver tumor board (demo: last week)"
NEXT_MEETING = "Liver tumor board (demo: next week)"
ROOM = "Liver Centre, room 3.014"

# (case, question, plan, rationale, deviation reason, actions as (what, owner, days after the meeting))
PAST_AGENDA: list[tuple[str, str, str, str, str, list[tuple[str, str, int]]]] = [
    (
        "HCC-0101",
        "Complete then partial response: continue TACE?",
        "continue_tace",
        "Sustained response after two sessions; liver function preserved.",
        "",
        [("Book the next TACE session", "demo-radiologist", 21)],
    ),
    (
        "HCC-0102",
        "Two stable-disease responses: TACE-refractory, start systemic therapy?",
        "atezolizumab_bevacizumab",
        "Refractory by non-response; Child-Pugh A, ECOG 0; varices banded within six months.",
        "",
        [("Start the first cycle and check blood pressure and urine protein", "demo-member", 5)],
    ),
    (
        "HCC-0104",
        "Main portal vein invasion, kidney transplant: which systemic option?",
        "sorafenib",
        "Immunotherapy excluded after the transplant and lenvatinib by the Vp4 invasion.",
        "",
        [("Tell the transplant nephrologist about the plan", "demo-coordinator", 3)],
    ),
    (
        "HCC-0106",
        "Child-Pugh B8 and refractory: treat or not?",
        "sorafenib",
        "The patient wants active treatment after being told the evidence in Child-Pugh B is limited.",
        "patient_preference",
        [("Liver tests and bilirubin two weeks after starting", "demo-member", 14)],
    ),
]
NEXT_AGENDA = [
    ("HCC-0103", "Refractory, no endoscopy on record: endoscopy first, then atezolizumab + bevacizumab?"),
    ("HCC-0105", "Lung metastases after the second TACE: first-line systemic therapy?"),
    ("HCC-0109", "Progression on atezolizumab + bevacizumab at 55 kg: which second-line option?"),
    ("HCC-0110", "Progression on tolerated sorafenib, AFP 520: which second-line agent?"),
    ("HCC-0112", "Second TACE response pending: wait for the scan?"),
    ("HCC-0113", "On atezolizumab + bevacizumab, reassessment imaging overdue: book CT and continue?"),
    ("HCC-0107", "Child-Pugh C after TACE: supportive care, or transplant assessment?"),
]


def seed_meetings(stdout: Any) -> None:
    """Demo board profiles, a past meeting with signed decisions (one deviating) and an upcoming
    meeting with its agenda. Each meeting is made once (found again by its title)."""
    with transaction.atomic():
        users = _meeting_users()
        today = timezone.localdate()
        made = 0
        if not Meeting.objects.filter(title=PAST_MEETING).exists():
            _past_meeting(users, today)
            made += 1
        if not Meeting.objects.filter(title=NEXT_MEETING).exists():
            _next_meeting(users, today)
            made += 1
    stdout.write(f"Demo meetings: {made} created, {2 - made} already present.")


def _meeting_users() -> dict[str, User]:
    for username, role in MEETING_USERS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_SPECIALTIES)}
    for username, specialty in DEMO_SPECIALTIES.items():
        BoardProfile.objects.update_or_create(user=users[username], defaults={"specialty": specialty})
    return users


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _invite(meeting: Meeting, users: dict[str, User], present: bool | None) -> None:
    for username, specialty in DEMO_SPECIALTIES.items():
        Attendee.objects.create(meeting=meeting, user=users[username], specialty=specialty, present=present)


def _past_meeting(users: dict[str, User], today: datetime.date) -> None:
    """Held a week ago: opened at its time, the decisions signed during it, then closed with the
    minutes approved by the coordinator."""
    day = today - datetime.timedelta(days=7)
    meeting = Meeting.objects.create(title=PAST_MEETING, starts_at=_at(day, 16), location=ROOM)
    _invite(meeting, users, present=True)
    items = []
    for label, question, *_decision in PAST_AGENDA:
        item = AgendaItem.objects.create(
            meeting=meeting, case=Case.objects.get(label=label), question=question
        )
        items.append(item)
    services.open_session(meeting, users["demo-coordinator"], at=meeting.starts_at)
    for minutes, (item, (_label, _question, plan, rationale, reason, actions)) in enumerate(
        zip(items, PAST_AGENDA, strict=True), start=1
    ):
        decision = Decision(
            agenda_item=item,
            plan=plan,
            rationale=rationale,
            deviation_reason=reason,
            next_review=today + datetime.timedelta(days=60),
            recorded_by=users["demo-member"],
        )
        services.save_draft(decision)
        for what, owner, days in actions:
            FollowUpAction.objects.create(
                decision=decision,
                description=what,
                owner=users[owner],
                due=day + datetime.timedelta(days=days),
            )
        services.sign(
            decision, users["demo-member"], at=meeting.starts_at + datetime.timedelta(minutes=12 * minutes)
        )
    services.close_meeting(
        meeting, users["demo-coordinator"], at=meeting.starts_at + datetime.timedelta(hours=1)
    )


def _next_meeting(users: dict[str, User], today: datetime.date) -> None:
    day = today + datetime.timedelta(days=7)
    meeting = Meeting.objects.create(title=NEXT_MEETING, starts_at=_at(day, 16), location=ROOM)
    _invite(meeting, users, present=None)
    for label, question in NEXT_AGENDA:
        AgendaItem.objects.create(meeting=meeting, case=Case.objects.get(label=label), question=question)
