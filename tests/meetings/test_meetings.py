"""Meetings: quorum, attendees, the agenda (add, reorder, question) and readiness per agenda item."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from cases import models as m
from cases.adapters import case_to_facts, with_records
from cases.clinical import assess
from meetings.models import AgendaItem, BoardProfile, Meeting
from meetings.quorum import quorum
from meetings.readiness import Readiness, readiness
from tests.factories import CaseFactory, EndoscopyFactory, ImagingFactory, LabFactory, days_ago
from tests.meetings.factories import AgendaItemFactory, AttendeeFactory, MeetingFactory, refractory_case

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


# --- quorum -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "met"),
    [
        ({"hepatology", "interventional_radiology", "surgery"}, True),
        ({"oncology", "interventional_radiology", "surgery"}, True),
        ({"hepatology", "oncology", "interventional_radiology"}, False),  # no surgeon
        ({"hepatology", "radiology", "surgery"}, False),  # diagnostic radiology is not interventional
        ({"interventional_radiology", "surgery", "pathology", "nursing"}, False),  # no liver physician
        (set(), False),
    ],
)
def test_quorum_needs_a_liver_physician_an_interventional_radiologist_and_a_surgeon(present, met) -> None:
    assert quorum(present).met is met


def test_quorum_counts_only_attendees_marked_present() -> None:
    meeting = MeetingFactory()
    AttendeeFactory(meeting=meeting, specialty="hepatology", present=True)
    AttendeeFactory(meeting=meeting, specialty="interventional_radiology", present=True)
    surgeon = AttendeeFactory(meeting=meeting, specialty="surgery", present=None)  # not marked yet
    assert not meeting.quorum().met
    assert meeting.quorum().lacking == ("Surgery",)
    surgeon.present = False
    surgeon.save()
    assert not meeting.quorum().met
    surgeon.present = True
    surgeon.save()
    assert meeting.quorum().met


def test_marking_presence_updates_the_quorum_badge(coordinator_client: Client) -> None:
    meeting = MeetingFactory()
    AttendeeFactory(meeting=meeting, specialty="oncology")
    AttendeeFactory(meeting=meeting, specialty="interventional_radiology")
    surgeon = AttendeeFactory(meeting=meeting, specialty="surgery", present=None)
    page = coordinator_client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-quorum="lacking"' in page and "surgery" in page
    url = f"/meetings/{meeting.pk}/attendees/{surgeon.pk}/presence/"
    response = coordinator_client.post(url, {"presence": "present"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="attendees"')
    assert 'data-quorum="met"' in html


def test_an_attendee_sits_for_their_usual_specialty_unless_told_otherwise(coordinator_client: Client) -> None:
    from django.contrib.auth.models import User

    meeting = MeetingFactory()
    surgeon = User.objects.create_user("surgeon")
    BoardProfile.objects.create(user=surgeon, specialty="surgery")
    nobody = User.objects.create_user("nobody")
    coordinator_client.post(f"/meetings/{meeting.pk}/attendees/add/", {"user": surgeon.pk})
    assert meeting.attendees.get(user=surgeon).specialty == "surgery"
    coordinator_client.post(f"/meetings/{meeting.pk}/attendees/add/", {"user": nobody.pk})
    assert not meeting.attendees.filter(user=nobody).exists()  # no profile, no specialty given
    coordinator_client.post(
        f"/meetings/{meeting.pk}/attendees/add/", {"user": nobody.pk, "specialty": "pathology"}
    )
    assert meeting.attendees.get(user=nobody).specialty == "pathology"


def test_a_meeting_needs_a_place() -> None:
    with pytest.raises(ValidationError):
        MeetingFactory(location="", video_link="")
    assert MeetingFactory(location="", video_link="https://video.example.org/board").pk


def test_coordinator_creates_a_meeting(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        "/meetings/new/", {"title": "Liver board", "starts_at": "2030-01-15T16:00", "location": "Room 3"}
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.day == datetime.date(2030, 1, 15)
    assert "Liver board" in coordinator_client.get("/meetings/").content.decode()


# --- agenda -----------------------------------------------------------------------------------


def test_add_to_agenda_from_the_case_page(coordinator_client: Client) -> None:
    case = CaseFactory()
    meeting = MeetingFactory()
    page = coordinator_client.get(case.get_absolute_url()).content.decode()
    assert f'href="/meetings/add-case/{case.pk}/"' in page
    form = coordinator_client.get(f"/meetings/add-case/{case.pk}/").content.decode()
    assert f'<option value="{meeting.pk}"' in form
    response = coordinator_client.post(
        f"/meetings/add-case/{case.pk}/", {"meeting": meeting.pk, "question": "Start systemic therapy?"}
    )
    assert response.status_code == 302
    item = meeting.items.get()
    assert (item.case, item.question, item.position) == (case, "Start systemic therapy?", 1)
    # Once on that agenda, the meeting is no longer offered for this case.
    assert (
        f'<option value="{meeting.pk}"'
        not in coordinator_client.get(f"/meetings/add-case/{case.pk}/").content.decode()
    )


def test_past_meetings_are_not_offered_for_a_new_case() -> None:
    from meetings.forms import AddToMeetingForm

    past = MeetingFactory(starts_at=MeetingFactory().starts_at - datetime.timedelta(days=3))
    assert past not in AddToMeetingForm(case=CaseFactory()).fields["meeting"].queryset


def test_add_several_cases_from_the_case_list(coordinator_client: Client) -> None:
    meeting = MeetingFactory()
    a, b, closed = CaseFactory(), CaseFactory(), CaseFactory(status="closed")
    page = coordinator_client.get(f"/meetings/{meeting.pk}/agenda/add/").content.decode()
    assert a.label in page and b.label in page and closed.label not in page
    coordinator_client.post(f"/meetings/{meeting.pk}/agenda/add/", {"cases": [b.pk, a.pk]})
    assert {i.case for i in meeting.items.all()} == {a, b}
    assert [i.position for i in meeting.items.all()] == [1, 2]


def test_a_case_is_on_an_agenda_once() -> None:
    item = AgendaItemFactory()
    with pytest.raises(ValidationError):
        AgendaItemFactory(meeting=item.meeting, case=item.case)


def test_reorder_with_htmx(coordinator_client: Client) -> None:
    meeting = MeetingFactory()
    first, second, third = (AgendaItemFactory(meeting=meeting) for _ in range(3))
    version = Meeting.objects.get(pk=meeting.pk).display_version
    response = coordinator_client.post(
        f"/meetings/{meeting.pk}/agenda/{third.pk}/move/", {"direction": "up"}, headers=HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="agenda"')
    assert html.index(third.case.label) < html.index(second.case.label)
    assert [i.pk for i in meeting.items.all()] == [first.pk, third.pk, second.pk]
    assert Meeting.objects.get(pk=meeting.pk).display_version > version  # displays refresh the agenda
    coordinator_client.post(f"/meetings/{meeting.pk}/agenda/{first.pk}/move/", {"direction": "up"})
    assert [i.pk for i in meeting.items.all()] == [first.pk, third.pk, second.pk]  # already first


def test_question_is_edited_and_an_item_removed(coordinator_client: Client) -> None:
    meeting = MeetingFactory()
    a, b = AgendaItemFactory(meeting=meeting), AgendaItemFactory(meeting=meeting)
    coordinator_client.post(
        f"/meetings/{meeting.pk}/agenda/{b.pk}/question/", {"question": "Lenvatinib dose?"}
    )
    b.refresh_from_db()
    assert b.question == "Lenvatinib dose?"
    coordinator_client.post(f"/meetings/{meeting.pk}/agenda/{a.pk}/remove/")
    assert [(i.pk, i.position) for i in meeting.items.all()] == [(b.pk, 1)]


def test_board_members_and_viewers_do_not_build_the_agenda(
    member_client: Client, viewer_client: Client
) -> None:
    item = AgendaItemFactory()
    for client in (member_client, viewer_client):
        assert client.post(f"/meetings/{item.meeting_id}/agenda/{item.pk}/remove/").status_code == 403
        assert client.get(f"/meetings/add-case/{item.case_id}/").status_code == 403
        page = client.get(item.meeting.get_absolute_url()).content.decode()
        assert "/move/" not in page and "Add cases" not in page
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# --- readiness --------------------------------------------------------------------------------


def _readiness(case: m.Case, meeting_day: datetime.date) -> Readiness:
    facts = case_to_facts(with_records().get(pk=case.pk))
    return readiness(facts, meeting_day, assess(facts, meeting_day).missing)


def _statuses(readiness: Readiness) -> dict[str, str]:
    return {check.key: check.status for check in readiness.checks}


def test_readiness_current_on_the_limits() -> None:
    case = refractory_case(endoscopy=False)
    LabFactory(case=case, date=days_ago(30))  # older labs do not matter
    EndoscopyFactory(case=case, date=days_ago(183))
    ImagingFactory(case=case, date=days_ago(60))
    meeting_day = days_ago(0)
    readiness = _readiness(case, meeting_day)
    assert _statuses(readiness) == {"labs": "current", "imaging": "current", "endoscopy": "current"}
    assert readiness.ready and readiness.label == "Ready"


def test_readiness_stale_one_day_past_each_limit() -> None:
    case = CaseFactory()
    LabFactory(case=case, date=days_ago(31))
    ImagingFactory(case=case, date=days_ago(61))
    EndoscopyFactory(case=case, date=days_ago(184))
    readiness = _readiness(case, days_ago(0))
    assert _statuses(readiness) == {"labs": "stale", "imaging": "stale", "endoscopy": "stale"}
    assert not readiness.ready


def test_readiness_is_judged_on_the_meeting_day_not_today() -> None:
    case = refractory_case()  # labs 5 days old today
    assert _statuses(_readiness(case, days_ago(0)))["labs"] == "current"
    assert _statuses(_readiness(case, days_ago(-30)))["labs"] == "stale"  # a meeting a month from now


def test_readiness_missing_records_and_missing_inputs() -> None:
    case = refractory_case(endoscopy=False, ecog=None)
    readiness = _readiness(case, days_ago(0))
    assert _statuses(readiness)["endoscopy"] == "missing"
    assert readiness.status == "missing"
    assert "ECOG performance status" in readiness.missing
    # The absent endoscopy is said once, by its record check.
    assert not any("endoscopy" in item.lower() for item in readiness.missing)


def test_meeting_page_shows_readiness_per_agenda_item(coordinator_client: Client) -> None:
    meeting = MeetingFactory()
    ready = AgendaItemFactory(meeting=meeting, case=refractory_case())
    stale = AgendaItemFactory(meeting=meeting, case=refractory_case())
    m.Imaging.objects.filter(case=stale.case).update(date=days_ago(90))
    missing = AgendaItemFactory(meeting=meeting, case=refractory_case(endoscopy=False))
    page = coordinator_client.get(meeting.get_absolute_url()).content.decode()
    assert f'data-case="{ready.case.label}" data-position="1" data-readiness="current"' in page
    assert f'data-case="{stale.case.label}" data-position="2" data-readiness="stale"' in page
    assert f'data-case="{missing.case.label}" data-position="3" data-readiness="missing"' in page
    assert 'data-input="imaging" data-status="stale"' in page
    assert 'data-input="endoscopy" data-status="missing"' in page
    assert "2 not ready" in page


def test_meeting_page_runs_a_constant_number_of_queries(coordinator_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(n: int) -> int:
        meeting = MeetingFactory()
        for _ in range(n):
            AgendaItemFactory(meeting=meeting, case=refractory_case())
            AttendeeFactory(meeting=meeting)
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(meeting.get_absolute_url()).status_code == 200
        return len(queries)

    assert count(2) == count(6)
