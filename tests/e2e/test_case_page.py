import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_coordinator_signs_in_opens_a_case_and_sees_its_tace_table(demo_data, sign_in, screenshot):
    page = sign_in("demo-coordinator")
    expect(page.locator("#case-table tbody tr")).to_have_count(16)  # HCC-0101 … HCC-0116
    page.get_by_role("link", name="HCC-0102").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    rows = page.locator("#tace-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("SD")
    expect(rows.nth(2)).to_contain_text("Drug-eluting beads")
    page.set_viewport_size({"width": 1920, "height": 1080})
    screenshot("case-page-1920")
