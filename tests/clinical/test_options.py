"""Gates (RULES.md §4), first- and second-line options and DOSE-LEN (RULES.md §5)."""

from __future__ import annotations

import pytest

from cases.clinical.vocab import OPTION_REGIMENS

from .builders import (
    clinical,
    days_before,
    endoscopy,
    flag_ids,
    imaging,
    lab,
    make_case,
    only,
    out,
    run,
    session,
    status,
    therapy,
)

AB, DT, LEN, SORA = "atezolizumab_bevacizumab", "durvalumab_tremelimumab", "lenvatinib", "sorafenib"
REGO, CABO, PEMBRO, RAM = "regorafenib", "cabozantinib", "pembrolizumab", "ramucirumab"
CP_B = {"labs": [lab(bilirubin_mg_dl=2.2, albumin_g_dl=3.0)]}  # B7
CP_C = {
    "labs": [lab(bilirubin_mg_dl=3.5, albumin_g_dl=2.5, inr=1.9)],
    "clinical": [clinical(ascites="moderate_severe")],
}


def test_options_list_all_eight_in_order() -> None:
    d = out(make_case())
    assert [o["regimen"] for o in d["options"]] == list(OPTION_REGIMENS)
    assert all("dose" in o and "reasons" in o for o in d["options"])


# --- gates ------------------------------------------------------------------------------------


def test_gate_cpc_contraindicates_everything() -> None:
    a = run(make_case(**CP_C))
    assert {o.status for o in a.options} == {"contraindicated"}
    assert all(o.reasons == ("GATE-CPC",) for o in a.options)
    assert a.line is None
    f = a.flag("GATE-CPC")
    assert f is not None and f.severity == "warning"


def test_gate_ecog_2() -> None:
    a = run(make_case(patient__ecog=2))
    assert {o.status for o in a.options} == {"not_indicated"}
    assert all("GATE-ECOG" in o.reasons for o in a.options)
    assert a.algorithm.current_step == "OUTSIDE" and a.line is None


def test_gate_cpb() -> None:
    a = run(make_case(**CP_B))
    assert {o.status for o in a.options} == {"not_indicated"}
    assert "GATE-CPB" in flag_ids(a)


def test_every_applying_gate_is_listed() -> None:
    a = run(make_case(patient__ecog=2, **CP_C))
    assert a.option(SORA).reasons == ("GATE-CPC", "GATE-ECOG")
    assert {"GATE-CPC", "GATE-ECOG"} <= set(flag_ids(a))
    b = run(make_case(patient__ecog=3, **CP_B))
    assert b.option(SORA).reasons == ("GATE-ECOG", "GATE-CPB")


def test_unknown_ecog_makes_every_option_insufficient() -> None:
    a = run(make_case(patient__ecog=None))
    assert {o.status for o in a.options} == {"insufficient_data"}
    assert all(o.missing == ("patient.ecog",) for o in a.options)
    assert a.missing == ("patient.ecog",)
    assert a.algorithm.current_step == "UNKNOWN"


def test_unknown_child_pugh_names_items() -> None:
    a = run(make_case(labs=[lab(inr=None)]))
    assert a.option(AB).status == "insufficient_data"
    assert a.option(AB).missing == ("labs.inr",)


# --- ON-THERAPY -------------------------------------------------------------------------------


def test_on_therapy() -> None:
    a = run(make_case(systemic_therapies=[therapy(LEN, "2026-10-01", "ongoing")]))
    assert {o.status for o in a.options} == {"not_indicated"}
    assert all(o.reasons == ("ON-THERAPY",) for o in a.options)
    assert a.line is None and a.algorithm.current_step == "ALG-5"
    assert "ON-THERAPY" not in flag_ids(a)


def test_on_therapy_listed_with_gate() -> None:
    a = run(make_case(systemic_therapies=[therapy(LEN, "2026-10-01", "ongoing")], **CP_B))
    assert a.option(AB).reasons == ("GATE-CPB", "ON-THERAPY")
    assert a.algorithm.current_step == "OUTSIDE"
    assert a.algorithm.reassessment is not None


# --- no TACE, not refractory ------------------------------------------------------------------


