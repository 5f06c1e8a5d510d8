"""Rule set kr-2022.2: one group of tests per change A–N of RULES.md §9, each at its boundaries.

The public vignettes 13–17 cover the main path of the new rules; these tests pin the edges a
clinician would probe (ECOG 2 vs 3, AFP 399.9 vs 400, an endoscopy 183 vs 184 days old, …).
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.clinical.case_on_date import CaseView
from cases.clinical.facts import CaseFacts, TaceSession
from cases.clinical.refractoriness import no_response

from .builders import (
    clinical,
    days_before,
    endoscopy,
    flag_ids,
    imaging,
    lab,
    make_case,
    out,
    run,
    session,
    status,
    therapy,
)

AB, DT, LEN, SORA = "atezolizumab_bevacizumab", "durvalumab_tremelimumab", "lenvatinib", "sorafenib"
REGO, CABO, PEMBRO, RAM = "regorafenib", "cabozantinib", "pembrolizumab", "ramucirumab"
FIRST_LINE = (AB, DT, LEN, SORA)
SECOND_LINE_AFTER_SORAFENIB = (REGO, CABO, PEMBRO, RAM)


def criterion(doc: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(c for c in out(doc)["refractoriness"]["criteria"] if c["id"] == rule_id)


# --- A. TR-NORESP with an unrecorded response ---------------------------------------------------


@pytest.mark.parametrize(
    "responses, want",
    [
        (("CR", "CR", None), "not_met"),  # every filling gives not met
        (("SD", None, "SD"), "insufficient_data"),  # a responder in the middle would give not met
        (("PR", None), "insufficient_data"),  # skipping it leaves one assessed session
        ((None, "SD", "PD"), "met"),  # the unrecorded session is older than the deciding pair
        (("SD", "PD", None), "insufficient_data"),  # a later responder would decide
        (("pending", "pending"), "insufficient_data"),  # two performed, none assessed
    ],
)
def test_unrecorded_response_only_matters_when_it_could_change_the_verdict(
    responses: tuple[str | None, ...], want: str
) -> None:
    dates = ("2026-04-01", "2026-06-01", "2026-08-01")
    doc = make_case(tace_sessions=[session(d, r) for d, r in zip(dates, responses, strict=False)])
    c = criterion(doc, "TR-NORESP")
    assert c["status"] == want
    if want == "insufficient_data":
        assert c["missing"] == ["tace_sessions.response"]
    if want == "met":
        # The evidence is the recorded sessions that decide.
        assert c["evidence"]["sessions"] == ["2026-06-01", "2026-08-01"]


SESSION_DATES = [datetime.date(2026, 1, 5) + datetime.timedelta(days=70 * i) for i in range(6)]
RESPONSE_OR_BLANK = st.sampled_from(["CR", "PR", "SD", "PD", "NE", "pending", None])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(RESPONSE_OR_BLANK, min_size=2, max_size=6), st.lists(st.integers(0, 250), min_size=6, max_size=6)
)
def test_tr_noresp_agrees_with_trying_every_filling(responses: list[str | None], gaps: list[int]) -> None:
    """The engine's pair search gives what filling every unrecorded response every way gives."""
    day = datetime.date(2025, 1, 1)
    dates = []
    for gap in gaps[: len(responses)]:
        day += datetime.timedelta(days=gap + 1)
        dates.append(day)
    as_of = dates[-1] + datetime.timedelta(days=1)

    def verdict(filled: list[str | None]) -> str:
        facts = CaseFacts(
            tace_sessions=tuple(TaceSession(date=d, response=r) for d, r in zip(dates, filled, strict=False))
        )
        return no_response(CaseView(facts, as_of)).status

    blanks = [i for i, r in enumerate(responses) if r is None]
    outcomes = set()
    for choice in itertools.product(("pending", "CR", "SD"), repeat=len(blanks)):
        filled = list(responses)
        for i, value in zip(blanks, choice, strict=False):
            filled[i] = value
        outcomes.add(verdict(filled))
    expected = outcomes.pop() if len(outcomes) == 1 else "insufficient_data"
    assert verdict(list(responses)) == expected


# --- N. fewer than two sessions performed ---------------------------------------------------------


