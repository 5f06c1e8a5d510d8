"""Browser test of a meeting's lifecycle (issue 10): the coordinator opens the session and marks
attendance, a member signs a decision through the confirmation step that shows the quorum, and the
coordinator closes the meeting approving the minutes; then every control that would change the
meeting is gone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from meetings.demo import DEMO_SPECIALTIES
from meetings.models import AgendaItem, Attendee, Decision, Meeting
from tests.e2e.conftest import sign_in_page

pytestmark = pytest.mark.browser


def todays_meeting() -> Meeting:
    meeting = Meeting.objects.create(
        title="Liver tumor board (today)", starts_at=timezone.now(), location="Room 3"
    )
    for username, specialty in DEMO_SPECIALTIES.items():
        Attendee.objects.create(
            meeting=meeting, user=User.objects.get(username=username), specialty=specialty
        )
    AgendaItem.objects.create(
        meeting=meeting, case=Case.objects.get(label="HCC-0101"), question="Responding: continue TACE?"
    )
    return meeting


def test_open_mark_attendance_sign_with_confirmation_close_and_approve(
    demo_data: None, browser: Any, live_server: Any
) -> None:
    meeting = todays_meeting()
    url = f"{live_server.url}/meetings/{meeting.pk}/"
    pages = {}
    for username in ("demo-coordinator", "demo-member"):
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        pages[username] = sign_in_page(context.new_page(), live_server.url, username)
    coordinator, member = pages["demo-coordinator"], pages["demo-member"]

    coordinator.goto(url)
    expect(coordinator.locator("#meeting-status")).to_have_attribute("data-status", "planned")
    coordinator.click("#open-session")
    expect(coordinator.locator("#meeting-status")).to_have_attribute("data-status", "in_session")
    expect(coordinator.locator("#meeting-status")).to_contain_text("Session opened by demo-coordinator")
    for username in ("demo-coordinator", "demo-surgeon", "demo-radiologist"):
        row = coordinator.locator(f'tr[data-attendee="{username}"]')
        row.get_by_role("button", name="Present").click()
        expect(coordinator.locator(f'tr[data-attendee="{username}"]')).to_have_attribute(
            "data-present", "yes"
        )
    expect(coordinator.locator("#quorum")).to_have_attribute("data-quorum", "met")

    member.goto(url)
    member.locator('li[data-case="HCC-0101"]').get_by_role("link", name="Record decision").click()
    member.select_option("#id_plan", "continue_tace")
    expect(member.locator("#concordance")).to_have_attribute("data-concordance", "concordant")
    member.fill("#id_rationale", "Complete then partial response; liver function preserved.")
    member.click("#sign-decision")
    # The confirmation step: the quorum as it stands, nothing signed yet.
    expect(member.locator("#sign-quorum")).to_have_attribute("data-quorum", "met")
    expect(member.locator("#sign-quorum")).to_contain_text("Quorum present.")
    assert not Decision.objects.get(agenda_item__meeting=meeting).is_signed
    member.click("#confirm-sign")
    expect(member.locator("#signed-banner")).to_contain_text("Signed by demo-member")

    # The first signature froze attendance and the agenda: their controls are gone.
    coordinator.goto(url)
    expect(coordinator.locator(".presence-form")).to_have_count(0)
    expect(coordinator.locator(".question-form")).to_have_count(0)
    coordinator.click("#review-minutes")
    expect(coordinator.locator("#minutes-draft")).to_contain_text("DRAFT")
    coordinator.click("#approve-minutes")
    expect(coordinator.locator("#minutes-approval")).to_contain_text("Minutes approved by demo-coordinator")
    expect(coordinator.locator("#minutes-draft")).to_have_count(0)
    expect(coordinator.locator("#approve-minutes")).to_have_count(0)
    expect(coordinator.locator("#add-amendment")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.is_closed and meeting.closed_by.username == "demo-coordinator"

    for page in (coordinator, member):
        page.goto(url)
        expect(page.locator("#meeting-status")).to_have_attribute("data-status", "closed")
        for control in (
            "#open-session",
            "#review-minutes",
            ".presence-form",
            ".attendee-form",
            ".question-form",
            f'a[href="/meetings/{meeting.pk}/edit/"]',
            f'a[href="/meetings/{meeting.pk}/agenda/add/"]',
            'button[name="direction"]',
        ):
            expect(page.locator(control)).to_have_count(0)
        expect(page.get_by_role("link", name="Record decision")).to_have_count(0)
    member.goto(f"{live_server.url}{Decision.objects.get(agenda_item__meeting=meeting).get_absolute_url()}")
    expect(member.get_by_role("button", name="Correct this decision")).to_have_count(0)

    # Nothing scrolls sideways on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    small = sign_in_page(phone.new_page(), live_server.url, "demo-coordinator")
    for path in ("", "minutes/"):
        small.goto(url + path)
        assert small.evaluate("document.documentElement.scrollWidth") <= 390
    for context in [phone, coordinator.context, member.context]:
        context.close()
