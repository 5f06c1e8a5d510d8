"""The one assessment service (cases/assessing.py): a stored case, or a case form's unsaved values
over it, as of a date, gives the engine's assessment and what the screens show."""

import datetime

import pytest
from django.utils import timezone

from cases import assessing
from cases.adapters import RecordChange, UnsavedCase, case_to_facts, with_records
from cases.assessing import assess_case, assess_facts, today
from cases.clinical import CaseFacts, assess
from cases.forms.case import CaseForm
from cases.record_kinds import ENDOSCOPIES, LABS
from tests.factories import CaseFactory, days_ago
from tests.test_live_panel import refractory_case


def stored(case):  # type: ignore[no-untyped-def]
    return with_records().get(pk=case.pk)


def case_fields(case) -> dict:  # type: ignore[no-untyped-def]
    """The case form's cleaned data when nothing was changed."""
    names = [name for name in CaseForm.Meta.fields if name != "status"]
    return {name: getattr(case, name) for name in names}


def test_a_stored_case_is_assessed_as_of_today_by_default(db: None) -> None:
    case = stored(refractory_case())
    assessed = assess_case(case)
    assert assessed.as_of == timezone.localdate()  # the app's time zone, not the server's
    assert assessed.assessment.to_dict() == assess(case_to_facts(case), today()).to_dict()
    assert assessed.assessment.refractoriness.status == "refractory"
    assert assessed.summary.refractoriness_status == "refractory"


def test_a_named_day_and_a_proposal_reach_the_engine(db: None) -> None:
    case = stored(refractory_case())
    day = days_ago(1)
    assessed = assess_case(case, as_of=day, proposal="sorafenib")
    assert assessed.assessment.as_of == day
    assert assessed.assessment.to_dict() == assess(case_to_facts(case), day, "sorafenib").to_dict()


def test_a_new_case_is_assessed_from_no_facts(db: None) -> None:
    assessed = assess_case(None)
    assert assessed.facts == CaseFacts()
    # Nothing known is never read as normal: every option waits for data.
    assert {option.status for option in assessed.assessment.options} == {"insufficient_data"}


def test_unsaved_values_are_laid_over_the_stored_case_and_nothing_is_saved(db: None) -> None:
    case = stored(refractory_case())
    before = case_to_facts(case)
    lab = case.labs.last()
    unsaved = UnsavedCase(
        case_fields={**case_fields(case), "ecog": 2, "sex": ""},
        changes=(
            RecordChange(
                kind=LABS,
                action="update",
                date=lab.date,
                previous_date=lab.date,
                values={**{n: getattr(lab, n) for n in LABS.finding_fields}, "albumin_g_dl": 2.1},
            ),
            RecordChange(
                kind=ENDOSCOPIES,
                action="remove",
                date=None,
                values={},
                previous_date=case.endoscopies.get().date,
            ),
        ),
    )
    assessed = assess_case(case, unsaved=unsaved)
    assert assessed.facts.patient.ecog == 2
    assert assessed.facts.patient.sex is None  # a blank choice is "not recorded", never a value
    assert [lab.albumin_g_dl for lab in assessed.facts.labs] == [2.1]
    assert assessed.facts.endoscopies == ()
    assert assessed.facts.tace_sessions == before.tace_sessions
    assert {o.status for o in assessed.assessment.options} == {"not_indicated"}  # ECOG 2
    assert case_to_facts(stored(case)) == before


def test_an_added_record_joins_the_earlier_ones(db: None) -> None:
    case = stored(refractory_case())
    change = RecordChange(
        kind=ENDOSCOPIES,
        action="add",
        date=days_ago(1),
        previous_date=days_ago(60),
        values={"varices": "", "varices_treated": None},
    )
    facts = assess_case(case, unsaved=UnsavedCase(case_fields=case_fields(case), changes=(change,))).facts
    assert [e.date for e in facts.endoscopies] == [days_ago(60), days_ago(1)]
    assert facts.endoscopies[-1].varices is None


def test_facts_and_date_come_without_running_the_engine(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # The timeline and the export need only the facts and the date: the engine runs when asked.
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the engine ran")

    case = stored(CaseFactory())  # saving a case assesses it for the worklist (cases/worklist.py)
    monkeypatch.setattr(assessing, "assess", refuse)
    assessed = assess_case(case)
    assert assessed.as_of == today() and assessed.facts.patient.ecog == 0
    with pytest.raises(AssertionError, match="the engine ran"):
        _ = assessed.assessment


def test_parsed_facts_are_assessed_the_same_way() -> None:
    facts = CaseFacts()
    assessed = assess_facts(facts, as_of=datetime.date(2025, 3, 1), proposal="sorafenib")
    assert assessed.assessment.to_dict() == assess(facts, datetime.date(2025, 3, 1), "sorafenib").to_dict()
    assert assess_facts(facts).as_of == today()
