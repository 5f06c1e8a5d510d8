"""Screens that work where the board works (issue 14): no page scrolls sideways on a phone, a laptop
or a full-HD screen; the room's display keeps the question, the verdict, the options and the flags
on screen from 1280 × 720 to 4K; key presses on the display are queued, Home and End work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from meetings.demo import NEXT_MEETING
from meetings.models import Meeting
from tests.e2e.conftest import sign_in_page
from tests.url_samples import app_url_names, demo_url

pytestmark = pytest.mark.browser

PAGE_SIZES = ((390, 844), (1280, 720), (1920, 1080))
DISPLAY_SIZES = ((1280, 720), (1366, 768), (1920, 1080), (3840, 2160))
# The rendered size (px) of the smallest text of the display's timeline: its font size times the SVG's scale.
SMALLEST_TIMELINE_TEXT = """Math.min(...Array.from(document.querySelectorAll('#display-stage .tl-svg text'))
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a), Infinity)"""
ON_SCREEN = ("#display-question", "#display-verdict", "#display-options", "#display-flags")


@pytest.fixture
def coordinator(browser: Any, live_server: Any, demo_data: None) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield sign_in_page(context.new_page(), live_server.url, "demo-coordinator")
    context.close()


def test_no_page_scrolls_sideways(coordinator: Any, live_server: Any) -> None:
    page = coordinator
    urls = sorted({demo_url(name) for name in app_url_names()})
    pages = []
    for url in urls:
        answer = page.request.get(live_server.url + url, max_redirects=0)
        if answer.status == 200 and "html" in answer.headers.get("content-type", ""):
            pages.append(url)
    assert len(pages) >= 15
    too_wide = []
    for width, height in PAGE_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        for url in pages:
            page.goto(live_server.url + url)
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll > inner:
                too_wide.append((width, url, scroll))
    assert too_wide == []


def test_display_keeps_the_clinical_content_on_screen_at_every_size(
    coordinator: Any, live_server: Any
) -> None:
    page = coordinator
    meeting = Meeting.objects.get(title=NEXT_MEETING)
    cases = meeting.items.count()
    smallest: list[float] = []
    for width, height in DISPLAY_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/meetings/{meeting.pk}/present/")
        for number in range(1, cases + 1):
            expect(page.locator(".display-count")).to_have_text(f"Case {number} of {cases}")
            for selector in ON_SCREEN:
                box = page.locator(selector).bounding_box()
                assert box is not None, selector
                assert box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height, (
                    width,
                    number,
                    selector,
                    box,
                )
                assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (width, number, selector, box)
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
            if width == 1920:  # read from the back of the room
                smallest.append(page.evaluate(SMALLEST_TIMELINE_TEXT))
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Home")
        expect(page.locator(".display-count")).to_have_text(f"Case 1 of {cases}")
    assert min(smallest) >= 18, smallest


def test_display_queues_quick_key_presses_and_goes_home_and_end(coordinator: Any, live_server: Any) -> None:
    page = coordinator
    meeting = Meeting.objects.get(title=NEXT_MEETING)
    cases = meeting.items.count()
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/present/")
    page.keyboard.press("Home")
    expect(page.locator(".display-count")).to_have_text(f"Case 1 of {cases}")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # no wait between presses
    expect(page.locator(".display-count")).to_have_text(f"Case 4 of {cases}")
    page.keyboard.press("End")
    expect(page.locator(".display-count")).to_have_text(f"Case {cases} of {cases}")
    page.keyboard.press("Home")
    expect(page.locator(".display-count")).to_have_text(f"Case 1 of {cases}")


def test_record_decision_opens_the_form_beside_the_assessment(coordinator: Any, live_server: Any) -> None:
    page = coordinator
    meeting = Meeting.objects.get(title=NEXT_MEETING)
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/present/")
    page.locator("#display-record-decision").click()
    expect(page.locator("#decision-form")).to_be_visible()
    expect(page.locator("#eligibility-panel [data-regimen]").first).to_be_visible()
    # Follow-up rows are added in the page, without saving the draft first.
    rows = page.locator("#action-rows tr")
    before = rows.count()
    page.get_by_role("button", name="Add an action").click()
    expect(rows).to_have_count(before + 1)
    assert page.locator("input[name$='-TOTAL_FORMS']").input_value() == str(before + 1)
