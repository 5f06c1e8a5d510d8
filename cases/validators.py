"""Model-layer validators. The ranges themselves live in the clinical engine (one table for files and forms)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from cases.clinical.ranges import range_problem


@deconstructible
class PlausibleRange:
    """Refuse a value outside CASE_FORMAT.md's plausible range, naming the field and its unit."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __call__(self, value: float | None) -> None:
        if value is None:
            return
        problem = range_problem(self.field, float(value))
        if problem:
            raise ValidationError(problem, code="out_of_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleRange) and other.field == self.field


def not_in_future(value: datetime.date | None) -> None:
    """A finding cannot be dated after today (CASE_FORMAT.md: dates not after `as_of`)."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"{value.isoformat()} is in the future", code="future_date")
