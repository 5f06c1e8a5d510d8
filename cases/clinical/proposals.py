"""Checks on the board's proposed plan — the pitfalls (RULES.md §7). Without a proposal there are
no PIT-* flags. Severity ``stop`` means "this plan must not go ahead as proposed"."""

from __future__ import annotations

from dataclasses import dataclass

from .case_on_date import CaseView
from .options import (
    AB,
    DT,
    LEN,
    LENVATINIB_MAX_INVOLVEMENT_PCT,
    NOT_INDICATED,
    PEMBRO,
    RAM,
    RAMUCIRUMAB_MIN_AFP,
    REGO,
    SORA,
    OptionsResult,
    endoscopy_check,
)
from .refractoriness import REFRACTORY, Refractoriness
from .results import INSUFFICIENT, Evidence
from .scores import ChildPugh
from .vocab import OPTION_REGIMENS

PIT_ADJ_SORA = "PIT-ADJ-SORA"
PIT_TACE_SORA = "PIT-TACE-SORA"
PIT_CPC = "PIT-CPC"
PIT_AB_EGD = "PIT-AB-EGD"
PIT_BEV_CI = "PIT-BEV-CI"
PIT_LEN_VP4 = "PIT-LEN-VP4"
PIT_LEN_BURDEN = "PIT-LEN-BURDEN"
PIT_REGO_INTOL = "PIT-REGO-INTOL"
PIT_RAM_AFP = "PIT-RAM-AFP"
PIT_IO_CI = "PIT-IO-CI"
PIT_CPB = "PIT-CPB"
PIT_UNVERIFIED = "PIT-UNVERIFIED"
PIT_NOT_INDICATED = "PIT-NOT-INDICATED"
PIT_CONTINUE_REFRACTORY = "PIT-CONTINUE-REFRACTORY"
PIT_INVESTIGATIONAL = "PIT-INVESTIGATIONAL"
PIT_LIVER_MONITOR = "PIT-LIVER-MONITOR"

STOP = "stop"
WARNING = "warning"
INFO = "info"

PIT_SEVERITY = {
    PIT_ADJ_SORA: STOP,
    PIT_TACE_SORA: STOP,
    PIT_CPC: STOP,
    PIT_AB_EGD: STOP,
    PIT_BEV_CI: STOP,
    PIT_LEN_VP4: STOP,
    PIT_LEN_BURDEN: STOP,
    PIT_REGO_INTOL: STOP,
    PIT_RAM_AFP: STOP,
    PIT_IO_CI: STOP,
    PIT_CPB: WARNING,
    PIT_UNVERIFIED: WARNING,
    PIT_NOT_INDICATED: WARNING,
    PIT_CONTINUE_REFRACTORY: WARNING,
    PIT_INVESTIGATIONAL: WARNING,
    PIT_LIVER_MONITOR: INFO,
}

CONTINUE_TACE = "continue_tace"
TACE_SORAFENIB = "tace_sorafenib"
ADJUVANT_SORAFENIB = "adjuvant_sorafenib_after_tace"
TACE_LENVATINIB = "tace_lenvatinib"
TACE_LENVATINIB_PD1 = "tace_lenvatinib_pd1"
TACE_DURVALUMAB_BEVACIZUMAB = "tace_durvalumab_bevacizumab"
RESECTION = "resection"

TACE_COMBINATIONS = (TACE_SORAFENIB, TACE_LENVATINIB, TACE_LENVATINIB_PD1, TACE_DURVALUMAB_BEVACIZUMAB)
SYSTEMIC_PLANS = frozenset((*OPTION_REGIMENS, ADJUVANT_SORAFENIB, *TACE_COMBINATIONS))
BEVACIZUMAB_PLANS = frozenset((AB, TACE_DURVALUMAB_BEVACIZUMAB))
LENVATINIB_PLANS = frozenset((LEN, TACE_LENVATINIB, TACE_LENVATINIB_PD1))
IMMUNOTHERAPY_PLANS = frozenset((AB, DT, PEMBRO, TACE_LENVATINIB_PD1, TACE_DURVALUMAB_BEVACIZUMAB))
INVESTIGATIONAL_PLANS = frozenset((TACE_LENVATINIB, TACE_LENVATINIB_PD1, TACE_DURVALUMAB_BEVACIZUMAB))


@dataclass(frozen=True)
class Pitfall:
    id: str
    evidence: Evidence

    @property
    def severity(self) -> str:
        return PIT_SEVERITY[self.id]


