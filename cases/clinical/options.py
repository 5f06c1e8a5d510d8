"""Who is a systemic candidate now (RULES.md §4) and the treatment options (RULES.md §5).

The gates are evaluated in order; the first that applies decides every option's status, and every
gate that applies (and ON-THERAPY) is listed among each option's reasons. Options always cover the
eight regimens of ``vocab.OPTION_REGIMENS``, in that order. At most one option is ``recommended``,
and only in first line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .case_on_date import CaseView, days_between
from .refractoriness import NOT_REFRACTORY, REFRACTORY, Refractoriness
from .results import INSUFFICIENT, MET, Evidence, RuleFinding, sorted_unique
from .scores import ChildPugh, shows_vascular_invasion
from .vocab import OPTION_REGIMENS

GATE_CPC = "GATE-CPC"
GATE_ECOG = "GATE-ECOG"
GATE_CPB = "GATE-CPB"
ON_THERAPY = "ON-THERAPY"
ALG_CONTINUE_TACE = "ALG-CONTINUE-TACE"
ALG_WEIGH_SWITCH = "ALG-WEIGH-SWITCH"
ALG_TACE_UNASSESSED = "ALG-TACE-UNASSESSED"
ALG_NO_TACE = "ALG-NO-TACE"
OPT_AB_EGD = "OPT-AB-EGD"
OPT_AB_CI = "OPT-AB-CI"
OPT_IO_CI = "OPT-IO-CI"
OPT_DT_VP4 = "OPT-DT-VP4"
OPT_LEN_VP4 = "OPT-LEN-VP4"
OPT_LEN_BURDEN = "OPT-LEN-BURDEN"
OPT_LEN_BILE = "OPT-LEN-BILE"
DOSE_LEN = "DOSE-LEN"
OPT_REGO_TOL = "OPT-REGO-TOL"
OPT_RAM_AFP = "OPT-RAM-AFP"
OPT_2L_AFTER_IO = "OPT-2L-AFTER-IO"
OPT_2L_UNDEFINED = "OPT-2L-UNDEFINED"

# Option statuses (RULES.md §5).
RECOMMENDED = "recommended"
ELIGIBLE = "eligible"
NEEDS_WORKUP = "needs_workup"
CONTRAINDICATED = "contraindicated"
NOT_INDICATED = "not_indicated"
NO_GUIDANCE = "no_guidance"
OPTION_STATUSES = (
    RECOMMENDED,
    ELIGIBLE,
    NEEDS_WORKUP,
    CONTRAINDICATED,
    NOT_INDICATED,
    NO_GUIDANCE,
    INSUFFICIENT,
)

# How §4 decided (drives the algorithm's current step).
DECISION_CPC = "GATE-CPC"
DECISION_ECOG_BSC = "ECOG-3-4"  # GATE-ECOG with ECOG 3–4: BCLC stage D (change C)
DECISION_OUTSIDE = "OUTSIDE"
DECISION_UNKNOWN = "UNKNOWN"
DECISION_ON_THERAPY = "ON-THERAPY"
DECISION_SECOND_LINE = "SECOND-LINE"
DECISION_FIRST_LINE = "FIRST-LINE"
DECISION_CONTINUE_TACE = "ALG-CONTINUE-TACE"
DECISION_WEIGH_SWITCH = "ALG-WEIGH-SWITCH"
DECISION_TACE_UNASSESSED = "ALG-TACE-UNASSESSED"
DECISION_NO_TACE = "ALG-NO-TACE"
DECISION_NO_TACE_UNKNOWN = "NO-TACE-UNKNOWN"

AB = "atezolizumab_bevacizumab"
DT = "durvalumab_tremelimumab"
LEN = "lenvatinib"
SORA = "sorafenib"
REGO = "regorafenib"
CABO = "cabozantinib"
PEMBRO = "pembrolizumab"
RAM = "ramucirumab"
IO_FIRST_LINE = (AB, DT)
IO_REGIMENS = (AB, DT, PEMBRO)
# The options first line would open: what ALG-WEIGH-SWITCH and ALG-TACE-UNASSESSED hold back.
OPEN_STATUSES = (RECOMMENDED, ELIGIBLE, NEEDS_WORKUP)

ENDOSCOPY_MAX_AGE_DAYS = 183
LENVATINIB_WEIGHT_KG = 60
LENVATINIB_MAX_INVOLVEMENT_PCT = 50
RAMUCIRUMAB_MIN_AFP = 400

# Dose texts (RULES.md §5; lenvatinib and sorafenib: product labels).
DOSES: Mapping[str, str] = {
    AB: "atezolizumab 1200 mg + bevacizumab 15 mg/kg IV every 3 weeks",
    DT: "tremelimumab 300 mg once + durvalumab 1500 mg, then durvalumab 1500 mg every 4 weeks",
    SORA: "400 mg twice daily",
    REGO: "160 mg once daily, 3 weeks on, 1 week off",
    CABO: "60 mg once daily",
    PEMBRO: "200 mg IV every 3 weeks",
    RAM: "8 mg/kg IV every 2 weeks",
}


def lenvatinib_dose(weight_kg: float | None) -> str | None:
    """DOSE-LEN (lenvatinib product label; REFLECT): 12 mg once daily at ≥ 60 kg, 8 mg once daily
    below 60 kg; unknown weight → no dose (None)."""
    if weight_kg is None:
        return None
    return "12 mg once daily" if weight_kg >= LENVATINIB_WEIGHT_KG else "8 mg once daily"


def dose_text(regimen: str, weight_kg: float | None) -> str | None:
    return lenvatinib_dose(weight_kg) if regimen == LEN else DOSES.get(regimen)


@dataclass(frozen=True)
class Option:
    """One regimen's status now, the rule ids behind it, its dose text and its own missing inputs."""

    regimen: str
    status: str
    reasons: tuple[str, ...] = ()
    dose: str | None = None
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "regimen": self.regimen,
            "status": self.status,
            "reasons": list(self.reasons),
            "dose": self.dose,
        }
        if self.missing:
            out["missing"] = list(self.missing)
        return out


