"""Browser tests of the meeting (issue 5): displays follow the coordinator, and a deviating decision
is signed only with its reason and the stop flag acknowledged, then frozen."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.demo import NEXT_MEETING
from meetings.models import Decision, Meeting
from tests.e2e.conftest import sign_in_page

pytestmark = pytest.mark.browser
FOLLOW_SECONDS = 3


@pytest.fixture
def signed_in_page(browser: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """Pages in separate browser contexts (own cookies, so own sessions), each signed in as a demo
    user. The contexts are closed after the test, so no display keeps polling into the next one."""
    contexts: list[Any] = []

    def open_page(username: str) -> Any:
        context = browser.new_context(viewport={"width": 1920, "height": 1080})
        contexts.append(context)
        return sign_in_page(context.new_page(), live_server.url, username)

    yield open_page
    for context in contexts:
        context.close()


def test_two_displays_follow_the_coordinators_arrow_key(
    demo_data: None, signed_in_page: Any, live_server: Any
) -> None:
    meeting = Meeting.objects.get(title=NEXT_MEETING)
    first, second = [item.case.label for item in meeting.items.select_related("case")[:2]]
    url = f"{live_server.url}/meetings/{meeting.pk}/present/"
    displays = [signed_in_page(name) for name in ("demo-viewer", "demo-surgeon")]
    for display in displays:
        display.goto(url)
        expect(display.locator("#display-case-label")).to_have_text(first)
        expect(display.locator('[data-step="next"]')).to_have_count(0)  # no controls on the room's screens

    coordinator = signed_in_page("demo-coordinator")
    coordinator.goto(url)
    expect(coordinator.locator("#display-case-label")).to_have_text(first)
    coordinator.keyboard.press("ArrowRight")
    pressed = time.monotonic()
    expect(coordinator.locator("#display-case-label")).to_have_text(second, timeout=FOLLOW_SECONDS * 1000)
    for display in displays:
        expect(display.locator("#display-case-label")).to_have_text(second, timeout=FOLLOW_SECONDS * 1000)
    assert time.monotonic() - pressed < FOLLOW_SECONDS
    assert Meeting.objects.get(pk=meeting.pk).current_item.case.label == second

    coordinator.keyboard.press("ArrowLeft")
    for display in displays:
        expect(display.locator("#display-case-label")).to_have_text(first, timeout=FOLLOW_SECONDS * 1000)


def test_member_signs_a_deviating_decision_only_with_reason_and_acknowledgment(
    demo_data: None, signed_in_page: Any, live_server: Any
) -> None:
    meeting = Meeting.objects.get(title=NEXT_MEETING)
    # Decisions are signed in session: the meeting is held now, opened by the coordinator.
    services.open_session(_held_now(meeting), User.objects.get(username="demo-coordinator"))
    item = meeting.items.get(case__label="HCC-0103")  # refractory, no endoscopy on record
    page = signed_in_page("demo-member")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    page.locator('li[data-case="HCC-0103"]').get_by_role("link", name="Record decision").click()
    expect(page.get_by_role("heading", name="Board decision on HCC-0103")).to_be_visible()

    page.select_option("#id_plan", "atezolizumab_bevacizumab")
    expect(page.locator("#concordance")).to_have_attribute("data-concordance", "deviating")
    expect(page.locator('#stop-flags [data-flag="PIT-AB-EGD"]')).to_be_visible()
    page.fill(
        "#id_rationale", "Bleeding risk discussed; the patient wants to start before the endoscopy slot."
    )
    page.click("#sign-decision")

    expect(page.locator("#decision-errors, .invalid-feedback, #ack-error").first).to_be_visible()
    expect(page.get_by_text("give the reason before signing")).to_be_visible()
    expect(page.get_by_text("Acknowledge each stop flag the plan raises before signing")).to_be_visible()
    decision = Decision.objects.get(agenda_item=item)
    assert not decision.is_signed

    page.select_option("#id_deviation_reason", "patient_preference")
    page.click("#sign-decision")  # reason given, stop flag still not acknowledged
    expect(page.get_by_text("Acknowledge each stop flag the plan raises before signing")).to_be_visible()
    decision.refresh_from_db()
    assert not decision.is_signed

    page.check("#ack-PIT-AB-EGD")
    page.click("#sign-decision")
    # The confirmation step: nobody is marked present, so the reason for signing without quorum.
    expect(page.locator("#sign-quorum")).to_have_attribute("data-quorum", "lacking")
    page.fill("#id_quorum_reason", "Attendance not taken yet; all three specialties are in the room.")
    page.click("#confirm-sign")
    expect(page.locator("#signed-banner")).to_contain_text("Signed by demo-member")
    expect(page.locator("#decision-form")).to_have_count(0)
    decision.refresh_from_db()
    assert decision.is_signed and decision.deviates and decision.acknowledged_flags == ["PIT-AB-EGD"]

    edit = f"{live_server.url}/meetings/{meeting.pk}/decisions/{decision.pk}/edit/"
    page.goto(edit)
    expect(page.locator("#decision-form")).to_have_count(0)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        edit,
        form={
            "plan": "lenvatinib",
            "rationale": "changed",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
        headers={"X-CSRFToken": token},
    )
    assert response.status in (403, 409)
    assert response.status == 409  # refused because it is signed, not for a missing token
    decision.refresh_from_db()
    assert decision.plan == "atezolizumab_bevacizumab"
    page.goto(f"{live_server.url}{decision.get_absolute_url()}")
    expect(page.locator('[data-concordance="deviating"]')).to_have_text("Deviates from the algorithm")


def _held_now(meeting: Meeting) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now())
    meeting.refresh_from_db()
    return meeting
