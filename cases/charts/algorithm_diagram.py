"""The treatment-algorithm diagram: the five steps and three exits of the KLCA-NCC 2022 algorithm
after TACE, with the patient's position lit, the path to it marked as passed and the rest dimmed.

Nothing here makes a clinical decision: the diagram draws the position the engine computed
(``cases.clinical.assess``). ``templates/cases/charts.html#algorithm`` lays the steps out with CSS
(``static/css/charts.css``); this module only words them and hands out CSS class names.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cases.clinical import Algorithm, Reassessment

CURRENT = "current"
PASSED = "passed"
DIMMED = "dimmed"
STATE_LABELS = {CURRENT: "You are here", PASSED: "Passed", DIMMED: "Not on this patient's path"}

# Short titles and one-line details, in our own words (RULES.md §8).
STEP_TEXT: dict[str, tuple[str, str, str]] = {
    "ALG-1": ("1", "Assess TACE response", "After two sessions within six months (mRECIST)."),
    "ALG-2": (
        "2",
        "TACE-refractory: atezolizumab + bevacizumab",
        "Confirm Child-Pugh A and ECOG 0–1, endoscopy with varices treated, then start.",
    ),
    "ALG-3": (
        "3",
        "Atezolizumab + bevacizumab not possible",
        "Lenvatinib (no Vp4, liver involvement under 50 %) or sorafenib instead.",
    ),
    "ALG-4": ("4", "Progression on first line", "Still Child-Pugh A: second-line options."),
    "ALG-5": ("5", "Reassess for resection", "Imaging every 2–3 months while on systemic therapy."),
    "BSC": ("", "Best supportive care", "Child-Pugh C, or ECOG 3–4 (BCLC stage D)."),
    "OUTSIDE": ("", "Outside the algorithm", "ECOG 2, or Child-Pugh B: the board weighs the case."),
    "UNKNOWN": ("", "Not enough data", "Record the missing values to place the patient."),
}
MAIN_STEPS = ("ALG-1", "ALG-2", "ALG-3", "ALG-4", "ALG-5")
EXITS = ("BSC", "OUTSIDE", "UNKNOWN")
# ALG-3 is the alternative to ALG-2, so they share a column: 1 → (2 or 3) → 4 → 5.
COLUMNS = (("ALG-1",), ("ALG-2", "ALG-3"), ("ALG-4",), ("ALG-5",))
CLOCK_STEP = "ALG-5"  # the reassessment clock is shown under this step

EXIT_SENTENCES = {
    "BSC": "The patient has left the algorithm: best supportive care (BSC).",
    "OUTSIDE": "The patient is outside the algorithm's population (OUTSIDE).",
    "UNKNOWN": "The patient cannot be placed on the algorithm: not enough data (UNKNOWN).",
}


@dataclass(frozen=True, kw_only=True)
class ReassessmentClock:
    """The ALG-5 clock in words: when the next imaging is due, or that it is overdue."""

    due_from: datetime.date | None
    due_by: datetime.date | None
    overdue: bool
    latest_imaging: datetime.date | None
    text: str

    @property
    def css(self) -> str:
        return "alg-clock alg-clock-overdue" if self.overdue else "alg-clock"


@dataclass(frozen=True, kw_only=True)
class DiagramStep:
    rule_id: str
    number: str  # "1".."5"; empty for the exits
    title: str
    detail: str
    state: str  # current | passed | dimmed
    clock: ReassessmentClock | None = None  # only on ALG-5, while a regimen is ongoing

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_current(self) -> bool:
        return self.state == CURRENT

    @property
    def is_dimmed(self) -> bool:
        """A dimmed step's state is read out to screen readers but not printed on the diagram."""
        return self.state == DIMMED

    @property
    def css(self) -> str:
        return f"alg-step alg-{self.state}"


@dataclass(frozen=True, kw_only=True)
class DiagramColumn:
    """One column of the flow: a step, or a step and the alternative drawn under it."""

    steps: tuple[DiagramStep, ...]

    @property
    def css(self) -> str:
        return "alg-column alg-column-split" if len(self.steps) > 1 else "alg-column"


