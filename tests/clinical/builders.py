"""Compact builders for case documents (hcc-case/1).

``make_case()`` is a complete, unremarkable case as of 2026-11-27: Child-Pugh A5, ECOG 0, three
nodules, two non-responses in a row within six months (refractory), recent endoscopy with treated
varices, no contraindications — atezolizumab + bevacizumab is recommended. Each test changes only
what its rule is about.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from cases.clinical import Assessment, assess, parse_case

AS_OF = "2026-11-27"


def lab(date: str = "2026-11-20", **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date": date,
        "bilirubin_mg_dl": 1.0,
        "albumin_g_dl": 3.9,
        "inr": 1.1,
        "ast_u_l": 40,
        "platelets_10e9_l": 140,
        "afp_ng_ml": 85,
        "pivka_mau_ml": 120,
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None or k == "date"}


def only(date: str, **values: Any) -> dict[str, Any]:
    """A lab record carrying only the given analytes."""
    return {"date": date, **values}


def clinical(
    date: str = "2026-11-20", ascites: str | None = "none", encephalopathy: str | None = "none"
) -> dict[str, Any]:
    out: dict[str, Any] = {"date": date}
    if ascites is not None:
        out["ascites"] = ascites
    if encephalopathy is not None:
        out["encephalopathy"] = encephalopathy
    return out


def imaging(date: str = "2026-11-10", **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date": date,
        "nodule_count": 3,
        "largest_cm": 4.2,
        "liver_involvement_pct": 20,
        "portal_vein_invasion": "none",
        "hepatic_vein_invasion": False,
        "bile_duct_invasion": False,
        "extrahepatic_spread": False,
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def session(date: str, response: str | None = "SD", **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date": date,
        "technique": "ctace",
        "response": response,
        "tumor_count_after": 3,
        "insufficient_lesion_response": False,
        "new_vascular_invasion": False,
        "new_extrahepatic_spread": False,
    }
    base.update(values)
    return {k: v for k, v in base.items() if v is not None}


def endoscopy(
    date: str = "2026-08-01", varices: str | None = "small", varices_treated: bool | None = True
) -> dict[str, Any]:
    out: dict[str, Any] = {"date": date}
    if varices is not None:
        out["varices"] = varices
    if varices_treated is not None:
        out["varices_treated"] = varices_treated
    return out


def therapy(
    regimen: str, start: str, outcome: str, end: str | None = None, tolerated: bool | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"regimen": regimen, "start": start, "outcome": outcome}
    if end is not None:
        out["end"] = end
    if tolerated is not None:
        out["tolerated"] = tolerated
    return out


REFRACTORY_SESSIONS = [
    session("2026-04-01", "PR"),
    session("2026-07-01", "SD"),
    session("2026-09-15", "SD"),
]


def make_case(**overrides: Any) -> dict[str, Any]:
    """A complete case document; keyword arguments replace top-level keys (None removes one).
    ``patient__ecog=1`` style keys change one field of an object (patient, contraindications)."""
    doc: dict[str, Any] = {
        "format": "hcc-case/1",
        "as_of": AS_OF,
        "patient": {"label": "T", "age": 64, "sex": "M", "weight_kg": 72, "ecog": 0, "etiology": "hbv"},
        "labs": [lab()],
        "clinical": [clinical()],
        "baseline_tumor_count": 3,
        "imaging": [imaging()],
        "endoscopies": [endoscopy()],
        "tace_sessions": copy.deepcopy(REFRACTORY_SESSIONS),
        "systemic_therapies": [],
        "contraindications": {"immunotherapy": False, "bevacizumab": False, "note": ""},
    }
    for key, value in overrides.items():
        if "__" in key:
            obj, field = key.split("__", 1)
            if value is None:
                doc[obj].pop(field, None)
            else:
                doc[obj][field] = value
        elif value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def run(doc: dict[str, Any], proposal: str | None = None) -> Assessment:
    parsed = parse_case(doc)
    return assess(parsed.facts, parsed.as_of, proposal if proposal is not None else parsed.proposal)


def out(doc: dict[str, Any], proposal: str | None = None) -> dict[str, Any]:
    return run(doc, proposal).to_dict()


def status(a: Assessment, regimen: str) -> str:
    return a.option(regimen).status


def flag_ids(a: Assessment) -> list[str]:
    return [f.id for f in a.flags]


def days_before(days: int, as_of: str = AS_OF) -> str:
    return (datetime.date.fromisoformat(as_of) - datetime.timedelta(days=days)).isoformat()


def days_after(date: str, days: int) -> str:
    return (datetime.date.fromisoformat(date) + datetime.timedelta(days=days)).isoformat()
