"""Benchmark of the clinical engine: one case with 20 TACE sessions and 100 lab rows is parsed
once, then assessed repeatedly for a few seconds; prints assessments per second.

    .venv/bin/python bench/engine.py [seconds]
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cases.clinical import assess, parse_case_json

AS_OF = datetime.date(2026, 11, 27)


def day(offset: int) -> str:
    return (AS_OF - datetime.timedelta(days=offset)).isoformat()


def build_case() -> str:
    labs = [
        {
            "date": day(7 * i),
            "bilirubin_mg_dl": 1.0 + (i % 5) / 10,
            "albumin_g_dl": 3.9 - (i % 4) / 10,
            "inr": 1.1,
            "ast_u_l": 40 + i % 7,
            "platelets_10e9_l": 140,
            "afp_ng_ml": 85 + i,
            "pivka_mau_ml": 120 + 2 * i,
        }
        for i in range(100)
    ]
    sessions = [
        {
            "date": day(30 * i + 5),
            "technique": "ctace",
            "response": ["PR", "SD", "SD", "PD"][i % 4],
            "tumor_count_after": 3 + i % 2,
            "insufficient_lesion_response": i % 3 == 0,
            "new_vascular_invasion": False,
            "new_extrahepatic_spread": False,
        }
        for i in range(20)
    ]
    doc = {
        "format": "hcc-case/1",
        "as_of": AS_OF.isoformat(),
        "patient": {"label": "BENCH", "age": 64, "sex": "M", "weight_kg": 72, "ecog": 0, "etiology": "hbv"},
        "labs": labs,
        "clinical": [{"date": day(3), "ascites": "none", "encephalopathy": "none"}],
        "baseline_tumor_count": 3,
        "imaging": [
            {
                "date": day(10 + 60 * i),
                "nodule_count": 3,
                "largest_cm": 4.2,
                "liver_involvement_pct": 20,
                "portal_vein_invasion": "none",
                "hepatic_vein_invasion": False,
                "bile_duct_invasion": False,
                "extrahepatic_spread": False,
            }
            for i in range(5)
        ],
        "endoscopies": [{"date": day(100), "varices": "small", "varices_treated": True}],
        "tace_sessions": sessions,
        "systemic_therapies": [],
        "contraindications": {"immunotherapy": False, "bevacizumab": False, "note": ""},
        "proposal": "atezolizumab_bevacizumab",
    }
    return json.dumps(doc)


def main(seconds: float = 3.0) -> float:
    parsed = parse_case_json(build_case())
    assess(parsed.facts, parsed.as_of, parsed.proposal)  # warm-up
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(100):
            assess(parsed.facts, parsed.as_of, parsed.proposal)
        count += 100
    rate = count / (time.perf_counter() - start)
    print(f"{rate:,.0f} assessments/s ({count} in {seconds:g} s; 20 TACE sessions, 100 lab rows)")
    # Cold: a fresh CaseFacts instance every time, so its date-sorted index is rebuilt each call
    # (what a web request that loads the case from the database pays).
    count = 0
    start = time.perf_counter()
    deadline = start + seconds / 3
    while time.perf_counter() < deadline:
        for _ in range(100):
            assess(dataclasses.replace(parsed.facts), parsed.as_of, parsed.proposal)
        count += 100
    cold = count / (time.perf_counter() - start)
    print(f"{cold:,.0f} assessments/s with a fresh CaseFacts each time (index rebuilt)")
    return rate


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