def test_not_refractory_continue_tace() -> None:
    a = run(make_case(tace_sessions=[session("2026-06-01", "PR"), session("2026-09-01", "CR")]))
    assert {o.status for o in a.options} == {"not_indicated"}
    assert all(o.reasons == ("ALG-CONTINUE-TACE",) for o in a.options)
    assert a.line is None
    assert "ALG-CONTINUE-TACE" not in flag_ids(a)


def test_no_tace_without_advanced_features() -> None:
    a = run(make_case(tace_sessions=[]))
    assert all(o.reasons == ("ALG-NO-TACE",) and o.status == "not_indicated" for o in a.options)
    assert a.algorithm.current_step == "ALG-1" and a.algorithm.path == ("ALG-1",)


def test_no_tace_with_vascular_invasion_is_first_line() -> None:
    a = run(make_case(tace_sessions=[], imaging=[imaging(portal_vein_invasion="vp2")]))
    assert a.line == 1 and a.recommended == AB
    assert a.algorithm.path == ("ALG-2",)


def test_no_tace_imaging_silent_is_insufficient() -> None:
    a = run(make_case(tace_sessions=[], imaging=[imaging(extrahepatic_spread=None)]))
    assert {o.status for o in a.options} == {"insufficient_data"}
    assert a.option(AB).missing == ("imaging.extrahepatic_spread",)
    assert a.algorithm.current_step == "UNKNOWN"
    b = run(make_case(tace_sessions=[], imaging=[]))
    assert "imaging.date" in b.missing


# --- first line -------------------------------------------------------------------------------


@pytest.mark.parametrize("age, want", [(183, "recommended"), (184, "needs_workup")])
def test_endoscopy_age_183_vs_184_days(age: int, want: str) -> None:
    a = run(make_case(endoscopies=[endoscopy(days_before(age))]))
    assert status(a, AB) == want
    if want == "needs_workup":
        assert a.option(AB).reasons == ("OPT-AB-EGD",)
        assert a.recommended is None
        assert "OPT-AB-EGD" in flag_ids(a)


def test_no_endoscopy_names_endoscopies_date() -> None:
    a = run(make_case(endoscopies=[]))
    assert status(a, AB) == "needs_workup"
    assert a.missing == ("endoscopies.date",)
    f = a.flag("OPT-AB-EGD")
    assert f is not None and f.to_dict()["evidence"] == {"endoscopy_date": None}


@pytest.mark.parametrize(
    "varices, treated, want",
    [
        ("none", None, "recommended"),
        ("large", True, "recommended"),
        ("large", False, "needs_workup"),
        ("small", None, "needs_workup"),
        (None, None, "needs_workup"),
    ],
)
def test_varices_absent_or_treated(varices: str | None, treated: bool | None, want: str) -> None:
    assert (
        status(run(make_case(endoscopies=[endoscopy(varices=varices, varices_treated=treated)])), AB) == want
    )


def test_ab_contraindicated_lenvatinib_recommended() -> None:
    a = run(make_case(contraindications__bevacizumab=True))
    assert status(a, AB) == "contraindicated" and a.option(AB).reasons == ("OPT-AB-CI",)
    assert status(a, LEN) == "recommended"
    assert status(a, DT) == "eligible"
    assert a.algorithm.current_step == "ALG-3"
    assert "OPT-AB-CI" in flag_ids(a)


def test_ab_contraindication_beats_missing_endoscopy() -> None:
    a = run(make_case(contraindications__immunotherapy=True, endoscopies=[]))
    assert status(a, AB) == "contraindicated"
    assert status(a, DT) == "contraindicated" and a.option(DT).reasons == ("OPT-IO-CI",)
    assert "endoscopies.date" not in a.missing


def test_unrecorded_contraindication_is_insufficient_before_workup() -> None:
    a = run(make_case(contraindications__bevacizumab=None, endoscopies=[]))
    assert status(a, AB) == "insufficient_data"
    assert a.option(AB).missing == ("contraindications.bevacizumab",)
    assert status(a, DT) == "eligible"
    assert a.recommended is None


def test_durvalumab_tremelimumab_never_recommended() -> None:
    # Bevacizumab ruled out, lenvatinib ruled out by tumour burden: sorafenib is recommended while
    # durvalumab + tremelimumab stays an eligible alternative, never the recommendation.
    a = run(make_case(contraindications__bevacizumab=True, imaging=[imaging(liver_involvement_pct=60)]))
    assert status(a, DT) == "eligible"
    assert a.recommended == SORA


