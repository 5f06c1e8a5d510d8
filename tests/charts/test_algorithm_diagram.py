"""The treatment-algorithm diagram (cases/charts/algorithm_diagram.py and templates/cases/charts.html#algorithm).

Pure Python: the facts are built directly, no database. The template is rendered with the
real template engine to check that nothing inline slips past the strict CSP.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from cases.charts import algorithm_diagram
from cases.charts.algorithm_diagram import CURRENT, DIMMED, PASSED
from cases.clinical import Algorithm, Reassessment, assess
from tests.charts.sample_facts import AS_OF, D, refractory_facts

# --- algorithm diagram ------------------------------------------------------------------------


def test_diagram_at_alg_2_lights_the_path_and_dims_the_rest() -> None:
    facts = refractory_facts()
    assessment = assess(facts, AS_OF)
    assert assessment.algorithm.current_step == "ALG-2"
    d = algorithm_diagram(assessment)
    states = {s.rule_id: s.state for s in d.steps + d.exits}
    assert states == {
        "ALG-1": PASSED,
        "ALG-2": CURRENT,
        "ALG-3": DIMMED,
        "ALG-4": DIMMED,
        "ALG-5": DIMMED,
        "BSC": DIMMED,
        "OUTSIDE": DIMMED,
        "UNKNOWN": DIMMED,
    }
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
    alg = Algorithm(
        "ALG-5",
        ("ALG-1", "ALG-2", "ALG-5"),
        Reassessment(D("2026-09-09"), D("2026-10-14"), True, D("2026-07-15")),
    )
    d = algorithm_diagram(alg)
    assert d.clock is not None and d.clock.overdue and "2026-10-14" in d.clock.text
    html = render_to_string("cases/charts.html#algorithm", {"diagram": d})
    alg5 = html[html.index(">ALG-5<") :]
    assert "overdue" in alg5[: alg5.index("</div>")]
    assert 'datetime="2026-10-14"' in html


def test_algorithm_partial_marks_the_current_step_without_inline_style() -> None:
    d = algorithm_diagram(assess(refractory_facts(), AS_OF))
    html = render_to_string("cases/charts.html#algorithm", {"diagram": d})
    assert html.count('aria-current="step"') == 1
    current = html[html.index('aria-current="step"') :]
    assert ">ALG-2<" in current[:200] and "You are here" in current[:400]
    for rule_id in ("ALG-1", "ALG-2", "ALG-3", "ALG-4", "ALG-5", "BSC", "OUTSIDE", "UNKNOWN"):
        assert f">{rule_id}<" in html
    assert "style=" not in html and "<style" not in html and "<script" not in html
