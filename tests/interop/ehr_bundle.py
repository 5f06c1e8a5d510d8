"""A hand-written EHR-style Bundle: LOINC-coded labs in the hospital's units (bilirubin in µmol/L,
albumin in g/L), a full birth date, an MRN, ids instead of urn:uuid references."""

from __future__ import annotations

from typing import Any

LOINC = "http://loinc.org"


def quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def lab(
    rid: str, code: str, value: float, unit: str, date: str = "2026-11-20T08:30:00+09:00"
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": date,
        "valueQuantity": quantity(value, unit),
    }


def ehr_bundle() -> dict[str, Any]:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"system": "urn:oid:1.2.410.100.1", "value": "MRN-0042"}],
        "gender": "female",
        "birthDate": "1958-12-24",
    }
    resources = [
        patient,
        {
            "resourceType": "Condition",
            "id": "c1",
            "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "C22.0"}]},
            "subject": {"reference": "Patient/p1"},
        },
        lab("o1", "14631-6", 20.5, "umol/L"),  # bilirubin, µmol/L → 1.2 mg/dL
        lab("o2", "1751-7", 38, "g/L"),  # albumin, g/L → 3.8 g/dL
        lab("o3", "6301-6", 1.1, "{INR}"),
        lab("o4", "777-3", 150, "10*9/L"),
        lab("o5", "1834-1", 12, "ng/mL"),
    ]
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
