"""Form fields and widgets worded for the clinic, and the one model field → form field mapping."""

from __future__ import annotations

import decimal
import math
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from cases.validators import LabelledRange, PlausibleRange, not_in_future


class YesNoUnknownSelect(forms.NullBooleanSelect):
    """Django's yes/no/unknown select, worded for the clinic: unknown reads "Not recorded"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "Not recorded"), ("true", "Yes"), ("false", "No")]


class YesNoUnknown(forms.NullBooleanField):
    """Yes / No / Not recorded: an empty answer stays unknown, never "no"."""

    widget = YesNoUnknownSelect


class MeasurementInput(forms.TextInput):
    """Shows 72.0 as 72: the value as a clinician would write it.

    A text input with the decimal keypad, not type=number: a number input hands the server an
    empty value for "abc" (the field would be silently blanked) and reads "1,5" by the browser's
    locale; here the server sees what was typed and answers with a message.
    """

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.attrs.pop("step", None)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().format_value(value)


# "1,5" is one and a half (a decimal comma), never fifteen; "1,500" or "1.234,5" are refused rather
# than guessed at, and so is anything with letters in it.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$")


def read_number(text: str) -> str:
    """The typed text as a plain decimal number (a decimal comma read as a point), or a ValidationError."""
    value = text.strip().replace("\u2212", "-")
    whole, _, decimals = value.partition(",")
    # "1,500" could be 1.5 or 1500: refused. "0,500" and "1,50" can only be decimals.
    ambiguous = len(decimals) == 3 and whole.lstrip("+-0") != ""
    if _DECIMAL_COMMA.match(value) and not ambiguous:
        value = value.replace(",", ".")
    if "," in value:
        raise ValidationError(
            f"{text.strip()[:20]!r}: write one decimal comma or point, without thousands separators",
            code="invalid",
        )
    if not _PLAIN_NUMBER.match(value):
        raise ValidationError(f"{text.strip()[:20]!r} is not a number", code="invalid")
    return value


class ClinicalFloat(forms.FloatField):
    """A measurement: decimal comma or point, refused with a message when it is not a number."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]  # django-stubs types it as int
        if isinstance(value, str) and value.strip() not in self.empty_values:
            text = read_number(value)
            number = float(text)
            if not math.isfinite(number):
                raise ValidationError(f"{value.strip()[:20]!r} is not a number", code="invalid")
            if number == 0 and any(
                digit in "123456789" for digit in text.partition("e")[0].partition("E")[0]
            ):
                # "1e-400" is not zero, whatever a float makes of it: refused rather than read as 0.
                raise ValidationError(f"{value.strip()[:20]!r} is too small to record", code="invalid")
            return number
        return super().to_python(value)


class ClinicalInteger(forms.IntegerField):
    """A count or score: a whole number, refused with a message otherwise (never rounded, never blanked)."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() not in self.empty_values:
            number = read_number(value)
            try:
                whole = decimal.Decimal(number)
            except decimal.InvalidOperation:
                raise ValidationError(f"{value.strip()[:20]!r} is not a number", code="invalid") from None
            if whole != whole.to_integral_value():
                raise ValidationError(f"{value.strip()[:20]!r} is not a whole number", code="invalid")
            if abs(whole) > 10**9:
                raise ValidationError(f"{value.strip()[:20]!r} is far too large", code="invalid")
            return int(whole)
        return super().to_python(value)


def clinical_formfield(field: Any, **kwargs: Any) -> forms.Field | None:
    """Model field → form field, with our yes/no/not-recorded select and HTML date inputs.

    The plausible-range and date validators of the model field are carried over, so a plain
    form (the findings part of the case form) refuses the same values as the model does.
    """
    label = capfirst(field.verbose_name)
    # The range is checked with the form's label in its message ("Albumin (g/dL): 35 is outside …").
    kwargs.setdefault(
        "validators",
        [
            LabelledRange(v.field, label) if isinstance(v, PlausibleRange) else v
            for v in field.validators
            if isinstance(v, PlausibleRange) or v is not_in_future
        ],
    )
    kind = field.get_internal_type()
    if kind == "BooleanField" and field.null:
        return YesNoUnknown(label=field.verbose_name.capitalize(), required=False, help_text=field.help_text)
    if kind == "DateField":
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    elif kind == "FloatField":
        kwargs.update(form_class=ClinicalFloat, widget=MeasurementInput())
    elif kind in ("PositiveSmallIntegerField", "PositiveIntegerField") and not field.choices:
        kwargs.update(form_class=ClinicalInteger, widget=MeasurementInput({"inputmode": "numeric"}))
    return field.formfield(**kwargs)
