import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.interop.ehr_bundle import ehr_bundle

pytestmark = pytest.mark.browser


def test_uploading_a_fhir_bundle_creates_the_case_and_shows_its_panel(
    demo_data, sign_in, live_server, tmp_path: Path, screenshot
):
    path = tmp_path / "ehr-bundle.json"
    path.write_text(json.dumps(ehr_bundle()))
    page = sign_in("demo-coordinator")
    page.goto(f"{live_server.url}/cases/new/")
    page.locator("#fhir-upload summary").click()
    page.set_input_files("input[type=file][name=bundle]", str(path))
    page.fill("input[name=label]", "HCC-FHIR-1")
    page.get_by_role("button", name="Import the Bundle").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    expect(page.get_by_text("Case HCC-FHIR-1 created from the FHIR Bundle.")).to_be_visible()
    expect(page.locator("#eligibility-panel")).to_be_visible()
    expect(page.locator("#eligibility-panel")).to_contain_text("Child-Pugh")
    screenshot("fhir-upload-case-page")
