"""Parse a case document (CASE_FORMAT.md, hcc-case/1) into ``CaseFacts``.

Every problem is collected (the parser never stops at the first) and reported as one message
naming the field path, e.g. ``labs[0].albumin_g_dl: 35 is outside 0.5–7 g/dL``. Nothing is
clamped or guessed: a value outside its plausible range is an error, never a silent correction.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .facts import (
    LAB_ANALYTES,
    CaseFacts,
    ClinicalFinding,
    Contraindications,
    Endoscopy,
    Imaging,
    LabResult,
    Patient,
    SystemicTherapy,
    TaceSession,
)
from .ranges import RANGES, range_problem
from .vocab import (
    ASCITES,
    ENCEPHALOPATHY,
    ETIOLOGIES,
    FORMAT_CASE,
    MRECIST_RESPONSES,
    PORTAL_VEIN_INVASION,
    PROPOSALS,
    REGIMENS,
    SEXES,
    TACE_TECHNIQUES,
    THERAPY_OUTCOMES,
    VARICES,
)


class CaseFormatError(ValueError):
    """The document is not a valid hcc-case/1 case; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems: list[str] = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class ParsedCase:
    """A parsed document: the facts plus the document's own ``as_of`` and ``proposal``."""

    facts: CaseFacts
    as_of: datetime.date
    proposal: str | None = None


class _Obj(dict[str, Any]):
    """A JSON object that remembers which keys were repeated in the text."""

    repeated: tuple[str, ...] = ()


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _Obj:
    obj = _Obj()
    repeated: list[str] = []
    for key, value in pairs:
        if key in obj and key not in repeated:
            repeated.append(key)
        obj[key] = value
    obj.repeated = tuple(repeated)
    return obj


# --- field kinds -------------------------------------------------------------------------------

_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _json_repr(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)[:60]
    except (TypeError, ValueError):
        return repr(value)[:60]


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, (int, float)):
        return f"a number ({_json_repr(value)})"
    if isinstance(value, str):
        return f"a string ({_json_repr(value)})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# A field reader: (value, path, problems) -> converted value or None (problem recorded).
_Reader = Callable[[object, str, list[str]], object]


def _number(range_field: str) -> _Reader:
    def read(value: object, path: str, problems: list[str]) -> object:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{path}: expected a number, got {_type_name(value)}")
            return None
        try:
            as_float = float(value)
        except OverflowError:
            problems.append(f"{path}: {value} is far outside the plausible range")
            return None
        problem = range_problem(range_field, as_float, path)
        if problem is not None:
            problems.append(problem)
            return None
        if RANGES[range_field].whole:
            return int(as_float)
        return value

    return read


def _choice(choices: tuple[str, ...]) -> _Reader:
    def read(value: object, path: str, problems: list[str]) -> object:
        if not isinstance(value, str):
            problems.append(f"{path}: expected one of {', '.join(choices)}, got {_type_name(value)}")
            return None
        if value not in choices:
            problems.append(f"{path}: {_json_repr(value)} is not one of {', '.join(choices)}")
            return None
        return value

    return read


def _boolean(value: object, path: str, problems: list[str]) -> object:
    if not isinstance(value, bool):
        problems.append(f"{path}: expected true or false, got {_type_name(value)}")
        return None
    return value


def _text(value: object, path: str, problems: list[str]) -> object:
    if not isinstance(value, str):
        problems.append(f"{path}: expected a text, got {_type_name(value)}")
        return None
    return value


def _date(value: object, path: str, problems: list[str]) -> object:
    if not isinstance(value, str):
        problems.append(f"{path}: expected a date (YYYY-MM-DD), got {_type_name(value)}")
        return None
    if not _DATE_RE.match(value):
        problems.append(f"{path}: {_json_repr(value)} is not a date in the form YYYY-MM-DD")
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{path}: {_json_repr(value)} is not a valid calendar date")
        return None


@dataclass(frozen=True)
class _Field:
    reader: _Reader
    required: bool = False


def _spec(**fields: _Field) -> dict[str, _Field]:
    return fields


