"""SCORE-CP, SCORE-ALBI, SCORE-MORAL, SCORE-UP7, SCORE-BCLC, SCORE-ART and output rounding."""

from __future__ import annotations

import math

import pytest

from cases.clinical.results import round_half_away
from cases.clinical.scores import (
    albi_grade,
    albi_score,
    albumin_points,
    bilirubin_points,
    child_pugh_from,
    inr_points,
)

from .builders import clinical, imaging, lab, make_case, only, out, run, session


@pytest.mark.parametrize("value, points", [(1.99, 1), (2.0, 2), (2.5, 2), (3.0, 2), (3.01, 3), (50, 3)])
def test_bilirubin_bands_include_2_and_3(value: float, points: int) -> None:
    assert bilirubin_points(value) == points


@pytest.mark.parametrize("value, points", [(3.6, 1), (3.51, 1), (3.5, 2), (2.8, 2), (2.79, 3), (1.0, 3)])
def test_albumin_bands_include_2_8_and_3_5(value: float, points: int) -> None:
    assert albumin_points(value) == points


@pytest.mark.parametrize("value, points", [(1.69, 1), (1.7, 2), (2.3, 2), (2.31, 3)])
def test_inr_bands_include_1_7_and_2_3(value: float, points: int) -> None:
    assert inr_points(value) == points


def test_bilirubin_2_0_in_a_case_gives_a6() -> None:
    cp = out(make_case(labs=[lab(bilirubin_mg_dl=2.0)]))["scores"]["child_pugh"]
    assert cp["items"]["bilirubin"] == 2
    assert (cp["points"], cp["class"], cp["label"]) == (6, "A", "A6")


def test_albumin_3_5_and_inr_1_7_give_b7() -> None:
    cp = out(make_case(labs=[lab(bilirubin_mg_dl=2.0, albumin_g_dl=3.5, inr=1.7)]))["scores"]["child_pugh"]
    assert cp["items"] == {"bilirubin": 2, "albumin": 2, "inr": 2, "ascites": 1, "encephalopathy": 1}
    assert cp["label"] == "B8"


def test_class_c_inferred_with_missing_items() -> None:
    # bilirubin 3 + albumin 3 + INR 2 = 8 known; 2 bedside items missing → at least 10: class C.
    doc = make_case(labs=[lab(bilirubin_mg_dl=3.5, albumin_g_dl=2.5, inr=1.9)], clinical=[])
    a = run(doc)
    cp = a.to_dict()["scores"]["child_pugh"]
    assert cp["status"] == "insufficient_data"
    assert cp["class"] == "C" and cp["points"] is None
    assert cp["missing"] == ["clinical.date"]
    assert all(o.status == "contraindicated" for o in a.options)
    assert a.algorithm.current_step == "BSC"
    assert a.bclc.stage == "D"
    # Child-Pugh items stay named at the top level even though class C is certain.
    assert "clinical.date" in a.missing


def test_class_never_inferred_a_or_b_from_incomplete_score() -> None:
    # 7 known + 2 missing = 9 at best: could be B or C, so no class.
    doc = make_case(
        labs=[lab(bilirubin_mg_dl=2.5, albumin_g_dl=3.0, inr=1.8)],
        clinical=[clinical(ascites=None, encephalopathy="grade_1_2")],
    )
    cp = run(doc).child_pugh
    assert cp.cp_class is None and cp.points is None
    assert cp.missing == ("clinical.ascites",)
    a = run(doc)
    assert {o.status for o in a.options} == {"insufficient_data"}
    assert a.algorithm.current_step == "UNKNOWN"
    assert "clinical.ascites" in a.missing


def test_child_pugh_c12_vignette_values() -> None:
    cp = child_pugh_from(3.5, 2.5, 1.9, "moderate_severe", "none")
    assert (cp.points, cp.cp_class, cp.label) == (12, "C", "C12")


def test_latest_clinical_record_is_not_filled_from_older_one() -> None:
    doc = make_case(clinical=[clinical("2026-10-01"), clinical("2026-11-20", encephalopathy=None)])
    cp = run(doc).child_pugh
    assert cp.status == "insufficient_data"
    assert cp.missing == ("clinical.encephalopathy",)


def test_labs_are_latest_per_analyte() -> None:
    doc = make_case(labs=[lab("2026-10-01", albumin_g_dl=3.0), only("2026-11-20", bilirubin_mg_dl=1.0)])
    cp = run(doc).child_pugh
    assert cp.items["albumin"] == 2 and cp.points == 6


