"""Form fields and widgets worded for the clinic, and the one model field → form field mapping."""

from __future__ import annotations

from typing import Any

from django import forms

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
