"""Clinical presentation on screens (issue 14): verdicts, option order, doses, numbers."""

from __future__ import annotations

import pytest

from cases.adapters import with_records
from cases.assessing import assess_case
from cases.models import Case
from cases.presenters import Summary, dose_for_weight, number
from tests.factories import (
    CaseFactory,
    ClinicalFactory,
    EndoscopyFactory,
    ImagingFactory,
    LabFactory,
    TaceFactory,
    days_ago,
)
from tests.test_worklist import complete_case

pytestmark = pytest.mark.django_db


def summary_of(label: str) -> Summary:
    return assess_case(with_records().get(label=label)).summary


def test_child_pugh_c_is_outside_and_never_green() -> None:
    complete_case("P-C", liver_failing=True)
    s = summary_of("P-C")
    assert s.verdict == "outside" and s.verdict_tone == "outside"
    assert "best supportive care" in s.verdict_label
    # None of the eight regimens can be given: no dose is shown for any of them.
    assert all(o.dose_line is None and o.dose_needs is None for o in s.options)
    assert s.open_options == () and len(s.folded_options) == 8


def test_refractory_is_a_call_to_act_with_the_preferred_regimen_first() -> None:
    complete_case("P-R", responses=("PD", "PD"))
    s = summary_of("P-R")
    assert s.verdict_tone == "act"
    assert s.options[0].regimen == "atezolizumab_bevacizumab" and s.options[0].status == "recommended"


def test_the_preferred_regimen_waiting_for_its_endoscopy_comes_before_the_eligible_ones() -> None:
    case = complete_case("P-EGD", responses=("PD", "PD"))
    case.endoscopies.all().delete()
    s = summary_of("P-EGD")
    first = s.options[0]
    assert (first.regimen, first.status) == ("atezolizumab_bevacizumab", "needs_workup")
    assert first.status_label == "Preferred — after endoscopy"
    statuses = [o.status for o in s.options[1:] if not o.folded]
    assert statuses == sorted(
        statuses, key=["eligible", "needs_workup", "no_guidance", "insufficient_data"].index
    )


def test_bevacizumab_dose_is_worked_out_from_the_weight() -> None:
    case = complete_case("P-W", responses=("PD", "PD"))
    case.weight_kg = 67
    case.save()
    EndoscopyFactory(case=case)
    ab = summary_of("P-W").options[0]
    assert "15 mg/kg (1,005 mg for 67 kg)" in (ab.dose_line or "")
    assert (
        dose_for_weight("8 mg/kg IV every 2 weeks", None)
        == "8 mg/kg (weight needed for the amount) IV every 2 weeks"
    )


def test_one_number_format() -> None:
    assert [number(201.0), number(201.03, 1), number(0.85), number(12400.0), number(-0.0)] == [
        "201",
        "201",
        "0.85",
        "12,400",
        "0",
    ]


def responding_case(label: str) -> None:
    """Two partial responses, markers flat before and after TACE, every record current."""
    case = CaseFactory(label=label)
    for days in (200, 100, 30, 5):
        LabFactory(case=case, date=days_ago(days))
    ClinicalFactory(case=case, date=days_ago(5))
    ImagingFactory(case=case, date=days_ago(210))
    ImagingFactory(case=case, date=days_ago(10))
    EndoscopyFactory(case=case, date=days_ago(20))
    TaceFactory(case=case, date=days_ago(150), response="PR", response_date=days_ago(120))
    TaceFactory(case=case, date=days_ago(90), response="PR", response_date=days_ago(60))


def test_green_only_when_nothing_is_to_be_acted_on() -> None:
    responding_case("P-OK")
    assert summary_of("P-OK").verdict_tone == "clear"
    # The same patient with a marker rising three times in a row: a sign to weigh, no longer green.
    case = Case.objects.get(label="P-OK")
    for days, afp in ((4, 200.0), (3, 400.0), (2, 800.0)):
        LabFactory(case=case, date=days_ago(days), afp_ng_ml=afp)
    assert summary_of("P-OK").verdict_tone != "clear"
    # With the TACE response unknown: never green either.
    case.tace_sessions.update(response="")
    assert summary_of("P-OK").verdict_tone != "clear"