# --- ALBI -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "score, grade",
    [
        (-2.61, "1"),
        (-2.60, "1"),
        (-2.5999, "2a"),
        (-2.27, "2a"),
        (-2.2699, "2b"),
        (-1.39, "2b"),
        (-1.3899, "3"),
    ],
)
def test_albi_grade_boundaries(score: float, grade: str) -> None:
    assert albi_grade(score) == grade


def test_albi_formula() -> None:
    # Johnson 2015: 0.66 × log10(µmol/L) − 0.085 × g/L
    assert albi_score(1.0, 3.9) == pytest.approx(0.66 * math.log10(17.1) - 0.085 * 39)


@pytest.mark.parametrize(
    "albumin, grade, shown",
    [
        (4.02, "1", -2.6),
        (4.01, "2a", -2.59),
        (3.63, "2a", -2.27),
        (3.62, "2b", -2.26),
        (2.60, "2b", -1.4),
        (2.59, "3", -1.39),
    ],
)
def test_albi_cases_near_each_boundary(albumin: float, grade: str, shown: float) -> None:
    # bilirubin 1.0 mg/dL; albumin chosen to land just either side of −2.60 / −2.27 / −1.39.
    score = albi_score(1.0, albumin)
    albi = out(make_case(labs=[lab(albumin_g_dl=albumin)]))["scores"]["albi"]
    assert albi["grade"] == grade == albi_grade(score)
    assert albi["score"] == round_half_away(score, 2) == shown


def test_albi_rounding_shown_but_grade_from_unrounded() -> None:
    # −2.6032 is shown as −2.6 but graded 1; −2.5947 also shows −2.59 and is 2a.
    a = out(make_case(labs=[lab(albumin_g_dl=4.02)]))["scores"]["albi"]
    assert a == {"status": "ok", "score": -2.6, "grade": "1"}


def test_albi_missing_albumin() -> None:
    albi = out(make_case(labs=[lab(albumin_g_dl=None)]))["scores"]["albi"]
    assert albi == {"status": "insufficient_data", "missing": ["labs.albumin_g_dl"]}


def test_round_half_away_from_zero_on_shortest_form() -> None:
    assert round_half_away(2.675, 2) == 2.68
    assert round_half_away(-2.605, 2) == -2.61
    assert round_half_away(0.05, 1) == 0.1
    assert round_half_away(-0.25, 1) == -0.3
    assert round_half_away(7.2, 1) == 7.2


# --- MoRAL, up-to-seven -----------------------------------------------------------------------


def test_moral_value_and_date() -> None:
    moral = out(make_case())["scores"]["moral"]
    assert moral == {"status": "ok", "value": 138.9, "date": "2026-11-20"}


def test_moral_needs_both_markers_on_one_date() -> None:
    doc = make_case(labs=[lab(pivka_mau_ml=None), only("2026-11-21", pivka_mau_ml=100)])
    moral = out(doc)["scores"]["moral"]
    assert moral["status"] == "insufficient_data"
    assert moral["missing"] == ["labs.afp_ng_ml", "labs.pivka_mau_ml"]


def test_moral_pairs_records_of_the_same_date() -> None:
    doc = make_case(labs=[lab(pivka_mau_ml=None), only("2026-11-20", pivka_mau_ml=100)])
    moral = out(doc)["scores"]["moral"]
    assert moral["value"] == round_half_away(11 * 10 + 2 * math.sqrt(85), 1)


@pytest.mark.parametrize("largest, within", [(4.0, True), (4.1, False)])
def test_up_to_seven_boundary(largest: float, within: bool) -> None:
    up7 = out(make_case(imaging=[imaging(largest_cm=largest)]))["scores"]["up_to_seven"]
    assert up7["within"] is within


def test_up_to_seven_missing_size() -> None:
    up7 = out(make_case(imaging=[imaging(largest_cm=None)]))["scores"]["up_to_seven"]
    assert up7 == {"status": "insufficient_data", "missing": ["imaging.largest_cm"]}


# --- BCLC -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, stage",
    [
        ({"patient__ecog": 3}, "D"),
        (
            {
                "labs": [lab(bilirubin_mg_dl=3.5, albumin_g_dl=2.5, inr=1.9)],
                "clinical": [clinical(ascites="moderate_severe")],
            },
            "D",
        ),
        ({"patient__ecog": 1}, "C"),
        ({"patient__ecog": 2, "imaging": []}, "C"),
        ({"imaging": [imaging(portal_vein_invasion="vp1")]}, "C"),
        ({"imaging": [imaging(hepatic_vein_invasion=True, nodule_count=None)]}, "C"),
        ({"imaging": [imaging(extrahepatic_spread=True)]}, "C"),
        ({"imaging": [imaging(nodule_count=1, largest_cm=2.0)]}, "0"),
        ({"imaging": [imaging(nodule_count=1, largest_cm=2.1)]}, "A"),
        ({"imaging": [imaging(nodule_count=1, largest_cm=9)]}, "A"),
        ({"imaging": [imaging(nodule_count=3, largest_cm=3.0)]}, "A"),
        ({"imaging": [imaging(nodule_count=2, largest_cm=3.1)]}, "B"),
        ({"imaging": [imaging(nodule_count=4, largest_cm=1.0)]}, "B"),
    ],
)
def test_bclc_branches(overrides: dict[str, object], stage: str) -> None:
    bclc = out(make_case(**overrides))["scores"]["bclc"]
    assert bclc["status"] == "ok" and bclc["stage"] == stage


