"""PIT-* checks on the board's proposed plan (RULES.md §7) and flag ordering."""

from __future__ import annotations

import pytest

from cases.clinical import assess, parse_case

from .builders import clinical, endoscopy, flag_ids, imaging, lab, make_case, run, therapy

CP_B = {"labs": [lab(bilirubin_mg_dl=2.2, albumin_g_dl=3.0)]}
CP_C = {
    "labs": [lab(bilirubin_mg_dl=3.5, albumin_g_dl=2.5, inr=1.9)],
    "clinical": [clinical(ascites="moderate_severe")],
}
AFTER_SORA = [therapy("sorafenib", "2025-07-01", "progression", end="2026-10-15", tolerated=True)]


def stops(a: object) -> list[str]:
    return sorted(f.id for f in a.flags if f.severity == "stop")  # type: ignore[attr-defined]


def test_no_proposal_no_pit_flags() -> None:
    a = run(make_case(**CP_C))
    assert not [f for f in flag_ids(a) if f.startswith("PIT-")]


@pytest.mark.parametrize(
    "proposal, case, expected",
    [
        ("adjuvant_sorafenib_after_tace", {}, "PIT-ADJ-SORA"),
        ("tace_sorafenib", {}, "PIT-TACE-SORA"),
        ("sorafenib", CP_C, "PIT-CPC"),
        ("continue_tace", CP_C, "PIT-CPC"),
        ("resection", CP_C, "PIT-CPC"),
        ("atezolizumab_bevacizumab", {"endoscopies": []}, "PIT-AB-EGD"),
        (
            "tace_durvalumab_bevacizumab",
            {"endoscopies": [endoscopy(varices="large", varices_treated=False)]},
            "PIT-AB-EGD",
        ),
        ("atezolizumab_bevacizumab", {"contraindications__bevacizumab": True}, "PIT-BEV-CI"),
        ("lenvatinib", {"imaging": [imaging(portal_vein_invasion="vp4")]}, "PIT-LEN-VP4"),
        ("tace_lenvatinib_pd1", {"imaging": [imaging(portal_vein_invasion="vp4")]}, "PIT-LEN-VP4"),
        ("tace_lenvatinib", {"imaging": [imaging(liver_involvement_pct=50)]}, "PIT-LEN-BURDEN"),
        ("regorafenib", {}, "PIT-REGO-INTOL"),
        (
            "regorafenib",
            {
                "systemic_therapies": [
                    therapy("sorafenib", "2025-07-01", "progression", end="2026-01-01", tolerated=False)
                ]
            },
            "PIT-REGO-INTOL",
        ),
        ("ramucirumab", {"systemic_therapies": AFTER_SORA, "labs": [lab(afp_ng_ml=399)]}, "PIT-RAM-AFP"),
        ("pembrolizumab", {"contraindications__immunotherapy": True}, "PIT-IO-CI"),
        ("tace_lenvatinib_pd1", {"contraindications__immunotherapy": True}, "PIT-IO-CI"),
    ],
)
def test_stop_flags(proposal: str, case: dict[str, object], expected: str) -> None:
    a = run(make_case(**case), proposal)
    f = a.flag(expected)
    assert f is not None and f.severity == "stop"
    assert f.text and f.citation


@pytest.mark.parametrize(
    "proposal, case, absent",
    [
        ("transplant_referral", CP_C, "PIT-CPC"),
        ("best_supportive_care", CP_C, "PIT-CPC"),
        ("atezolizumab_bevacizumab", {}, "PIT-AB-EGD"),
        ("lenvatinib", {"imaging": [imaging(liver_involvement_pct=49)]}, "PIT-LEN-BURDEN"),
        ("regorafenib", {"systemic_therapies": AFTER_SORA}, "PIT-REGO-INTOL"),
        ("ramucirumab", {"systemic_therapies": AFTER_SORA, "labs": [lab(afp_ng_ml=400)]}, "PIT-RAM-AFP"),
        ("sorafenib", {"contraindications__immunotherapy": True}, "PIT-IO-CI"),
    ],
)
def test_stop_flags_absent(proposal: str, case: dict[str, object], absent: str) -> None:
    assert absent not in flag_ids(run(make_case(**case), proposal))


