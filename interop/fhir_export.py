"""A case as a FHIR R4 Bundle (type ``collection``): the case file's facts as mCODE-style resources.

The input is the case file (hcc-case/1) that the assessment service writes for a case
(`CaseAssessment.case_document()`), so FHIR and JSON carry the same facts; the board's signed
decision, when there is one, adds a CarePlan and one DetectedIssue per flag of the assessment it froze.
Values not recorded are left out, never written as normal. Every Bundle is checked by the R4B models of
`fhir.resources` before it leaves (`validated`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from interop import codes as c

Resource = dict[str, Any]
# Stable ids: the same case exports to the same Bundle (a diff shows what changed).
_NAMESPACE = uuid.UUID("6f1e3f0e-6b43-4d36-9d0e-6c2f0b3c1a11")


@dataclass(frozen=True)
class SignedDecision:
    """What the CarePlan carries: the board's signed plan and what the assessment said then."""

    plan: str
    plan_label: str
    signed_at: str  # ISO date-time
    concordance: str
    concordance_why: str
    rationale: str
    assessment: Mapping[str, Any]  # the frozen hcc-assessment/1 document


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    out = {"system": system, "code": str(code)}
    if display:
        out["display"] = display
    return out


def concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)]}


def fhir_value(value: Any, spec: c.Value) -> dict[str, Any]:
    """``{"valueX": …}`` for one recorded value."""
    if spec.type == "quantity":
        return {"valueQuantity": {"value": value, "unit": spec.unit, "system": c.UCUM, "code": spec.unit}}
    if spec.type == "code":
        return {"valueCodeableConcept": concept(c.local(spec.codes), value)}
    return {f"value{spec.type.capitalize()}": value}


def _absent() -> dict[str, Any]:
    return {"dataAbsentReason": concept(c.DATA_ABSENT, "unknown", "Unknown")}


class _Builder:
    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.label = doc.get("patient", {}).get("label") or "unlabelled"
        self.as_of: str = doc["as_of"]
        self.entries: list[Resource] = []
        self.patient_ref = self.url("Patient", "patient")

    def url(self, resource_type: str, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.label}/{resource_type}/{key}')}"

    def add(self, resource: Resource, key: str, profile: str | None = None) -> str:
        full_url = self.url(resource["resourceType"], key)
        # The id is the uuid of the fullUrl, so a reference reads either way (urn:uuid:… or Type/id).
        meta = {"meta": {"profile": [profile]}} if profile else {}
        resource = {
            "resourceType": resource["resourceType"],
            "id": full_url.removeprefix("urn:uuid:"),
            **meta,
            **resource,
        }
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    def observation(self, code: c.Concept | dict[str, Any], date: str | None, **body: Any) -> Resource:
        """An Observation of the patient; ``code`` is one of our concepts or a CodeableConcept."""
        if isinstance(code, c.Concept):
            code = concept(code.system, code.code, code.display)
        out: Resource = {"resourceType": "Observation", "status": "final", "code": code}
        out["subject"] = {"reference": self.patient_ref}
        if date:
            out["effectiveDateTime"] = date
        return {**out, **body}


def _components(record: Mapping[str, Any], specs: tuple[c.Concept, ...]) -> list[dict[str, Any]]:
    return [
        {"code": concept(s.system, s.code, s.display), **fhir_value(record[s.field], s.value)}
        for s in specs
        if record.get(s.field) is not None
    ]


def _patient(b: _Builder) -> None:
    patient = b.doc.get("patient", {})
    resource: Resource = {"resourceType": "Patient"}
    if patient.get("label"):
        resource["identifier"] = [{"system": c.LABEL_SYSTEM, "value": patient["label"]}]
    if patient.get("sex"):
        resource["gender"] = c.SEX_TO_GENDER[patient["sex"]]
    if patient.get("age") is not None:
        # The birth year only (no names, no birthday): the age on the assessment date.
        resource["birthDate"] = f"{int(b.as_of[:4]) - patient['age']:04d}"
    b.add(resource, "patient", c.PROFILES["patient"])