def test_bclc_insufficient_without_ecog() -> None:
    bclc = out(make_case(patient__ecog=None))["scores"]["bclc"]
    assert bclc == {"status": "insufficient_data", "missing": ["patient.ecog"]}


def test_bclc_insufficient_when_imaging_does_not_say() -> None:
    bclc = out(make_case(imaging=[imaging(extrahepatic_spread=None)]))["scores"]["bclc"]
    assert bclc["status"] == "insufficient_data"
    assert bclc["missing"] == ["imaging.extrahepatic_spread"]
    assert out(make_case(imaging=[]))["scores"]["bclc"]["missing"] == ["imaging.date"]


def test_bclc_not_applicable_without_viable_tumour() -> None:
    bclc = out(make_case(imaging=[imaging(nodule_count=0, largest_cm=None)]))["scores"]["bclc"]
    assert bclc == {"status": "not_applicable"}


def test_bclc_child_pugh_b_note() -> None:
    bclc = out(make_case(labs=[lab(albumin_g_dl=3.0, bilirubin_mg_dl=2.2)]))["scores"]["bclc"]
    assert bclc["stage"] == "B" and "preserved liver function" in bclc["note"]


# --- ART --------------------------------------------------------------------------------------


def _art_case(
    ast_now: float, albumin_now: float, last: str, earlier: tuple[str, ...] = ()
) -> dict[str, object]:
    """ART before the next TACE: ``last`` is the latest session's response, ``earlier`` the
    responses of sessions before it."""
    dates = ("2026-04-01", "2026-05-15", "2026-06-01")[: len(earlier)]
    return make_case(
        labs=[lab("2026-03-20", ast_u_l=40), lab("2026-11-20", ast_u_l=ast_now, albumin_g_dl=albumin_now)],
        clinical=[clinical("2026-03-20"), clinical("2026-11-20")],
        tace_sessions=[
            *(session(d, r) for d, r in zip(dates, earlier, strict=False)),
            session("2026-07-01", last),
        ],
    )


def test_art_poor_prognosis() -> None:
    art = out(_art_case(ast_now=51, albumin_now=3.4, last="SD"))["scores"]["art"]
    # AST +27.5 % → 4; Child-Pugh 5 → 6 → 1.5; last session SD → 1.
    assert art["status"] == "ok"
    assert art["points"] == 6.5 and art["interpretation"] == "poor_prognosis"


def test_art_may_benefit() -> None:
    art = out(_art_case(ast_now=50, albumin_now=3.9, last="PR"))["scores"]["art"]
    # AST +25 % exactly is not a rise > 25 %.
    assert art["points"] == 0 and art["interpretation"] == "retreatment_may_benefit"


def test_art_after_two_sessions_carries_the_validation_caveat_instead_of_a_reading() -> None:
    """Change L: ART was validated before the second TACE only."""
    one = out(_art_case(ast_now=51, albumin_now=3.4, last="SD"))["scores"]["art"]
    two = out(_art_case(ast_now=51, albumin_now=3.4, last="SD", earlier=("PR",)))["scores"]["art"]
    assert "caveat" not in one
    assert two["points"] == one["points"] == 6.5
    assert two["caveat"] == "validated_before_second_tace" and "interpretation" not in two


def test_art_response_item_reads_recorded_responses_only() -> None:
    # The latest session has no response recorded: the item reads the latest recorded one (PR → 0).
    case = _art_case(ast_now=40, albumin_now=3.9, last="SD", earlier=("PR",))
    case["tace_sessions"][-1].pop("response")  # type: ignore[index]
    assert out(case)["scores"]["art"]["items"]["no_response"] == 0


def test_art_needs_baseline_values() -> None:
    art = out(make_case())["scores"]["art"]
    assert art["status"] == "insufficient_data" and "labs.ast_u_l" in art["missing"]


def test_art_not_applicable_without_tace() -> None:
    assert out(make_case(tace_sessions=[]))["scores"]["art"] == {"status": "not_applicable"}
