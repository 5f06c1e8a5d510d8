"""Axes of the charts: dates → x (linear in days), values → y (log10), and their ticks."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

from cases.charts.svg import SMALL, clamp_center, r, text_width

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_TICK_ROOM = 110  # x units a month label needs before the ticks thin out
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)  # months between ticks, the first that fits wins


@dataclass(frozen=True, kw_only=True)
class Tick:
    """One axis tick: ``position`` is x for the date axis and y for the value axis."""

    position: float
    label: str
    label_position: float  # where the text goes (clamped so it is never cut off)
    css: str = "tl-grid"


@dataclass(frozen=True, kw_only=True)
class DateScale:
    """Dates → x, linear in days; later dates are always further right."""

    start: datetime.date
    end: datetime.date
    x0: float
    x1: float

    def x(self, d: datetime.date) -> float:
        span = (self.end - self.start).days
        return r(self.x0 + (d - self.start).days / span * (self.x1 - self.x0))


@dataclass(frozen=True, kw_only=True)
class LogScale:
    """Values → y on a log10 scale between two powers of ten; SVG y grows downward, so a
    smaller value gets a larger y. Values ≤ 0 (AFP can be reported as 0) sit at the floor."""

    low_exp: int
    high_exp: int
    top: float
    bottom: float

    def y(self, value: float) -> float:
        if value <= 0:
            return self.bottom
        share = (math.log10(value) - self.low_exp) / (self.high_exp - self.low_exp)
        return r(self.bottom - share * (self.bottom - self.top))

    @classmethod
    def covering(cls, values: Iterable[float], top: float, bottom: float) -> LogScale:
        """The narrowest whole-decade range holding every positive value (at least one decade).
        With zeros present, one empty decade is added below, and its floor line (labelled "0"
        by the timeline) carries the zeros, so a real value is never read as a zero."""
        values = list(values)
        positive = [v for v in values if v > 0]
        if not positive:
            return cls(low_exp=0, high_exp=1, top=top, bottom=bottom)
        low = math.floor(math.log10(min(positive)))
        high = math.ceil(math.log10(max(positive)))
        if any(v <= 0 for v in values):
            low -= 1
        if high <= low:
            high = low + 1
        return cls(low_exp=low, high_exp=high, top=top, bottom=bottom)


def power_of_ten_label(exp: int) -> str:
    """Tick labels the board can read at a glance: 0.1, 1, 10 … 10 000, then 10⁵, 10⁶ …"""
    if exp < 0:
        return f"{10.0**exp:.{-exp}f}"
    if exp <= 4:
        return f"{10**exp:,}".replace(",", "\u2009")
    superscripts = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
    return "10" + str(exp).translate(superscripts)


def value_tick(log: LogScale, exp: int, *, floor_is_zero: bool) -> Tick:
    """A power-of-ten grid line; the floor decade added for zeros is labelled "0" and dashed."""
    y = log.y(10.0**exp)
    if floor_is_zero:
        return Tick(position=y, label="0", label_position=r(y + SMALL * 0.35), css="tl-grid tl-grid-floor")
    return Tick(position=y, label=power_of_ten_label(exp), label_position=r(y + SMALL * 0.35))


def month_ticks(scale: DateScale, low: float, high: float) -> tuple[Tick, ...]:
    """Ticks on the first of the month, thinned (every 2, 3, 6 … months) so labels never crowd.

    Very short spans (no two month starts inside) get the first and last date instead.
    """
    firsts = _month_starts(scale.start, scale.end)
    if len(firsts) < 2:
        return tuple(_date_tick(scale, d, d.isoformat(), low, high) for d in (scale.start, scale.end))
    max_ticks = max(2, int((scale.x1 - scale.x0) // MONTH_TICK_ROOM))
    step = next((s for s in MONTH_STEPS if len(firsts) / s <= max_ticks), 120)
    chosen = [f for f in firsts if (f.year * 12 + f.month - 1) % step == 0] or firsts[:1]
    return tuple(
        _date_tick(scale, first, _month_label(first, step, leading=i == 0), low, high)
        for i, first in enumerate(chosen)
    )


def _month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first of every month from ``start`` to ``end``, both included."""
    firsts: list[datetime.date] = []
    d = datetime.date(start.year, start.month, 1)
    if d < start:
        d = _add_months(d, 1)
    while d <= end:
        firsts.append(d)
        d = _add_months(d, 1)
    return firsts


def _month_label(first: datetime.date, step: int, *, leading: bool) -> str:
    """A month tick's label: the year alone ("2026") when ticks are a year or more apart; else
    "Jan 2026" for the first tick and every January, and the month alone ("Feb") in between."""
    if step >= 12:
        return str(first.year)
    if leading or first.month == 1:
        return f"{MONTHS[first.month - 1]} {first.year}"
    return MONTHS[first.month - 1]


def _date_tick(scale: DateScale, d: datetime.date, label: str, low: float, high: float) -> Tick:
    x = scale.x(d)
    label_x = clamp_center(x, text_width(label, SMALL), low, high)
    return Tick(position=x, label=label, label_position=r(label_x))


def _add_months(d: datetime.date, months: int) -> datetime.date:
    index = d.year * 12 + d.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)
