"""Model- and form-layer validators. The ranges themselves live in the clinical engine (one table for
files and forms); the unit hints and the label checks are the screens' own."""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from cases.clinical.ranges import RANGES, range_problem

# Free-text limits (models, forms, admin and import share them; README "Limits").
LABEL_MAX = 64
TITLE_MAX = 200
NOTE_MAX = 2000
# Dates before this are typing slips (0001-01-01), not findings.
EARLIEST_DATE = datetime.date(1900, 1, 1)

# Values that are plausible in another unit than the field's: (low, high, hint). A value in the
# window is still refused (we never convert silently), but the message says what it looks like.
UNIT_HINTS: dict[str, tuple[float, float, str]] = {
    "albumin_g_dl": (10, 70, "looks like g/L; divide by 10 for g/dL"),
    "bilirubin_mg_dl": (50, 1000, "looks like µmol/L; divide by 17.1 for mg/dL"),
    "platelets_10e9_l": (2000, 2_000_000, "looks like a count per µL; divide by 1000 for ×10⁹/L"),
}


def unit_hint(field: str, value: float) -> str:
    """The common unit slip this value looks like, or ""."""
    low, high, hint = UNIT_HINTS.get(field, (0.0, -1.0, ""))
    return f" ({hint})" if low <= value <= high else ""


def _range_message(field: str, value: float, name: str) -> str | None:
    problem = range_problem(field, value, name)
    return problem + unit_hint(field, value) if problem else None


@deconstructible
class PlausibleRange:
    """Refuse a value outside CASE_FORMAT.md's plausible range, naming the field and its unit."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __call__(self, value: float | None) -> None:
        if value is None:
            return
        problem = _range_message(self.field, float(value), self.field)
        if problem:
            raise ValidationError(problem, code="out_of_range")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleRange) and other.field == self.field


class LabelledRange(PlausibleRange):
    """The same range, with the message naming the field by the label the form shows."""

    def __init__(self, field: str, label: str) -> None:
        super().__init__(field)
        self.label = label

    def __call__(self, value: float | None) -> None:
        if value is None:
            return
        problem = _range_message(self.field, float(value), self.label)
        if problem:
            raise ValidationError(problem, code="out_of_range")


def range_unit(field: str) -> str:
    return RANGES[field].unit if field in RANGES else ""


def not_in_future(value: datetime.date | None) -> None:
    """A finding cannot be dated after today (CASE_FORMAT.md: dates not after `as_of`), nor before 1900."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(f"{value.isoformat()} is in the future", code="future_date")
    if value is not None and value < EARLIEST_DATE:
        raise ValidationError(f"{value.isoformat()} is before 1900: check the year", code="ancient_date")


def plausible_meeting_time(value: datetime.datetime | None) -> None:
    """A meeting between 1900 and 2100: year 1 is a typing slip that no time zone can convert."""
    if value is not None and not 1900 <= value.year <= 2100:
        raise ValidationError(f"{value:%Y-%m-%d} is not a plausible date for a meeting", code="implausible")


# Characters that change how a label looks or reads without being visible: controls (Cc), format
# characters such as zero-width spaces and bidi overrides (Cf), surrogates (Cs), unassigned (Cn).
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
_NAME_AND_BIRTH_DATE = re.compile(
    r"[^\W\d_]{2,}.*\b(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})\b"
)
_SIX_DIGITS = re.compile(r"\d{6,}")
PSEUDONYMOUS = "labels must be pseudonymous (e.g. HCC-0102), never a name, birth date or record number"


def normalise_label(value: str) -> str:
    """NFKC, without invisible characters, with single spaces and no spaces at the ends."""
    text = unicodedata.normalize("NFKC", value)
    # Every dash (non-breaking hyphen, en dash, …) is the plain one; invisible characters go.
    text = "".join(
        "-" if unicodedata.category(ch) == "Pd" else ch
        for ch in text
        if unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(text.split())


def label_key(value: str) -> str:
    """What two labels must not share: the normalised label, case-folded."""
    return normalise_label(value).casefold()


def label_problem(value: str) -> str | None:
    """Why a (normalised) label is refused, or None."""
    if not value:
        return "enter a label that is not only spaces or invisible characters"
    if not value.isascii():
        return (
            "use Latin letters, digits and dashes only (look-alike letters from other alphabets are refused)"
        )
    if _NAME_AND_BIRTH_DATE.search(value):
        return f"this looks like a name with a date of birth; {PSEUDONYMOUS}"
    if _SIX_DIGITS.search(value):
        return f"six or more digits in a row look like a record number; {PSEUDONYMOUS}"
    return None


def pseudonymous_label(value: str) -> None:
    """Model validator of Case.label (the value is normalised by the model before validation)."""
    problem = label_problem(normalise_label(value))
    if problem:
        raise ValidationError(problem, code="label")
