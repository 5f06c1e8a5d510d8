"""The board's working screens in Chromium, on the demo data."""

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case

pytestmark = pytest.mark.browser


def open_edit(page: Page, live_server, label: str) -> Case:  # type: ignore[no-untyped-def]
    case = Case.objects.get(label=label)
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    expect(page.locator('#eligibility-panel [data-regimen="atezolizumab_bevacizumab"]')).to_be_visible()
    return case


def option(page: Page, regimen: str):  # type: ignore[no-untyped-def]
    return page.locator(f'#eligibility-panel [data-regimen="{regimen}"]')


def test_ecog_2_turns_every_option_not_indicated_without_saving(demo_data, sign_in, live_server, screenshot):
    page = sign_in("demo-member")
    case = open_edit(page, live_server, "HCC-0102")
    expect(option(page, "atezolizumab_bevacizumab")).to_have_attribute("data-status", "recommended")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot("edit-panel-1920")
    page.fill("#id_ecog", "2")
    for regimen in ("atezolizumab_bevacizumab", "lenvatinib", "sorafenib", "regorafenib"):
        expect(option(page, regimen)).to_have_attribute("data-status", "not_indicated")
    expect(page.locator('#eligibility-panel [data-flag="GATE-ECOG"]')).to_be_visible()
    case.refresh_from_db()
    assert case.ecog == 0


def test_vp4_contraindicates_lenvatinib(demo_data, sign_in, live_server):
    page = sign_in("demo-member")
    open_edit(page, live_server, "HCC-0102")
    page.select_option("#id_portal_vein_invasion", "vp4")
    expect(option(page, "lenvatinib")).to_have_attribute("data-status", "contraindicated")
    expect(page.locator('#eligibility-panel [data-flag="OPT-LEN-VP4"]')).to_have_attribute(
        "data-severity", "warning"
    )


def test_clearing_the_endoscopy_date_needs_workup(demo_data, sign_in, live_server):
    page = sign_in("demo-member")
    open_edit(page, live_server, "HCC-0102")
    page.fill("#id_endoscopy_date", "")
    page.locator("#id_endoscopy_date").dispatch_event("change")
    expect(option(page, "atezolizumab_bevacizumab")).to_have_attribute("data-status", "needs_workup")


def test_impossible_albumin_shows_in_the_panel_and_inputs_keep_values(
    demo_data, sign_in, live_server, screenshot
):
    page = sign_in("demo-member")
    open_edit(page, live_server, "HCC-0102")
    page.fill("#id_ecog", "1")
    page.fill("#id_albumin_g_dl", "35")
    expect(page.locator("#panel-errors")).to_contain_text("Albumin (g/dL): 35 is outside 0.5–7 g/dL")
    expect(page.locator("#id_albumin_g_dl")).to_have_value("35")
    expect(page.locator("#id_ecog")).to_have_value("1")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("edit-panel-error-390")


def test_proposal_tace_sorafenib_shows_the_stop_flag(demo_data, sign_in, live_server, screenshot):
    page = sign_in("demo-viewer")
    case = Case.objects.get(label="HCC-0102")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{live_server.url}/cases/{case.pk}/recommendation/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("ALG-2")
    page.select_option("#proposal", "tace_sorafenib")
    expect(page.locator('[data-flag="PIT-TACE-SORA"]')).to_have_attribute("data-severity", "stop")
    screenshot("recommendation-1920")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("recommendation-390")


def test_adding_an_sd_session_on_the_case_page_updates_refractoriness(
    demo_data, sign_in, live_server, screenshot
):
    page = sign_in("demo-member")
    case = Case.objects.get(label="HCC-0112")  # one assessed session, the second pending
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    panel = page.locator("#eligibility-panel [data-refractoriness]")
    expect(panel).to_have_attribute("data-refractoriness", "insufficient_data")
    page.click("#add-tace")
    form = page.locator("#record-form-tace")
    expect(form).to_be_visible()
    pending = case.tace_sessions.get(response="pending")
    form.locator("#id_date").fill(
        (pending.date.replace(day=1)).isoformat() if pending.date.day > 1 else pending.date.isoformat()
    )
    form.locator("#id_response").select_option("SD")
    form.locator("button[type=submit]").click()
    expect(panel).to_have_attribute("data-refractoriness", "refractory")
    expect(page.locator("#tace-table tbody tr")).to_have_count(3)
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot("case-page-timeline-1920")
