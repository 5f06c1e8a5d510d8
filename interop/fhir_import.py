"""A FHIR R4 Bundle (ours, or a plain EHR export with the same resource types and codes) → a case file.

The Bundle is first checked by fhir.resources' R4B models (import refuses what they refuse, with
their messages), then read resource by resource into a case file (hcc-case/1), which the case
format's own parser checks (plausible ranges, dates, vocabularies): so a FHIR file and a JSON file
meet the same rules. Every resource that is not read is listed, and any problem refuses the whole
Bundle: nothing is half-imported. Units other than the rules' are converted (bilirubin in µmol/L,
albumin in g/L) or refused with the units we accept.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from cases.clinical.parse import CaseFormatError, ParsedCase, parse_case_document
from cases.clinical.vocab import FORMAT_CASE
from interop import codes as c
from interop.fhir_export import validated

MAX_BYTES = 5_000_000
MAX_ENTRIES = 2_000  # a case has tens of records; thousands are not a tumor-board case
MAX_DEPTH = 24  # our deepest element is ~10 levels down
MAX_PROBLEMS = 50

Json = dict[str, Any]
Spec = c.Concept


def loads_bundle(raw: bytes | str) -> Json:
    """Decode and check the JSON shape before anything else reads it (size, depth, entry count)."""
    if len(raw) > MAX_BYTES:
        raise CaseFormatError(
            [f"(file): {len(raw):,} bytes; a FHIR case file may have at most {MAX_BYTES:,}"]
        )
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError, or an integer of over 4,300 digits
        raise CaseFormatError([f"(file): not valid JSON ({str(error)[:200]})"]) from None
    except RecursionError:
        raise CaseFormatError([f"(file): nested deeper than {MAX_DEPTH} levels"]) from None
    if _depth(data) > MAX_DEPTH:
        raise CaseFormatError([f"(file): nested deeper than {MAX_DEPTH} levels"])
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        kind = data.get("resourceType") if isinstance(data, dict) else type(data).__name__
        raise CaseFormatError([f"resourceType: expected a FHIR Bundle, got {kind!r}"])
    entries = data.get("entry")
    if isinstance(entries, list) and len(entries) > MAX_ENTRIES:
        raise CaseFormatError(
            [f"entry: {len(entries):,} resources; a case Bundle may hold at most {MAX_ENTRIES:,}"]
        )
    return data


def _depth(value: Any) -> int:
    """Nesting depth, without recursion (a hostile file must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def library_problems(error: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(part) for part in e['loc']) or '(bundle)'}: {e['msg']} (FHIR R4 validation)"
        for e in error.errors()[:MAX_PROBLEMS]
    ]


def parse_bundle(raw: bytes | str, today: datetime.date) -> ParsedCase:
    """Read a FHIR Bundle into a parsed case (its facts and as-of date); raise CaseFormatError.

    The as-of date is the Bundle's timestamp (an export's assessment date), else ``today``."""
    data = loads_bundle(raw)
    try:
        validated(data)
    except ValidationError as error:
        raise CaseFormatError(library_problems(error)) from None
    return parse_bundle_data(data, today)


def parse_bundle_data(data: Mapping[str, Any], today: datetime.date, *, lenient: bool = False) -> ParsedCase:
    """Read an already validated Bundle. ``lenient`` (the CDS Hooks service, which reads an EHR's
    whole record and saves nothing) passes over resources it does not map instead of refusing."""
    reader = _Reader(data, today, lenient)
    reader.read()
    problems = list(reader.problems)
    if not problems:
        try:
            return parse_case_document(reader.doc)
        except CaseFormatError as error:
            problems = [reader.origin(problem) for problem in error.problems]
    raise CaseFormatError(problems[:MAX_PROBLEMS])


def _date(value: Any) -> str | None:
    """The date of a FHIR date or dateTime (a dateTime keeps its own calendar day); None if partial."""
    if isinstance(value, str) and len(value) >= 10:
        return value[:10]
    return None


def _codes(concept: Any) -> list[tuple[str, str]]:
    if not isinstance(concept, dict):
        return []
    return [
        (cd.get("system", ""), cd.get("code", "")) for cd in concept.get("coding", []) if isinstance(cd, dict)
    ]


def _has(concept: Any, system: str, code: str) -> bool:
    return (system, code) in _codes(concept)


