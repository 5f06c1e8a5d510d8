"""Forms for cases and their dated records. Validation comes from the models (one set of rules)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import modelform_factory

from cases import models as m
from cases.concurrency import VersionedForm
from cases.validators import PlausibleRange, not_in_future

class YesNoUnknownSelect(forms.NullBooleanSelect):
    """Django's yes/no/unknown select, worded for the clinic: unknown reads "Not recorded"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "Not recorded"), ("true", "Yes"), ("false", "No")]


class YesNoUnknown(forms.NullBooleanField):
    """Yes / No / Not recorded: an empty answer stays unknown, never "no"."""

    widget = YesNoUnknownSelect


class MeasurementInput(forms.NumberInput):
    """Shows 72.0 as 72: the value as a clinician would write it."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().format_value(value)


def clinical_formfield(field: Any, **kwargs: Any) -> forms.Field | None:
    """Model field → form field, with our yes/no/not-recorded select and HTML date inputs.

    The plausible-range and date validators of the model field are carried over, so a plain
    form (the findings part of the case form) refuses the same values as the model does.
    """
    kwargs.setdefault(
        "validators", [v for v in field.validators if isinstance(v, PlausibleRange) or v is not_in_future]
    )
    if field.get_internal_type() == "BooleanField" and field.null:
        return YesNoUnknown(label=field.verbose_name.capitalize(), required=False, help_text=field.help_text)
    if field.get_internal_type() == "DateField":
        return field.formfield(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)
    if field.get_internal_type() == "FloatField":
        return field.formfield(widget=MeasurementInput(attrs={"step": "any"}), **kwargs)
    return field.formfield(**kwargs)


class CaseForm(VersionedForm):
    class Meta:
        model = m.Case
        fields = [
            "label",
            "age",
            "sex",
            "weight_kg",
            "ecog",
            "etiology",
            "baseline_tumor_count",
            "contraindication_immunotherapy",
            "contraindication_bevacizumab",
            "contraindication_note",
            "status",
        ]
        field_classes = {
            "contraindication_immunotherapy": YesNoUnknown,
            "contraindication_bevacizumab": YesNoUnknown,
        }
        widgets = {
            "contraindication_note": forms.Textarea(attrs={"rows": 2}),
            "weight_kg": MeasurementInput(attrs={"step": "any"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


RECORD_FIELDS: dict[str, list[str]] = {
    "labs": ["date", *m.LabResult.FORMAT_FIELDS],
    "clinical": ["date", *m.ClinicalFinding.FORMAT_FIELDS],
    "imaging": ["date", *m.Imaging.FORMAT_FIELDS],
    "endoscopies": ["date", *m.Endoscopy.FORMAT_FIELDS],
    "tace": ["date", *m.TaceSession.FORMAT_FIELDS],
    "therapies": ["regimen", "start", "end", "outcome", "tolerated"],
}

RECORD_MODELS: dict[str, type[m.LabResult | m.ClinicalFinding | m.Imaging | m.Endoscopy | m.TaceSession | m.SystemicTherapy]] = {
    "labs": m.LabResult,
    "clinical": m.ClinicalFinding,
    "imaging": m.Imaging,
    "endoscopies": m.Endoscopy,
    "tace": m.TaceSession,
    "therapies": m.SystemicTherapy,
}


class RecordForm(VersionedForm):
    """Base of the record forms: the instance arrives with its case already set."""

    def _post_clean(self) -> None:
        super()._post_clean()
        # The case is not a form field, so Django skips the one-per-date constraint; check it here
        # so a duplicate date is a form error rather than a failed save.
        try:
            self.instance.validate_constraints()
        except forms.ValidationError as error:
            self._update_errors(error)


def record_form_class(kind: str) -> type[forms.ModelForm]:
    """The ModelForm for one kind of dated record (URL slug → model)."""
    return modelform_factory(
        RECORD_MODELS[kind],
        form=RecordForm,
        fields=RECORD_FIELDS[kind],
        formfield_callback=clinical_formfield,
    )
