"""Plausible ranges of CASE_FORMAT.md ("outside → a clear validation error naming the field").

One table serves the JSON parser and the Django model validators, so a value refused in a
file is refused in a form with the same words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: str  # shown after the bounds, e.g. "g/dL"; "" for counts
    whole: bool = False  # must be a whole number (ECOG, ages, counts)


RANGES: Final[dict[str, Range]] = {
    "age": Range(0, 120, "years", whole=True),
    "weight_kg": Range(20, 350, "kg"),
    "ecog": Range(0, 4, "", whole=True),
    "bilirubin_mg_dl": Range(0.1, 50, "mg/dL"),
    "albumin_g_dl": Range(0.5, 7, "g/dL"),
    "inr": Range(0.5, 15, "(ratio)"),
    "ast_u_l": Range(1, 20000, "U/L"),
    "platelets_10e9_l": Range(1, 2000, "×10⁹/L"),
    "afp_ng_ml": Range(0, 10_000_000, "ng/mL"),
    "pivka_mau_ml": Range(0, 10_000_000, "mAU/mL"),
    "largest_cm": Range(0.1, 40, "cm"),
    "liver_involvement_pct": Range(0, 100, "%"),
    "nodule_count": Range(0, 100, "", whole=True),
    "baseline_tumor_count": Range(0, 100, "", whole=True),
    "tumor_count_after": Range(0, 100, "", whole=True),
}


def _fmt(number: float) -> str:
    """Shortest readable form: 7.0 → "7", 0.5 → "0.5", 10000000 → "10000000", inf → "inf"."""
    if not math.isfinite(number) or abs(number) < 1e6:
        return f"{number:g}"
    return str(int(number))


def describe(field: str) -> str:
    """Human text of a field's range, e.g. "0.5–7 g/dL"."""
    r = RANGES[field]
    text = f"{_fmt(r.low)}–{_fmt(r.high)}"
    return f"{text} {r.unit}" if r.unit else text


def range_problem(field: str, value: float, path: str | None = None) -> str | None:
    """The message for a value outside its plausible range, or None when it is plausible.

    The message names the field and the expected unit, e.g.
    "albumin_g_dl: 35 is outside 0.5–7 g/dL". ``path`` replaces the field name in the
    message, e.g. "labs[0].albumin_g_dl".
    """
    r = RANGES[field]
    name = path or field
    shown = _fmt(value) if value == value else "NaN"  # NaN never equals itself
    if not math.isfinite(value):
        return f"{name}: {shown} is not a number (expected {describe(field)})"
    if r.whole and value != int(value):
        return f"{name}: {shown} is not a whole number (expected {describe(field)})"
    if not r.low <= value <= r.high:
        return f"{name}: {shown} is outside {describe(field)}"
    return None
