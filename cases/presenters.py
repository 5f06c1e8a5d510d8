"""What the screens show of an assessment: ranked options, flags with their evidence, missing data.

Pure presentation: every clinical decision was made by the engine. This module only orders,
labels and words it, so the live panel, the recommendation view and the meeting display agree.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from cases.clinical import Assessment, RuleFinding
from cases.clinical.catalogue import RULES, rule
from cases.clinical.labels import (
    ART_INTERPRETATION_LABELS,
    REGIMEN_LABELS,
    REGIMEN_NOTES,
    SEVERITY_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
)

# On screens, options are listed as the algorithm reads them (RULES.md §5 vocabulary): recommended;
# the preferred regimen waiting only for its endoscopy; eligible; needs work-up; then the rest, the
# closed ones folded away. Ties keep the format's regimen order. The JSON output keeps its own order.
STATUS_RANK = {
    "recommended": 0,
    "eligible": 2,
    "needs_workup": 3,
    "no_guidance": 4,
    "insufficient_data": 5,
    "contraindicated": 6,
    "not_indicated": 7,
}
PREFERRED_REGIMEN = "atezolizumab_bevacizumab"
PREFERRED_AFTER_ENDOSCOPY_RANK = 1
AFTER_ENDOSCOPY_LABEL = "Preferred — after endoscopy"
# Options that cannot be chosen now: shown folded, under their own heading, without doses.
FOLDED_STATUSES = ("contraindicated", "not_indicated")


def _after_endoscopy(regimen: str, status: str, reasons: tuple[str, ...]) -> bool:
    return regimen == PREFERRED_REGIMEN and status == "needs_workup" and "OPT-AB-EGD" in reasons


def option_rank(regimen: str, status: str, reasons: tuple[str, ...]) -> int:
    if _after_endoscopy(regimen, status, reasons):
        return PREFERRED_AFTER_ENDOSCOPY_RANK
    return STATUS_RANK.get(status, 9)


# Input paths of the `missing` lists, in the clinic's words.
INPUT_LABELS = {
    "patient.ecog": "ECOG performance status",
    "patient.weight_kg": "Weight (for the lenvatinib dose)",
    "labs.bilirubin_mg_dl": "Bilirubin",
    "labs.albumin_g_dl": "Albumin",
    "labs.inr": "INR",
    "labs.ast_u_l": "AST",
    "labs.afp_ng_ml": "AFP",
    "labs.pivka_mau_ml": "PIVKA-II",
    "clinical.date": "Clinical findings (ascites, encephalopathy): none on record",
    "clinical.ascites": "Ascites",
    "clinical.encephalopathy": "Hepatic encephalopathy",
    "imaging.date": "Imaging: none on record",
    "imaging.nodule_count": "Number of nodules on the latest imaging",
    "imaging.largest_cm": "Largest nodule on the latest imaging",
    "imaging.liver_involvement_pct": "Liver involvement (%) on the latest imaging",
    "imaging.portal_vein_invasion": "Portal vein invasion on the latest imaging",
    "imaging.hepatic_vein_invasion": "Hepatic vein invasion on the latest imaging",
    "imaging.bile_duct_invasion": "Bile duct invasion on the latest imaging",
    "imaging.extrahepatic_spread": "Extrahepatic spread on the latest imaging",
    "endoscopies.date": "Upper GI endoscopy within the last 183 days: none on record",
    "endoscopies.varices": "Varices at the latest endoscopy",
    "endoscopies.varices_treated": "Whether the varices were treated",
    "tace_sessions.response": "TACE response (mRECIST) of the sessions that decide refractoriness",
    "tace_sessions.new_vascular_invasion": "New vascular invasion after TACE",
    "tace_sessions.new_extrahepatic_spread": "New extrahepatic spread after TACE",
    "tace_sessions.insufficient_lesion_response": "Lesion response (≥50% insufficient) per session",
    "tace_sessions.tumor_count_after": "Nodule count after each session",
    "baseline_tumor_count": "Nodule count before the first TACE",
    "contraindications.immunotherapy": "Contraindication to immunotherapy (yes or no)",
    "contraindications.bevacizumab": "Contraindication to bevacizumab (yes or no)",
    "systemic_therapies.tolerated": "Whether sorafenib was tolerated",
}


def input_label(path: str) -> str:
    return INPUT_LABELS.get(path, path.replace("_", " ").replace(".", ": "))


EVIDENCE_KEYS = {
    "afp_ng_ml": "AFP (ng/mL)",
    "pivka_mau_ml": "PIVKA-II (mAU/mL)",
    "bilirubin_mg_dl": "bilirubin (mg/dL)",
    "albumin_g_dl": "albumin (g/dL)",
    "weight_kg": "weight (kg)",
    "ecog": "ECOG",
    "liver_involvement_pct": "liver involvement (%)",
    "child_pugh_class": "Child-Pugh class",
    "child_pugh_points": "Child-Pugh points",
    "child_pugh_then": "Child-Pugh at the start",
    "child_pugh_now": "Child-Pugh now",
    "points_then": "points at the start",
    "points_now": "points now",
    "start": "started",
    "signals_met": "signals met",
    "sessions_performed": "sessions performed",
}

# TR-VASC / TR-EHS (change B): whether the finding was there before the first TACE.
PRESENT_BEFORE_TACE = {
    True: "persisting: imaging before the first TACE already showed it",
    False: "new: imaging before the first TACE recorded none",
    None: "not known whether new or persisting: no imaging before the first TACE says",
}


def number(value: float, decimals: int = 2) -> str:
    """One format for every measured number on screen: at most two decimals (MoRAL: one, as on the
    timeline), no trailing zeros, thousands grouped ("201", "0.85", "12,400")."""
    text = f"{value:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:,.0f}"
    return "0" if text == "-0" else text


VALUE_WORDS = {
    "hbv": "hepatitis B",
    "hcv": "hepatitis C",
    "alcohol": "alcohol",
    "masld": "MASLD",
    "ctace": "cTACE",
    "debtace": "DEB-TACE",
}


def evidence_key(key: str) -> str:
    return EVIDENCE_KEYS.get(key, key.replace("_", " "))


def evidence_lines(evidence: object) -> list[str]:
    """The patient values behind a finding, one "what: value" line each ("endoscopy date: none on record")."""
    if not isinstance(evidence, dict):
        return []
    return [
        PRESENT_BEFORE_TACE[value]
        if key == "present_before_tace"
        else f"{evidence_key(key)}: {evidence_value(_moral_rounded(value) if 'moral' in key else value)}"
        for key, value in evidence.items()
    ]


def _moral_rounded(value: object) -> object:
    """MoRAL values with one decimal, as the scores line and the timeline show them."""
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, (list, tuple)):
        return [_moral_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _moral_rounded(v) for k, v in value.items()}
    return value


def evidence_value(value: object) -> str:
    if value is None:
        return "none on record"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(evidence_value(v) for v in value) or "none"
    if isinstance(value, str):
        # A key the engine speaks in (a regimen, an etiology) in the clinic's words.
        return REGIMEN_LABELS.get(value) or VALUE_WORDS.get(value, value)
    if isinstance(value, dict):
        if set(value) == {"date", "value"}:
            return f"{evidence_value(value['value'])} ({evidence_value(value['date'])})"
        return "; ".join(f"{evidence_key(k)} {evidence_value(v)}" for k, v in value.items())
    return str(value)


@dataclass(frozen=True)
class Reason:
    id: str
    title: str


# Options the board may choose: the panel shows their dose (or that it cannot be computed yet).
DOSED_STATUSES = ("recommended", "eligible", "needs_workup")
# What a regimen's dose waits for when the engine could not compute it.
DOSE_NEEDS = {"lenvatinib": "needs the weight (8 mg under 60 kg, 12 mg from 60 kg)"}
PER_KG = re.compile(r"(\d+(?:\.\d+)?) mg/kg")


def dose_for_weight(dose: str | None, weight_kg: float | None) -> str | None:
    """A dose in mg/kg with the amount for the recorded weight beside it
    ("bevacizumab 15 mg/kg (1,005 mg for 67 kg)"); without a weight, that the weight is needed."""
    if dose is None:
        return None

    def amount(match: re.Match[str]) -> str:
        per_kg = float(match.group(1))
        if weight_kg is None:
            return f"{match.group(0)} (weight needed for the amount)"
        return f"{match.group(0)} ({number(round(per_kg * weight_kg))} mg for {number(weight_kg)} kg)"

    return PER_KG.sub(amount, dose)


@dataclass(frozen=True)
class OptionRow:
    regimen: str
    label: str
    status: str
    status_label: str
    reasons: tuple[Reason, ...]
    dose: str | None
    note: str
    missing: tuple[str, ...]

    @property
    def givable(self) -> bool:
        return self.status in DOSED_STATUSES

    @property
    def folded(self) -> bool:
        return self.status in FOLDED_STATUSES

    @property
    def dose_line(self) -> str | None:
        """The panel's dose line: only for an option the board may choose, never a blank."""
        if not self.givable:
            return None
        return self.dose or "dose needs the weight"

    @property
    def dose_needs(self) -> str | None:
        """Why the recommendation view shows no dose yet, for a regimen dosed by a missing value."""
        if not self.givable:
            return None
        return None if self.dose else DOSE_NEEDS.get(self.regimen)


