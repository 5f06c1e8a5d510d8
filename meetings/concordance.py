"""Does the board's plan follow the algorithm of the rule set? (plain Python)

Computed from the engine's assessment, never typed in: the decision form has no concordance field.
Nothing here decides for the board; a deviation is recorded with its reason, not refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.clinical import Assessment
from cases.clinical.facts import CaseFacts
from cases.clinical.labels import PROPOSAL_LABELS, STATUS_LABELS, STEP_LABELS
from cases.clinical.vocab import OPTION_REGIMENS, PROPOSALS

OTHER_PLAN = "other"
CONCORDANT = "concordant"
DEVIATING = "deviating"

# Why the algorithm is at ALG-1, and what that makes of a plan to continue TACE (kr-2022.2).
_TACE_WORDS = {
    "ALG-CONTINUE-TACE": "TACE is still the algorithm's answer: the KLCA-NCC criteria for TACE failure are not met",
    "ALG-NO-TACE": "TACE is still the algorithm's answer: no TACE yet and no advanced features",
    "ALG-WEIGH-SWITCH": "Staying with TACE is one of the choices the board weighs: TACE has not failed by the "
    "KLCA-NCC criteria, but a sign of poor response is present (ALG-WEIGH-SWITCH)",
    "ALG-TACE-UNASSESSED": "The algorithm is still assessing TACE: whether it has failed cannot be told from the "
    "data yet (ALG-TACE-UNASSESSED)",
}
# Why an option is left to the board (status no_guidance), in the order they are looked for.
_BOARD_CHOICE_WORDS = {
    "ALG-WEIGH-SWITCH": "TACE has not failed, but a sign of poor response is present (ALG-WEIGH-SWITCH): "
    "switching to {label} is the board's choice.",
    "OPT-2L-AFTER-IO": "No trial has tested {label} after immunotherapy (OPT-2L-AFTER-IO): it is the board's choice.",
    "OPT-2L-UNDEFINED": "Rule set {rule_set} defines no sequence here (OPT-2L-UNDEFINED): {label} is the board's choice.",
}


@dataclass(frozen=True, kw_only=True)
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
      ``no_guidance``, where the rule set hands the choice to the board (OPT-2L-UNDEFINED,
      OPT-2L-AFTER-IO, ALG-WEIGH-SWITCH: a plan cannot deviate from a sequence that does not exist);
    - it is ``continue_tace`` and the algorithm is at ALG-1 (ALG-CONTINUE-TACE: TACE has not
      failed; ALG-NO-TACE; ALG-WEIGH-SWITCH: staying is one of the choices weighed;
      ALG-TACE-UNASSESSED: whether TACE failed is not known yet, so the step is still assessing it);
    - the algorithm is at ALG-5 (on systemic therapy) and the plan is the ongoing regimen (keep
      going and reassess) or ``resection`` (ALG-5 reassesses precisely for resection);
    - the algorithm is at BSC (Child-Pugh C, or ECOG 3–4) and the plan is ``best_supportive_care`` or
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
        why = "A plan written in free text cannot be checked against the rule set."
        return Concordance(status=DEVIATING, why=why, stop_flags=stops)
    follows, why = _follows(plan, assessment, ongoing)
    if stops:
        raised = f"The plan raises {_count(len(stops), 'stop flag')}: {', '.join(stops)}."
        return Concordance(status=DEVIATING, why=raised if follows else f"{why} {raised}", stop_flags=stops)
    return Concordance(status=CONCORDANT if follows else DEVIATING, why=why, stop_flags=stops)


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
            reasons = a.option(plan).reasons
            words_for = next(
                (w for r, w in _BOARD_CHOICE_WORDS.items() if r in reasons),
                _BOARD_CHOICE_WORDS["OPT-2L-UNDEFINED"],
            )
            return True, words_for.format(label=label, rule_set=a.rule_set)
        if status in ("recommended", "eligible"):
            return True, f"{label} is {words} in rule set {a.rule_set}."
        return False, f"{label} is not an option here: {words}."
    if plan == "continue_tace":
        why_tace = _TACE_WORDS.get(a.algorithm.decided_by) if step == "ALG-1" else None
        if why_tace is not None:
            return True, f"{why_tace}."
        return False, f"Continuing TACE is not the algorithm's answer: {where}."
    if plan == "resection" and step == "ALG-5":
        return True, f"Resection after conversion is what ALG-5 reassesses for: {where}."
    if plan in ("best_supportive_care", "transplant_referral") and step == "BSC":
        return (
            True,
            f"{label} is what the algorithm leaves at best supportive care (Child-Pugh C, or ECOG 3–4): {where}.",
        )
    return False, f"{label} is not the algorithm's plan here: {where}."


def as_proposal(plan: str) -> str | None:
    """The plan as the engine's proposal key (None for a plan in free text or outside the vocabulary)."""
    return plan if plan in PROPOSALS else None
