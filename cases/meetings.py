"""The board meeting's rules, in plain Python (no database): quorum, readiness of an agenda item,
and whether a decided plan follows the algorithm (concordance).

The models call these functions; the views and templates only show their results. Nothing here
decides for the board: it says what the rule set says, and the board's plan is recorded as it is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cases.clinical import Assessment
from cases.clinical.facts import CaseFacts
from cases.clinical.labels import PROPOSAL_LABELS, STATUS_LABELS, STEP_LABELS
from cases.clinical.vocab import OPTION_REGIMENS
from cases.presenters import input_label

# --- quorum -----------------------------------------------------------------------------------

# A multidisciplinary HCC board needs the liver physician (hepatology or medical oncology), the
# interventional radiologist who does the TACE, and the surgeon who judges resection and transplant.
QUORUM_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Hepatology or oncology", ("hepatology", "oncology")),
    ("Interventional radiology", ("interventional_radiology",)),
    ("Surgery", ("surgery",)),
)


@dataclass(frozen=True)
class QuorumPart:
    label: str
    met: bool


@dataclass(frozen=True)
class Quorum:
    parts: tuple[QuorumPart, ...]

    @property
    def met(self) -> bool:
        return all(part.met for part in self.parts)

    @property
    def lacking(self) -> tuple[str, ...]:
        return tuple(part.label for part in self.parts if not part.met)

    @property
    def text(self) -> str:
        if self.met:
            return "Hepatology or oncology, interventional radiology and surgery are present."
        return "Nobody is marked present for " + " and ".join(self.lacking).lower() + "."


def quorum(present_specialties: Iterable[str]) -> Quorum:
    """Quorum from the specialties of the attendees marked present (not-yet-marked counts as absent)."""
    present = set(present_specialties)
    return Quorum(tuple(QuorumPart(label, bool(present & set(group))) for label, group in QUORUM_GROUPS))


# --- readiness --------------------------------------------------------------------------------

CURRENT = "current"
STALE = "stale"
MISSING = "missing"

# How old an input may be on the meeting day before the board should not rely on it:
# labs move Child-Pugh and ALBI within weeks; response and vascular invasion need imaging of the
# last two months; the endoscopy rule for bevacizumab (OPT-AB-EGD) accepts six months (183 days).
STALE_AFTER_DAYS = {"labs": 30, "imaging": 60, "endoscopy": 183}
INPUT_NAMES = {"labs": "Laboratory results", "imaging": "Imaging (CT or MRI)", "endoscopy": "Upper GI endoscopy"}
STATUS_WORDS = {CURRENT: "current", STALE: "stale", MISSING: "missing"}
ABSENT_RECORD_PATHS = {"imaging": "imaging.date", "endoscopy": "endoscopies.date"}


@dataclass(frozen=True)
class InputCheck:
    key: str
    status: str  # current | stale | missing
    date: datetime.date | None
    age_days: int | None
    limit_days: int

    @property
    def label(self) -> str:
        return INPUT_NAMES[self.key]

    @property
    def status_label(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def text(self) -> str:
        if self.date is None:
            return f"{self.label}: none on record."
        when = f"{self.date.isoformat()}, {self.age_days} days before the meeting"
        if self.status == STALE:
            return f"{self.label}: {when} (older than {self.limit_days} days)."
        return f"{self.label}: {when}."


@dataclass(frozen=True)
class Readiness:
    """Is the case ready to be discussed on the meeting day? Every input current and nothing that
    the assessment needs is missing; otherwise it lists what to chase before the meeting."""

    checks: tuple[InputCheck, ...]
    missing: tuple[str, ...]  # the engine's missing inputs, in the clinic's words

    @property
    def status(self) -> str:
        statuses = {c.status for c in self.checks}
        if MISSING in statuses or self.missing:
            return MISSING
        return STALE if STALE in statuses else CURRENT

    @property
    def ready(self) -> bool:
        return self.status == CURRENT

    @property
    def label(self) -> str:
        return {CURRENT: "Ready", STALE: "Stale data", MISSING: "Data missing"}[self.status]


def _latest(dates: Iterable[datetime.date], as_of: datetime.date) -> datetime.date | None:
    return max((d for d in dates if d <= as_of), default=None)


def _check(key: str, latest: datetime.date | None, as_of: datetime.date) -> InputCheck:
    limit = STALE_AFTER_DAYS[key]
    if latest is None:
        return InputCheck(key, MISSING, None, None, limit)
    age = (as_of - latest).days
    return InputCheck(key, STALE if age > limit else CURRENT, latest, age, limit)


def readiness(facts: CaseFacts, meeting_day: datetime.date, missing_inputs: Iterable[str]) -> Readiness:
    """Readiness on the meeting day, from the record dates and the engine's ``missing`` list
    (an assessment as of the meeting day)."""
    checks = (
        _check("labs", _latest((r.date for r in facts.labs), meeting_day), meeting_day),
        _check("imaging", _latest((r.date for r in facts.imaging), meeting_day), meeting_day),
        _check("endoscopy", _latest((r.date for r in facts.endoscopies), meeting_day), meeting_day),
    )
    # "No imaging / no endoscopy on record" is already said by the record check above.
    said = {f"{ABSENT_RECORD_PATHS[c.key]}" for c in checks if c.status == MISSING and c.key in ABSENT_RECORD_PATHS}
    return Readiness(checks, tuple(input_label(path) for path in missing_inputs if path not in said))


# --- concordance ------------------------------------------------------------------------------

OTHER_PLAN = "other"
CONCORDANT = "concordant"
DEVIATING = "deviating"

# The reasons that place a patient at ALG-1 with TACE still the algorithm's answer.
_TACE_REASONS = frozenset(("ALG-CONTINUE-TACE", "ALG-NO-TACE"))


@dataclass(frozen=True)
class Concordance:
    status: str  # concordant | deviating
    why: str  # one sentence, shown with the decision and kept in the minutes
    stop_flags: tuple[str, ...]  # ids of the stop flags the plan raises

    @property
    def concordant(self) -> bool:
        return self.status == CONCORDANT


def ongoing_regimen(facts: CaseFacts) -> str | None:
    for therapy in facts.systemic_therapies:
        if therapy.outcome == "ongoing":
            return therapy.regimen
    return None


def judge_plan(plan: str, assessment: Assessment, ongoing: str | None = None) -> Concordance:
    """Does the board's plan follow the algorithm of the rule set? Computed, never typed in.

    ``assessment`` must be the engine's assessment *with this plan as its proposal* (so the PIT
    flags of RULES.md §7 are there); ``ongoing`` is the regimen the patient is on, if any.

    The plan is **concordant** when it raises no stop flag and one of these holds:

    - it is one of the eight regimens and that option is ``recommended`` or ``eligible`` — or
      ``no_guidance``, where the rule set defines no sequence and hands the choice to the board
      (OPT-2L-UNDEFINED: a plan cannot deviate from a sequence that does not exist);
    - it is ``continue_tace`` and the algorithm is at ALG-1 because TACE is still its answer
      (ALG-CONTINUE-TACE: not refractory or response not yet assessable; ALG-NO-TACE);
    - the algorithm is at ALG-5 (on systemic therapy) and the plan is the ongoing regimen (keep
      going and reassess) or ``resection`` (ALG-5 reassesses precisely for resection);
    - the algorithm is at BSC (Child-Pugh C) and the plan is ``best_supportive_care`` or
      ``transplant_referral``.

    Everything else **deviates**: any plan that raises a stop flag, an option that is
    contraindicated, not indicated, needing work-up or not verifiable (insufficient data), the
    TACE combinations and adjuvant sorafenib, a clinical trial (trial enrolment is a deviation
    reason), any plan outside the algorithm's population (OUTSIDE) or where its position is
    unknown (UNKNOWN), and a plan written in free text ("other"), which no rule can check.
    Warnings (e.g. PIT-CPB) do not by themselves make a plan deviate: the option status does.
    """
    stops = tuple(f.id for f in assessment.flags if f.severity == "stop")
    if plan == OTHER_PLAN:
        return Concordance(DEVIATING, "A plan written in free text cannot be checked against the rule set.", stops)
    follows, why = _follows(plan, assessment, ongoing)
    if stops:
        raised = f"The plan raises {_count(len(stops), 'stop flag')}: {', '.join(stops)}."
        return Concordance(DEVIATING, raised if follows else f"{why} {raised}", stops)
    return Concordance(CONCORDANT if follows else DEVIATING, why, stops)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _follows(plan: str, a: Assessment, ongoing: str | None) -> tuple[bool, str]:
    step = a.algorithm.current_step
    label = PROPOSAL_LABELS.get(plan, plan)
    where = f"the algorithm is at {step} ({STEP_LABELS.get(step, step)})"
    if step == "ALG-5" and plan == ongoing:
        return True, f"{label} is the ongoing regimen and {where}: continue and reassess."
    if plan in OPTION_REGIMENS:
        status = a.option(plan).status
        words = STATUS_LABELS.get(status, status).lower()
        if status == "no_guidance":
            return True, f"Rule set {a.rule_set} defines no sequence here (OPT-2L-UNDEFINED): {label} is the board's choice."
        if status in ("recommended", "eligible"):
            return True, f"{label} is {words} in rule set {a.rule_set}."
        return False, f"{label} is not an option here: {words}."
    if plan == "continue_tace":
        tace_is_the_answer = step == "ALG-1" and any(_TACE_REASONS & set(o.reasons) for o in a.options)
        if tace_is_the_answer:
            return True, f"TACE is still the algorithm's answer: {where}."
        return False, f"Continuing TACE is not the algorithm's answer: {where}."
    if plan == "resection" and step == "ALG-5":
        return True, f"Resection after conversion is what ALG-5 reassesses for: {where}."
    if plan in ("best_supportive_care", "transplant_referral") and step == "BSC":
        return True, f"{label} is what the algorithm leaves for Child-Pugh C: {where}."
    return False, f"{label} is not the algorithm's plan here: {where}."


# --- follow-up --------------------------------------------------------------------------------


@dataclass(frozen=True)
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


def followup_rows(actions: Iterable[Any], clocks: Iterable[tuple[Any, Any, str]], today: datetime.date) -> list[FollowUpRow]:
    """Open actions and due reassessments in one list, overdue first (longest overdue on top),
    then by due date. A reassessment is listed once its window opens (56 days after the latest
    imaging) or when it is overdue; with no imaging on record it is overdue and listed first."""
    rows = [
        FollowUpRow("action", a.decision.case, a.description, a.owner.get_username(), a.due, a.due < today, a, today)
        for a in actions
    ]
    for case, clock, regimen in clocks:
        if not (clock.overdue or (clock.due_from is not None and clock.due_from <= today)):
            continue
        if clock.due_by is None:
            what = f"Reassessment imaging on {regimen}: no imaging on record."
        elif clock.overdue:
            what = f"Reassessment imaging on {regimen}: was due by {clock.due_by.isoformat()}."
        else:
            what = f"Reassessment imaging on {regimen}: due between {clock.due_from.isoformat()} and {clock.due_by.isoformat()}."
        rows.append(FollowUpRow("reassessment", case, what, "", clock.due_by, clock.overdue, None, today))
    return sorted(rows, key=lambda r: (not r.overdue, r.due or datetime.date.min, r.case.label))


# --- concordance report -----------------------------------------------------------------------

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
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
                reasons=tuple((label, reasons.count(key)) for key, label in reason_labels.items() if key in reasons),
            )
        )
    return rows


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    center: float
    label: str
    value_text: str
    value_y: float
    empty: bool


@dataclass(frozen=True)
class ShareChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]  # (y, "50 %")
    label_y: float

    @property
    def tick_x(self) -> float:
        return self.plot_left - 8


def share_chart(months: list[MonthRow], width: int = 960, height: int = 340) -> ShareChart | None:
    """Bars of the share concordant per month (0–100 %), geometry ready for the SVG template."""
    if not months:
        return None
    left, right, top, bottom = 64.0, width - 16.0, 36.0, height - 52.0
    band = (right - left) / len(months)
    bar_width = min(72.0, band * 0.6)
    plot = bottom - top
    bars = []
    for i, row in enumerate(months):
        center = left + band * (i + 0.5)
        share = row.share or 0.0
        bar_height = round(plot * share, 1)
        value = "none signed" if row.share is None else f"{row.share_text} ({row.concordant}/{row.signed})"
        bars.append(
            Bar(
                x=round(center - bar_width / 2, 1),
                y=round(bottom - bar_height, 1),
                width=round(bar_width, 1),
                height=bar_height,
                center=round(center, 1),
                label=row.label,
                value_text=value,
                value_y=round(bottom - bar_height - 8, 1),
                empty=row.share is None,
            )
        )
    ticks = tuple((round(bottom - plot * p / 100, 1), f"{p} %") for p in (0, 25, 50, 75, 100))
    return ShareChart(width, height, left, right, top, bottom, tuple(bars), ticks, bottom + 24)