@dataclass(frozen=True)
class FlagRow:
    id: str
    severity: str
    severity_label: str
    title: str
    text: str
    explanation: str
    source: str
    citation: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class FindingRow:
    id: str
    title: str
    status: str
    status_label: str
    evidence: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """An assessment as the screens show it."""

    assessment: Assessment
    child_pugh: str
    albi: str
    bclc: str
    moral: str
    up_to_seven: str
    art: str
    refractoriness: str
    refractoriness_status: str
    criteria: tuple[FindingRow, ...]
    signals: tuple[FindingRow, ...]
    options: tuple[OptionRow, ...]
    flags: tuple[FlagRow, ...]
    missing: tuple[str, ...]
    step: str
    step_label: str
    line: str
    stop_flags: int
    warning_flags: int
    verdict: str
    verdict_label: str
    verdict_tone: str

    @property
    def open_options(self) -> tuple[OptionRow, ...]:
        return tuple(o for o in self.options if not o.folded)

    @property
    def folded_options(self) -> tuple[OptionRow, ...]:
        return tuple(o for o in self.options if o.folded)

    @property
    def top_option(self) -> OptionRow | None:
        """The first option the board may choose, if any."""
        return next((o for o in self.options if o.givable), None)


def _reason(rule_id: str) -> Reason:
    return Reason(rule_id, RULES[rule_id].title if rule_id in RULES else rule_id)


