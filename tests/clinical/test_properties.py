"""Property tests over generated case documents, with any subset of fields missing."""

from __future__ import annotations

import copy
import datetime
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.clinical import Assessment, assess, parse_case
from cases.clinical.vocab import (
    ASCITES,
    ENCEPHALOPATHY,
    MRECIST_RESPONSES,
    PORTAL_VEIN_INVASION,
    PROPOSALS,
    REGIMENS,
    VARICES,
)

AS_OF = datetime.date(2026, 11, 27)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Path = tuple[Any, ...]


def day(offset: int) -> str:
    return (AS_OF - datetime.timedelta(days=offset)).isoformat()


def num(lo: float, hi: float, places: int = 1) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False).map(lambda x: round(x, places))


def dates(max_size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, 700), min_size=0, max_size=max_size, unique=True)


@st.composite
def complete_case(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": "hcc-case/1", "as_of": AS_OF.isoformat()}
    doc["patient"] = {
        "label": "P",
        "age": draw(st.integers(18, 90)),
        "sex": draw(st.sampled_from(["M", "F", "X"])),
        "weight_kg": draw(num(40, 100)),
        "ecog": draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4])),
        "etiology": "hbv",
    }
    doc["labs"] = [
        {
            "date": day(o),
            "bilirubin_mg_dl": draw(num(0.3, 4.0)),
            "albumin_g_dl": draw(num(2.0, 4.6)),
            "inr": draw(num(0.9, 2.6)),
            "ast_u_l": draw(st.integers(10, 200)),
            "platelets_10e9_l": draw(st.integers(40, 300)),
            "afp_ng_ml": draw(st.integers(0, 2000)),
            "pivka_mau_ml": draw(st.integers(0, 2000)),
        }
        for o in draw(dates(4))
    ]
    doc["clinical"] = [
        {
            "date": day(o),
            "ascites": draw(st.sampled_from(ASCITES)),
            "encephalopathy": draw(st.sampled_from(ENCEPHALOPATHY)),
        }
        for o in draw(dates(2))
    ]
    doc["baseline_tumor_count"] = draw(st.integers(0, 6))
    doc["imaging"] = [
        {
            "date": day(o),
            "nodule_count": draw(st.integers(0, 6)),
            "largest_cm": draw(num(0.5, 12)),
            "liver_involvement_pct": draw(st.integers(0, 80)),
            "portal_vein_invasion": draw(st.sampled_from(PORTAL_VEIN_INVASION)),
            "hepatic_vein_invasion": draw(st.booleans()),
            "bile_duct_invasion": draw(st.booleans()),
            "extrahepatic_spread": draw(st.booleans()),
        }
        for o in draw(dates(2))
    ]
    doc["endoscopies"] = [
        {"date": day(o), "varices": draw(st.sampled_from(VARICES)), "varices_treated": draw(st.booleans())}
        for o in draw(dates(2))
    ]
    doc["tace_sessions"] = [
        {
            "date": day(o),
            "technique": "ctace",
            "response": draw(st.sampled_from(MRECIST_RESPONSES)),
            "tumor_count_after": draw(st.integers(0, 6)),
            "insufficient_lesion_response": draw(st.booleans()),
            "new_vascular_invasion": draw(st.booleans()),
            "new_extrahepatic_spread": draw(st.booleans()),
        }
        for o in draw(dates(4))
    ]
    therapies = []
    for o in draw(dates(3)):
        length = draw(st.integers(0, o))
        therapies.append(
            {
                "regimen": draw(st.sampled_from(REGIMENS)),
                "start": day(o),
                "end": day(o - length),
                "outcome": draw(st.sampled_from(["progression", "intolerance", "stopped"])),
                "tolerated": draw(st.booleans()),
            }
        )
    if therapies and draw(st.booleans()):
        last = max(therapies, key=lambda t: t["start"])
        last["outcome"] = "ongoing"
        del last["end"]
    doc["systemic_therapies"] = therapies
    doc["contraindications"] = {
        "immunotherapy": draw(st.booleans()),
        "bevacizumab": draw(st.booleans()),
        "note": "",
    }
    proposal = draw(st.one_of(st.none(), st.sampled_from(PROPOSALS)))
    if proposal is not None:
        doc["proposal"] = proposal
    return doc


REQUIRED = {"date", "regimen", "start", "outcome", "format", "as_of", "proposal"}


def removable(doc: dict[str, Any]) -> list[Path]:
    """Every optional key of the document, as a path."""
    paths: list[Path] = []
    for key, value in doc.items():
        if key in REQUIRED:
            continue
        paths.append((key,))
        if isinstance(value, dict):
            paths.extend((key, k) for k in value)
        elif isinstance(value, list):
            for i, rec in enumerate(value):
                paths.extend((key, i, k) for k in rec if k not in REQUIRED)
    return paths