@dataclass(frozen=True)
class EndoscopyCheck:
    """OPT-AB-EGD / PIT-AB-EGD: an upper GI endoscopy within 183 days before as_of, with varices
    absent or treated (band ligation or beta-blocker)."""

    ok: bool
    evidence: Evidence
    missing: tuple[str, ...] = ()


def endoscopy_check(view: CaseView) -> EndoscopyCheck:
    """Judged on the latest endoscopy (whole record), as clarified in kr-2022.2 (change M):
    an endoscopy older than 183 days counts as none, so ``endoscopies.date`` is missing, as when
    there is no endoscopy at all (183 days old still counts); ``varices_treated`` true satisfies
    the rule whatever ``varices`` records (band ligation or a beta-blocker is on record); a varices
    grade, or a treatment of present varices, that is not recorded does not satisfy it."""
    e = view.latest_endoscopy
    if e is None:
        return EndoscopyCheck(False, {"endoscopy_date": None}, ("endoscopies.date",))
    age = days_between(e.date, view.as_of)
    evidence: dict[str, object] = {
        "endoscopy_date": e.date,
        "days_before_as_of": age,
        "varices": e.varices,
        "varices_treated": e.varices_treated,
    }
    if age > ENDOSCOPY_MAX_AGE_DAYS:
        return EndoscopyCheck(False, evidence, ("endoscopies.date",))
    if e.varices == "none" or e.varices_treated is True:
        return EndoscopyCheck(True, evidence)
    if e.varices is None:
        return EndoscopyCheck(False, evidence, ("endoscopies.varices",))
    if e.varices_treated is None:
        return EndoscopyCheck(False, evidence, ("endoscopies.varices_treated",))
    return EndoscopyCheck(False, evidence)


