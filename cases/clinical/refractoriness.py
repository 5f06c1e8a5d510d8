"""TACE refractoriness (RULES.md §2), after the KLCA-NCC 2022 Korean practice guideline
(Korean J Radiol 2022;23:1126–1240): TR-NORESP, TR-VASC, TR-EHS and the verdict.

Decision support only: some non-responders still respond to a further TACE (Radiology 2021);
the board decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .facts import Imaging, TaceSession
from .results import INSUFFICIENT, MET, NOT_APPLICABLE, NOT_MET, RuleFinding, sorted_unique
from .scores import shows_vascular_invasion
from .view import CaseView, days_between

TR_NORESP = "TR-NORESP"
TR_VASC = "TR-VASC"
TR_EHS = "TR-EHS"
CRITERIA_IDS = (TR_NORESP, TR_VASC, TR_EHS)

SIX_MONTHS_DAYS = 183

REFRACTORY = "refractory"
NOT_REFRACTORY = "not_refractory"


@dataclass(frozen=True)
class Refractoriness:
    """Verdict: refractory | not_refractory | insufficient_data | not_applicable."""

    status: str
    criteria: tuple[RuleFinding, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        return sorted_unique(m for c in self.criteria for m in c.missing)

    def criterion(self, rule_id: str) -> RuleFinding:
        for c in self.criteria:
            if c.id == rule_id:
                return c
        raise KeyError(rule_id)

    @property
    def met(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria if c.status == MET)

    def to_dict(self) -> dict[str, object]:
        return {"status": self.status, "criteria": [c.to_dict() for c in self.criteria]}


def no_response(view: CaseView) -> RuleFinding:
    """TR-NORESP: the two most recent assessed sessions (mRECIST CR/PR/SD/PD; pending and NE are
    skipped) both SD or PD, the later one no more than 183 days after the earlier one. Fewer than
    two assessed sessions → insufficient_data (reassess after the next session).

    Ambiguity, safer reading: ``pending`` and ``NE`` are recorded states and are skipped as the
    rule says; a session whose response is not recorded at all (null) and that is dated after the
    earlier of the two deciding sessions could change which two sessions decide, so the criterion
    is then insufficient_data (``tace_sessions.response``) instead of silently skipping it.
    """
    assessed = view.assessed_sessions
    if len(assessed) < 2:
        return RuleFinding(TR_NORESP, INSUFFICIENT, ("tace_sessions.response",))
    a, b = assessed[-2], assessed[-1]
    if any(s.response is None and s.date > a.date for s in view.sessions):
        return RuleFinding(TR_NORESP, INSUFFICIENT, ("tace_sessions.response",))
    gap = days_between(a.date, b.date)
    if a.response in ("SD", "PD") and b.response in ("SD", "PD") and gap <= SIX_MONTHS_DAYS:
        return RuleFinding(
            TR_NORESP,
            MET,
            evidence={
                "sessions": [a.date, b.date],
                "responses": [a.response, b.response],
                "days_apart": gap,
            },
        )
    return RuleFinding(TR_NORESP, NOT_MET)


def _after_tace(
    view: CaseView,
    rule_id: str,
    session_field: str,
    imaging_shows: Callable[[Imaging], bool | None],
    imaging_fields: tuple[str, ...],
) -> RuleFinding:
    """Shared logic of TR-VASC and TR-EHS.

    Met when a session's follow-up records the new finding, or the latest imaging is dated after
    the first TACE and shows it (new or persisting: TACE has not controlled it). Not met only when
    every session records the field as false and the latest post-TACE imaging (if any) records
    none. Imaging dated on or before the first TACE is no evidence either way.
    ``imaging_shows`` returns True (shows), False (records none) or None (does not say).
    """
    sessions: tuple[TaceSession, ...] = view.sessions
    first = sessions[0].date
    flagged = [s.date for s in sessions if getattr(s, session_field) is True]
    unrecorded = any(getattr(s, session_field) is None for s in sessions)
    img = view.latest_imaging
    post = img if img is not None and img.date > first else None
    shows = imaging_shows(post) if post is not None else False
    if flagged or shows is True:
        evidence: dict[str, object] = {}
        if flagged:
            evidence["sessions"] = flagged
        if post is not None and shows is True:
            evidence["imaging"] = {"date": post.date} | {
                f: getattr(post, f) for f in imaging_fields
            }
        return RuleFinding(rule_id, MET, evidence=evidence)
    missing: list[str] = []
    if unrecorded:
        missing.append(f"tace_sessions.{session_field}")
    if post is not None and shows is None:
        missing.extend(f"imaging.{f}" for f in imaging_fields if getattr(post, f) is None)
    if missing:
        return RuleFinding(rule_id, INSUFFICIENT, sorted_unique(missing))
    return RuleFinding(rule_id, NOT_MET)


def _imaging_vascular(img: Imaging) -> bool | None:
    if shows_vascular_invasion(img.portal_vein_invasion, img.hepatic_vein_invasion):
        return True
    if img.portal_vein_invasion == "none" and img.hepatic_vein_invasion is False:
        return False
    return None


def _imaging_spread(img: Imaging) -> bool | None:
    return img.extrahepatic_spread


def vascular_invasion(view: CaseView) -> RuleFinding:
    """TR-VASC: vascular invasion after TACE (portal Vp1–Vp4 or hepatic vein)."""
    return _after_tace(
        view,
        TR_VASC,
        "new_vascular_invasion",
        _imaging_vascular,
        ("portal_vein_invasion", "hepatic_vein_invasion"),
    )


def extrahepatic_spread(view: CaseView) -> RuleFinding:
    """TR-EHS: extrahepatic spread after TACE."""
    return _after_tace(
        view, TR_EHS, "new_extrahepatic_spread", _imaging_spread, ("extrahepatic_spread",)
    )


def refractoriness(view: CaseView) -> Refractoriness:
    """The verdict: not_applicable without a TACE session; refractory when any criterion is met;
    not_refractory when all three are not met; otherwise insufficient_data."""
    if not view.sessions:
        return Refractoriness(
            NOT_APPLICABLE, tuple(RuleFinding(i, NOT_APPLICABLE) for i in CRITERIA_IDS)
        )
    criteria = (no_response(view), vascular_invasion(view), extrahepatic_spread(view))
    statuses = [c.status for c in criteria]
    if MET in statuses:
        status = REFRACTORY
    elif all(s == NOT_MET for s in statuses):
        status = NOT_REFRACTORY
    else:
        status = INSUFFICIENT
    return Refractoriness(status, criteria)
