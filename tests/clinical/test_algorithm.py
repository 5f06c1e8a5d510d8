"""ALG-1..ALG-5, BSC/OUTSIDE/UNKNOWN, the path, and the ALG-5 reassessment clock."""

from __future__ import annotations

import pytest

from .builders import clinical, days_before, imaging, lab, make_case, out, run, session, therapy

CP_C = {
    "labs": [lab(bilirubin_mg_dl=3.5, albumin_g_dl=2.5, inr=1.9)],
    "clinical": [clinical(ascites="moderate_severe")],
}
ONGOING = [therapy("atezolizumab_bevacizumab", "2026-06-01", "ongoing")]


@pytest.mark.parametrize(
    "case, step, path",
    [
        ({}, "ALG-2", ["ALG-1", "ALG-2"]),
        ({"contraindications__immunotherapy": True}, "ALG-3", ["ALG-1", "ALG-2", "ALG-3"]),
        (
            {
                "systemic_therapies": [
                    therapy("sorafenib", "2025-07-01", "progression", end="2026-10-01", tolerated=True)
                ]
            },
            "ALG-4",
            ["ALG-1", "ALG-2", "ALG-3", "ALG-4"],
        ),
        (
            {
                "systemic_therapies": [
                    therapy("atezolizumab_bevacizumab", "2025-07-01", "progression", end="2026-10-01")
                ]
            },
            "ALG-4",
            ["ALG-1", "ALG-2", "ALG-4"],
        ),
        ({"systemic_therapies": ONGOING}, "ALG-5", ["ALG-1", "ALG-2", "ALG-5"]),
        (
            {
                "systemic_therapies": [
                    therapy("atezolizumab_bevacizumab", "2025-07-01", "progression", end="2026-01-01"),
                    therapy("lenvatinib", "2026-01-10", "ongoing"),
                ]
            },
            "ALG-5",
            ["ALG-1", "ALG-2", "ALG-4", "ALG-5"],
        ),
        ({"tace_sessions": [session("2026-09-01", "PR")]}, "ALG-1", ["ALG-1"]),
        ({"tace_sessions": []}, "ALG-1", ["ALG-1"]),
        (CP_C, "BSC", ["ALG-1", "BSC"]),
        ({"patient__ecog": 2}, "OUTSIDE", ["ALG-1", "OUTSIDE"]),
        ({"patient__ecog": None}, "UNKNOWN", ["ALG-1", "UNKNOWN"]),
        ({"patient__ecog": None, "tace_sessions": []}, "UNKNOWN", ["UNKNOWN"]),
        ({"tace_sessions": [], "imaging": []}, "UNKNOWN", ["UNKNOWN"]),
        ({"tace_sessions": [], "imaging": [imaging(extrahepatic_spread=True)]}, "ALG-2", ["ALG-2"]),
    ],
)
def test_current_step_and_path(case: dict[str, object], step: str, path: list[str]) -> None:
    alg = out(make_case(**case))["algorithm"]
    assert alg["current_step"] == step
    assert alg["path"] == path


def test_clock_is_null_when_not_on_therapy() -> None:
    assert out(make_case())["algorithm"]["reassessment"] is None


@pytest.mark.parametrize("days, overdue", [(56, False), (91, False), (92, True)])
def test_reassessment_clock(days: int, overdue: bool) -> None:
    date = days_before(days)
    a = run(make_case(systemic_therapies=ONGOING, imaging=[imaging(date)]))
    clock = a.to_dict()["algorithm"]["reassessment"]
    assert clock["overdue"] is overdue
    assert clock["due_from"] == days_before(0 if days == 56 else days - 56)
    assert clock["due_by"] == days_before(days - 91)
    assert (a.flag("ALG-5-OVERDUE") is not None) is overdue


def test_no_imaging_is_overdue() -> None:
    a = run(make_case(systemic_therapies=ONGOING, imaging=[]))
    assert a.to_dict()["algorithm"]["reassessment"] == {"due_from": None, "due_by": None, "overdue": True}
    f = a.flag("ALG-5-OVERDUE")
    assert f is not None and f.severity == "warning"
    assert "imaging.date" in a.missing


def test_clock_runs_whatever_the_gates_say() -> None:
    a = run(make_case(systemic_therapies=ONGOING, imaging=[imaging("2026-06-01")], **CP_C))
    assert a.algorithm.current_step == "BSC"
    assert a.algorithm.reassessment is not None and a.algorithm.reassessment.overdue
