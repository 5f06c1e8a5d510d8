"""The TACE timeline (cases/charts/timeline.py, its scales, and templates/cases/charts.html#timeline).

Pure Python: the facts are built directly, no database. The template is rendered with the
real template engine to check that nothing inline slips past the strict CSP.
"""

from __future__ import annotations

import datetime
import itertools
import re
from dataclasses import replace

import pytest
from django.template.loader import render_to_string

from cases.charts import timeline
from cases.charts.scales import DateScale, LogScale, month_ticks
from cases.charts.svg import assign_rows
from cases.charts.timeline import RIGHT, X_PAD, Timeline
from cases.clinical import assess
from cases.clinical.facts import CaseFacts, Imaging, LabResult, SystemicTherapy, TaceSession
from tests.charts.sample_facts import AS_OF, D, refractory_facts


def render_timeline(t: Timeline) -> str:
    return render_to_string("cases/charts.html#timeline", {"timeline": t})


# --- timeline: scales -------------------------------------------------------------------------


def test_dates_map_monotonically_to_x() -> None:
    t = timeline(refractory_facts(), AS_OF)
    xs = [s.x for s in t.sessions]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    scale = DateScale(start=D("2025-01-01"), end=AS_OF, x0=100, x1=1000)
    days = [D("2025-01-01") + datetime.timedelta(days=n) for n in range(0, 696, 7)]
    mapped = [scale.x(d) for d in days]
    assert all(a < b for a, b in itertools.pairwise(mapped))
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
    scale = DateScale(start=D("2021-03-15"), end=AS_OF, x0=170, x1=1150)
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
    t = timeline(replace(facts, imaging=(*facts.imaging, later)), AS_OF)
    [event] = t.events
    assert event.date == D("2026-11-25") and event.kind == "vascular"
    # Same linear day scale as the sessions: its x sits where 2026-11-25 falls between them.
    first, second = t.sessions[0], t.sessions[1]
    per_day = (second.x - first.x) / (second.date - first.date).days
    assert event.x == pytest.approx(first.x + (event.date - first.date).days * per_day, abs=0.3)
    assert "Vp3" in event.label.text
    assert any(line.startswith("2026-11-25:") and "vascular invasion" in line for line in t.text_alternative)


def test_invasion_flag_on_a_session_is_dated_at_its_follow_up() -> None:
    facts = CaseFacts(
        tace_sessions=(
            TaceSession(D("2026-05-01"), "ctace", "PD", D("2026-06-10"), new_extrahepatic_spread=True),
        )
    )
    t = timeline(facts, AS_OF)
    [event] = t.events
    assert (event.date, event.kind) == (D("2026-06-10"), "spread")


def test_persisting_invasion_is_one_moment_not_one_line_per_scan() -> None:
    facts = CaseFacts(
        imaging=(
            Imaging(D("2026-01-10"), portal_vein_invasion="none", hepatic_vein_invasion=False),
            Imaging(D("2026-04-10"), portal_vein_invasion="vp2"),
            Imaging(D("2026-07-10"), portal_vein_invasion="vp2"),
            Imaging(D("2026-10-10"), hepatic_vein_invasion=True, portal_vein_invasion="vp2"),
        )
    )
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
    facts = CaseFacts(
        systemic_therapies=(
            SystemicTherapy("sorafenib", D("2025-07-01"), "progression", D("2026-01-15")),
            SystemicTherapy("lenvatinib", D("2026-02-01"), "ongoing"),
        )
    )
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


def test_two_invasion_moments_days_apart_never_overlap() -> None:
    # Imaging shows vascular invasion, and the TACE follow-up a few days later records it as new:
    # one line with one label, not two lines drawn on top of each other with stacked labels.
    facts = CaseFacts(
        tace_sessions=(
            TaceSession(D("2026-03-01"), "ctace", "PD", D("2026-06-12"), new_vascular_invasion=True),
        ),
        imaging=(
            Imaging(D("2026-01-10"), portal_vein_invasion="none", hepatic_vein_invasion=False),
            Imaging(D("2026-06-10"), portal_vein_invasion="vp2"),
            Imaging(D("2026-06-11"), portal_vein_invasion="vp2", extrahepatic_spread=True),
        ),
    )
    t = timeline(facts, AS_OF)
    vascular = [e for e in t.events if e.kind == "vascular"]
    assert len(vascular) == 1 and "2026-06-12" in vascular[0].sentence
    xs = sorted(e.x for e in t.events)
    assert all(b - a >= 14 for a, b in itertools.pairwise(xs))  # the spread line moved aside
    text = "\n".join(t.text_alternative)
    assert "2026-06-10" in text and "2026-06-12" in text  # the text list keeps every date
