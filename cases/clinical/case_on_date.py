"""The case as seen on the assessment date: records on or before ``as_of``, sorted once.

CASE_FORMAT.md: "Latest" means the record with the latest date on or before ``as_of``. For labs it is
per analyte (a lab entry may carry only some analytes); for clinical findings, imaging and endoscopies
it is the whole latest record, and an item missing from it is not recorded (an older record does not
fill it in). Every rule reads the case through this view. The date-sorted lists come from
``CaseFacts.index`` (built once per facts instance); the view only cuts them at ``as_of``.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

from .facts import (
    CaseFacts,
    ClinicalFinding,
    Endoscopy,
    Imaging,
    LabPoint,
    MarkerPair,
    SystemicTherapy,
    TaceSession,
)
from .vocab import ASSESSED_RESPONSES

__all__ = ["CaseView", "LabPoint", "MarkerPair", "days_between"]

_INF = float("inf")
T = TypeVar("T", ClinicalFinding, Imaging, Endoscopy, TaceSession)


def _upto(records: tuple[T, ...], as_of: datetime.date) -> tuple[T, ...]:
    if not records or records[-1].date <= as_of:
        return records
    return tuple(r for r in records if r.date <= as_of)


def _points_upto(points: Sequence[LabPoint], as_of: datetime.date) -> tuple[LabPoint, ...]:
    if not points or points[-1][0] <= as_of:
        return tuple(points)
    return tuple(points[: bisect_right(points, (as_of, _INF))])


class CaseView:
    """Read-only, as-of-date view of ``CaseFacts``."""

    def __init__(self, facts: CaseFacts, as_of: datetime.date) -> None:
        index = facts.index
        self.facts = facts
        self.as_of = as_of
        self.patient = facts.patient
        self.contraindications = facts.contraindications
        self.clinical = _upto(index.clinical, as_of)
        self.imaging = _upto(index.imaging, as_of)
        self.endoscopies = _upto(index.endoscopies, as_of)
        self.sessions = _upto(index.tace_sessions, as_of)
        # RULES.md §5: regimens ordered by start date, ties keep document order (stable sort).
        therapies = index.systemic_therapies
        if therapies and therapies[-1].start > as_of:
            therapies = tuple(t for t in therapies if t.start <= as_of)
        self.therapies: tuple[SystemicTherapy, ...] = therapies
        self.latest_clinical: ClinicalFinding | None = self.clinical[-1] if self.clinical else None
        self.latest_imaging: Imaging | None = self.imaging[-1] if self.imaging else None
        self.latest_endoscopy: Endoscopy | None = self.endoscopies[-1] if self.endoscopies else None
        self.first_tace: TaceSession | None = self.sessions[0] if self.sessions else None
        self.assessed_sessions: tuple[TaceSession, ...] = tuple(
            s for s in self.sessions if s.response in ASSESSED_RESPONSES
        )
        self._index = index
        self._series: dict[str, tuple[LabPoint, ...]] = {}
        self._pairs: tuple[MarkerPair, ...] | None = None

    # --- labs -----------------------------------------------------------------------------------
    def series(self, analyte: str) -> tuple[LabPoint, ...]:
        """Every recorded value of one analyte on or before as_of, oldest first."""
        points = self._series.get(analyte)
        if points is None:
            points = _points_upto(self._index.series[analyte], self.as_of)
            self._series[analyte] = points
        return points

    def latest(self, analyte: str, on_or_before: datetime.date | None = None) -> LabPoint | None:
        """The latest value of an analyte (on or before a date, when given)."""
        points = self.series(analyte)
        if not points:
            return None
        if on_or_before is None:
            return points[-1]
        i = self.count_on_or_before(analyte, on_or_before)
        return points[i - 1] if i else None

    def count_on_or_before(self, analyte: str, day: datetime.date) -> int:
        """How many values of the analyte are dated on or before ``day``."""
        return bisect_right(self.series(analyte), (day, _INF))

    def latest_value(self, analyte: str, on_or_before: datetime.date | None = None) -> float | None:
        point = self.latest(analyte, on_or_before)
        return None if point is None else point[1]

    def marker_pairs(self) -> tuple[MarkerPair, ...]:
        """(date, AFP, PIVKA-II) for dates with both markers (records of one date merged)."""
        if self._pairs is None:
            pairs = self._index.marker_pairs
            if pairs and pairs[-1][0] > self.as_of:
                pairs = tuple(p for p in pairs if p[0] <= self.as_of)
            self._pairs = pairs
        return self._pairs

    # --- systemic therapy -----------------------------------------------------------------------
    @property
    def ongoing(self) -> SystemicTherapy | None:
        for t in self.therapies:
            if t.outcome == "ongoing":
                return t
        return None

    @property
    def failed(self) -> tuple[SystemicTherapy, ...]:
        """Regimens that ended in progression or intolerance, in start order."""
        return tuple(t for t in self.therapies if t.outcome in ("progression", "intolerance"))

    def latest_course(self, regimen: str) -> SystemicTherapy | None:
        for t in reversed(self.therapies):
            if t.regimen == regimen:
                return t
        return None


def days_between(earlier: datetime.date, later: datetime.date) -> int:
    return (later - earlier).days