def test_one_session_with_partial_response_is_not_met_reassess_after_the_next() -> None:
    doc = make_case(tace_sessions=[session("2026-09-15", "PR")])
    c = criterion(doc, "TR-NORESP")
    assert c["status"] == "not_met" and c["note"] == "reassess after the next session"
    a = run(doc)
    assert a.refractoriness.status == "not_refractory"
    assert a.algorithm.current_step == "ALG-1" and "tace_sessions.response" not in a.missing


def test_two_sessions_with_one_pending_is_unknown_not_continue_tace() -> None:
    doc = make_case(tace_sessions=[session("2026-07-01", "SD"), session("2026-10-01", "pending")])
    a = run(doc)
    assert a.refractoriness.criterion("TR-NORESP").status == "insufficient_data"
    assert a.refractoriness.status == "insufficient_data"
    assert status(a, AB) == "insufficient_data"
    assert "ALG-TACE-UNASSESSED" in a.option(AB).reasons and "ALG-CONTINUE-TACE" not in a.option(AB).reasons
    assert "tace_sessions.response" in a.option(AB).missing and "tace_sessions.response" in a.missing


# --- B. invasion or spread: new or persisting -----------------------------------------------------


@pytest.mark.parametrize(
    "before, want",
    [
        ({"portal_vein_invasion": "vp2"}, True),  # seen before the first TACE: persisting
        ({"portal_vein_invasion": "none", "hepatic_vein_invasion": False}, False),  # none before: new
        ({"portal_vein_invasion": "none", "hepatic_vein_invasion": None}, None),  # before does not say
        (None, None),  # no imaging before TACE
    ],
)
def test_vascular_invasion_says_whether_it_was_present_before_tace(
    before: dict[str, Any] | None, want: bool | None
) -> None:
    images = [imaging("2026-11-10", portal_vein_invasion="vp2")]
    if before is not None:
        images.insert(0, imaging("2026-03-01", **before))
    c = criterion(make_case(imaging=images), "TR-VASC")
    assert c["status"] == "met" and c["evidence"]["present_before_tace"] is want


def test_extrahepatic_spread_new_after_tace() -> None:
    images = [
        imaging("2026-03-01", extrahepatic_spread=False),
        imaging("2026-11-10", extrahepatic_spread=True),
    ]
    c = criterion(make_case(imaging=images), "TR-EHS")
    assert c["status"] == "met" and c["evidence"]["present_before_tace"] is False


# --- C. ECOG 2 vs 3 -------------------------------------------------------------------------------


@pytest.mark.parametrize("ecog, step", [(1, "ALG-2"), (2, "OUTSIDE"), (3, "BSC"), (4, "BSC")])
def test_ecog_3_is_bclc_d_best_supportive_care(ecog: int, step: str) -> None:
    a = run(make_case(patient__ecog=ecog))
    assert a.algorithm.current_step == step
    if ecog >= 2:
        assert {o.status for o in a.options} == {"not_indicated"}
        assert "GATE-ECOG" in flag_ids(a) and a.line is None


# --- D. not refractory, a prognostic signal met: weigh an early switch -----------------------------

# Two partial responses then stable disease (TACE has not failed), nodules up twice in a row.
WEIGH = {
    "baseline_tumor_count": 2,
    "tace_sessions": [
        session("2026-04-01", "PR", tumor_count_after=3),
        session("2026-07-01", "PR", tumor_count_after=4),
        session("2026-09-15", "SD", tumor_count_after=4),
    ],
}


def test_weigh_switch_holds_back_the_open_options_without_ranking_them() -> None:
    a = run(make_case(**WEIGH))
    assert a.refractoriness.status == "not_refractory" and a.signal("PI-COUNT").status == "met"
    assert [status(a, r) for r in FIRST_LINE] == ["no_guidance"] * 4
    assert all("ALG-WEIGH-SWITCH" in a.option(r).reasons for r in FIRST_LINE)
    assert a.recommended is None and a.line is None and a.algorithm.current_step == "ALG-1"
    f = a.flag("ALG-WEIGH-SWITCH")
    assert f is not None and f.severity == "info" and f.to_dict()["evidence"] == {"signals_met": ["PI-COUNT"]}


