"""The FHIR Bundle of a stored case: every demo case validates with fhir.resources, carries the
codes a receiving system reads, no names, and after a signed decision its CarePlan and flags."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from cases.models import Case
from interop import codes as c

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_every_demo_case_exports_a_bundle_the_library_validates(demo, viewer_client: Client) -> None:
    for case in Case.objects.all():
        response = viewer_client.get(f"/api/cases/{case.pk}/fhir")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/fhir+json"
        bundle = Bundle.model_validate(response.json())  # raises on anything R4 refuses
        assert bundle.type == "collection"
        patient = resources(response.json(), "Patient")[0]
        assert patient["identifier"] == [{"system": c.LABEL_SYSTEM, "value": case.label}]
        assert "name" not in patient and len(patient.get("birthDate", "1900")) == 4


def test_labs_carry_loinc_codes_and_ucum_units(demo, viewer_client: Client) -> None:
    case = Case.objects.get(label="HCC-0102")
    bundle = viewer_client.get(f"/api/cases/{case.pk}/fhir").json()
    labs = [
        o
        for o in resources(bundle, "Observation")
        if o.get("category", [{}])[0].get("coding", [{}])[0].get("code") == "laboratory"
    ]
    coded = {
        (o["code"]["coding"][0]["system"], o["code"]["coding"][0]["code"], o["valueQuantity"]["code"])
        for o in labs
    }
    assert (c.LOINC, "1975-2", "mg/dL") in coded  # bilirubin
    assert (c.LOINC, "1751-7", "g/dL") in coded  # albumin
    assert (c.LOINC, "6301-6", "{INR}") in coded
    assert all(o["valueQuantity"]["system"] == c.UCUM for o in labs)
    conditions = resources(bundle, "Condition")
    assert any(cd["code"] == "25370001" for cond in conditions for cd in cond["code"]["coding"])
    assert resources(bundle, "Procedure"), "TACE sessions are Procedures"
    responses = [
        o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == "mrecist-response"
    ]
    procedure_urls = {e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Procedure"}
    assert responses and all(o["partOf"][0]["reference"] in procedure_urls for o in responses)
    assert any(
        c.MCODE in p for r in bundle["entry"] for p in r["resource"].get("meta", {}).get("profile", [])
    )


def test_a_signed_decision_adds_its_careplan_and_a_detected_issue_per_flag(
    demo, viewer_client: Client
) -> None:
    from meetings.models import Decision

    decision = Decision.objects.in_force().get(case__label="HCC-0104")  # a decision with flags
    bundle = viewer_client.get(f"/api/cases/{decision.case_id}/fhir").json()
    (plan,) = resources(bundle, "CarePlan")
    assert plan["category"][0]["coding"][0] == {
        "system": c.PLAN_SYSTEM,
        "code": decision.plan,
        "display": decision.plan_label,
    }
    assert plan["extension"] == [{"url": c.CONCORDANCE_EXTENSION, "valueCode": decision.concordance}]
    flags = decision.assessment_snapshot["flags"]
    issues = resources(bundle, "DetectedIssue")
    assert len(issues) == len(flags) > 0
    assert [i["code"]["coding"][0]["code"] for i in issues] == [f["id"] for f in flags]
    assert all(f["citation"] in i["detail"] for f, i in zip(flags, issues, strict=True) if f.get("citation"))
    assert {i["code"]["coding"][0]["version"] for i in issues} <= {decision.rule_set}
    assert len(plan["activity"]) == len(decision.assessment_snapshot["options"])


def test_a_case_without_a_decision_has_no_careplan(demo, viewer_client: Client) -> None:
    undecided = Case.objects.exclude(decisions__signed_at__isnull=False).first()
    bundle = viewer_client.get(f"/api/cases/{undecided.pk}/fhir").json()
    assert resources(bundle, "CarePlan") == [] and resources(bundle, "DetectedIssue") == []


def test_export_command_writes_the_same_bundle(demo, viewer_client: Client) -> None:
    case = Case.objects.get(label="HCC-0101")
    out = io.StringIO()
    call_command("export_case", case.pk, "--format", "fhir", "--as-of", "2026-11-27", stdout=out)
    api = viewer_client.get(f"/api/cases/{case.pk}/fhir?as_of=2026-11-27").json()
    assert json.loads(out.getvalue()) == api
    assert api["timestamp"].startswith("2026-11-27")


def test_unknown_case_and_bad_date(viewer_client: Client) -> None:
    assert viewer_client.get("/api/cases/999/fhir").status_code == 404
    case = Case.objects.create(label="X-1")
    response = viewer_client.get(f"/api/cases/{case.pk}/fhir?as_of=yesterday")
    assert response.status_code == 400 and "as_of" in response.json()["errors"][0]