_PATIENT: Final = _spec(
    label=_Field(_text),
    age=_Field(_number("age")),
    sex=_Field(_choice(SEXES)),
    weight_kg=_Field(_number("weight_kg")),
    ecog=_Field(_number("ecog")),
    etiology=_Field(_choice(ETIOLOGIES)),
)
_LAB: Final = {"date": _Field(_date, required=True)} | {a: _Field(_number(a)) for a in LAB_ANALYTES}
_CLINICAL: Final = _spec(
    date=_Field(_date, required=True),
    ascites=_Field(_choice(ASCITES)),
    encephalopathy=_Field(_choice(ENCEPHALOPATHY)),
)
_IMAGING: Final = _spec(
    date=_Field(_date, required=True),
    nodule_count=_Field(_number("nodule_count")),
    largest_cm=_Field(_number("largest_cm")),
    liver_involvement_pct=_Field(_number("liver_involvement_pct")),
    portal_vein_invasion=_Field(_choice(PORTAL_VEIN_INVASION)),
    hepatic_vein_invasion=_Field(_boolean),
    bile_duct_invasion=_Field(_boolean),
    extrahepatic_spread=_Field(_boolean),
)
_ENDOSCOPY: Final = _spec(
    date=_Field(_date, required=True),
    varices=_Field(_choice(VARICES)),
    varices_treated=_Field(_boolean),
)
_TACE: Final = _spec(
    date=_Field(_date, required=True),
    technique=_Field(_choice(TACE_TECHNIQUES)),
    response=_Field(_choice(MRECIST_RESPONSES)),
    response_date=_Field(_date),
    tumor_count_after=_Field(_number("tumor_count_after")),
    insufficient_lesion_response=_Field(_boolean),
    new_vascular_invasion=_Field(_boolean),
    new_extrahepatic_spread=_Field(_boolean),
)
_SYSTEMIC: Final = _spec(
    regimen=_Field(_choice(REGIMENS), required=True),
    start=_Field(_date, required=True),
    end=_Field(_date),
    outcome=_Field(_choice(THERAPY_OUTCOMES), required=True),
    tolerated=_Field(_boolean),
)
_CONTRAINDICATIONS: Final = _spec(
    immunotherapy=_Field(_boolean),
    bevacizumab=_Field(_boolean),
    note=_Field(_text),
)
_LISTS: Final = {
    "labs": _LAB,
    "clinical": _CLINICAL,
    "imaging": _IMAGING,
    "endoscopies": _ENDOSCOPY,
    "tace_sessions": _TACE,
    "systemic_therapies": _SYSTEMIC,
}
_TOP_KEYS: Final = (
    "format",
    "as_of",
    "patient",
    "labs",
    "clinical",
    "baseline_tumor_count",
    "imaging",
    "endoscopies",
    "tace_sessions",
    "systemic_therapies",
    "contraindications",
    "proposal",
)


def _read_object(
    obj: object, path: str, spec: Mapping[str, _Field], problems: list[str]
) -> dict[str, object] | None:
    """Read one JSON object against its field spec. Returns None when it is not an object or a
    required field is missing or invalid (its problems are recorded either way)."""
    if not isinstance(obj, dict):
        problems.append(f"{path}: expected an object, got {_type_name(obj)}")
        return None
    prefix = f"{path}." if path else ""
    for key in getattr(obj, "repeated", ()):
        problems.append(f"{prefix}{key}: key repeated within one object")
    values: dict[str, object] = {}
    complete = True
    for key in obj:
        if str(key) not in spec:
            problems.append(f"{prefix}{key}: unknown key")
    for key, fld in spec.items():
        raw = obj.get(key)
        if raw is None:
            if fld.required:
                problems.append(f"{prefix}{key}: required")
                complete = False
            values[key] = None
            continue
        before = len(problems)
        value = fld.reader(raw, f"{prefix}{key}", problems)
        if value is None and len(problems) > before and fld.required:
            complete = False
        values[key] = value
    return values if complete else None


def _read_list(
    doc: Mapping[str, object], key: str, problems: list[str]
) -> list[tuple[int, dict[str, object]]]:
    raw = doc.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(f"{key}: expected a list, got {_type_name(raw)}")
        return []
    out: list[tuple[int, dict[str, object]]] = []
    for i, item in enumerate(raw):
        if item is None:
            problems.append(f"{key}[{i}]: null is not allowed inside a list")
            continue
        values = _read_object(item, f"{key}[{i}]", _LISTS[key], problems)
        if values is not None:
            out.append((i, values))
    return out