def _conditions(b: _Builder) -> None:
    category = [concept(c.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]
    hcc = {"resourceType": "Condition", "category": category, "code": {"coding": c.HCC_CODINGS}}
    b.add({**hcc, "subject": {"reference": b.patient_ref}}, "hcc", c.PROFILES["condition"])
    etiology = b.doc.get("patient", {}).get("etiology")
    if etiology:
        code = concept(c.ETIOLOGY_SYSTEM, etiology)
        b.add(
            {
                "resourceType": "Condition",
                "category": category,
                "code": code,
                "subject": {"reference": b.patient_ref},
            },
            "etiology",
        )


def _lookup(doc: Mapping[str, Any], dotted: str) -> Any:
    head, _, tail = dotted.partition(".")
    return doc.get(head, {}).get(tail) if tail else doc.get(head)


def _case_observations(b: _Builder) -> None:
    for spec in c.CASE_OBSERVATIONS:
        value = _lookup(b.doc, spec.field)
        if value is not None and value != "":  # an empty note is no note
            b.add(b.observation(spec, b.as_of, **fhir_value(value, spec.value)), spec.field, spec.profile)


def _labs(b: _Builder) -> None:
    category = [concept(c.OBSERVATION_CATEGORY, "laboratory", "Laboratory")]
    for i, row in enumerate(b.doc.get("labs", [])):
        written = False
        for lab in c.LABS:
            if row.get(lab.field) is None:
                continue
            body = fhir_value(row[lab.field], c.Value("quantity", lab.unit))
            code = concept(lab.system, lab.code, lab.display)
            resource = b.observation(code, row["date"], category=category, **body)
            b.add(resource, f"lab/{i}/{lab.field}", c.PROFILES["tumor_marker" if lab.tumor_marker else "lab"])
            written = True
        if not written:  # a dated draw with no value still counts as a record of that date
            b.add(b.observation(c.LAB_DRAW, row["date"], category=category, **_absent()), f"lab/{i}")


def _clinical(b: _Builder) -> None:
    category = [concept(c.OBSERVATION_CATEGORY, "exam", "Exam")]
    for i, row in enumerate(b.doc.get("clinical", [])):
        for spec in c.CLINICAL:
            value = row.get(spec.field)
            if value is None and (spec is not c.CLINICAL[0] or any(row.get(s.field) for s in c.CLINICAL)):
                continue  # an empty record is kept as one "ascites: unknown" observation
            body = fhir_value(value, spec.value) if value is not None else _absent()
            b.add(b.observation(spec, row["date"], category=category, **body), f"clinical/{i}/{spec.field}")


def _imaging(b: _Builder) -> None:
    category = [concept(c.OBSERVATION_CATEGORY, "imaging", "Imaging")]
    for i, row in enumerate(b.doc.get("imaging", [])):
        code = concept(c.FINDING, *c.IMAGING_CODE)
        components = _components(row, c.IMAGING)
        body: dict[str, Any] = {"component": components} if components else _absent()
        b.add(b.observation(code, row["date"], category=category, **body), f"imaging/{i}")


def _endoscopies(b: _Builder) -> None:
    category = [concept(c.OBSERVATION_CATEGORY, "procedure", "Procedure")]
    for i, row in enumerate(b.doc.get("endoscopies", [])):
        body = fhir_value(row["varices"], c.VARICES.value) if row.get("varices") else _absent()
        components = _components(row, (c.VARICES_TREATED,))
        if components:
            body["component"] = components
        b.add(b.observation(c.VARICES, row["date"], category=category, **body), f"endoscopy/{i}")


def _tace(b: _Builder) -> None:
    for i, row in enumerate(b.doc.get("tace_sessions", [])):
        technique = row.get("technique") or ""
        procedure = {
            "resourceType": "Procedure",
            "status": "completed",
            "code": concept(c.TACE_SYSTEM, technique or "tace", c.TACE_TECHNIQUES[technique]),
            "subject": {"reference": b.patient_ref},
            "performedDateTime": row["date"],
        }
        ref = b.add(procedure, f"tace/{i}")
        response_fields = ("response", "response_date", *(s.field for s in c.RESPONSE_COMPONENTS))
        if all(row.get(name) is None for name in response_fields):
            continue
        body = fhir_value(row["response"], c.RESPONSE.value) if row.get("response") else _absent()
        components = _components(row, c.RESPONSE_COMPONENTS)
        if components:
            body["component"] = components
        observation = b.observation(c.RESPONSE, row.get("response_date"), partOf=[{"reference": ref}], **body)
        b.add(observation, f"tace/{i}/response")


def _therapies(b: _Builder) -> None:
    for i, row in enumerate(b.doc.get("systemic_therapies", [])):
        outcome = row["outcome"]
        period = {"start": row["start"], **({"end": row["end"]} if row.get("end") else {})}
        resource: Resource = {
            "resourceType": "MedicationStatement",
            "status": {"ongoing": "active", "stopped": "stopped"}.get(outcome, "completed"),
            "statusReason": [concept(c.OUTCOME_SYSTEM, outcome)],
            "medicationCodeableConcept": concept(c.REGIMEN_SYSTEM, row["regimen"]),
            "subject": {"reference": b.patient_ref},
            "effectivePeriod": period,
        }
        if row.get("tolerated") is not None:
            resource["extension"] = [{"url": c.TOLERATED_EXTENSION, "valueBoolean": row["tolerated"]}]
        b.add(resource, f"therapy/{i}", c.PROFILES["medication"])


def _decision(b: _Builder, decision: SignedDecision) -> None:
    assessment = decision.assessment
    rule_set = str(assessment.get("rule_set", ""))
    issues = []
    for flag in assessment.get("flags", []):
        issue = {
            "resourceType": "DetectedIssue",
            "status": "final",
            "code": {
                "coding": [{**coding(c.RULE_SYSTEM, flag["id"]), "version": rule_set}],
                "text": flag["text"],
            },
            "severity": c.FLAG_SEVERITY.get(flag["severity"], "low"),
            "patient": {"reference": b.patient_ref},
            "identifiedDateTime": assessment.get("as_of", b.as_of),
            # The citation is text (a guideline and its trial), not a URI: it goes with the detail.
            "detail": f"{flag['text']} Source: {flag['citation']}." if flag.get("citation") else flag["text"],
        }
        issues.append({"reference": b.add(issue, f"flag/{flag['id']}")})
    activities = [
        {
            "detail": {
                "kind": "MedicationRequest",
                "code": concept(c.REGIMEN_SYSTEM, option["regimen"]),
                "status": "not-started",
                "statusReason": concept(c.OPTION_STATUS_SYSTEM, option["status"]),
                **({"description": option["dose"]} if option.get("dose") else {}),
            }
        }
        for option in assessment.get("options", [])
    ]
    plan = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": f"Tumor board decision: {decision.plan_label}",
        "description": decision.rationale or decision.plan_label,
        "category": [concept(c.PLAN_SYSTEM, decision.plan, decision.plan_label)],
        "subject": {"reference": b.patient_ref},
        "created": decision.signed_at,
        "addresses": [{"reference": b.url("Condition", "hcc")}],
        "supportingInfo": issues,
        "activity": activities,
        "note": [{"text": f"Rule set {rule_set}. {decision.concordance_why}".strip()}],
        "extension": [{"url": c.CONCORDANCE_EXTENSION, "valueCode": decision.concordance}],
    }
    b.add(plan, "decision")


def case_bundle(doc: Mapping[str, Any], decision: SignedDecision | None = None) -> Resource:
    """The FHIR Bundle of one case file (and its signed decision, if any), checked by fhir.resources."""
    b = _Builder(doc)
    for part in (
        _patient,
        _conditions,
        _case_observations,
        _labs,
        _clinical,
        _imaging,
        _endoscopies,
        _tace,
        _therapies,
    ):
        part(b)
    if decision is not None:
        _decision(b, decision)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": f"{b.as_of}T00:00:00Z",
        "entry": b.entries,
    }
    validated(bundle)
    return bundle


def validated(bundle: Mapping[str, Any]) -> Bundle:
    """The Bundle as fhir.resources' R4B model; raises pydantic's ValidationError."""
    return Bundle.model_validate(bundle)
