"""The minutes PDF of the largest meeting the limits allow renders in under 5 s (issue 11: a 2 MB
question made it take over 30 s, and gunicorn killed the worker for every reader)."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from cases.validators import NOTE_MAX
from meetings import services
from meetings.forms import MAX_AGENDA_ITEMS
from meetings.models import Decision, FollowUpAction
from tests.factories import days_ago
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    MeetingFactory,
    refractory_case,
)

# Text that wraps as badly as text can: words of every length, no spaces for long stretches.
WORST_TEXT = ("Lorem ipsum dolor sit amet " * 40 + "x" * 600)[:NOTE_MAX]


@pytest.mark.django_db
def test_the_largest_meetings_minutes_pdf_renders_in_under_5_seconds(coordinator_client: Client) -> None:
    meeting = MeetingFactory()
    signer = User.objects.create_user("signer")
    for _ in range(12):
        AttendeeFactory(meeting=meeting)
    items = [  # the agenda is built before the first signature freezes it
        AgendaItemFactory(meeting=meeting, case=refractory_case(label=f"PDF-{n:03d}"), question=WORST_TEXT)
        for n in range(MAX_AGENDA_ITEMS)
    ]
    for item in items:
        decision = services.save_draft(
            Decision(
                agenda_item=item,
                plan="atezolizumab_bevacizumab",
                recorded_by=signer,
                rationale=WORST_TEXT,
                dissent=WORST_TEXT,
            )
        )
        for _ in range(3):
            FollowUpAction.objects.create(
                decision=decision, description="y" * 200, owner=signer, due=days_ago(0)
            )
        services.sign(decision, signer, quorum_reason=WORST_TEXT)  # the longest reason the form takes
    # A worker imports WeasyPrint once, with its first PDF (≈1 s); this measures every later one.
    import weasyprint  # noqa: F401

    started = time.perf_counter()
    response = coordinator_client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert elapsed < 5, f"{elapsed:.1f} s"
