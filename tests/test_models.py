"""Model-layer validation: CASE_FORMAT.md's plausible ranges, with the field and the unit named."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import models as m
from cases.clinical import vocab
from tests.factories import CaseFactory, TherapyFactory

BAD_VALUES = [
    (m.Case, "age", 121, "years"),
    (m.Case, "weight_kg", 19.9, "kg"),
    (m.Case, "weight_kg", 351, "kg"),
    (m.Case, "ecog", 5, "0–4"),
    (m.Case, "baseline_tumor_count", 101, "0–100"),
    (m.LabResult, "bilirubin_mg_dl", 0.05, "mg/dL"),
    (m.LabResult, "bilirubin_mg_dl", 51, "mg/dL"),
    (m.LabResult, "albumin_g_dl", 35, "g/dL"),
    (m.LabResult, "albumin_g_dl", 0.4, "g/dL"),
    (m.LabResult, "inr", 16, "ratio"),
    (m.LabResult, "ast_u_l", 20001, "U/L"),
    (m.LabResult, "ast_u_l", 0.5, "U/L"),
    (m.LabResult, "platelets_10e9_l", 2001, "10⁹/L"),
    (m.LabResult, "afp_ng_ml", -1, "ng/mL"),
    (m.LabResult, "afp_ng_ml", 10_000_001, "ng/mL"),
    (m.LabResult, "pivka_mau_ml", 10_000_001, "mAU/mL"),
    (m.Imaging, "largest_cm", 41, "cm"),
    (m.Imaging, "largest_cm", 0.05, "cm"),
    (m.Imaging, "liver_involvement_pct", 101, "%"),
    (m.Imaging, "nodule_count", 101, "0–100"),
    (m.TaceSession, "tumor_count_after", 101, "0–100"),
]


def build(model: type, **values: object) -> object:
    today = timezone.localdate()
    if model is m.Case:
        return m.Case(label="R-1", **values)
    return model(case=CaseFactory(), date=today, **values)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "field", "value", "unit"), BAD_VALUES)
def test_out_of_range_value_is_refused_naming_field_and_unit(model, field, value, unit) -> None:
    record = build(model, **{field: value})
    with pytest.raises(ValidationError) as error:
        record.save()
    message = " ".join(error.value.message_dict[field])
    assert field in message and unit in message
    assert record.pk is None
    assert not model.objects.filter(**{field: value}).exists()


@pytest.mark.django_db
def test_boundary_values_are_accepted() -> None:
    lab = build(
        m.LabResult, bilirubin_mg_dl=0.1, albumin_g_dl=7, inr=0.5, afp_ng_ml=0, pivka_mau_ml=10_000_000
    )
    lab.save()
    assert lab.pk


@pytest.mark.django_db
def test_future_dates_are_refused() -> None:
    record = build(m.LabResult, inr=1.0)
    record.date = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        record.save()
    assert "date" in error.value.message_dict


@pytest.mark.django_db
def test_response_cannot_precede_the_session() -> None:
    session = build(m.TaceSession, response="SD")
    session.response_date = session.date - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        session.save()
    assert "response_date" in error.value.message_dict


@pytest.mark.django_db
def test_therapy_dates_and_single_ongoing_line() -> None:
    case = CaseFactory()
    with pytest.raises(ValidationError, match="before it started"):
        TherapyFactory(
            case=case, start=timezone.localdate(), end=timezone.localdate() - datetime.timedelta(days=1)
        )
    with pytest.raises(ValidationError, match="no end date"):
        TherapyFactory(case=case, outcome="ongoing")
    TherapyFactory(case=case, outcome="ongoing", end=None)
    with pytest.raises(ValidationError, match="already ongoing"):
        TherapyFactory(case=case, outcome="ongoing", end=None, regimen="lenvatinib")
    assert case.systemic_therapies.count() == 1


@pytest.mark.django_db
def test_empty_lab_row_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one lab value"):
        build(m.LabResult).save()


@pytest.mark.django_db
def test_yes_no_findings_default_to_not_recorded() -> None:
    case = m.Case.objects.create(label="U-1")
    assert case.contraindication_immunotherapy is None
    assert case.contraindication_bevacizumab is None
    imaging = m.Imaging.objects.create(case=case, date=timezone.localdate(), nodule_count=1)
    assert imaging.extrahepatic_spread is None and imaging.hepatic_vein_invasion is None


@pytest.mark.django_db
def test_history_records_each_change() -> None:
    case = CaseFactory(ecog=0)
    case.ecog = 1
    case.save()
    assert [h.ecog for h in case.history.order_by("history_id")] == [0, 1]


@pytest.mark.parametrize(
    ("choices", "values"),
    [
        (m.Sex, vocab.SEXES),
        (m.Etiology, vocab.ETIOLOGIES),
        (m.Ascites, vocab.ASCITES),
        (m.Encephalopathy, vocab.ENCEPHALOPATHY),
        (m.PortalVeinInvasion, vocab.PORTAL_VEIN_INVASION),
        (m.Varices, vocab.VARICES),
        (m.TaceTechnique, vocab.TACE_TECHNIQUES),
        (m.Response, vocab.MRECIST_RESPONSES),
        (m.Regimen, vocab.REGIMENS),
        (m.TherapyOutcome, vocab.THERAPY_OUTCOMES),
    ],
)
def test_choice_values_are_the_exchange_format_keys(choices, values) -> None:
    assert tuple(choices.values) == tuple(values)