def _finding(finding: RuleFinding) -> FindingRow:
    rule_id: str = finding.id
    status: str = finding.status
    return FindingRow(
        id=rule_id,
        title=_reason(rule_id).title,
        status=status,
        status_label=STATUS_LABELS.get(status, status),
        # A rule's note ("reassess after the next session") reads as the last line of its evidence.
        evidence=tuple(evidence_lines(dict(finding.evidence)))
        + tuple(filter(None, [getattr(finding, "note", None)])),
        missing=tuple(input_label(m) for m in finding.missing),
    )


def _status_text(status: str, value: str | None, missing: tuple[str, ...] = ()) -> str:
    if status == "ok" and value:
        return value
    if status == "insufficient_data":
        known = f"{value}; " if value else ""
        return f"{known}cannot compute: {', '.join(input_label(m) for m in missing) or 'data missing'}"
    return STATUS_LABELS.get(status, status)


# What to say when the engine gives no line: the reason comes from the algorithm position, so an
# unknown position never reads as a firm "no".
NO_LINE_TEXT = {
    "UNKNOWN": "Line not known: data missing",
    "ALG-5": "On systemic therapy",
    "BSC": "Best supportive care",
    "OUTSIDE": "Outside the algorithm's population (ECOG 2 or Child-Pugh B)",
}
# At ALG-1 the reason decides the words: "TACE continues" only when TACE has been given and the
# KLCA-NCC criteria for its failure are known not to be met.
ALG_1_TEXT = {
    "ALG-CONTINUE-TACE": "TACE has not failed by the KLCA-NCC criteria: no systemic line now",
    "ALG-WEIGH-SWITCH": "TACE has not failed, but a sign of poor response: the board weighs a switch",
    "ALG-TACE-UNASSESSED": "Whether TACE has failed is not known: data missing",
    "ALG-NO-TACE": "No TACE and no advanced features: no systemic line now",
}


