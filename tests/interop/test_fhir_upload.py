"""The FHIR upload on the new-case page: a coordinator's Bundle becomes a case (its page opens);
a Bundle with problems lists them on the new-case page and saves nothing."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Case
from tests.interop.ehr_bundle import ehr_bundle, lab

pytestmark = pytest.mark.django_db


def upload(client: Client, bundle: object, label: str = "") -> object:
    data = json.dumps(bundle).encode()
    return client.post(
        "/cases/new/fhir/", {"bundle": SimpleUploadedFile("b.json", data), "label": label}, follow=True
    )


def test_the_new_case_page_offers_the_upload(coordinator_client: Client) -> None:
    page = coordinator_client.get("/cases/new/").content.decode()
    assert 'action="/cases/new/fhir/"' in page and 'type="file"' in page
    assert "FHIR Bundle" in page


def test_an_uploaded_bundle_creates_the_case_and_opens_its_page(coordinator_client: Client) -> None:
    response = upload(coordinator_client, ehr_bundle(), label="EHR-9")
    case = Case.objects.get(label="EHR-9")
    assert response.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    assert "Case EHR-9 created from the FHIR Bundle." in response.content.decode()
    assert case.labs.get().albumin_g_dl == pytest.approx(3.8)


def test_a_refused_bundle_lists_its_problems_and_saves_nothing(coordinator_client: Client) -> None:
    bundle = ehr_bundle()
    bundle["entry"].append({"resource": lab("o9", "1751-7", 3, "mmol/L", date="2026-11-21")})
    response = upload(coordinator_client, bundle, label="EHR-10")
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/cases/new/"
    assert "nothing was saved" in page and "mmol/L" in page
    assert not Case.objects.exists()


def test_no_file_names_the_field(coordinator_client: Client) -> None:
    response = coordinator_client.post("/cases/new/fhir/", {}, follow=True)
    assert "bundle: choose the FHIR Bundle file to import." in response.content.decode()


def test_a_viewer_may_not_upload(viewer_client: Client) -> None:
    assert upload(viewer_client, ehr_bundle(), "V-1").status_code == 403
    assert not Case.objects.exists()