def test_weigh_switch_keeps_vp4_exclusions_and_contraindications() -> None:
    a = run(
        make_case(
            **WEIGH,
            imaging=[imaging(portal_vein_invasion="vp4", date="2026-03-01")],
            contraindications__bevacizumab=True,
        )
    )
    # Vp4 on pre-TACE imaging only: TR-VASC has no post-TACE imaging and sessions record none.
    assert a.refractoriness.status == "not_refractory"
    assert status(a, AB) == "contraindicated" and a.option(AB).reasons == ("OPT-AB-CI",)
    assert status(a, LEN) == "contraindicated" and "OPT-LEN-VP4" in a.option(LEN).reasons
    assert status(a, DT) == "not_indicated" and a.option(DT).reasons == ("OPT-DT-VP4",)
    assert status(a, SORA) == "no_guidance"
    assert {"OPT-AB-CI", "OPT-LEN-VP4"} <= set(flag_ids(a))


def test_weigh_switch_keeps_what_an_option_would_need_but_raises_no_workup_warning() -> None:
    a = run(make_case(**WEIGH, endoscopies=[]))
    ab = a.option(AB)
    assert ab.status == "no_guidance" and ab.reasons == ("OPT-AB-EGD", "ALG-WEIGH-SWITCH")
    assert ab.missing == ("endoscopies.date",) and "endoscopies.date" in a.missing
    assert "OPT-AB-EGD" not in flag_ids(a)


# --- E. refractoriness unknown ------------------------------------------------------------------

UNKNOWN = {
    "imaging": [imaging(portal_vein_invasion=None)],
    "tace_sessions": [session("2026-04-01", "PR"), session("2026-07-01", "SD"), session("2026-09-15", "PR")],
}


def test_unknown_refractoriness_keeps_contraindications_and_holds_back_the_rest() -> None:
    a = run(make_case(**UNKNOWN, contraindications__immunotherapy=True))
    assert a.refractoriness.status == "insufficient_data"
    assert status(a, AB) == "contraindicated" and status(a, DT) == "contraindicated"
    # Lenvatinib needs the portal vein status for its own rule too: it stays insufficient data.
    assert status(a, LEN) == "insufficient_data" and status(a, SORA) == "insufficient_data"
    assert "ALG-TACE-UNASSESSED" in a.option(SORA).reasons
    assert a.option(SORA).missing == ("imaging.portal_vein_invasion",)
    assert [status(a, r) for r in SECOND_LINE_AFTER_SORAFENIB] == ["not_indicated"] * 4
    assert "ALG-TACE-UNASSESSED" not in flag_ids(a) and a.recommended is None


def test_unknown_refractoriness_with_vp4_keeps_the_lenvatinib_exclusion() -> None:
    sessions = [session("2026-04-01", "PR"), session("2026-07-01", "SD", new_vascular_invasion=None)]
    a = run(make_case(tace_sessions=sessions, imaging=[imaging("2026-03-01", portal_vein_invasion="vp4")]))
    assert a.refractoriness.status == "insufficient_data"
    assert status(a, LEN) == "contraindicated" and status(a, DT) == "not_indicated"
    assert status(a, AB) == "insufficient_data" and status(a, SORA) == "insufficient_data"


# --- F. durvalumab + tremelimumab and the portal vein -----------------------------------------------


@pytest.mark.parametrize(
    "portal, want, missing",
    [
        ("vp3", "eligible", ()),
        ("vp4", "not_indicated", ()),
        (None, "insufficient_data", ("imaging.portal_vein_invasion",)),
    ],
)
def test_durvalumab_tremelimumab_by_portal_vein(
    portal: str | None, want: str, missing: tuple[str, ...]
) -> None:
    # Refractory by non-response (default sessions) whatever the portal vein shows.
    a = run(make_case(imaging=[imaging(portal_vein_invasion=portal)]))
    assert a.refractoriness.status == "refractory"
    assert status(a, DT) == want and a.option(DT).missing == missing
    if want != "eligible":
        assert "OPT-DT-VP4" in a.option(DT).reasons and "OPT-DT-VP4" not in flag_ids(a)