@dataclass(frozen=True)
class OptionsResult:
    decision: str
    line: int | None
    options: tuple[Option, ...]
    gates: tuple[str, ...] = ()
    gate_missing: tuple[str, ...] = ()
    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    after: str | None = None  # the regimen whose progression/intolerance decides the second line

    def option(self, regimen: str) -> Option:
        for o in self.options:
            if o.regimen == regimen:
                return o
        raise KeyError(regimen)

    @property
    def recommended(self) -> str | None:
        for o in self.options:
            if o.status == RECOMMENDED:
                return o.regimen
        return None


def _all(
    status: str, reasons: tuple[str, ...], weight: float | None, missing: tuple[str, ...] = ()
) -> dict[str, Option]:
    return {r: Option(r, status, reasons, dose_text(r, weight), missing) for r in OPTION_REGIMENS}


def _lenvatinib(view: CaseView, evidence: dict[str, Evidence]) -> tuple[str, list[str], tuple[str, ...]]:
    """Lenvatinib's own rules: OPT-LEN-VP4 and OPT-LEN-BURDEN (contraindicated; REFLECT excluded
    Vp4 and ≥ 50 % involvement), insufficient_data when either input is unrecorded, OPT-LEN-BILE
    (warning) with bile duct invasion. Returns (status, reasons, missing)."""
    img = view.latest_imaging
    if img is None:
        return INSUFFICIENT, [OPT_LEN_VP4, OPT_LEN_BURDEN], ("imaging.date",)
    reasons: list[str] = []
    if img.portal_vein_invasion == "vp4":
        reasons.append(OPT_LEN_VP4)
        evidence[OPT_LEN_VP4] = {"imaging_date": img.date, "portal_vein_invasion": "vp4"}
    pct = img.liver_involvement_pct
    if pct is not None and pct >= LENVATINIB_MAX_INVOLVEMENT_PCT:
        reasons.append(OPT_LEN_BURDEN)
        evidence[OPT_LEN_BURDEN] = {"imaging_date": img.date, "liver_involvement_pct": pct}
    if reasons:
        return CONTRAINDICATED, reasons, ()
    missing: list[str] = []
    if img.portal_vein_invasion is None:
        reasons.append(OPT_LEN_VP4)
        missing.append("imaging.portal_vein_invasion")
    if pct is None:
        reasons.append(OPT_LEN_BURDEN)
        missing.append("imaging.liver_involvement_pct")
    if missing:
        return INSUFFICIENT, reasons, tuple(missing)
    if img.bile_duct_invasion is True:
        evidence[OPT_LEN_BILE] = {"imaging_date": img.date, "bile_duct_invasion": True}
        return ELIGIBLE, [OPT_LEN_BILE], ()
    return ELIGIBLE, [], ()


def _io_check(view: CaseView, evidence: dict[str, Evidence]) -> tuple[str | None, tuple[str, ...]]:
    """OPT-IO-CI: contraindicated with a recorded contraindication to immunotherapy; no answer
    recorded → insufficient_data. Returns (status or None when clear, missing)."""
    ci = view.contraindications.immunotherapy
    if ci is True:
        evidence[OPT_IO_CI] = {"immunotherapy": True, "note": view.contraindications.note}
        return CONTRAINDICATED, ()
    if ci is None:
        return INSUFFICIENT, ("contraindications.immunotherapy",)
    return None, ()


