"""GET /api/cases/<pk>/assessment — the engine's JSON for a stored case."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from cases.adapters import case_to_facts, with_records
from cases.clinical import assess
from tests.factories import (
    CaseFactory,
    ClinicalFactory,
    EndoscopyFactory,
    ImagingFactory,
    LabFactory,
    TaceFactory,
)


@pytest.fixture
def refractory_case():  # type: ignore[no-untyped-def]
    case = CaseFactory()
    LabFactory(case=case)
    ClinicalFactory(case=case)
    ImagingFactory(case=case)
    EndoscopyFactory(case=case)
    TaceFactory(case=case, response="SD")
    TaceFactory(case=case, response="SD")
    return case


def test_assessment_json_matches_the_engine(viewer_client: Client, refractory_case) -> None:
    response = viewer_client.get(f"/api/cases/{refractory_case.pk}/assessment")
    assert response.status_code == 200
    body = response.json()
    expected = assess(case_to_facts(with_records().get(pk=refractory_case.pk)), timezone.localdate())
    assert body == expected.to_dict()
    assert body["refractoriness"]["status"] == "refractory"
    assert body["as_of"] == timezone.localdate().isoformat()


def test_proposal_and_as_of(viewer_client: Client, refractory_case) -> None:
    as_of = timezone.localdate() - datetime.timedelta(days=1)
    body = viewer_client.get(
        f"/api/cases/{refractory_case.pk}/assessment?proposal=tace_sorafenib&as_of={as_of}"
    ).json()
    assert body["as_of"] == as_of.isoformat()
    assert "PIT-TACE-SORA" in [flag["id"] for flag in body["flags"] if flag["severity"] == "stop"]


def test_bad_parameters_are_400(viewer_client: Client, refractory_case) -> None:
    url = f"/api/cases/{refractory_case.pk}/assessment"
    assert viewer_client.get(url + "?proposal=aspirin").status_code == 400
    assert "as_of" in viewer_client.get(url + "?as_of=yesterday").json()["errors"][0]


def test_unknown_case_is_404(viewer_client: Client) -> None:
    assert viewer_client.get("/api/cases/424242/assessment").status_code == 404
