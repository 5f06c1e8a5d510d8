"""Readiness asks only for what the patient's path needs (issue 14)."""

from __future__ import annotations

import pytest

from cases.adapters import case_to_facts, with_records
from cases.assessing import assess_case
from meetings.readiness import readiness
from tests.factories import days_ago
from tests.test_worklist import complete_case

pytestmark = pytest.mark.django_db


def _keys_and_missing(label: str) -> tuple[set[str], tuple[str, ...]]:
    case = with_records().get(label=label)
    assessed = assess_case(case, as_of=days_ago(0))
    result = readiness(case_to_facts(case), days_ago(0), assessed.assessment.missing, assessed.assessment)
    return {c.key for c in result.checks}, result.missing


def test_no_endoscopy_is_asked_for_a_patient_headed_for_supportive_care() -> None:
    case = complete_case("R-BSC", liver_failing=True)
    case.endoscopies.all().delete()
    keys, missing = _keys_and_missing("R-BSC")
    assert keys == {"labs", "imaging"}
    assert not any("ndoscopy" in m for m in missing)


def test_endoscopy_is_asked_for_when_bevacizumab_is_open() -> None:
    case = complete_case("R-AB", responses=("PD", "PD"))
    case.endoscopies.all().delete()
    keys, _ = _keys_and_missing("R-AB")
    assert "endoscopy" in keys


def test_without_an_assessment_every_record_is_asked_for() -> None:
    case = complete_case("R-ANY", liver_failing=True)
    facts = case_to_facts(with_records().get(pk=case.pk))
    assert {c.key for c in readiness(facts, days_ago(0), ()).checks} == {"labs", "imaging", "endoscopy"}
