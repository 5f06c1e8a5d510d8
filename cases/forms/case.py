"""The case form: the patient, the nodule count before TACE and the contraindications."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from cases import models as m
from cases.concurrency import VersionedForm
from cases.forms.fields import MeasurementInput, YesNoUnknown


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
