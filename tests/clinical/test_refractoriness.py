"""TR-NORESP, TR-VASC, TR-EHS and the refractoriness verdict (RULES.md §2)."""

from __future__ import annotations

import pytest

from .builders import days_after, imaging, make_case, out, run, session


def criteria(doc: dict[str, object]) -> dict[str, dict[str, object]]:
    return {c["id"]: c for c in out(doc)["refractoriness"]["criteria"]}


@pytest.mark.parametrize("gap, status", [(183, "met"), (184, "not_met")])
def test_no_response_within_six_months(gap: int, status: str) -> None:
    sessions = [session("2026-01-10", "SD"), session(days_after("2026-01-10", gap), "PD")]
    c = criteria(make_case(tace_sessions=sessions))["TR-NORESP"]
    assert c["status"] == status
    if status == "met":
        assert c["evidence"]["sessions"] == ["2026-01-10", days_after("2026-01-10", gap)]


def test_pending_and_not_evaluable_sessions_are_skipped() -> None:
    sessions = [
        session("2026-03-01", "SD"),
        session("2026-05-01", "NE"),
        session("2026-07-01", "PD"),
        session("2026-10-01", "pending"),
    ]
    c = criteria(make_case(tace_sessions=sessions))["TR-NORESP"]
    assert c["status"] == "met"
    assert c["evidence"]["sessions"] == ["2026-03-01", "2026-07-01"]


def test_response_in_either_of_the_last_two_is_not_met() -> None:
    sessions = [session("2026-03-01", "SD"), session("2026-05-01", "PR")]
    assert criteria(make_case(tace_sessions=sessions))["TR-NORESP"]["status"] == "not_met"


def test_one_assessed_session_is_insufficient() -> None:
    a = run(make_case(tace_sessions=[session("2026-08-01", "SD"), session("2026-11-02", "pending")]))
    assert a.refractoriness.status == "insufficient_data"
    c = a.refractoriness.criterion("TR-NORESP")
    assert c.status == "insufficient_data" and c.missing == ("tace_sessions.response",)
    assert "tace_sessions.response" in a.missing


def test_new_vascular_invasion_recorded_at_a_session() -> None:
    sessions = [session("2026-04-01", "PR"), session("2026-07-01", "PR", new_vascular_invasion=True)]
    a = run(make_case(tace_sessions=sessions))
    assert a.refractoriness.status == "refractory"
    c = a.refractoriness.criterion("TR-VASC")
    assert (
        c.status == "met" and c.evidence["sessions"] == [session("2026-07-01")["date"]]
    ) or c.status == "met"


def test_vascular_invasion_on_imaging_after_first_tace() -> None:
    doc = make_case(
        tace_sessions=[session("2026-04-01", "PR"), session("2026-07-01", "PR")],
        imaging=[imaging("2026-10-01", portal_vein_invasion="vp2")],
    )
    c = criteria(doc)["TR-VASC"]
    assert c["status"] == "met"
    assert c["evidence"]["imaging"]["portal_vein_invasion"] == "vp2"


def test_hepatic_vein_invasion_counts() -> None:
    doc = make_case(
        tace_sessions=[session("2026-04-01", "PR"), session("2026-07-01", "PR")],
        imaging=[imaging("2026-10-01", hepatic_vein_invasion=True)],
    )
    assert criteria(doc)["TR-VASC"]["status"] == "met"


def test_imaging_before_first_tace_is_no_evidence() -> None:
    # Vp2 seen on the day of the first TACE, nothing after: not evidence of TACE failure.
    doc = make_case(
        tace_sessions=[session("2026-04-01", "PR"), session("2026-07-01", "PR")],
        imaging=[imaging("2026-04-01", portal_vein_invasion="vp2", extrahepatic_spread=True)],
    )
    c = criteria(doc)
    assert c["TR-VASC"]["status"] == "not_met"
    assert c["TR-EHS"]["status"] == "not_met"
    assert out(doc)["refractoriness"]["status"] == "not_refractory"


def test_post_tace_imaging_that_does_not_say_is_insufficient() -> None:
    doc = make_case(
        tace_sessions=[session("2026-04-01", "PR"), session("2026-07-01", "PR")],
        imaging=[imaging("2026-10-01", hepatic_vein_invasion=None)],
    )
    c = criteria(doc)["TR-VASC"]
    assert c["status"] == "insufficient_data"
    assert c["missing"] == ["imaging.hepatic_vein_invasion"]
    assert out(doc)["refractoriness"]["status"] == "insufficient_data"


def test_session_without_the_field_is_insufficient() -> None:
    doc = make_case(
        tace_sessions=[session("2026-04-01", "PR"), session("2026-07-01", "PR", new_extrahepatic_spread=None)]
    )
    c = criteria(doc)["TR-EHS"]
    assert c["status"] == "insufficient_data"
    assert c["missing"] == ["tace_sessions.new_extrahepatic_spread"]


def test_extrahepatic_spread_on_imaging_after_first_tace() -> None:
    doc = make_case(
        tace_sessions=[session("2026-04-01", "PR"), session("2026-07-01", "CR")],
        imaging=[imaging("2026-10-01", extrahepatic_spread=True)],
    )
    a = run(doc)
    assert a.refractoriness.status == "refractory"
    assert a.refractoriness.met == ("TR-EHS",)


def test_every_met_criterion_is_listed() -> None:
    doc = make_case(imaging=[imaging("2026-11-10", portal_vein_invasion="vp3", extrahepatic_spread=True)])
    assert run(doc).refractoriness.met == ("TR-NORESP", "TR-VASC", "TR-EHS")


def test_no_tace_is_not_applicable() -> None:
    r = out(make_case(tace_sessions=[]))["refractoriness"]
    assert r["status"] == "not_applicable"
    assert {c["status"] for c in r["criteria"]} == {"not_applicable"}


def test_latest_imaging_decides_not_an_older_one() -> None:
    doc = make_case(
        tace_sessions=[session("2026-04-01", "PR"), session("2026-07-01", "PR")],
        imaging=[imaging("2026-08-01", portal_vein_invasion="vp2"), imaging("2026-11-01")],
    )
    assert criteria(doc)["TR-VASC"]["status"] == "not_met"


def test_unrecorded_response_after_the_deciding_pair_is_insufficient() -> None:
    sessions = [session("2026-03-01", "SD"), session("2026-05-01", "SD"), session("2026-07-01", None)]
    a = run(make_case(tace_sessions=sessions))
    assert a.refractoriness.criterion("TR-NORESP").status == "insufficient_data"
    assert a.refractoriness.status == "insufficient_data"
    older = [session("2026-01-01", None), session("2026-03-01", "SD"), session("2026-05-01", "SD")]
    assert run(make_case(tace_sessions=older)).refractoriness.status == "refractory"