def _line_text(a: Assessment) -> str:
    if a.line:
        return {1: "First line", 2: "Second line"}.get(a.line, f"Line {a.line}")
    if a.algorithm.current_step == "ALG-1":
        return ALG_1_TEXT.get(a.algorithm.decided_by, "No systemic line now")
    return NO_LINE_TEXT.get(a.algorithm.current_step, "No systemic line now")


DT_NO_ENDOSCOPY = "It contains no bevacizumab, so it needs no endoscopy first."


def _option_note(a: Assessment, regimen: str) -> str:
    """The regimen's note; durvalumab + tremelimumab, while it is itself open, adds that it needs
    no endoscopy when atezolizumab + bevacizumab waits for one (also when held back with the
    endoscopy among its reasons) or is ruled out by bevacizumab alone (RULES.md §5)."""
    note = REGIMEN_NOTES.get(regimen, "")
    if regimen == "durvalumab_tremelimumab" and a.option(regimen).status not in (
        "contraindicated",
        "not_indicated",
    ):
        ab = a.option("atezolizumab_bevacizumab")
        # Durvalumab + tremelimumab open means no immunotherapy contraindication: bevacizumab's.
        if ab.status in ("needs_workup", "contraindicated") or "OPT-AB-EGD" in ab.reasons:
            note = f"{note} {DT_NO_ENDOSCOPY}"
    return note


# The verdict badge's one visual language (static/css/app.css .verdict-*): green ("clear") only
# when there is truly nothing to act on; a patient outside the algorithm never looks reassured.
OUTSIDE_STEPS = {"BSC": "best supportive care", "OUTSIDE": "outside the algorithm"}
VERDICT_TONES = {
    "refractory": "act",
    "insufficient_data": "unknown",
    "not_applicable": "neutral",
    "outside": "outside",
}
VERDICT_LABELS = {
    "refractory": "TACE-refractory",
    "not_refractory": "TACE not refractory",
    "insufficient_data": "TACE: insufficient data",
    "not_applicable": "No TACE recorded",
    "outside": "Outside the algorithm",
}


def verdict(a: Assessment) -> tuple[str, str, str]:
    """(key, label, tone) of the TACE verdict as the board should read it."""
    status: str = a.refractoriness.status
    step = a.algorithm.current_step
    if step in OUTSIDE_STEPS:
        label = f"{VERDICT_LABELS.get(status, status)} — {OUTSIDE_STEPS[step]}"
        return "outside", label, "outside"
    if status != "not_refractory":
        return status, VERDICT_LABELS.get(status, status), VERDICT_TONES.get(status, "unknown")
    nothing_to_act_on = (
        a.algorithm.decided_by == "ALG-CONTINUE-TACE"
        and not a.missing
        and not any(f.severity in ("stop", "warning") for f in a.flags)
        and not any(s.status in ("met", "insufficient_data") for s in a.signals)
    )
    if nothing_to_act_on:
        return status, VERDICT_LABELS[status], "clear"
    if a.algorithm.decided_by == "ALG-WEIGH-SWITCH":
        return status, "TACE not refractory — weigh a switch", "watch"
    return status, VERDICT_LABELS[status], "watch"