def test_ramucirumab_low_afp_evidence() -> None:
    a = run(make_case(systemic_therapies=AFTER_SORA, labs=[lab(afp_ng_ml=399)]), "ramucirumab")
    f = a.flag("PIT-RAM-AFP")
    assert f is not None and f.to_dict()["evidence"] == {"afp_ng_ml": 399, "date": "2026-11-20"}


def test_pit_cpb_warning() -> None:
    a = run(make_case(**CP_B), "lenvatinib")
    f = a.flag("PIT-CPB")
    assert f is not None and f.severity == "warning"
    assert "PIT-NOT-INDICATED" in flag_ids(a)


def test_pit_unverified_names_missing_inputs() -> None:
    a = run(make_case(patient__ecog=None), "sorafenib")
    f = a.flag("PIT-UNVERIFIED")
    assert f is not None and f.severity == "warning"
    assert "patient.ecog" in f.text
    assert f.to_dict()["evidence"]["missing"] == ["patient.ecog"]  # type: ignore[index]


def test_pit_not_indicated_gives_reasons() -> None:
    a = run(make_case(systemic_therapies=[therapy("lenvatinib", "2026-10-01", "ongoing")]), "sorafenib")
    f = a.flag("PIT-NOT-INDICATED")
    assert f is not None and "ON-THERAPY" in f.text
    b = run(make_case(), "regorafenib")  # first line: not a first-line drug
    assert b.flag("PIT-NOT-INDICATED") is not None


def test_continue_tace_while_refractory() -> None:
    f = run(make_case(), "continue_tace").flag("PIT-CONTINUE-REFRACTORY")
    assert f is not None and f.severity == "warning"
    assert f.to_dict()["evidence"] == {"criteria_met": ["TR-NORESP"]}


@pytest.mark.parametrize(
    "proposal", ["tace_lenvatinib", "tace_lenvatinib_pd1", "tace_durvalumab_bevacizumab"]
)
def test_investigational_combinations(proposal: str) -> None:
    a = run(make_case(), proposal)
    assert a.flag("PIT-INVESTIGATIONAL") is not None
    assert a.flag("PIT-LIVER-MONITOR") is not None


@pytest.mark.parametrize(
    "proposal, systemic",
    [
        ("cabozantinib", True),
        ("adjuvant_sorafenib_after_tace", True),
        ("resection", False),
        ("clinical_trial", False),
    ],
)
def test_liver_monitor_info_for_systemic_plans(proposal: str, systemic: bool) -> None:
    f = run(make_case(), proposal).flag("PIT-LIVER-MONITOR")
    assert (f is not None) is systemic
    if f is not None:
        assert f.severity == "info"


def test_flags_sorted_stop_warning_info_then_id() -> None:
    a = run(
        make_case(endoscopies=[], contraindications__bevacizumab=None, **CP_B), "tace_durvalumab_bevacizumab"
    )
    order = {"stop": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity], f.id) for f in a.flags]
    assert keys == sorted(keys)
    assert next(f.severity for f in a.flags) == "stop"


def test_stop_severity_only_on_pit_flags() -> None:
    a = run(make_case(endoscopies=[], imaging=[imaging(portal_vein_invasion="vp4")], patient__ecog=2))
    assert all(f.id.startswith("PIT-") for f in a.flags if f.severity == "stop")
    assert stops(a) == []


def test_argument_proposal_wins_over_document() -> None:
    parsed = parse_case(make_case(proposal="tace_sorafenib"))
    a = assess(parsed.facts, parsed.as_of, "continue_tace")
    assert a.proposal == "continue_tace"
    assert "PIT-TACE-SORA" not in flag_ids(a)


def test_unknown_proposal_is_refused() -> None:
    parsed = parse_case(make_case())
    with pytest.raises(ValueError):
        assess(parsed.facts, parsed.as_of, "homeopathy")
