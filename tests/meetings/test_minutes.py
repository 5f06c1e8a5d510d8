"""Minutes: the page (attendees, quorum, every case with its decision and concordance) and the PDF
rendered from the same template."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from meetings.models import Meeting
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    MeetingFactory,
    refractory_case,
    signed_decision,
)

pytestmark = pytest.mark.django_db


def meeting_with_decisions(member) -> Meeting:  # type: ignore[no-untyped-def]
    meeting = MeetingFactory(title="Board of the week")
    AttendeeFactory(meeting=meeting, specialty="hepatology")
    AttendeeFactory(meeting=meeting, specialty="interventional_radiology")
    AttendeeFactory(meeting=meeting, specialty="surgery", present=False)
    follows = AgendaItemFactory(meeting=meeting, case=refractory_case(label="HCC-7001"))
    deviates = AgendaItemFactory(meeting=meeting, case=refractory_case(label="HCC-7002"))
    AgendaItemFactory(meeting=meeting, case=refractory_case(label="HCC-7003"))  # no decision
    signed_decision(follows, member, "atezolizumab_bevacizumab")
    signed_decision(
        deviates, member, "other", plan_other="Radioembolisation (SIRT)", deviation_reason="trial_enrolment"
    )
    return meeting


def test_minutes_page(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_with_decisions(member)
    html = viewer_client.get(f"/meetings/{meeting.pk}/minutes/").content.decode()
    assert "Board of the week" in html
    assert 'id="minutes-quorum"' in html and "No quorum." in html and "surgery" in html
    assert html.count("<tr><td>doctor") == 3 and "Absent" in html
    for label in ("HCC-7001", "HCC-7002", "HCC-7003"):
        assert f'data-case="{label}"' in html
    assert "Follows the algorithm" in html and "Deviates from the algorithm" in html
    assert "Trial enrolment" in html and "Radioembolisation (SIRT)" in html
    assert "No decision recorded." in html
    assert "2 decisions signed · 1 following the algorithm" in html
    assert "<style" not in html and " style=" not in html and "<script" not in html


def test_minutes_pdf_is_a_pdf_with_every_agenda_case(member, viewer_client: Client) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    meeting = meeting_with_decisions(member)
    response = viewer_client.get(f"/meetings/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for item in meeting.items.all():
        assert item.case.label in text
    assert "Board of the week" in text and "Follows the algorithm" in text
    assert "Download PDF" not in text  # the screen toolbar is not in the PDF


def test_pdf_fetches_nothing_but_our_own_stylesheet() -> None:
    from meetings.views.minutes import PDF_BASE_URL, _static_fetcher

    fetch = _static_fetcher()
    assert b"minutes-doc" in fetch.fetch(PDF_BASE_URL + "static/css/meetings.css").read()
    for url in ("http://example.org/x.css", "file:///etc/passwd", PDF_BASE_URL + "static/../../etc/passwd"):
        with pytest.raises(ValueError):
            fetch.fetch(url)