def without(doc: dict[str, Any], paths: set[Path]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    for path in sorted(paths, key=len, reverse=True):
        target: Any = out
        for step in path[:-1]:
            target = target[step]
        target.pop(path[-1], None)
    return out


@st.composite
def case_and_removals(draw: st.DrawFn) -> tuple[dict[str, Any], set[Path]]:
    doc = draw(complete_case())
    paths = removable(doc)
    removed = draw(st.sets(st.sampled_from(paths), max_size=len(paths))) if paths else set()
    return doc, removed


def assessed(doc: dict[str, Any]) -> Assessment:
    parsed = parse_case(doc)
    return assess(parsed.facts, parsed.as_of, parsed.proposal)


GOOD = ("eligible", "recommended")


@SETTINGS
@given(case_and_removals())
def test_never_raises_and_is_deterministic(sample: tuple[dict[str, Any], set[Path]]) -> None:
    doc = without(*sample)
    first = assessed(doc).to_json()
    assert assessed(json.loads(json.dumps(doc))).to_json() == first
    data = json.loads(first)
    assert (
        next(o["regimen"] for o in data["options"]) == "atezolizumab_bevacizumab"
        and len(data["options"]) == 8
    )
    assert data["missing"] == sorted(set(data["missing"]))


@SETTINGS
@given(case_and_removals())
def test_at_most_one_recommended_and_nothing_with_child_pugh_c(
    sample: tuple[dict[str, Any], set[Path]],
) -> None:
    a = assessed(without(*sample))
    assert sum(o.status == "recommended" for o in a.options) <= 1
    if a.child_pugh.cp_class == "C":
        assert not [o for o in a.options if o.status in GOOD]
        assert {o.status for o in a.options} == {"contraindicated"}
    if a.line is None:
        assert not [o for o in a.options if o.status in GOOD]
    stops = [f for f in a.flags if f.severity == "stop"]
    assert all(f.id.startswith("PIT-") for f in stops)
    if a.proposal is None:
        assert not [f for f in a.flags if f.id.startswith("PIT-")]


def _latest(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    return max(records, key=lambda r: r["date"]) if records else None


@SETTINGS
@given(case_and_removals())
def test_no_option_eligible_when_its_inputs_are_missing(sample: tuple[dict[str, Any], set[Path]]) -> None:
    doc = without(*sample)
    a = assessed(doc)
    good = {o.regimen for o in a.options if o.status in GOOD}
    if not good:
        return
    patient = doc.get("patient", {})
    labs = doc.get("labs", [])
    clin = _latest(doc.get("clinical", []))
    ci = doc.get("contraindications", {})
    # The gate's inputs must all be recorded.
    assert patient.get("ecog") is not None
    for analyte in ("bilirubin_mg_dl", "albumin_g_dl", "inr"):
        assert any(r.get(analyte) is not None for r in labs), analyte
    assert clin is not None and clin.get("ascites") is not None and clin.get("encephalopathy") is not None
    if "atezolizumab_bevacizumab" in good:
        assert ci.get("immunotherapy") is not None and ci.get("bevacizumab") is not None
        assert doc.get("endoscopies")
    if good & {"durvalumab_tremelimumab", "pembrolizumab"}:
        assert ci.get("immunotherapy") is not None
    if "lenvatinib" in good:
        img = _latest(doc.get("imaging", []))
        assert img is not None
        assert img.get("portal_vein_invasion") is not None and img.get("liver_involvement_pct") is not None
    if "regorafenib" in good:
        soras = [t for t in doc.get("systemic_therapies", []) if t["regimen"] == "sorafenib"]
        assert soras and max(soras, key=lambda t: t["start"]).get("tolerated") is True
    if "ramucirumab" in good:
        assert any(r.get("afp_ng_ml") is not None for r in labs)


# Inputs each contraindicating reason is about.
ABOUT = {
    "GATE-CPC": {"labs", "clinical", "bilirubin_mg_dl", "albumin_g_dl", "inr", "ascites", "encephalopathy"},
    "OPT-AB-CI": {"contraindications", "immunotherapy", "bevacizumab"},
    "OPT-IO-CI": {"contraindications", "immunotherapy"},
    "OPT-LEN-VP4": {"imaging", "portal_vein_invasion"},
    "OPT-LEN-BURDEN": {"imaging", "liver_involvement_pct"},
    "OPT-REGO-TOL": {"systemic_therapies", "tolerated"},
}


@SETTINGS
@given(case_and_removals(), st.data())
def test_adding_a_value_keeps_a_contraindication(
    sample: tuple[dict[str, Any], set[Path]], data: st.DataObject
) -> None:
    doc, removed = sample
    if not removed:
        return
    restored = data.draw(st.sampled_from(sorted(removed, key=repr)))
    before = assessed(without(doc, removed))
    after = assessed(without(doc, removed - {restored}))
    about = {p for p in restored if isinstance(p, str)}
    for b, f in zip(before.options, after.options, strict=False):
        if b.status == "contraindicated" and f.status != "contraindicated":
            related = set().union(*(ABOUT.get(r, set()) for r in b.reasons))
            assert about & related, (b, f, restored)


@SETTINGS
@given(case_and_removals(), st.data())
def test_filling_in_an_unrecorded_response_that_cannot_change_the_verdict_changes_nothing(
    sample: tuple[dict[str, Any], set[Path]], data: st.DataObject
) -> None:
    """Change A: when TR-NORESP stands with a response unrecorded, recording that response (with
    any value) leaves the verdict — and so the whole assessment — as it was. Only ART's response
    item may move, since ART reads recorded responses; recording a skipped value (pending, NE)
    changes nothing at all."""
    doc = without(*sample)
    sessions = doc.get("tace_sessions", [])
    blanks = [i for i, s in enumerate(sessions) if "response" not in s]
    if not blanks:
        return
    before = assessed(doc)
    if before.refractoriness.criterion("TR-NORESP").status == "insufficient_data":
        return
    index = data.draw(st.sampled_from(blanks))
    value = data.draw(st.sampled_from(MRECIST_RESPONSES))
    filled = copy.deepcopy(doc)
    filled["tace_sessions"][index]["response"] = value
    after = assessed(filled)
    b, f = before.to_dict(), after.to_dict()
    if value in ("pending", "NE"):
        assert f == b
    b["scores"].pop("art")  # type: ignore[union-attr]
    f["scores"].pop("art")  # type: ignore[union-attr]
    assert f == b