def test_durvalumab_tremelimumab_contraindication_comes_before_vp4() -> None:
    a = run(make_case(imaging=[imaging(portal_vein_invasion="vp4")], contraindications__immunotherapy=True))
    assert status(a, DT) == "contraindicated" and a.option(DT).reasons == ("OPT-IO-CI", "OPT-DT-VP4")


# --- G. second line after immunotherapy -------------------------------------------------------------

AFTER_AB = [therapy(AB, "2025-07-01", "progression", end="2026-09-20")]


@pytest.mark.parametrize(
    "afp, want", [(399.9, "not_indicated"), (400, "eligible"), (None, "insufficient_data")]
)
def test_ramucirumab_after_immunotherapy_by_afp(afp: float | None, want: str) -> None:
    a = run(make_case(systemic_therapies=AFTER_AB, labs=[lab(afp_ng_ml=afp)]), RAM)
    assert a.line == 2 and status(a, RAM) == want
    assert {"OPT-RAM-AFP", "OPT-2L-AFTER-IO"} <= set(a.option(RAM).reasons)
    ids = flag_ids(a)
    assert ("PIT-RAM-AFP" in ids) == (want == "not_indicated")
    assert ("PIT-UNVERIFIED" in ids) == (want == "insufficient_data")


def test_after_immunotherapy_a_recorded_contraindication_rules_immunotherapy_out_again() -> None:
    a = run(make_case(systemic_therapies=AFTER_AB, contraindications__immunotherapy=True))
    assert [status(a, r) for r in (AB, DT, PEMBRO)] == ["contraindicated"] * 3
    assert {"OPT-IO-CI", "OPT-AB-CI"} <= set(a.option(AB).reasons)
    assert status(a, CABO) == "eligible" and status(a, REGO) == "not_indicated"


def test_after_immunotherapy_an_unrecorded_answer_is_insufficient_data() -> None:
    a = run(make_case(systemic_therapies=AFTER_AB, contraindications__bevacizumab=None))
    assert status(a, AB) == "insufficient_data" and a.option(AB).missing == ("contraindications.bevacizumab",)
    assert status(a, PEMBRO) == "no_guidance" and status(a, DT) == "no_guidance"


# --- H. regorafenib and an unrecorded sorafenib tolerance -----------------------------------------


@pytest.mark.parametrize(
    "tolerated, want, stop", [(None, "insufficient_data", False), (False, "contraindicated", True)]
)
def test_regorafenib_with_tolerance_not_recorded_vs_false(
    tolerated: bool | None, want: str, stop: bool
) -> None:
    after_sorafenib = [therapy(SORA, "2025-07-01", "progression", end="2026-10-15", tolerated=tolerated)]
    a = run(make_case(systemic_therapies=after_sorafenib), REGO)
    assert status(a, REGO) == want
    ids = flag_ids(a)
    assert ("PIT-REGO-INTOL" in ids) is stop
    assert ("PIT-UNVERIFIED" in ids) is not stop
    if not stop:
        assert "systemic_therapies.tolerated" in a.flag("PIT-UNVERIFIED").text  # type: ignore[union-attr]


# --- I. proposing the ongoing regimen -----------------------------------------------------------


ON_LENVATINIB = [therapy(LEN, "2026-05-04", "ongoing")]


@pytest.mark.parametrize("proposal, raised", [(LEN, False), (SORA, True)])
def test_proposing_the_ongoing_regimen_is_not_a_new_line(proposal: str, raised: bool) -> None:
    a = run(make_case(systemic_therapies=ON_LENVATINIB), proposal)
    assert status(a, proposal) == "not_indicated"
    assert ("PIT-NOT-INDICATED" in flag_ids(a)) is raised


def test_proposing_the_ongoing_regimen_under_a_gate_keeps_the_gate_warning() -> None:
    a = run(
        make_case(systemic_therapies=ON_LENVATINIB, labs=[lab(bilirubin_mg_dl=2.2, albumin_g_dl=3.2)]), LEN
    )
    assert a.child_pugh.label == "B7"
    ids = flag_ids(a)
    assert "PIT-NOT-INDICATED" not in ids and "GATE-CPB" in ids and "PIT-CPB" in ids


# --- J. liver function worse than at the start of the ongoing regimen ---------------------------