def _code_in(concept: Any, system: str) -> str | None:
    return next((code for s, code in _codes(concept) if s == system), None)


class _Reader:
    def __init__(self, data: Mapping[str, Any], today: datetime.date, lenient: bool = False) -> None:
        self.lenient = lenient
        self.entries = [e for e in data.get("entry") or [] if isinstance(e, dict)]
        self.as_of = _date(data.get("timestamp")) or today.isoformat()
        self.doc: Json = {"format": FORMAT_CASE, "as_of": self.as_of, "patient": {}, "contraindications": {}}
        self.problems: list[str] = []
        self.origins: dict[str, str] = {}  # case-file path → the entry it came from
        self.labs: dict[str, Json] = {}
        self.clinical: dict[str, Json] = {}
        self.sessions: dict[str, Json] = {}  # by the procedure's fullUrl and Type/id
        self.session_list: list[Json] = []
        self.birth_date: str | None = None  # a year (our export) or a full date (an EHR)
        self.patients = 0

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def unmapped(self, where: str, text: str) -> None:
        if not self.lenient:
            self.problem(where, text)

    def origin(self, problem: str) -> str:
        path, _, text = problem.partition(":")
        for key in (path, path.rsplit(".", 1)[0]):
            if key in self.origins:
                return f"{self.origins[key]} ({path}):{text}"
        return problem

    def read(self) -> None:
        for i, entry in enumerate(self.entries):  # procedures first: responses point at them
            resource = entry.get("resource") or {}
            if resource.get("resourceType") == "Procedure":
                self.procedure(f"entry[{i}] Procedure", entry, resource)
        readers = {
            "Patient": self.patient,
            "Condition": self.condition,
            "Observation": self.observation,
            "MedicationStatement": self.medicationstatement,
            "CarePlan": self.careplan,
            "DetectedIssue": self.detectedissue,
        }
        for i, entry in enumerate(self.entries):
            resource = entry.get("resource") or {}
            kind = resource.get("resourceType")
            if kind == "Procedure":
                continue  # read above
            reader = readers.get(kind) if isinstance(kind, str) else None
            if reader is None:
                text = f"a resource of type {kind} is not something this app reads (not imported)"
                self.unmapped(f"entry[{i}] {kind}", text)
            else:
                reader(f"entry[{i}] {kind}", resource)
        if self.patients != 1:
            self.problem("entry", f"a case Bundle needs exactly one Patient, found {self.patients}")
        if self.birth_date is not None:
            born, as_of = self.birth_date, self.as_of
            # A full birth date gives the exact age; a year alone, the age our export wrote.
            before_birthday = len(born) >= 10 and as_of[5:10] < born[5:10]
            self.doc["patient"]["age"] = int(as_of[:4]) - int(born[:4]) - before_birthday
        self.doc["labs"] = list(self.labs.values())
        self.doc["clinical"] = list(self.clinical.values())
        self.doc["tace_sessions"] = self.session_list

    # -- resources ------------------------------------------------------------------------------

    def patient(self, where: str, resource: Json) -> None:
        self.patients += 1
        patient = self.doc["patient"]
        for identifier in resource.get("identifier", []):
            if identifier.get("system") == c.LABEL_SYSTEM:
                patient["label"] = identifier.get("value")
        if resource.get("gender") in c.GENDER_TO_SEX:
            patient["sex"] = c.GENDER_TO_SEX[resource["gender"]]
        if resource.get("birthDate"):
            self.birth_date = str(resource["birthDate"])
        self.origins["patient"] = where

    def condition(self, where: str, resource: Json) -> None:
        code = resource.get("code")
        if any(_has(code, cd["system"], cd["code"]) for cd in c.HCC_CODINGS):
            return  # the case's diagnosis: every case here is HCC
        etiology = _code_in(code, c.ETIOLOGY_SYSTEM)
        if etiology is None:
            self.unmapped(where, f"condition {_describe(code)} is not mapped (not imported)")
        else:
            self.doc["patient"]["etiology"] = etiology
            self.origins["patient.etiology"] = where

    def careplan(self, where: str, resource: Json) -> None:
        # Our export's board decision: derived from the case, recomputed here, so not imported.
        if not any(_code_in(cat, c.PLAN_SYSTEM) for cat in resource.get("category", [])):
            self.unmapped(where, "a care plan from elsewhere is not imported")

    def detectedissue(self, where: str, resource: Json) -> None:
        if _code_in(resource.get("code"), c.RULE_SYSTEM) is None:
            self.unmapped(where, "a detected issue from elsewhere is not imported")

    def procedure(self, where: str, entry: Json, resource: Json) -> None:
        technique = _code_in(resource.get("code"), c.TACE_SYSTEM)
        if technique is None:
            self.unmapped(where, f"procedure {_describe(resource.get('code'))} is not mapped (not imported)")
            return
        date = _date(
            resource.get("performedDateTime") or (resource.get("performedPeriod") or {}).get("start")
        )
        if date is None:
            self.problem(where, "a TACE session needs its full date (performedDateTime)")
            return
        session: Json = {"date": date}
        if technique != "tace":
            session["technique"] = technique
        rid = resource.get("id")
        for key in (entry.get("fullUrl"), rid and f"Procedure/{rid}", rid and f"urn:uuid:{rid}"):
            if key:
                self.sessions[key] = session
        self.origins[f"tace_sessions[{len(self.session_list)}]"] = where
        self.session_list.append(session)

    def medicationstatement(self, where: str, resource: Json) -> None:
        regimen = _code_in(resource.get("medicationCodeableConcept"), c.REGIMEN_SYSTEM)
        if regimen is None:
            self.unmapped(where, "medication is not coded with a regimen key (not imported)")
            return
        reasons = [_code_in(r, c.OUTCOME_SYSTEM) for r in resource.get("statusReason", [])]
        outcome = next((r for r in reasons if r), None) or (
            "ongoing" if resource.get("status") == "active" else None
        )
        if outcome is None:
            self.problem(where, "the therapy's outcome (statusReason) is not recorded; it is never assumed")
            return
        period = resource.get("effectivePeriod") or {}
        therapy: Json = {"regimen": regimen, "start": _date(period.get("start")), "outcome": outcome}
        if period.get("end"):
            therapy["end"] = _date(period["end"])
        for extension in resource.get("extension", []):
            if extension.get("url") == c.TOLERATED_EXTENSION:
                therapy["tolerated"] = extension.get("valueBoolean")
        therapies = self.doc.setdefault("systemic_therapies", [])
        self.origins[f"systemic_therapies[{len(therapies)}]"] = where
        therapies.append(therapy)

    def observation(self, where: str, resource: Json) -> None:
        code = resource.get("code")
        date = _date(
            resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start")
        )
        for spec in c.CASE_OBSERVATIONS:
            if _has(code, spec.system, spec.code):
                head, _, tail = spec.field.partition(".")
                target = self.doc[head] if tail else self.doc
                self.origins[spec.field] = where
                target[tail or head] = self.value(where, resource, spec.value)
                return
        for lab in c.LABS:
            if _has(code, lab.system, lab.code) or any(
                _has(code, c.LOINC, other) for other in lab.other_codes
            ):
                return self.lab(where, resource, lab, date)
        for spec in c.CLINICAL:
            if _has(code, spec.system, spec.code):
                return self.dated(where, resource, date, self.clinical, "clinical", {spec.field: spec})
        if _has(code, c.FINDING, c.IMAGING_CODE[0]):
            return self.listed(where, resource, date, "imaging", {}, c.IMAGING)
        if _has(code, c.VARICES.system, c.VARICES.code):
            return self.listed(
                where, resource, date, "endoscopies", {"varices": c.VARICES}, (c.VARICES_TREATED,)
            )
        if _has(code, c.RESPONSE.system, c.RESPONSE.code):
            return self.response(where, resource, date)
        if not _codes(code) and resource.get("dataAbsentReason") and date and code == c.LAB_DRAW:
            self.labs.setdefault(date, {"date": date})
            return None
        self.unmapped(where, f"observation {_describe(code)} is not mapped (not imported)")
        return None

    # -- observation kinds ----------------------------------------------------------------------

    def value(self, where: str, element: Json, spec: c.Value) -> Any:
        """The element's value in the case file's terms, or None when it is recorded as absent."""
        if element.get("dataAbsentReason"):
            return None
        key = f"value{spec.type.capitalize()}" if spec.type != "code" else "valueCodeableConcept"
        if spec.type == "quantity":
            key = "valueQuantity"
        if key not in element:
            present = [k for k in element if k.startswith("value")]
            self.problem(where, f"expected {key}, found {', '.join(present) or 'no value'}")
            return None
        value = element[key]
        if spec.type == "quantity":
            unit = value.get("code") or value.get("unit")
            if unit != spec.unit:
                self.problem(where, f"unit {unit!r} where {spec.unit!r} is expected")
            return value.get("value")
        if spec.type == "code":
            found = _code_in(value, c.local(spec.codes))
            if found is None:
                self.problem(where, f"value {_describe(value)} is not coded in {c.local(spec.codes)}")
            return found
        return value

    def lab(self, where: str, resource: Json, lab: c.Lab, date: str | None) -> None:
        if date is None:
            self.problem(where, "a lab result needs its full date (effectiveDateTime)")
            return
        row = self.labs.setdefault(date, {"date": date})
        index = list(self.labs).index(date)
        path = f"labs[{index}].{lab.field}"
        if lab.field in row:
            self.problem(where, f"a second {lab.display} on {date}")
            return
        self.origins[path] = where
        if resource.get("dataAbsentReason"):
            return
        quantity = resource.get("valueQuantity")
        if not isinstance(quantity, dict) or quantity.get("value") is None:
            self.problem(where, f"{lab.display}: expected valueQuantity with a value")
            return
        unit = quantity.get("code") or quantity.get("unit")
        value = quantity["value"]
        if unit == lab.unit:
            row[lab.field] = value
        elif unit in lab.conversions:
            # Converted to the unit the rules use; rounded to the precision a lab reports.
            row[lab.field] = round(float(value) * lab.conversions[unit], 2)
        else:
            accepted = ", ".join([lab.unit, *lab.conversions])
            self.problem(where, f"{lab.display}: unit {unit!r} is not one we convert (accepted: {accepted})")

    def dated(
        self,
        where: str,
        resource: Json,
        date: str | None,
        rows: dict[str, Json],
        name: str,
        specs: dict[str, Spec],
    ) -> None:
        if date is None:
            self.problem(where, f"a {name} finding needs its full date (effectiveDateTime)")
            return
        row = rows.setdefault(date, {"date": date})
        for field, spec in specs.items():
            if field in row:
                self.problem(where, f"a second {spec.display} on {date}")
                continue
            self.origins[f"{name}[{list(rows).index(date)}].{field}"] = where
            row[field] = self.value(where, resource, spec.value)

    def listed(
        self,
        where: str,
        resource: Json,
        date: str | None,
        name: str,
        value_specs: dict[str, Spec],
        components: tuple[Spec, ...],
    ) -> None:
        if date is None:
            self.problem(where, f"{name}: needs its full date (effectiveDateTime)")
            return
        record: Json = {"date": date}
        for field, spec in value_specs.items():
            record[field] = self.value(where, resource, spec.value)
        self.components(where, resource, components, record)
        rows = self.doc.setdefault(name, [])
        self.origins[f"{name}[{len(rows)}]"] = where
        rows.append(record)

    def components(self, where: str, resource: Json, specs: tuple[Spec, ...], record: Json) -> None:
        for i, component in enumerate(resource.get("component", [])):
            spec = next((s for s in specs if _has(component.get("code"), s.system, s.code)), None)
            if spec is None:
                self.unmapped(f"{where}.component[{i}]", f"{_describe(component.get('code'))} is not mapped")
            else:
                record[spec.field] = self.value(f"{where}.component[{i}]", component, spec.value)

    def response(self, where: str, resource: Json, date: str | None) -> None:
        targets = [ref.get("reference") for ref in resource.get("partOf", [])]
        session = next((self.sessions[t] for t in targets if t in self.sessions), None)
        if session is None:
            self.problem(where, "an mRECIST response must point at its TACE procedure (partOf)")
            return
        if date is not None:
            session["response_date"] = date
        session["response"] = self.value(where, resource, c.RESPONSE.value)
        self.components(where, resource, c.RESPONSE_COMPONENTS, session)


def _describe(concept: Any) -> str:
    shown = [f"{system}|{code}" for system, code in _codes(concept)]
    return ", ".join(shown) or (concept or {}).get("text") or "(no code)"
