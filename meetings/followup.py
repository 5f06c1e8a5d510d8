"""The follow-up list: open board actions and due ALG-5 reassessments, overdue first (plain Python)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class FollowUpRow:
    """One thing to chase: a board action, or an ALG-5 reassessment imaging that is due."""

    kind: str  # action | reassessment
    case: Any  # the Case (for its label and link)
    what: str
    owner: str
    due: datetime.date | None  # None: reassessment with no imaging on record (overdue)
    overdue: bool
    action: Any = None  # the FollowUpAction, for "mark done"
    today: datetime.date = datetime.date.min

    @property
    def days_overdue(self) -> int | None:
        return None if self.due is None or not self.overdue else (self.today - self.due).days


def _reassessment_text(clock: Any, regimen: str) -> str:
    if clock.due_by is None:
        return f"Reassessment imaging on {regimen}: no imaging on record."
    if clock.overdue:
        return f"Reassessment imaging on {regimen}: was due by {clock.due_by.isoformat()}."
    window = f"{clock.due_from.isoformat()} and {clock.due_by.isoformat()}"
    return f"Reassessment imaging on {regimen}: due between {window}."


def followup_rows(
    actions: Iterable[Any], clocks: Iterable[tuple[Any, Any, str]], today: datetime.date
) -> list[FollowUpRow]:
    """Open actions and due reassessments in one list, overdue first (longest overdue on top),
    then by due date. A reassessment is listed once its window opens (56 days after the latest
    imaging) or when it is overdue; with no imaging on record it is overdue and listed first.

    ``clocks``: (case, the engine's reassessment clock, the ongoing regimen in words) per case.
    """
    rows = [
        FollowUpRow(
            kind="action",
            case=a.decision.case,
            what=a.description,
            owner=a.owner.get_username(),
            due=a.due,
            overdue=a.due < today,
            action=a,
            today=today,
        )
        for a in actions
    ]
    for case, clock, regimen in clocks:
        if not (clock.overdue or (clock.due_from is not None and clock.due_from <= today)):
            continue
        rows.append(
            FollowUpRow(
                kind="reassessment",
                case=case,
                what=_reassessment_text(clock, regimen),
                owner="",
                due=clock.due_by,
                overdue=clock.overdue,
                today=today,
            )
        )
    return sorted(rows, key=lambda r: (not r.overdue, r.due or datetime.date.min, r.case.label))