def _check_not_after(value: object, as_of: datetime.date | None, path: str, problems: list[str]) -> None:
    if as_of is not None and isinstance(value, datetime.date) and value > as_of:
        problems.append(f"{path}: {value.isoformat()} is after as_of {as_of.isoformat()}")


def _check_dates(
    key: str,
    rows: list[tuple[int, dict[str, object]]],
    date_keys: tuple[str, ...],
    as_of: datetime.date | None,
    problems: list[str],
) -> None:
    for i, row in rows:
        for dk in date_keys:
            _check_not_after(row.get(dk), as_of, f"{key}[{i}].{dk}", problems)


def _check_same_date(
    key: str, rows: list[tuple[int, dict[str, object]]], what: str, problems: list[str]
) -> None:
    """Two clinical, imaging, endoscopy or TACE records on one date are an error (CASE_FORMAT.md)."""
    seen: dict[object, int] = {}
    for i, row in rows:
        d = row["date"]
        if d in seen:
            assert isinstance(d, datetime.date)
            problems.append(
                f"{key}[{i}].date: {d.isoformat()} repeats the date of {key}[{seen[d]}] "
                f"(two {what} on one date)"
            )
        else:
            seen[d] = i


def _check_lab_repeats(rows: list[tuple[int, dict[str, object]]], problems: list[str]) -> None:
    """Two lab records on one date are an error only when they repeat an analyte."""
    seen: dict[tuple[object, str], int] = {}
    for i, row in rows:
        d = row["date"]
        for analyte in LAB_ANALYTES:
            if row.get(analyte) is None:
                continue
            if (d, analyte) in seen:
                assert isinstance(d, datetime.date)
                problems.append(
                    f"labs[{i}].{analyte}: repeats labs[{seen[(d, analyte)]}].{analyte} "
                    f"on {d.isoformat()} (one analyte twice on one date)"
                )
            else:
                seen[(d, analyte)] = i


def _as(value: object, kind: type[Any]) -> Any:
    return value if isinstance(value, kind) else None