@dataclass(frozen=True, kw_only=True)
class Diagram:
    current_step: str
    path: tuple[str, ...]
    steps: tuple[DiagramStep, ...]  # ALG-1 … ALG-5
    exits: tuple[DiagramStep, ...]  # BSC, OUTSIDE, UNKNOWN
    clock: ReassessmentClock | None
    summary: str
    dom_id: str = "algorithm-diagram"

    def step(self, rule_id: str) -> DiagramStep:
        for s in self.steps + self.exits:
            if s.rule_id == rule_id:
                return s
        raise KeyError(rule_id)

    @property
    def columns(self) -> tuple[DiagramColumn, ...]:
        return tuple(DiagramColumn(steps=tuple(self.step(r) for r in column)) for column in COLUMNS)


class _HasAlgorithm(Protocol):
    @property
    def algorithm(self) -> Algorithm: ...


def reassessment_clock(clock: Reassessment | None) -> ReassessmentClock | None:
    """The engine's ALG-5 clock in the words shown under step 5 (None when no regimen is ongoing)."""
    if clock is None:
        return None
    if clock.due_by is None:
        text = "Reassessment imaging is overdue: no imaging on record."
    elif clock.overdue:
        latest = f"latest imaging {clock.latest_imaging.isoformat()}, " if clock.latest_imaging else ""
        text = f"Reassessment imaging is overdue: {latest}it was due by {clock.due_by.isoformat()}."
    else:
        due_from = clock.due_from or clock.due_by
        text = f"Next reassessment imaging due between {due_from.isoformat()} and {clock.due_by.isoformat()}."
    return ReassessmentClock(
        due_from=clock.due_from,
        due_by=clock.due_by,
        overdue=clock.overdue,
        latest_imaging=clock.latest_imaging,
        text=text,
    )


def _diagram_step(
    rule_id: str, current: str, path: Sequence[str], clock: ReassessmentClock | None = None
) -> DiagramStep:
    number, title, detail = STEP_TEXT[rule_id]
    state = CURRENT if rule_id == current else PASSED if rule_id in path else DIMMED
    return DiagramStep(
        rule_id=rule_id,
        number=number,
        title=title,
        detail=detail,
        state=state,
        clock=clock if rule_id == CLOCK_STEP else None,
    )


def _position_sentence(alg: Algorithm) -> str:
    """Where the patient stands, in one sentence (also read out by screen readers)."""
    number, title, _ = STEP_TEXT.get(alg.current_step, ("", alg.current_step, ""))
    if number:
        where = f"The patient is at step {number}: {title}."
    else:
        where = EXIT_SENTENCES.get(alg.current_step, f"The patient is at {alg.current_step}.")
    passed = [STEP_TEXT[r][0] for r in alg.path if r != alg.current_step and STEP_TEXT.get(r, ("",))[0]]
    if not passed:
        return where
    if len(passed) == 1:
        return f"{where} Passed: step {passed[0]}."
    return f"{where} Passed: steps {', '.join(passed[:-1])} and {passed[-1]}."


def algorithm_diagram(assessment: _HasAlgorithm | Algorithm, dom_id: str = "algorithm-diagram") -> Diagram:
    """The five steps and three exits with the patient's position lit, the path to it marked as
    passed and the rest dimmed. Takes an ``Assessment`` (or its ``Algorithm``)."""
    alg = assessment if isinstance(assessment, Algorithm) else assessment.algorithm
    clock = reassessment_clock(alg.reassessment)
    return Diagram(
        current_step=alg.current_step,
        path=tuple(alg.path),
        steps=tuple(_diagram_step(r, alg.current_step, alg.path, clock) for r in MAIN_STEPS),
        exits=tuple(_diagram_step(r, alg.current_step, alg.path) for r in EXITS),
        clock=clock,
        summary=_position_sentence(alg),
        dom_id=dom_id,
    )
