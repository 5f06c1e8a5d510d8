"""The concordance report: per month of meeting, cases discussed, decisions signed, the share that
follows the algorithm and the reasons for deviating (plain Python; its chart is in charts.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from meetings.concordance import CONCORDANT, DEVIATING

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, kw_only=True)
class MonthRow:
    month: datetime.date  # first day of the month
    cases_discussed: int
    signed: int
    concordant: int
    reasons: tuple[tuple[str, int], ...]  # (deviation reason label, count), in the reasons' order

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month.month - 1]} {self.month.year}"

    @property
    def share(self) -> float | None:
        """Share of signed decisions that follow the algorithm; None without a signed decision."""
        return self.concordant / self.signed if self.signed else None

    @property
    def share_text(self) -> str:
        return "no decision signed" if self.share is None else f"{round(100 * self.share)} %"

    @property
    def deviating(self) -> int:
        return self.signed - self.concordant


def monthly_concordance(
    discussed: Iterable[tuple[datetime.date, int]],
    signed: Iterable[tuple[datetime.date, str, str]],
    reason_labels: dict[str, str],
) -> list[MonthRow]:
    """Per month of the meeting, oldest first. ``discussed``: (meeting day, case id) per agenda
    item; ``signed``: (meeting day, concordance, deviation reason) per decision in force."""
    cases: dict[datetime.date, set[int]] = {}
    for day, case in discussed:
        cases.setdefault(day.replace(day=1), set()).add(case)
    tally: dict[datetime.date, list[tuple[str, str]]] = {}
    for day, concordance, reason in signed:
        tally.setdefault(day.replace(day=1), []).append((concordance, reason))
    rows = []
    for month in sorted(set(cases) | set(tally)):
        decisions = tally.get(month, [])
        reasons = [r for c, r in decisions if c == DEVIATING]
        rows.append(
            MonthRow(
                month=month,
                cases_discussed=len(cases.get(month, ())),
                signed=len(decisions),
                concordant=sum(1 for c, _ in decisions if c == CONCORDANT),
                reasons=tuple(
                    (label, reasons.count(key)) for key, label in reason_labels.items() if key in reasons
                ),
            )
        )
    return rows
