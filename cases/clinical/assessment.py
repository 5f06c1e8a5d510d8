"""``assess``: (case facts, as-of date, optional proposed plan) → ``Assessment`` (hcc-assessment/1).

Pure and deterministic: no database, no clock ("today" is ``as_of``), same input → same output,
byte for byte. It never raises on parsed ``CaseFacts``, whatever is missing.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

from . import catalogue
from .algorithm import ALG_5_OVERDUE, ON_THERAPY_LIVER, Algorithm, algorithm, liver_worse_on_therapy
from .case_on_date import CaseView, days_between
from .facts import CaseFacts
from .options import (
    ALG_WEIGH_SWITCH,
    CONTRAINDICATED,
    ELIGIBLE,
    IO_REGIMENS,
    LEN,
    NEEDS_WORKUP,
    OPEN_STATUSES,
    OPT_2L_AFTER_IO,
    OPT_2L_UNDEFINED,
    OPT_AB_CI,
    OPT_AB_EGD,
    OPT_IO_CI,
    OPT_LEN_BILE,
    OPT_LEN_BURDEN,
    OPT_LEN_VP4,
    OPT_REGO_TOL,
    RECOMMENDED,
    Option,
    OptionsResult,
    treatment_options,
)
from .proposals import INFO, PIT_NOT_INDICATED, PIT_UNVERIFIED, STOP, WARNING, check_proposal
from .refractoriness import Refractoriness, refractoriness
from .results import MET, Evidence, RuleFinding, jsonable, sorted_unique
from .scores import (
    Albi,
    Art,
    Bclc,
    ChildPugh,
    Moral,
    UpToSeven,
    albi,
    art,
    bclc,
    child_pugh,
    moral,
    up_to_seven,
)
from .signals import signals
from .vocab import FORMAT_ASSESSMENT, PROPOSALS, RULE_SET

SEVERITY_ORDER = {STOP: 0, WARNING: 1, INFO: 2}

# Reasons that raise a warning when they make an option contraindicated or needing work-up.
_BLOCKING_REASONS = frozenset((OPT_AB_CI, OPT_AB_EGD, OPT_IO_CI, OPT_LEN_VP4, OPT_LEN_BURDEN, OPT_REGO_TOL))
_INFO_REASONS = (OPT_2L_AFTER_IO, OPT_2L_UNDEFINED, ALG_WEIGH_SWITCH)
OPT_IO_HBV = "OPT-IO-HBV"


@dataclass(frozen=True)
class Flag:
    """A finding for the board: ``text`` is our own sentence, ``citation`` the short source,
    ``evidence`` the patient values that made the rule fire."""

    id: str
    severity: str  # stop | warning | info
    text: str
    citation: str
    evidence: Evidence

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "severity": self.severity,
            "text": self.text,
            "citation": self.citation,
            "evidence": jsonable(self.evidence),
        }


def _flag(rule_id: str, severity: str, evidence: Evidence, extra: str = "") -> Flag:
    r = catalogue.RULES[rule_id]
    text = r.flag or r.title
    return Flag(rule_id, severity, f"{text} {extra}".strip(), r.citation, evidence)


@dataclass(frozen=True)
class Assessment:
    rule_set: str
    as_of: datetime.date
    proposal: str | None
    child_pugh: ChildPugh
    albi: Albi
    moral: Moral
    up_to_seven: UpToSeven
    bclc: Bclc
    art: Art
    refractoriness: Refractoriness
    signals: tuple[RuleFinding, ...]
    line: int | None
    options: tuple[Option, ...]
    flags: tuple[Flag, ...]
    algorithm: Algorithm
    missing: tuple[str, ...]

    @property
    def recommended(self) -> str | None:
        """The regimen whose status is ``recommended``, or None."""
        for o in self.options:
            if o.status == RECOMMENDED:
                return o.regimen
        return None

    def option(self, regimen: str) -> Option:
        for o in self.options:
            if o.regimen == regimen:
                return o
        raise KeyError(regimen)

    def flag(self, flag_id: str) -> Flag | None:
        for f in self.flags:
            if f.id == flag_id:
                return f
        return None

    def signal(self, signal_id: str) -> RuleFinding:
        for s in self.signals:
            if s.id == signal_id:
                return s
        raise KeyError(signal_id)

    def to_dict(self) -> dict[str, object]:
        """The hcc-assessment/1 structure, keys in CASE_FORMAT.md's order."""
        return {
            "format": FORMAT_ASSESSMENT,
            "rule_set": self.rule_set,
            "as_of": self.as_of.isoformat(),
            "scores": {
                "child_pugh": self.child_pugh.to_dict(),
                "albi": self.albi.to_dict(),
                "moral": self.moral.to_dict(),
                "up_to_seven": self.up_to_seven.to_dict(),
                "bclc": self.bclc.to_dict(),
                "art": self.art.to_dict(),
            },
            "refractoriness": self.refractoriness.to_dict(),
            "signals": [s.to_dict() for s in self.signals],
            "line": self.line,
            "options": [o.to_dict() for o in self.options],
            "flags": [f.to_dict() for f in self.flags],
            "algorithm": self.algorithm.to_dict(),
            "missing": list(self.missing),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def _hbv_before_immunotherapy(view: CaseView, opts: OptionsResult) -> Evidence | None:
    """OPT-IO-HBV (change K): hepatitis B, and a checkpoint-inhibitor regimen is open (recommended,
    eligible or needs work-up): check HBV DNA and antiviral therapy first (IMbrave150 and HIMALAYA
    required hepatitis B suppressed on antivirals; IMbrave150: HBV DNA below 500 IU/mL)."""
    if view.patient.etiology != "hbv":
        return None
    open_regimens = [
        o.regimen for o in opts.options if o.regimen in IO_REGIMENS and o.status in OPEN_STATUSES
    ]
    return {"etiology": "hbv", "regimens": open_regimens} if open_regimens else None


def _rule_flags(
    view: CaseView,
    cp: ChildPugh,
    opts: OptionsResult,
    sigs: tuple[RuleFinding, ...],
    alg: Algorithm,
) -> list[Flag]:
    """Non-PIT flags (RULES.md §7): gates, blocking option reasons, OPT-LEN-BILE, met signals,
    ALG-5-OVERDUE, ON-THERAPY-LIVER (warnings); OPT-2L-AFTER-IO / OPT-2L-UNDEFINED /
    ALG-WEIGH-SWITCH when an option's reason, OPT-IO-HBV (info). One per id. Flags follow the
    options' final statuses (an option held back by ALG-WEIGH-SWITCH raises no OPT-AB-EGD)."""
    out: dict[str, Flag] = {}
    for gate in opts.gates:
        out[gate] = _flag(gate, WARNING, opts.evidence.get(gate, {}))
    for o in opts.options:
        if o.status in (CONTRAINDICATED, NEEDS_WORKUP):
            for reason in o.reasons:
                if reason in _BLOCKING_REASONS and reason not in out:
                    out[reason] = _flag(reason, WARNING, opts.evidence.get(reason, {}))
        if o.regimen == LEN and o.status in (ELIGIBLE, RECOMMENDED) and OPT_LEN_BILE in o.reasons:
            out[OPT_LEN_BILE] = _flag(OPT_LEN_BILE, WARNING, opts.evidence.get(OPT_LEN_BILE, {}))
        for reason in _INFO_REASONS:
            if reason in o.reasons and reason not in out:
                out[reason] = _flag(reason, INFO, opts.evidence.get(reason, {}))
    for s in sigs:
        if s.status == MET:
            out[s.id] = _flag(s.id, WARNING, s.evidence)
    liver = liver_worse_on_therapy(view, cp)
    if liver is not None:
        out[ON_THERAPY_LIVER] = _flag(ON_THERAPY_LIVER, WARNING, liver)
    hbv = _hbv_before_immunotherapy(view, opts)
    if hbv is not None:
        out[OPT_IO_HBV] = _flag(OPT_IO_HBV, INFO, hbv)
    clock = alg.reassessment
    if clock is not None and clock.overdue:
        latest = clock.latest_imaging
        out[ALG_5_OVERDUE] = _flag(
            ALG_5_OVERDUE,
            WARNING,
            {
                "latest_imaging": latest,
                "days_since_imaging": None if latest is None else days_between(latest, view.as_of),
            },
        )
    return list(out.values())


def assess(facts: CaseFacts, as_of: datetime.date, proposal: str | None = None) -> Assessment:
    """Assess a case as of a date, optionally checking the board's proposed plan.

    ``proposal`` must be None or a key of ``vocab.PROPOSALS`` (ValueError otherwise — the only
    exception ``assess`` raises; parse the proposal before calling).
    """
    if proposal is not None and proposal not in PROPOSALS:
        raise ValueError(f"unknown proposal: {proposal!r}")
    view = CaseView(facts, as_of)
    cp = child_pugh(view)
    refr = refractoriness(view)
    sigs = signals(view)
    opts = treatment_options(view, cp, refr, sigs)
    alg = algorithm(view, opts)

    flags = _rule_flags(view, cp, opts, sigs, alg)
    for pit in check_proposal(proposal, view, cp, refr, opts):
        extra = ""
        if pit.id == PIT_UNVERIFIED:
            names = pit.evidence.get("missing")
            if isinstance(names, list) and names:
                extra = "Missing: " + ", ".join(str(m) for m in names) + "."
        elif pit.id == PIT_NOT_INDICATED:
            reasons = pit.evidence.get("reasons")
            if isinstance(reasons, list) and reasons:
                extra = "Reasons: " + ", ".join(str(r) for r in reasons) + "."
            else:
                extra = "It is not an option in this line of treatment."
        flags.append(_flag(pit.id, pit.severity, pit.evidence, extra))
    flags.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.id))

    missing: list[str] = list(opts.gate_missing)
    missing.extend(refr.missing)
    for o in opts.options:
        missing.extend(o.missing)
        if o.regimen == LEN and o.status in (ELIGIBLE, RECOMMENDED) and o.dose is None:
            missing.append("patient.weight_kg")
    if alg.reassessment is not None and alg.reassessment.latest_imaging is None:
        missing.append("imaging.date")

    return Assessment(
        rule_set=RULE_SET,
        as_of=as_of,
        proposal=proposal,
        child_pugh=cp,
        albi=albi(view),
        moral=moral(view),
        up_to_seven=up_to_seven(view),
        bclc=bclc(view, cp),
        art=art(view, cp),
        refractoriness=refr,
        signals=sigs,
        line=opts.line,
        options=opts.options,
        flags=tuple(flags),
        algorithm=alg,
        missing=sorted_unique(missing),
    )
