"""The treatment algorithm (RULES.md §8, after KLCA-NCC 2022 and the source review): the patient's
current step, the path of steps passed, and the ALG-5 reassessment clock."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .case_on_date import CaseView, days_between
from .options import (
    AB,
    CONTRAINDICATED,
    DECISION_CONTINUE_TACE,
    DECISION_CPC,
    DECISION_ECOG_BSC,
    DECISION_FIRST_LINE,
    DECISION_NO_TACE,
    DECISION_NO_TACE_UNKNOWN,
    DECISION_ON_THERAPY,
    DECISION_OUTSIDE,
    DECISION_SECOND_LINE,
    DECISION_TACE_UNASSESSED,
    DECISION_UNKNOWN,
    DECISION_WEIGH_SWITCH,
    LEN,
    SORA,
    OptionsResult,
)
from .results import Evidence, jsonable
from .scores import ChildPugh, child_pugh

ALG_1 = "ALG-1"
ALG_2 = "ALG-2"
ALG_3 = "ALG-3"
ALG_4 = "ALG-4"
ALG_5 = "ALG-5"
ALG_5_OVERDUE = "ALG-5-OVERDUE"
ON_THERAPY_LIVER = "ON-THERAPY-LIVER"
BSC = "BSC"
OUTSIDE = "OUTSIDE"
UNKNOWN = "UNKNOWN"
STEPS = (ALG_1, ALG_2, ALG_3, ALG_4, ALG_5, BSC, OUTSIDE, UNKNOWN)

REASSESS_FROM_DAYS = 56  # 8 weeks
REASSESS_BY_DAYS = 91  # 13 weeks


@dataclass(frozen=True)
class Reassessment:
    """ALG-5 clock: next imaging due 56–91 days after the latest imaging; overdue when more than
    91 days have passed at as_of, or when there is no imaging (then both dates are None)."""

    due_from: datetime.date | None
    due_by: datetime.date | None
    overdue: bool
    latest_imaging: datetime.date | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "due_from": jsonable(self.due_from),
            "due_by": jsonable(self.due_by),
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class Algorithm:
    current_step: str
    path: tuple[str, ...]
    reassessment: Reassessment | None = None
    # How §4 decided (options.DECISION_*): at ALG-1 it is the rule that put the patient there
    # (ALG-CONTINUE-TACE, ALG-WEIGH-SWITCH, ALG-TACE-UNASSESSED, ALG-NO-TACE). Not in the output.
    decided_by: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "current_step": self.current_step,
            "path": list(self.path),
            "reassessment": None if self.reassessment is None else self.reassessment.to_dict(),
        }


def reassessment_clock(view: CaseView) -> Reassessment | None:
    """ALG-5 clock for a patient on an ongoing regimen, whatever the gates say; None otherwise."""
    if view.ongoing is None:
        return None
    img = view.latest_imaging
    if img is None:
        return Reassessment(None, None, True)
    return Reassessment(
        img.date + datetime.timedelta(days=REASSESS_FROM_DAYS),
        img.date + datetime.timedelta(days=REASSESS_BY_DAYS),
        days_between(img.date, view.as_of) > REASSESS_BY_DAYS,
        img.date,
    )


_CLASS_RANK = {"A": 0, "B": 1, "C": 2}
LIVER_POINTS_WORSE = 2


def liver_worse_on_therapy(view: CaseView, cp_now: ChildPugh) -> Evidence | None:
    """ON-THERAPY-LIVER (change J; the source review's pitfall "do not ignore liver function"):
    a regimen is ongoing and Child-Pugh now is worse than at its start — points up by 2 or more
    (both totals known), or a worse class (A then and B or C now, or B then and C now; a class C
    inferred from incomplete items counts). "Then" is Child-Pugh from the latest values on or
    before the start date (as ART's baseline). Returns the evidence (regimen, class and points then
    and now), or None when it is not worse or neither comparison can be made.
    """
    ongoing = view.ongoing
    if ongoing is None:
        return None
    then = child_pugh(view, ongoing.start)
    points_worse = (
        then.points is not None
        and cp_now.points is not None
        and cp_now.points - then.points >= LIVER_POINTS_WORSE
    )
    class_worse = (
        then.cp_class is not None
        and cp_now.cp_class is not None
        and _CLASS_RANK[cp_now.cp_class] > _CLASS_RANK[then.cp_class]
    )
    if not (points_worse or class_worse):
        return None
    return {
        "regimen": ongoing.regimen,
        "start": ongoing.start,
        "child_pugh_then": then.label,
        "child_pugh_now": cp_now.label,
        "points_then": then.points,
        "points_now": cp_now.points,
    }


def algorithm(view: CaseView, options: OptionsResult) -> Algorithm:
    """Current step from the §4 decision, and the path for the diagram.

    Ambiguity, reading taken for the path: ALG-1 when TACE was given (or it is the current step),
    then ALG-2, then — from the recorded history — ALG-3 when the first systemic regimen was
    lenvatinib or sorafenib (or when it is the current step), ALG-4 when a regimen ended in
    progression or intolerance (or when it is the current step), ALG-5 when a regimen is ongoing.
    BSC, OUTSIDE and UNKNOWN: ALG-1 (when TACE was given) then the exit.
    """
    d = options.decision
    tace_given = bool(view.sessions)
    if d in (DECISION_CPC, DECISION_ECOG_BSC):
        # Child-Pugh C, or ECOG 3–4 (BCLC stage D, change C): best supportive care.
        current = BSC
    elif d == DECISION_OUTSIDE:
        current = OUTSIDE
    elif d in (DECISION_UNKNOWN, DECISION_NO_TACE_UNKNOWN):
        current = UNKNOWN
    elif d == DECISION_ON_THERAPY:
        current = ALG_5
    elif d == DECISION_SECOND_LINE:
        current = ALG_4
    elif d == DECISION_FIRST_LINE:
        current = ALG_3 if options.option(AB).status == CONTRAINDICATED else ALG_2
    else:
        assert d in (
            DECISION_CONTINUE_TACE,
            DECISION_WEIGH_SWITCH,
            DECISION_TACE_UNASSESSED,
            DECISION_NO_TACE,
        )
        current = ALG_1

    path: list[str] = []
    if tace_given or current == ALG_1:
        path.append(ALG_1)
    if current in (BSC, OUTSIDE, UNKNOWN):
        path.append(current)
    elif current != ALG_1:
        path.append(ALG_2)
        therapies = view.therapies
        first_regimen = therapies[0].regimen if therapies else None
        if current == ALG_3 or (current in (ALG_4, ALG_5) and first_regimen in (LEN, SORA)):
            path.append(ALG_3)
        if current == ALG_4 or (current == ALG_5 and view.failed):
            path.append(ALG_4)
        if current == ALG_5:
            path.append(ALG_5)
    return Algorithm(current, tuple(path), reassessment_clock(view), decided_by=d)
