"""The form fields worded for the clinic (cases/forms/fields.py) and the record forms made from the
registry (cases/forms/records.py): unknown stays unknown, values read as a clinician writes them,
and a form refuses what its model refuses."""

import pytest
from django.core.exceptions import ValidationError

from cases import models as m
from cases.forms.fields import MeasurementInput, YesNoUnknown, clinical_formfield
from cases.forms.records import record_form_class
from cases.record_kinds import LABS, RECORD_KINDS, TACE_SESSIONS
from tests.factories import CaseFactory, days_ago


def test_an_empty_yes_no_answer_stays_not_recorded() -> None:
    field = YesNoUnknown(required=False)
    assert field.clean("unknown") is None and field.clean("") is None
    assert field.clean("true") is True and field.clean("false") is False
    assert "Not recorded" in field.widget.render("x", None)


def test_a_whole_measurement_is_shown_without_decimals() -> None:
    assert MeasurementInput().format_value(72.0) == "72"
    assert MeasurementInput().format_value(72.5) == "72.5"


def test_a_form_field_keeps_the_models_plausible_range() -> None:
    field = clinical_formfield(m.LabResult._meta.get_field("inr"), required=False)
    assert field is not None and field.clean("1.2") == 1.2
    with pytest.raises(ValidationError, match="INR: 99 is outside"):
        field.clean("99")


def test_each_kind_has_a_form_of_its_fields() -> None:
    for kind in RECORD_KINDS:
        form = record_form_class(kind)()
        assert set(form.fields) == {*kind.fields, "version"}, kind.slug


def test_a_second_record_on_one_date_is_a_form_error(db: None) -> None:
    case = CaseFactory()
    first = record_form_class(LABS)({"date": days_ago(3), "inr": "1.1"}, instance=m.LabResult(case=case))
    assert first.is_valid(), first.errors
    first.save()
    second = record_form_class(LABS)({"date": days_ago(3), "inr": "1.2"}, instance=m.LabResult(case=case))
    assert not second.is_valid()
    assert "already has a record of this kind on that date" in str(second.errors)
    session = record_form_class(TACE_SESSIONS)({"date": days_ago(3)}, instance=m.TaceSession(case=case))
    assert session.is_valid(), session.errors  # another kind on the same date is fine


@pytest.mark.parametrize("typed", ["1e-400", "0,000000001e-400"])
def test_a_value_too_small_for_a_number_is_refused_not_read_as_zero(typed: str) -> None:
    from cases.forms.fields import ClinicalFloat

    with pytest.raises(ValidationError):
        ClinicalFloat().clean(typed)
    assert ClinicalFloat().clean("0") == 0 and ClinicalFloat().clean("0,0") == 0