@pytest.mark.parametrize("pct, want", [(49, "recommended"), (49.9, "recommended"), (50, "contraindicated")])
def test_lenvatinib_burden_50(pct: float, want: str) -> None:
    a = run(make_case(contraindications__bevacizumab=True, imaging=[imaging(liver_involvement_pct=pct)]))
    assert status(a, LEN) == want
    if want == "contraindicated":
        assert a.option(LEN).reasons == ("OPT-LEN-BURDEN",)
        assert a.recommended == SORA


def test_lenvatinib_vp4_and_burden_both_listed() -> None:
    a = run(make_case(imaging=[imaging(portal_vein_invasion="vp4", liver_involvement_pct=60)]))
    assert a.option(LEN).reasons == ("OPT-LEN-VP4", "OPT-LEN-BURDEN")
    assert {"OPT-LEN-VP4", "OPT-LEN-BURDEN"} <= set(flag_ids(a))


def test_lenvatinib_insufficient_without_involvement_nothing_recommended() -> None:
    a = run(make_case(contraindications__bevacizumab=True, imaging=[imaging(liver_involvement_pct=None)]))
    assert status(a, LEN) == "insufficient_data"
    assert a.option(LEN).missing == ("imaging.liver_involvement_pct",)
    assert a.recommended is None
    assert status(a, SORA) == "eligible"


def test_lenvatinib_bile_duct_warning() -> None:
    a = run(make_case(imaging=[imaging(bile_duct_invasion=True)]))
    assert status(a, LEN) == "eligible" and "OPT-LEN-BILE" in a.option(LEN).reasons
    assert a.flag("OPT-LEN-BILE") is not None


@pytest.mark.parametrize("weight, dose", [(59.9, "8 mg once daily"), (60, "12 mg once daily"), (None, None)])
def test_lenvatinib_dose_by_weight(weight: float | None, dose: str | None) -> None:
    a = run(make_case(patient__weight_kg=weight))
    assert a.option(LEN).dose == dose
    assert ("patient.weight_kg" in a.missing) is (weight is None)


def test_weight_not_missing_when_lenvatinib_not_an_option() -> None:
    a = run(make_case(patient__weight_kg=None, tace_sessions=[]))
    assert a.option(LEN).dose is None
    assert "patient.weight_kg" not in a.missing


# --- second line ------------------------------------------------------------------------------


def test_after_atezolizumab_bevacizumab() -> None:
    a = run(make_case(systemic_therapies=[therapy(AB, "2025-07-01", "progression", end="2026-10-01")]))
    assert a.line == 2
    assert status(a, LEN) == "eligible" and status(a, SORA) == "eligible"
    assert "OPT-2L-AFTER-IO" in a.option(LEN).reasons
    # kr-2022.2 change G: cabozantinib eligible; ramucirumab by AFP (85 here); regorafenib not
    # indicated; immunotherapy again is the board's call.
    assert status(a, CABO) == "eligible" and "OPT-2L-AFTER-IO" in a.option(CABO).reasons
    assert status(a, RAM) == "not_indicated" and "OPT-RAM-AFP" in a.option(RAM).reasons
    assert status(a, REGO) == "not_indicated"
    assert {status(a, r) for r in (AB, DT, PEMBRO)} == {"no_guidance"}
    assert a.recommended is None
    f = a.flag("OPT-2L-AFTER-IO")
    assert f is not None and f.severity == "info"


def test_after_durvalumab_tremelimumab_lenvatinib_vp4() -> None:
    a = run(
        make_case(
            systemic_therapies=[therapy(DT, "2025-07-01", "intolerance", end="2025-09-01")],
            imaging=[imaging(portal_vein_invasion="vp4")],
        )
    )
    assert status(a, LEN) == "contraindicated" and status(a, SORA) == "eligible"


def test_after_sorafenib_progression() -> None:
    a = run(
        make_case(
            systemic_therapies=[therapy(SORA, "2025-07-01", "progression", end="2026-10-15", tolerated=True)],
            labs=[lab(afp_ng_ml=400)],
        )
    )
    assert [status(a, r) for r in OPTION_REGIMENS] == [
        "not_indicated",
        "not_indicated",
        "not_indicated",
        "not_indicated",
        "eligible",
        "eligible",
        "eligible",
        "eligible",
    ]
    assert a.recommended is None and a.algorithm.current_step == "ALG-4"