def check_proposal(
    proposal: str | None,
    view: CaseView,
    cp: ChildPugh,
    refr: Refractoriness,
    options: OptionsResult,
) -> tuple[Pitfall, ...]:
    """Every PIT-* that applies to ``proposal`` (empty without a proposal).

    Ambiguity, safer readings: PIT-CPC also fires when class C is inferred from an incomplete
    Child-Pugh score; PIT-REGO-INTOL judges the latest sorafenib course started on or before
    as_of; PIT-RAM-AFP uses the latest AFP at as_of.
    kr-2022.2: PIT-REGO-INTOL and PIT-RAM-AFP fire only on a recorded value (changes H and N): an
    unrecorded tolerance or AFP leaves the option insufficient_data, and PIT-UNVERIFIED names what to
    record. Proposing the regimen that is already ongoing raises no PIT-NOT-INDICATED (change I):
    continuing it is not a new line; the gate's own warning still shows.
    """
    if proposal is None:
        return ()
    out: list[Pitfall] = []
    systemic = proposal in SYSTEMIC_PLANS
    ci = view.contraindications
    img = view.latest_imaging

    if proposal == ADJUVANT_SORAFENIB:
        out.append(Pitfall(PIT_ADJ_SORA, {"proposal": proposal}))
    if proposal == TACE_SORAFENIB:
        out.append(Pitfall(PIT_TACE_SORA, {"proposal": proposal}))
    if cp.cp_class == "C" and (systemic or proposal in (CONTINUE_TACE, RESECTION)):
        out.append(Pitfall(PIT_CPC, {"child_pugh_class": "C", "child_pugh_points": cp.points}))
    if proposal in BEVACIZUMAB_PLANS:
        egd = endoscopy_check(view)
        if not egd.ok:
            out.append(Pitfall(PIT_AB_EGD, egd.evidence))
        if ci.bevacizumab is True:
            out.append(Pitfall(PIT_BEV_CI, {"bevacizumab": True, "note": ci.note}))
    if proposal in LENVATINIB_PLANS and img is not None:
        if img.portal_vein_invasion == "vp4":
            out.append(Pitfall(PIT_LEN_VP4, {"imaging_date": img.date, "portal_vein_invasion": "vp4"}))
        pct = img.liver_involvement_pct
        if pct is not None and pct >= LENVATINIB_MAX_INVOLVEMENT_PCT:
            out.append(Pitfall(PIT_LEN_BURDEN, {"imaging_date": img.date, "liver_involvement_pct": pct}))
    if proposal == REGO:
        course = view.latest_course(SORA)
        if course is None:
            out.append(Pitfall(PIT_REGO_INTOL, {"sorafenib": None}))
        elif course.outcome == "intolerance" or course.tolerated is False:
            out.append(
                Pitfall(
                    PIT_REGO_INTOL,
                    {
                        "sorafenib_start": course.start,
                        "outcome": course.outcome,
                        "tolerated": course.tolerated,
                    },
                )
            )
    if proposal == RAM:
        afp = view.latest("afp_ng_ml")
        if afp is not None and afp[1] < RAMUCIRUMAB_MIN_AFP:
            out.append(Pitfall(PIT_RAM_AFP, {"afp_ng_ml": afp[1], "date": afp[0]}))
    if proposal in IMMUNOTHERAPY_PLANS and ci.immunotherapy is True:
        out.append(Pitfall(PIT_IO_CI, {"immunotherapy": True, "note": ci.note}))
    if systemic and cp.cp_class == "B":
        out.append(Pitfall(PIT_CPB, {"child_pugh_class": "B", "child_pugh_points": cp.points}))
    if proposal in OPTION_REGIMENS:
        option = options.option(proposal)
        if option.status == INSUFFICIENT:
            out.append(Pitfall(PIT_UNVERIFIED, {"regimen": proposal, "missing": list(option.missing)}))
        elif option.status == NOT_INDICATED and not _is_ongoing(view, proposal):
            out.append(
                Pitfall(
                    PIT_NOT_INDICATED,
                    {"regimen": proposal, "reasons": list(option.reasons), "line": options.line},
                )
            )
    if proposal == CONTINUE_TACE and refr.status == REFRACTORY:
        out.append(Pitfall(PIT_CONTINUE_REFRACTORY, {"criteria_met": list(refr.met)}))
    if proposal in INVESTIGATIONAL_PLANS:
        out.append(Pitfall(PIT_INVESTIGATIONAL, {"proposal": proposal}))
    if systemic:
        out.append(Pitfall(PIT_LIVER_MONITOR, {"proposal": proposal}))
    return tuple(out)


def _is_ongoing(view: CaseView, regimen: str) -> bool:
    ongoing = view.ongoing
    return ongoing is not None and ongoing.regimen == regimen