def summarise(assessment: Assessment, weight_kg: float | None = None) -> Summary:
    """The assessment as the screens show it; the weight computes doses given per kg."""
    a = assessment
    cp = a.child_pugh
    cp_value = (
        f"{cp.cp_class}{cp.points}"
        if cp.points is not None
        else (f"class {cp.cp_class} (certain)" if cp.cp_class else None)
    )
    art_value = None
    if a.art.points is not None:
        interpretation = ART_INTERPRETATION_LABELS.get(a.art.caveat or a.art.interpretation or "", "")
        art_value = f"{a.art.points:g} points" + (
            f" — {interpretation.split(': ', 1)[-1]}" if interpretation else ""
        )
    options = sorted(a.options, key=lambda o: option_rank(o.regimen, o.status, o.reasons))
    verdict_key, verdict_label, verdict_tone = verdict(a)
    return Summary(
        assessment=a,
        child_pugh=_status_text(cp.status, cp_value, cp.missing),
        albi=_status_text(
            a.albi.status,
            f"grade {a.albi.grade} ({a.albi.score:.2f})" if a.albi.score is not None else None,
            a.albi.missing,
        ),
        bclc=_status_text(a.bclc.status, f"stage {a.bclc.stage}" if a.bclc.stage else None, a.bclc.missing),
        moral=_status_text(
            a.moral.status,
            f"{number(a.moral.value, 1)} ({a.moral.date})" if a.moral.value is not None else None,
            a.moral.missing,
        ),
        up_to_seven=_status_text(
            a.up_to_seven.status,
            f"{a.up_to_seven.value:g} — {'within' if a.up_to_seven.within else 'beyond'}"
            if a.up_to_seven.value is not None
            else None,
            a.up_to_seven.missing,
        ),
        art=(
            _status_text(a.art.status, art_value)
            if a.art.status != "insufficient_data"
            else "needs values before the first TACE and now: "
            + ", ".join(input_label(m).split(":")[0] for m in a.art.missing)
        ),
        refractoriness=STATUS_LABELS.get(a.refractoriness.status, a.refractoriness.status),
        refractoriness_status=a.refractoriness.status,
        criteria=tuple(_finding(c) for c in a.refractoriness.criteria),
        signals=tuple(_finding(s) for s in a.signals),
        options=tuple(
            OptionRow(
                regimen=o.regimen,
                label=REGIMEN_LABELS[o.regimen],
                status=o.status,
                status_label=AFTER_ENDOSCOPY_LABEL
                if _after_endoscopy(o.regimen, o.status, o.reasons)
                else STATUS_LABELS.get(o.status, o.status),
                reasons=tuple(_reason(r) for r in o.reasons),
                dose=dose_for_weight(o.dose, weight_kg),
                note=_option_note(a, o.regimen),
                missing=tuple(input_label(m) for m in o.missing),
            )
            for o in options
        ),
        flags=tuple(
            FlagRow(
                id=f.id,
                severity=f.severity,
                severity_label=SEVERITY_LABELS[f.severity],
                title=rule(f.id).title,
                text=f.text,
                explanation=rule(f.id).explanation,
                source=rule(f.id).source,
                citation=f.citation,
                evidence=tuple(evidence_lines(dict(f.evidence))),
            )
            for f in a.flags
        ),
        missing=tuple(input_label(m) for m in a.missing),
        step=a.algorithm.current_step,
        step_label=STEP_LABELS[a.algorithm.current_step],
        line=_line_text(a),
        stop_flags=sum(1 for f in a.flags if f.severity == "stop"),
        warning_flags=sum(1 for f in a.flags if f.severity == "warning"),
        verdict=verdict_key,
        verdict_label=verdict_label,
        verdict_tone=verdict_tone,
    )


# The Rules page's contents: the rule book's sections, by the prefix of their rule ids.
RULE_SECTIONS = (
    ("scores", "Scores", ("SCORE",)),
    ("refractoriness", "TACE refractoriness", ("TR",)),
    ("signals", "Signs of poor response", ("PI",)),
    ("gates", "Who the algorithm is for", ("GATE",)),
    ("algorithm", "The algorithm's steps", ("ALG", "ON")),
    ("options", "Options and doses", ("OPT", "DOSE", "COMBO")),
    ("plan-checks", "Checks of a proposed plan", ("PIT",)),
)


@dataclass(frozen=True)
class RuleSection:
    anchor: str
    title: str
    rules: tuple[object, ...]


def rule_sections() -> tuple[RuleSection, ...]:
    """Every catalogue rule once, under its section (a rule of an unknown prefix goes last)."""
    sections = [
        RuleSection(anchor, title, tuple(r for r in RULES.values() if r.id.split("-")[0] in prefixes))
        for anchor, title, prefixes in RULE_SECTIONS
    ]
    known = {p for _, _, prefixes in RULE_SECTIONS for p in prefixes}
    rest = tuple(r for r in RULES.values() if r.id.split("-")[0] not in known)
    return tuple(sections) + ((RuleSection("other", "Other rules", rest),) if rest else ())