@pytest.mark.parametrize(
    "afp, want", [(399, "not_indicated"), (400, "eligible"), (None, "insufficient_data")]
)
def test_ramucirumab_afp_400(afp: float | None, want: str) -> None:
    a = run(
        make_case(
            systemic_therapies=[therapy(SORA, "2025-07-01", "progression", end="2026-10-15", tolerated=True)],
            labs=[lab(afp_ng_ml=afp)],
        )
    )
    assert status(a, RAM) == want
    if want != "eligible":
        assert a.option(RAM).reasons == ("OPT-RAM-AFP",)
    assert "OPT-RAM-AFP" not in flag_ids(a)


def test_ramucirumab_uses_latest_afp() -> None:
    a = run(
        make_case(
            systemic_therapies=[therapy(SORA, "2025-07-01", "progression", end="2026-10-15", tolerated=True)],
            labs=[lab(afp_ng_ml=None), only("2026-01-01", afp_ng_ml=900), only("2026-11-01", afp_ng_ml=390)],
        )
    )
    assert status(a, RAM) == "not_indicated"


@pytest.mark.parametrize(
    "outcome, tolerated, want",
    [
        ("progression", True, "eligible"),
        ("progression", False, "contraindicated"),
        ("intolerance", None, "contraindicated"),
        ("progression", None, "insufficient_data"),
    ],
)
def test_regorafenib_needs_tolerated_sorafenib(outcome: str, tolerated: bool | None, want: str) -> None:
    a = run(
        make_case(
            systemic_therapies=[therapy(SORA, "2025-07-01", outcome, end="2026-01-01", tolerated=tolerated)]
        )
    )
    assert status(a, REGO) == want
    if want == "insufficient_data":
        assert a.option(REGO).missing == ("systemic_therapies.tolerated",)
    assert ("OPT-REGO-TOL" in flag_ids(a)) is (want == "contraindicated")


def test_pembrolizumab_immunotherapy_contraindication() -> None:
    a = run(
        make_case(
            systemic_therapies=[therapy(SORA, "2025-07-01", "progression", end="2026-01-01", tolerated=True)],
            contraindications__immunotherapy=True,
        )
    )
    assert status(a, PEMBRO) == "contraindicated" and a.option(PEMBRO).reasons == ("OPT-IO-CI",)
    assert "OPT-IO-CI" in flag_ids(a)


@pytest.mark.parametrize(
    "therapies",
    [
        [therapy(LEN, "2025-07-01", "progression", end="2026-01-01")],
        [therapy("other", "2025-07-01", "intolerance", end="2026-01-01")],
        [
            therapy(AB, "2025-01-01", "progression", end="2025-06-01"),
            therapy(SORA, "2025-06-10", "progression", end="2026-01-01", tolerated=True),
        ],
    ],
)
def test_second_line_undefined(therapies: list[dict[str, object]]) -> None:
    a = run(make_case(systemic_therapies=therapies))
    assert {o.status for o in a.options} == {"no_guidance"}
    assert all(o.reasons == ("OPT-2L-UNDEFINED",) for o in a.options)
    assert a.line == 1 + len(therapies)
    assert a.algorithm.current_step == "ALG-4"
    f = a.flag("OPT-2L-UNDEFINED")
    assert f is not None and f.severity == "info"


def test_last_failed_regimen_by_start_date_decides() -> None:
    # Listed out of order; the stopped regimen does not count towards the line.
    a = run(
        make_case(
            systemic_therapies=[
                therapy(SORA, "2026-01-01", "progression", end="2026-06-01", tolerated=True),
                therapy(AB, "2025-01-01", "stopped", end="2025-06-01"),
            ]
        )
    )
    assert a.line == 2 and status(a, REGO) == "eligible"


def test_stopped_regimen_is_history_only() -> None:
    a = run(make_case(systemic_therapies=[therapy(AB, "2025-01-01", "stopped", end="2025-03-01")]))
    assert a.line == 1 and a.recommended == AB