def _on_therapy(then: dict[str, Any], now: dict[str, Any], ascites_now: str = "none") -> dict[str, Any]:
    return make_case(
        systemic_therapies=ON_LENVATINIB,
        labs=[lab("2026-04-28", **then), lab("2026-11-20", **now)],
        clinical=[clinical("2026-04-28"), clinical("2026-11-20", ascites=ascites_now)],
    )


B7 = {"bilirubin_mg_dl": 2.2, "albumin_g_dl": 3.2}  # 2 + 2 + 1 + 1 + 1


@pytest.mark.parametrize(
    "then, now, ascites_now, now_label, raised",
    [
        (B7, {"bilirubin_mg_dl": 2.2, "albumin_g_dl": 2.7}, "none", "B8", False),  # +1 point, same class
        (B7, {"bilirubin_mg_dl": 2.2, "albumin_g_dl": 2.7}, "mild", "B9", True),  # +2 points
        ({"albumin_g_dl": 3.2}, B7, "none", "B7", True),  # A6 → B7: +1 point but a worse class
        (B7, B7, "none", "B7", False),
    ],
)
def test_child_pugh_worse_since_the_start_of_the_ongoing_regimen(
    then: dict[str, Any], now: dict[str, Any], ascites_now: str, now_label: str, raised: bool
) -> None:
    a = run(_on_therapy(then, now, ascites_now))
    assert a.child_pugh.label == now_label
    f = a.flag("ON-THERAPY-LIVER")
    assert (f is not None) is raised
    if f is not None:
        assert f.severity == "warning" and f.evidence["child_pugh_now"] == now_label


def test_liver_flag_counts_an_inferred_class_c_and_needs_a_comparison() -> None:
    inferred_c = {"bilirubin_mg_dl": 4.0, "albumin_g_dl": 2.5, "inr": 2.5}
    doc = _on_therapy(B7, inferred_c)
    doc["clinical"][-1].pop("ascites")
    a = run(doc)
    assert a.child_pugh.cp_class == "C" and a.child_pugh.points is None
    assert a.flag("ON-THERAPY-LIVER") is not None
    # No values on or before the start: neither comparison can be made.
    doc = _on_therapy(B7, {"albumin_g_dl": 2.0})
    doc["labs"], doc["clinical"] = doc["labs"][1:], doc["clinical"][1:]
    assert run(doc).flag("ON-THERAPY-LIVER") is None


# --- K. hepatitis B before immunotherapy --------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, raised",
    [
        ({}, True),  # atezolizumab + bevacizumab recommended
        ({"endoscopies": []}, True),  # needs work-up still counts
        ({"contraindications__immunotherapy": True}, False),  # every immunotherapy contraindicated
        ({"patient__etiology": "hcv"}, False),
    ],
)
def test_hbv_check_before_an_open_immunotherapy_option(overrides: dict[str, Any], raised: bool) -> None:
    a = run(make_case(**overrides))
    f = a.flag("OPT-IO-HBV")
    assert (f is not None) is raised
    if f is not None:
        assert f.severity == "info" and AB in f.evidence["regimens"]  # type: ignore[operator]


# --- M. endoscopy age and treated varices -------------------------------------------------------


@pytest.mark.parametrize("age, want", [(183, "recommended"), (184, "needs_workup")])
def test_endoscopy_183_vs_184_days_old(age: int, want: str) -> None:
    a = run(make_case(endoscopies=[endoscopy(days_before(age))]))
    assert status(a, AB) == want
    if want == "needs_workup":
        assert a.option(AB).missing == ("endoscopies.date",) and "endoscopies.date" in a.missing
        assert "PIT-AB-EGD" in flag_ids(run(make_case(endoscopies=[endoscopy(days_before(age))]), AB))


def test_treated_varices_with_size_not_recorded_satisfy_the_endoscopy_rule() -> None:
    a = run(make_case(endoscopies=[endoscopy(varices=None, varices_treated=True)]), AB)
    assert status(a, AB) == "recommended" and "PIT-AB-EGD" not in flag_ids(a)
    untreated = run(make_case(endoscopies=[endoscopy(varices=None, varices_treated=None)]))
    assert status(untreated, AB) == "needs_workup"
