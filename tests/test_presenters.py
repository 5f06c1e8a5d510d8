"""What the screens say about an assessment: the words must match what the engine decided."""

from __future__ import annotations

import pytest

from cases.presenters import summarise
from tests.clinical.builders import imaging, make_case, run, session


@pytest.mark.parametrize(
    "overrides, says, never",
    [
        ({}, "First line", "TACE"),
        # Responding to TACE: the KLCA-NCC criteria for failure are not met.
        (
            {"tace_sessions": [session("2026-04-01", "PR"), session("2026-07-01", "CR")]},
            "TACE has not failed",
            "not known",
        ),
        # No TACE at all: nothing may read as if TACE were going on.
        ({"tace_sessions": []}, "No TACE", "has not failed"),
        # Refractoriness unknown (portal vein not reported): unknown is not "TACE works".
        (
            {
                "imaging": [imaging(portal_vein_invasion=None)],
                "tace_sessions": [session("2026-04-01", "PR"), session("2026-09-01", "PR")],
            },
            "not known",
            "has not failed",
        ),
    ],
)
def test_line_sentence_follows_the_reason(overrides: dict[str, object], says: str, never: str) -> None:
    line = summarise(run(make_case(**overrides))).line
    assert says in line and never not in line and "TACE continues" not in line


def test_invasion_says_new_or_persisting() -> None:
    images = [
        imaging("2026-03-01", portal_vein_invasion="vp2"),
        imaging("2026-11-10", portal_vein_invasion="vp2"),
    ]
    row = next(c for c in summarise(run(make_case(imaging=images))).criteria if c.id == "TR-VASC")
    assert any(line.startswith("persisting") for line in row.evidence)


def test_single_session_finding_reads_reassess_after_the_next() -> None:
    row = next(
        c
        for c in summarise(run(make_case(tace_sessions=[session("2026-09-15", "PR")]))).criteria
        if c.id == "TR-NORESP"
    )
    assert row.status == "not_met" and "reassess after the next session" in row.evidence


def test_art_after_two_sessions_shows_its_caveat_not_a_retreatment_reading() -> None:
    case = make_case(
        labs=[
            {"date": "2026-03-20", "bilirubin_mg_dl": 1.0, "albumin_g_dl": 3.9, "inr": 1.1, "ast_u_l": 40},
            {"date": "2026-11-20", "bilirubin_mg_dl": 1.0, "albumin_g_dl": 3.9, "inr": 1.1, "ast_u_l": 40},
        ],
        clinical=[
            {"date": "2026-03-20", "ascites": "none", "encephalopathy": "none"},
            {"date": "2026-11-20", "ascites": "none", "encephalopathy": "none"},
        ],
    )
    art = summarise(run(case)).art
    assert "validated only for the decision before the second TACE" in art
    assert "may still benefit" not in art and "poor prognosis" not in art


def test_durvalumab_tremelimumab_says_it_needs_no_endoscopy_while_the_endoscopy_is_awaited() -> None:
    rows = {o.regimen: o for o in summarise(run(make_case(endoscopies=[]))).options}
    assert rows["atezolizumab_bevacizumab"].status == "needs_workup"
    assert "needs no endoscopy" in rows["durvalumab_tremelimumab"].note
    rows = {o.regimen: o for o in summarise(run(make_case())).options}
    assert "needs no endoscopy" not in rows["durvalumab_tremelimumab"].note


def test_a_stale_endoscopy_is_not_called_none_on_record_in_general() -> None:
    from tests.clinical.builders import days_before, endoscopy

    summary = summarise(run(make_case(endoscopies=[endoscopy(days_before(184))])))
    assert "Upper GI endoscopy within the last 183 days: none on record" in summary.missing