def parse_case_document(doc: object) -> ParsedCase:
    """Parse a decoded JSON document (dict) into a ``ParsedCase``; raise ``CaseFormatError``."""
    problems: list[str] = []
    if not isinstance(doc, dict):
        raise CaseFormatError([f"(document): expected a JSON object, got {_type_name(doc)}"])
    for key in getattr(doc, "repeated", ()):
        problems.append(f"{key}: key repeated within one object")
    for key in doc:
        if key not in _TOP_KEYS:
            problems.append(f"{key}: unknown key")

    fmt = doc.get("format")
    if fmt is None:
        problems.append("format: required")
    elif fmt != FORMAT_CASE:
        problems.append(f"format: expected {json.dumps(FORMAT_CASE)}, got {_json_repr(fmt)}")

    as_of: datetime.date | None = None
    if doc.get("as_of") is None:
        problems.append("as_of: required")
    else:
        as_of = _as(_date(doc["as_of"], "as_of", problems), datetime.date)

    proposal: str | None = None
    if doc.get("proposal") is not None:
        proposal = _as(_choice(PROPOSALS)(doc["proposal"], "proposal", problems), str)

    patient = Patient()
    if doc.get("patient") is not None:
        pv = _read_object(doc["patient"], "patient", _PATIENT, problems)
        if pv is not None:
            patient = Patient(**pv)  # type: ignore[arg-type]

    baseline: int | None = None
    if doc.get("baseline_tumor_count") is not None:
        baseline = _as(
            _number("baseline_tumor_count")(doc["baseline_tumor_count"], "baseline_tumor_count", problems),
            int,
        )

    contraindications = Contraindications()
    if doc.get("contraindications") is not None:
        cv = _read_object(doc["contraindications"], "contraindications", _CONTRAINDICATIONS, problems)
        if cv is not None:
            contraindications = Contraindications(**cv)  # type: ignore[arg-type]

    labs = _read_list(doc, "labs", problems)
    _check_dates("labs", labs, ("date",), as_of, problems)
    _check_lab_repeats(labs, problems)

    clinical = _read_list(doc, "clinical", problems)
    _check_dates("clinical", clinical, ("date",), as_of, problems)
    _check_same_date("clinical", clinical, "clinical records", problems)

    imaging = _read_list(doc, "imaging", problems)
    _check_dates("imaging", imaging, ("date",), as_of, problems)
    _check_same_date("imaging", imaging, "imaging studies", problems)

    endoscopies = _read_list(doc, "endoscopies", problems)
    _check_dates("endoscopies", endoscopies, ("date",), as_of, problems)
    _check_same_date("endoscopies", endoscopies, "endoscopies", problems)

    sessions = _read_list(doc, "tace_sessions", problems)
    _check_dates("tace_sessions", sessions, ("date", "response_date"), as_of, problems)
    _check_same_date("tace_sessions", sessions, "TACE sessions", problems)
    for i, row in sessions:
        rd, d = row.get("response_date"), row["date"]
        if isinstance(rd, datetime.date) and isinstance(d, datetime.date) and rd < d:
            problems.append(
                f"tace_sessions[{i}].response_date: {rd.isoformat()} is before the session "
                f"date {d.isoformat()}"
            )

    therapies = _read_list(doc, "systemic_therapies", problems)
    _check_dates("systemic_therapies", therapies, ("start", "end"), as_of, problems)
    first_ongoing: int | None = None
    for i, row in therapies:
        start, end = row["start"], row.get("end")
        if row["outcome"] == "ongoing":
            if end is not None:
                problems.append(f"systemic_therapies[{i}].end: an ongoing therapy cannot have an end date")
            if first_ongoing is None:
                first_ongoing = i
            else:
                problems.append(
                    f"systemic_therapies[{i}].outcome: a second ongoing therapy "
                    f"(systemic_therapies[{first_ongoing}] is ongoing too); at most one may be ongoing"
                )
        if isinstance(end, datetime.date) and isinstance(start, datetime.date) and end < start:
            problems.append(
                f"systemic_therapies[{i}].end: {end.isoformat()} is before the start {start.isoformat()}"
            )

    if problems or as_of is None:
        raise CaseFormatError(problems or ["as_of: required"])

    facts = CaseFacts(
        patient=patient,
        labs=tuple(LabResult(**row) for _, row in labs),  # type: ignore[arg-type]
        clinical=tuple(ClinicalFinding(**row) for _, row in clinical),  # type: ignore[arg-type]
        baseline_tumor_count=baseline,
        imaging=tuple(Imaging(**row) for _, row in imaging),  # type: ignore[arg-type]
        endoscopies=tuple(Endoscopy(**row) for _, row in endoscopies),  # type: ignore[arg-type]
        tace_sessions=tuple(TaceSession(**row) for _, row in sessions),  # type: ignore[arg-type]
        systemic_therapies=tuple(SystemicTherapy(**row) for _, row in therapies),  # type: ignore[arg-type]
        contraindications=contraindications,
    )
    return ParsedCase(facts=facts, as_of=as_of, proposal=proposal)


def loads_case_json(text: str | bytes) -> object:
    """Decode JSON text, remembering keys repeated within one object; raise CaseFormatError."""
    try:
        return json.loads(text, object_pairs_hook=_pairs_hook)
    except json.JSONDecodeError as exc:
        raise CaseFormatError([f"(document): invalid JSON: {exc}"]) from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise CaseFormatError([f"(document): unreadable JSON: {exc}"]) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits (Python's conversion limit)
        raise CaseFormatError([f"(document): unreadable JSON: {str(exc)[:120]}"]) from None


def parse_case_json(text: str | bytes) -> ParsedCase:
    """Parse JSON text into a ``ParsedCase``; raise ``CaseFormatError`` listing every problem."""
    return parse_case_document(loads_case_json(text))


def parse_case(source: str | bytes | Mapping[str, object]) -> ParsedCase:
    """Parse JSON text or an already decoded document (dict)."""
    if isinstance(source, (str, bytes)):
        return parse_case_json(source)
    return parse_case_document(dict(source) if not isinstance(source, dict) else source)
