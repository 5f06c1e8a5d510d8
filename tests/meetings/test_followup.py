"""Follow-up: open actions of signed decisions and due ALG-5 reassessments, overdue first."""

from __future__ import annotations

import pytest
from django.test import Client

from meetings import services
from meetings.models import Decision, FollowUpAction
from tests.factories import days_ago
from tests.meetings.factories import (
    NO_QUORUM_REASON,
    AgendaItemFactory,
    on_therapy_case,
    refractory_case,
    today,
)

pytestmark = pytest.mark.django_db


def decision_with_action(member, description: str, due_days_ago: int, sign: bool = True) -> Decision:  # type: ignore[no-untyped-def]
    decision = services.save_draft(
        Decision(
            agenda_item=AgendaItemFactory(case=refractory_case()),
            plan="atezolizumab_bevacizumab",
            rationale="r",
            recorded_by=member,
        )
    )
    FollowUpAction.objects.create(
        decision=decision, description=description, owner=member, due=days_ago(due_days_ago)
    )
    if sign:
        services.sign(decision, member, quorum_reason=NO_QUORUM_REASON)
    return decision


def rows(client: Client) -> list[tuple[str, str, str]]:
    import re

    html = client.get("/followup/").content.decode()
    return re.findall(r'data-kind="(\w+)" data-case="([^"]+)" data-overdue="(\w+)"', html)


def test_open_actions_and_due_reassessments_overdue_first(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    later = decision_with_action(member, "Book cycle 2", due_days_ago=-10)
    overdue = decision_with_action(member, "Call the GP", due_days_ago=3)
    decision_with_action(member, "Not decided yet", due_days_ago=30, sign=False)  # a draft commits nobody
    no_imaging = on_therapy_case(None)  # overdue, no date
    overdue_scan = on_therapy_case(100)  # due by day 91
    due_scan = on_therapy_case(60)  # window 56–91 days open
    on_therapy_case(20)  # not due yet
    listed = rows(viewer_client)
    assert listed == [
        ("reassessment", no_imaging.label, "yes"),
        ("reassessment", overdue_scan.label, "yes"),
        ("action", overdue.case.label, "yes"),
        ("action", later.case.label, "no"),  # due in 10 days
        ("reassessment", due_scan.label, "no"),  # window open, due by day 91 (in 31 days)
    ]


def test_done_and_superseded_actions_leave_the_list(member, member_client: Client) -> None:  # type: ignore[no-untyped-def]
    decision = decision_with_action(member, "Call the GP", due_days_ago=3)
    action = decision.actions.get()
    assert member_client.post(f"/followup/actions/{action.pk}/done/").status_code == 302
    assert FollowUpAction.objects.get(pk=action.pk).done_by == member
    assert rows(member_client) == []
    other = decision_with_action(member, "Book cycle 2", due_days_ago=-3)
    correction = services.start_correction(other, member)
    assert [r[1] for r in rows(member_client)] == [other.case.label]  # the correction is a draft still
    correction.rationale = "corrected"
    correction.save()
    services.sign(correction, member, quorum_reason=NO_QUORUM_REASON)
    assert len(rows(member_client)) == 1  # the correction's copy of the action, not both


def test_viewer_cannot_mark_done(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    action = decision_with_action(member, "Call", due_days_ago=1).actions.get()
    assert viewer_client.post(f"/followup/actions/{action.pk}/done/").status_code == 403
    assert viewer_client.get("/followup/").status_code == 200
    assert "Mark done" not in viewer_client.get("/followup/").content.decode()


def test_reassessment_text_names_the_regimen(viewer_client: Client) -> None:
    on_therapy_case(100)
    html = viewer_client.get("/followup/").content.decode()
    assert "Reassessment imaging on Sorafenib: was due by" in html
    assert today().isoformat() in html