def _durvalumab_tremelimumab(
    view: CaseView, evidence: dict[str, Evidence]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Durvalumab + tremelimumab in first line (HIMALAYA). Precedence: contraindicated (OPT-IO-CI,
    a recorded contraindication to immunotherapy), then not_indicated (OPT-DT-VP4, change F: main
    portal vein invasion, which HIMALAYA excluded), then insufficient_data (either answer not
    recorded; no imaging at all names ``imaging.date``). Returns (status, reasons, missing)."""
    ci = view.contraindications.immunotherapy
    img = view.latest_imaging
    portal = img.portal_vein_invasion if img is not None else None
    if img is not None and portal == "vp4":
        evidence[OPT_DT_VP4] = {"imaging_date": img.date, "portal_vein_invasion": "vp4"}
    if ci is True:
        evidence[OPT_IO_CI] = {"immunotherapy": True, "note": view.contraindications.note}
        return CONTRAINDICATED, (OPT_IO_CI,) + ((OPT_DT_VP4,) if portal == "vp4" else ()), ()
    if portal == "vp4":
        return NOT_INDICATED, (OPT_DT_VP4,), ()
    reasons: list[str] = []
    missing: list[str] = []
    if ci is None:
        reasons.append(OPT_IO_CI)
        missing.append("contraindications.immunotherapy")
    if portal is None:
        reasons.append(OPT_DT_VP4)
        missing.append("imaging.date" if img is None else "imaging.portal_vein_invasion")
    if missing:
        return INSUFFICIENT, tuple(reasons), tuple(missing)
    return ELIGIBLE, (), ()


def _ramucirumab(
    view: CaseView, weight: float | None, evidence: dict[str, Evidence], line_reasons: tuple[str, ...]
) -> Option:
    """OPT-RAM-AFP (REACH-2): eligible with the latest AFP ≥ 400 ng/mL, not_indicated below,
    insufficient_data with no AFP on record. Compared unrounded; the rule id is always among the
    reasons, so the screen shows which rule and which AFP decided."""
    afp = view.latest("afp_ng_ml")
    reasons = (OPT_RAM_AFP, *line_reasons)
    dose = dose_text(RAM, weight)
    if afp is None:
        return Option(RAM, INSUFFICIENT, reasons, dose, ("labs.afp_ng_ml",))
    evidence[OPT_RAM_AFP] = {"afp_ng_ml": afp[1], "date": afp[0]}
    return Option(RAM, ELIGIBLE if afp[1] >= RAMUCIRUMAB_MIN_AFP else NOT_INDICATED, reasons, dose)


def _immunotherapy_again(
    view: CaseView, regimen: str, weight: float | None, evidence: dict[str, Evidence]
) -> Option:
    """After immunotherapy (change G; ASCO 2024 recommendation 2.1): no trial has tested a second
    checkpoint-inhibitor regimen, so pembrolizumab, atezolizumab + bevacizumab and durvalumab +
    tremelimumab are no_guidance (the board decides) — unless a recorded contraindication rules
    them out (OPT-IO-CI; for atezolizumab + bevacizumab also OPT-AB-CI), or the answer they need is
    not recorded (insufficient_data). Precedence: contraindicated, insufficient_data, no_guidance."""
    ci = view.contraindications
    dose = dose_text(regimen, weight)
    needs_bevacizumab = regimen == AB
    reasons: list[str] = [OPT_2L_AFTER_IO]
    if ci.immunotherapy is True:
        evidence[OPT_IO_CI] = {"immunotherapy": True, "note": ci.note}
        reasons.append(OPT_IO_CI)
    if needs_bevacizumab and (ci.immunotherapy is True or ci.bevacizumab is True):
        evidence[OPT_AB_CI] = {
            "immunotherapy": ci.immunotherapy,
            "bevacizumab": ci.bevacizumab,
            "note": ci.note,
        }
        reasons.append(OPT_AB_CI)
    if len(reasons) > 1:
        return Option(regimen, CONTRAINDICATED, tuple(reasons), dose)
    answers = {"immunotherapy": ci.immunotherapy}
    if needs_bevacizumab:
        answers["bevacizumab"] = ci.bevacizumab
    missing = tuple(sorted(f"contraindications.{k}" for k, v in answers.items() if v is None))
    if missing:
        return Option(
            regimen,
            INSUFFICIENT,
            (OPT_2L_AFTER_IO, OPT_AB_CI if needs_bevacizumab else OPT_IO_CI),
            dose,
            missing,
        )
    return Option(regimen, NO_GUIDANCE, (OPT_2L_AFTER_IO,), dose)


def _first_line(view: CaseView, weight: float | None, evidence: dict[str, Evidence]) -> dict[str, Option]:
    """First line (Child-Pugh A, ECOG 0–1). Precedence for atezolizumab + bevacizumab:
    contraindicated (OPT-AB-CI), then insufficient_data, then needs_workup (OPT-AB-EGD)."""
    opts = _all(NOT_INDICATED, (), weight)
    ci = view.contraindications
    # atezolizumab + bevacizumab
    ab_candidate = False
    if ci.immunotherapy is True or ci.bevacizumab is True:
        evidence[OPT_AB_CI] = {
            "immunotherapy": ci.immunotherapy,
            "bevacizumab": ci.bevacizumab,
            "note": ci.note,
        }
        opts[AB] = Option(AB, CONTRAINDICATED, (OPT_AB_CI,), dose_text(AB, weight))
    elif ci.immunotherapy is None or ci.bevacizumab is None:
        missing = tuple(
            f"contraindications.{k}"
            for k, v in (("bevacizumab", ci.bevacizumab), ("immunotherapy", ci.immunotherapy))
            if v is None
        )
        opts[AB] = Option(AB, INSUFFICIENT, (OPT_AB_CI,), dose_text(AB, weight), missing)
    else:
        egd = endoscopy_check(view)
        if not egd.ok:
            evidence[OPT_AB_EGD] = egd.evidence
            opts[AB] = Option(AB, NEEDS_WORKUP, (OPT_AB_EGD,), dose_text(AB, weight), egd.missing)
        else:
            ab_candidate = True
            opts[AB] = Option(AB, ELIGIBLE, (), dose_text(AB, weight))
    # durvalumab + tremelimumab: eligible alternative, never recommended
    dt_status, dt_reasons, dt_missing = _durvalumab_tremelimumab(view, evidence)
    opts[DT] = Option(DT, dt_status, dt_reasons, dose_text(DT, weight), dt_missing)
    # lenvatinib, sorafenib
    len_status, len_reasons, len_missing = _lenvatinib(view, evidence)
    opts[LEN] = Option(LEN, len_status, tuple(len_reasons), dose_text(LEN, weight), len_missing)
    opts[SORA] = Option(SORA, ELIGIBLE, (), dose_text(SORA, weight))
    # the first choice
    if ab_candidate:
        opts[AB] = Option(AB, RECOMMENDED, (), dose_text(AB, weight))
    elif opts[AB].status == CONTRAINDICATED:
        if len_status == ELIGIBLE:
            opts[LEN] = Option(LEN, RECOMMENDED, tuple(len_reasons), dose_text(LEN, weight))
        elif len_status == CONTRAINDICATED:
            opts[SORA] = Option(SORA, RECOMMENDED, (), dose_text(SORA, weight))
    return opts


def _second_line(
    view: CaseView, weight: float | None, evidence: dict[str, Evidence], line: int
) -> tuple[dict[str, Option], str]:
    """Second line (after progression on or intolerance of first line). The regimens are ordered
    by start date; the last one that ended in progression or intolerance decides. Nothing is
    recommended. Returns the options and the deciding regimen."""
    decider = view.failed[-1]
    after = decider.regimen
    if line >= 3 or after not in (AB, DT, SORA):
        evidence[OPT_2L_UNDEFINED] = {"line": line, "after": after}
        return _all(NO_GUIDANCE, (OPT_2L_UNDEFINED,), weight), after
    if after in IO_FIRST_LINE:
        evidence[OPT_2L_AFTER_IO] = {
            "after": after,
            "start": decider.start,
            "end": decider.end,
            "outcome": decider.outcome,
        }
        # Change G (ASCO 2024 recommendation 2.1): a tyrosine kinase inhibitor, or ramucirumab by AFP.
        opts = _all(NOT_INDICATED, (OPT_2L_AFTER_IO,), weight)
        len_status, len_reasons, len_missing = _lenvatinib(view, evidence)
        opts[LEN] = Option(
            LEN, len_status, (OPT_2L_AFTER_IO, *len_reasons), dose_text(LEN, weight), len_missing
        )
        opts[SORA] = Option(SORA, ELIGIBLE, (OPT_2L_AFTER_IO,), dose_text(SORA, weight))
        opts[CABO] = Option(CABO, ELIGIBLE, (OPT_2L_AFTER_IO,), dose_text(CABO, weight))
        opts[RAM] = _ramucirumab(view, weight, evidence, (OPT_2L_AFTER_IO,))
        # RESORCE enrolled only patients who tolerated sorafenib: regorafenib is not for this line.
        opts[REGO] = Option(REGO, NOT_INDICATED, (OPT_2L_AFTER_IO, OPT_REGO_TOL), dose_text(REGO, weight))
        for regimen in IO_REGIMENS:
            opts[regimen] = _immunotherapy_again(view, regimen, weight, evidence)
        return opts, after
    # after sorafenib
    opts = _all(NOT_INDICATED, (), weight)
    course = view.latest_course(SORA)
    assert course is not None
    if course.outcome == "intolerance" or course.tolerated is False:
        evidence[OPT_REGO_TOL] = {
            "sorafenib_start": course.start,
            "outcome": course.outcome,
            "tolerated": course.tolerated,
        }
        opts[REGO] = Option(REGO, CONTRAINDICATED, (OPT_REGO_TOL,), dose_text(REGO, weight))
    elif course.tolerated is None:
        opts[REGO] = Option(
            REGO, INSUFFICIENT, (OPT_REGO_TOL,), dose_text(REGO, weight), ("systemic_therapies.tolerated",)
        )
    else:
        opts[REGO] = Option(REGO, ELIGIBLE, (OPT_REGO_TOL,), dose_text(REGO, weight))
    opts[CABO] = Option(CABO, ELIGIBLE, (), dose_text(CABO, weight))
    io_status, io_missing = _io_check(view, evidence)
    if io_status is None:
        opts[PEMBRO] = Option(PEMBRO, ELIGIBLE, (), dose_text(PEMBRO, weight))
    else:
        opts[PEMBRO] = Option(PEMBRO, io_status, (OPT_IO_CI,), dose_text(PEMBRO, weight), io_missing)
    opts[RAM] = _ramucirumab(view, weight, evidence, ())
    return opts, after


def _ordered(opts: dict[str, Option]) -> tuple[Option, ...]:
    return tuple(opts[r] for r in OPTION_REGIMENS)


def _held_back(
    opts: dict[str, Option], status: str, reason: str, missing: tuple[str, ...]
) -> dict[str, Option]:
    """First-line options that the algorithm holds back (changes D and E): every option that
    would be recommended, eligible or needs_workup takes ``status``, with ``reason`` added to its
    reasons and ``missing`` added to its own (what it would need stays in both); contraindicated,
    not_indicated and insufficient_data options keep their status, reasons and missing."""
    held: dict[str, Option] = {}
    for regimen, o in opts.items():
        if o.status in OPEN_STATUSES:
            o = Option(regimen, status, (*o.reasons, reason), o.dose, sorted_unique((*o.missing, *missing)))
        held[regimen] = o
    return held


def treatment_options(
    view: CaseView, cp: ChildPugh, refr: Refractoriness, sigs: tuple[RuleFinding, ...] = ()
) -> OptionsResult:
    """RULES.md §4 gates, in order, then the §5 options of the line they lead to.

    Ambiguity, safer reading: ON-THERAPY is listed among the reasons together with the gates
    whenever a regimen is ongoing, even when an earlier gate decides the status.
    Not refractory with a prognostic signal met → ALG-WEIGH-SWITCH (change D); refractoriness
    unknown → ALG-TACE-UNASSESSED (change E): in both the first-line options are worked out as if
    refractory and then held back (``_held_back``), so contraindications and exclusions still show.
    """
    weight = view.patient.weight_kg
    ecog = view.patient.ecog
    gate_missing = list(cp.missing)
    if ecog is None:
        gate_missing.append("patient.ecog")
    gate_missing_t = sorted_unique(gate_missing)
    evidence: dict[str, Evidence] = {}
    gates: list[str] = []
    if cp.cp_class == "C":
        gates.append(GATE_CPC)
        evidence[GATE_CPC] = {"child_pugh_class": "C", "child_pugh_points": cp.points}
    if ecog is not None and ecog >= 2:
        gates.append(GATE_ECOG)
        evidence[GATE_ECOG] = {"ecog": ecog}
    if cp.cp_class == "B":
        gates.append(GATE_CPB)
        evidence[GATE_CPB] = {"child_pugh_class": "B", "child_pugh_points": cp.points}
    ongoing = view.ongoing
    reasons = tuple(gates) + ((ON_THERAPY,) if ongoing is not None else ())

    def result(
        decision: str, opts: dict[str, Option], line: int | None = None, after: str | None = None
    ) -> OptionsResult:
        return OptionsResult(decision, line, _ordered(opts), tuple(gates), gate_missing_t, evidence, after)

    if GATE_CPC in gates:
        return result(DECISION_CPC, _all(CONTRAINDICATED, reasons, weight))
    if GATE_ECOG in gates and ecog is not None and ecog >= 3:
        return result(DECISION_ECOG_BSC, _all(NOT_INDICATED, reasons, weight))
    if gates:
        return result(DECISION_OUTSIDE, _all(NOT_INDICATED, reasons, weight))
    if cp.cp_class is None or ecog is None:
        return result(DECISION_UNKNOWN, _all(INSUFFICIENT, reasons, weight, gate_missing_t))
    if ongoing is not None:
        evidence[ON_THERAPY] = {"regimen": ongoing.regimen, "start": ongoing.start}
        return result(DECISION_ON_THERAPY, _all(NOT_INDICATED, (ON_THERAPY,), weight))
    failed = view.failed
    if failed:
        line = 1 + len(failed)
        opts, after = _second_line(view, weight, evidence, line)
        return result(DECISION_SECOND_LINE, opts, line, after)
    if refr.status == REFRACTORY:
        return result(DECISION_FIRST_LINE, _first_line(view, weight, evidence), 1)
    if refr.status == NOT_REFRACTORY:
        signals_met = [s.id for s in sigs if s.status == MET]
        if not signals_met:
            return result(DECISION_CONTINUE_TACE, _all(NOT_INDICATED, (ALG_CONTINUE_TACE,), weight))
        evidence[ALG_WEIGH_SWITCH] = {"signals_met": signals_met}
        held = _held_back(_first_line(view, weight, evidence), NO_GUIDANCE, ALG_WEIGH_SWITCH, ())
        return result(DECISION_WEIGH_SWITCH, held)
    if refr.status == INSUFFICIENT:
        held = _held_back(
            _first_line(view, weight, evidence), INSUFFICIENT, ALG_TACE_UNASSESSED, refr.missing
        )
        return result(DECISION_TACE_UNASSESSED, held)
    # No TACE recorded: first line only for advanced disease on the latest imaging.
    img = view.latest_imaging
    if img is not None and (
        shows_vascular_invasion(img.portal_vein_invasion, img.hepatic_vein_invasion)
        or img.extrahepatic_spread is True
    ):
        return result(DECISION_FIRST_LINE, _first_line(view, weight, evidence), 1)
    if (
        img is not None
        and img.portal_vein_invasion == "none"
        and img.hepatic_vein_invasion is False
        and img.extrahepatic_spread is False
    ):
        return result(DECISION_NO_TACE, _all(NOT_INDICATED, (ALG_NO_TACE,), weight))
    if img is None:
        missing: tuple[str, ...] = ("imaging.date",)
    else:
        missing = tuple(
            f"imaging.{f}"
            for f in ("extrahepatic_spread", "hepatic_vein_invasion", "portal_vein_invasion")
            if getattr(img, f) is None
        )
    return result(DECISION_NO_TACE_UNKNOWN, _all(INSUFFICIENT, (ALG_NO_TACE,), weight, missing))
