"""The TACE timeline and the algorithm diagram (cases/charts.py and their two partials).

Pure Python: the facts are built directly, no database. The partials are rendered with the
real template engine to check that nothing inline slips past the strict CSP.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

import pytest
from django.template.loader import render_to_string

from cases.charts import (
    CURRENT,
    DIMMED,
    PASSED,
    RIGHT,
    X_PAD,
    DateScale,
    LogScale,
    Timeline,
    algorithm_diagram,
    assign_rows,
    month_ticks,
    timeline,
)
from cases.clinical import Algorithm, Reassessment, assess
from cases.clinical.facts import (
    CaseFacts,
    ClinicalFinding,
    Contraindications,
    Endoscopy,
    Imaging,
    LabResult,
    Patient,
    SystemicTherapy,
    TaceSession,
)

D = datetime.date.fromisoformat
AS_OF = D("2026-11-27")


def refractory_facts(*, bilirubin: float = 1.0, albumin: float = 3.9, inr: float = 1.1,
                     ascites: str = "none") -> CaseFacts:
    """Two SD responses within six months after a PR: TACE-refractory, Child-Pugh A by default."""
    return CaseFacts(
        patient=Patient(label="T", age=64, sex="M", weight_kg=72, ecog=0, etiology="hbv"),
        labs=(
            LabResult(D("2026-03-20"), afp_ng_ml=40, pivka_mau_ml=60),
            LabResult(D("2026-06-20"), afp_ng_ml=70),
            LabResult(D("2026-11-20"), bilirubin_mg_dl=bilirubin, albumin_g_dl=albumin, inr=inr,
                      ast_u_l=40, platelets_10e9_l=140, afp_ng_ml=85, pivka_mau_ml=120),
        ),
        clinical=(ClinicalFinding(D("2026-11-20"), ascites=ascites, encephalopathy="none"),),
        baseline_tumor_count=3,
        imaging=(Imaging(D("2026-11-10"), nodule_count=3, largest_cm=4.2, liver_involvement_pct=20,
                         portal_vein_invasion="none", hepatic_vein_invasion=False,
                         bile_duct_invasion=False, extrahepatic_spread=False),),
        endoscopies=(Endoscopy(D("2026-08-01"), varices="small", varices_treated=True),),
        tace_sessions=(
            TaceSession(D("2026-04-01"), "ctace", "PR", D("2026-05-10"), 3, False, False, False),
            TaceSession(D("2026-07-01"), "ctace", "SD", D("2026-08-05"), 3, False, False, False),
            TaceSession(D("2026-09-15"), "debtace", "PD", D("2026-10-20"), 3, False, False, False),
        ),
        contraindications=Contraindications(immunotherapy=False, bevacizumab=False),
    )


def render_timeline(t: Timeline) -> str:
    return render_to_string("cases/_timeline.html", {"timeline": t})


# --- timeline: scales -------------------------------------------------------------------------


def test_dates_map_monotonically_to_x() -> None:
    t = timeline(refractory_facts(), AS_OF)
    xs = [s.x for s in t.sessions]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    scale = DateScale(D("2025-01-01"), AS_OF, 100, 1000)
    days = [D("2025-01-01") + datetime.timedelta(days=n) for n in range(0, 696, 7)]
    mapped = [scale.x(d) for d in days]
    assert all(a < b for a, b in zip(mapped, mapped[1:]))
    assert scale.x(D("2025-01-01")) == 100 and scale.x(AS_OF) == 1000


def test_log_scale_puts_smaller_values_lower() -> None:
    scale = LogScale.covering([10, 100, 1000], top=0, bottom=300)
    # SVG y grows downward: the smaller value has the larger y.
    assert scale.y(10) > scale.y(100) > scale.y(1000)
    assert scale.y(100) - scale.y(1000) == pytest.approx(scale.y(10) - scale.y(100))


def test_value_ticks_are_powers_of_ten() -> None:
    t = timeline(refractory_facts(), AS_OF)
    assert [tick.label for tick in t.y_ticks] == ["10", "100", "1\u2009000"]
    ys = [tick.position for tick in t.y_ticks]
    assert ys == sorted(ys, reverse=True)


def test_month_ticks_fall_on_the_first_of_the_month_and_thin_out() -> None:
    scale = DateScale(D("2021-03-15"), AS_OF, 170, 1150)
    ticks = month_ticks(scale, 0, 1200)
    assert 2 <= len(ticks) <= 10
    assert [t.position for t in ticks] == sorted(t.position for t in ticks)


def test_labels_in_one_lane_never_overlap() -> None:
    assert assign_rows([(0, 50), (40, 90), (100, 150), (45, 60)]) == [0, 1, 0, 2]


# --- timeline: content ------------------------------------------------------------------------


def test_session_with_progression_shows_pd_letters() -> None:
    t = timeline(refractory_facts(), AS_OF)
    assert [s.letter for s in t.sessions] == ["PR", "SD", "PD"]
    pd = t.sessions[-1]
    assert "tl-resp-pd" in pd.css
    assert re.search(r">PD</text>", render_timeline(t))


def test_pending_and_unrecorded_responses_have_their_own_marks() -> None:
    facts = CaseFacts(
        tace_sessions=(TaceSession(D("2026-09-01")), TaceSession(D("2026-11-01"), response="pending"))
    )
    t = timeline(facts, AS_OF)
    assert [s.letter for s in t.sessions] == ["–", "?"]
    assert any(item.kind == "pending" for item in t.legend)
    assert "response not recorded" in " ".join(t.text_alternative)


def test_vascular_invasion_moment_is_drawn_at_its_date() -> None:
    facts = refractory_facts()
    later = Imaging(D("2026-11-25"), portal_vein_invasion="vp3", extrahepatic_spread=False)
    t = timeline(replace(facts, imaging=facts.imaging + (later,)), AS_OF)
    [event] = t.events
    assert event.date == D("2026-11-25") and event.kind == "vascular"
    # Same linear day scale as the sessions: its x sits where 2026-11-25 falls between them.
    first, second = t.sessions[0], t.sessions[1]
    per_day = (second.x - first.x) / (second.date - first.date).days
    assert event.x == pytest.approx(first.x + (event.date - first.date).days * per_day, abs=0.3)
    assert "Vp3" in event.label.text
    assert any(line.startswith("2026-11-25:") and "vascular invasion" in line for line in t.text_alternative)


def test_invasion_flag_on_a_session_is_dated_at_its_follow_up() -> None:
    facts = CaseFacts(tace_sessions=(
        TaceSession(D("2026-05-01"), "ctace", "PD", D("2026-06-10"), new_extrahepatic_spread=True),
    ))
    t = timeline(facts, AS_OF)
    [event] = t.events
    assert (event.date, event.kind) == (D("2026-06-10"), "spread")


def test_persisting_invasion_is_one_moment_not_one_line_per_scan() -> None:
    facts = CaseFacts(imaging=(
        Imaging(D("2026-01-10"), portal_vein_invasion="none", hepatic_vein_invasion=False),
        Imaging(D("2026-04-10"), portal_vein_invasion="vp2"),
        Imaging(D("2026-07-10"), portal_vein_invasion="vp2"),
        Imaging(D("2026-10-10"), hepatic_vein_invasion=True, portal_vein_invasion="vp2"),
    ))
    t = timeline(facts, AS_OF)
    assert [e.date for e in t.events] == [D("2026-04-10")]


def test_text_alternative_mentions_every_session_and_marker_value() -> None:
    facts = refractory_facts()
    t = timeline(facts, AS_OF)
    text = "\n".join(t.text_alternative)
    for s in facts.tace_sessions:
        assert f"{s.date.isoformat()}: TACE" in text
        assert f"response {s.response}" in text
    assert "2026-04-01: TACE (cTACE), response PR (partial response, assessed 2026-05-10)." in text
    for lab in facts.labs:
        line = next(line for line in t.text_alternative if line.startswith(lab.date.isoformat()))
        if lab.afp_ng_ml is not None:
            assert f"AFP {lab.afp_ng_ml:g} ng/mL" in line
        if lab.pivka_mau_ml is not None:
            assert f"PIVKA-II {lab.pivka_mau_ml:g} mAU/mL" in line


def test_moral_uses_the_engine_formula_on_same_day_pairs_only() -> None:
    t = timeline(refractory_facts(), AS_OF)
    # 2026-06-20 has AFP only: no MoRAL there.
    assert [m.date for m in t.moral] == [D("2026-03-20"), D("2026-11-20")]
    assert t.moral[-1].value == 138.9  # 11·√120 + 2·√85, as in the assessment
    assert assess(refractory_facts(), AS_OF).moral.to_dict()["value"] == 138.9
    assert "MoRAL 138.9" in " ".join(t.text_alternative)


def test_zero_marker_sits_at_the_floor_and_is_explained() -> None:
    facts = CaseFacts(
        labs=(LabResult(D("2026-06-01"), afp_ng_ml=0), LabResult(D("2026-09-01"), afp_ng_ml=12))
    )
    t = timeline(facts, AS_OF)
    zero, twelve = t.series[0].points
    assert zero.at_floor and zero.y == t.plot_top + t.plot_height
    assert twelve.y < zero.y
    assert t.has_floor_values
    assert t.y_ticks[0].label == "0"
    assert "drawn at the bottom edge" in " ".join(t.text_alternative)


def test_missing_markers_leave_the_plot_out() -> None:
    facts = CaseFacts(tace_sessions=(TaceSession(D("2026-05-01"), "ctace", "SD", D("2026-06-01")),))
    t = timeline(facts, AS_OF)
    assert not t.empty and t.series == () and t.plot_box is None and t.moral == ()
    html = render_timeline(t)
    assert "tl-plot" not in html and ">SD</text>" in html


def test_only_pivka_draws_one_line() -> None:
    t = timeline(CaseFacts(labs=(LabResult(D("2026-05-01"), pivka_mau_ml=45),)), AS_OF)
    assert [s.key for s in t.series] == ["pivka"] and t.moral == ()


def test_single_date_gets_a_readable_axis() -> None:
    t = timeline(CaseFacts(labs=(LabResult(AS_OF, afp_ng_ml=7.5),)), AS_OF)
    assert not t.empty
    assert t.start is not None and t.start < AS_OF
    assert len(t.x_ticks) >= 2
    assert 0 < t.series[0].points[0].x <= t.width


def test_records_after_as_of_are_left_out() -> None:
    facts = CaseFacts(labs=(LabResult(D("2026-05-01"), afp_ng_ml=5), LabResult(D("2027-01-01"), afp_ng_ml=9)))
    t = timeline(facts, AS_OF)
    assert [p.value for p in t.series[0].points] == [5]


def test_systemic_therapy_is_a_band_up_to_as_of_when_ongoing() -> None:
    facts = CaseFacts(systemic_therapies=(
        SystemicTherapy("sorafenib", D("2025-07-01"), "progression", D("2026-01-15")),
        SystemicTherapy("lenvatinib", D("2026-02-01"), "ongoing"),
    ))
    t = timeline(facts, AS_OF)
    sora, lenva = t.therapies
    assert not sora.ongoing and lenva.ongoing
    assert sora.x + sora.width <= lenva.x
    assert lenva.x + lenva.width == pytest.approx(RIGHT - X_PAD, abs=0.2)  # reaches as_of, the right edge
    text = " ".join(t.text_alternative)
    assert "Sorafenib ended for progression" in text and "Lenvatinib started (ongoing)" in text


def test_empty_facts_do_not_crash_and_say_so() -> None:
    t = timeline(CaseFacts(), AS_OF)
    assert t.empty and t.summary
    html = render_timeline(t)
    assert "Nothing to plot" in html and "<svg" not in html


def test_timeline_partial_is_an_accessible_svg_without_inline_style() -> None:
    t = timeline(refractory_facts(), AS_OF)
    html = render_timeline(t)
    assert 'role="img"' in html
    assert f'aria-labelledby="{t.dom_id}-title {t.dom_id}-desc"' in html
    assert f'viewBox="0 0 {t.width} {t.height}"' in html
    assert "<details" in html and "2026-09-15: TACE (DEB-TACE)" in html
    assert "style=" not in html and "<style" not in html and "<script" not in html


# --- algorithm diagram ------------------------------------------------------------------------


def test_diagram_at_alg_2_lights_the_path_and_dims_the_rest() -> None:
    facts = refractory_facts()
    assessment = assess(facts, AS_OF)
    assert assessment.algorithm.current_step == "ALG-2"
    d = algorithm_diagram(assessment)
    states = {s.rule_id: s.state for s in d.steps + d.exits}
    assert states == {"ALG-1": PASSED, "ALG-2": CURRENT, "ALG-3": DIMMED, "ALG-4": DIMMED, "ALG-5": DIMMED,
                      "BSC": DIMMED, "OUTSIDE": DIMMED, "UNKNOWN": DIMMED}
    assert d.step("ALG-2").state_label == "You are here"
    assert "step 2" in d.summary and "Passed: step 1" in d.summary


def test_child_pugh_c_lights_the_supportive_care_exit() -> None:
    facts = refractory_facts(bilirubin=3.5, albumin=2.5, inr=2.5, ascites="moderate_severe")
    assessment = assess(facts, AS_OF)
    assert assessment.child_pugh.cp_class == "C"
    d = algorithm_diagram(assessment)
    assert d.current_step == "BSC"
    assert d.step("BSC").state == CURRENT
    assert d.step("ALG-1").state == PASSED
    assert all(d.step(r).state == DIMMED for r in ("ALG-2", "ALG-3", "ALG-4", "ALG-5", "OUTSIDE", "UNKNOWN"))


def test_reassessment_clock_shows_under_alg_5() -> None:
    alg = Algorithm("ALG-5", ("ALG-1", "ALG-2", "ALG-5"),
                    Reassessment(D("2026-09-09"), D("2026-10-14"), True, D("2026-07-15")))
    d = algorithm_diagram(alg)
    assert d.clock is not None and d.clock.overdue and "2026-10-14" in d.clock.text
    html = render_to_string("cases/_algorithm.html", {"diagram": d})
    alg5 = html[html.index(">ALG-5<"):]
    assert "overdue" in alg5[: alg5.index("</div>")]
    assert 'datetime="2026-10-14"' in html


def test_algorithm_partial_marks_the_current_step_without_inline_style() -> None:
    d = algorithm_diagram(assess(refractory_facts(), AS_OF))
    html = render_to_string("cases/_algorithm.html", {"diagram": d})
    assert html.count('aria-current="step"') == 1
    current = html[html.index('aria-current="step"'):]
    assert ">ALG-2<" in current[:200] and "You are here" in current[:400]
    for rule_id in ("ALG-1", "ALG-2", "ALG-3", "ALG-4", "ALG-5", "BSC", "OUTSIDE", "UNKNOWN"):
        assert f">{rule_id}<" in html
    assert "style=" not in html and "<style" not in html and "<script" not in html
