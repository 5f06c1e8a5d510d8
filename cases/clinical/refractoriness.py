"""TACE refractoriness (RULES.md §2), after the KLCA-NCC 2022 Korean practice guideline
(Korean J Radiol 2022;23:1126–1240): TR-NORESP, TR-VASC, TR-EHS and the verdict.

Decision support only: the board decides (some non-responders still respond to a further TACE).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from .case_on_date import CaseView, days_between
from .facts import Imaging, TaceSession
from .results import INSUFFICIENT, MET, NOT_APPLICABLE, NOT_MET, RuleFinding, sorted_unique
from .scores import shows_vascular_invasion
from .vocab import ASSESSED_RESPONSES

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


RESPONDERS = ("CR", "PR")
REASSESS_NOTE = "reassess after the next session"


def _decides(a: TaceSession, b: TaceSession, a_responded: bool, b_responded: bool) -> str:
    """TR-NORESP for one pair of deciding sessions: both non-responders within 183 days → met."""
    within = days_between(a.date, b.date) <= SIX_MONTHS_DAYS
    return MET if not a_responded and not b_responded and within else NOT_MET


def _responder_fillings(s: TaceSession) -> tuple[bool, ...]:
    """Whether an assessed session responded: fixed when recorded, either way when unrecorded."""
    return (True, False) if s.response is None else (s.response in RESPONDERS,)


def _possible_verdicts(sessions: tuple[TaceSession, ...]) -> set[str]:
    """Every TR-NORESP status that some filling of the unrecorded responses gives (change A).

    A session whose response is not recorded (None) may be skipped (as if pending or NE), a
    responder (CR/PR) or a non-responder (SD/PD). The verdict depends only on the last two assessed
    sessions, so instead of trying all 3^k fillings we try every pair that can be the last two:
    the later one is the last recorded assessed session or an unrecorded one after it (everything
    after it skipped); the earlier one is the last recorded assessed session before it or an
    unrecorded one between the two (everything between skipped). O(n²), exact.
    """
    verdicts: set[str] = set()
    # For each index: the last session at or before it recorded as assessed (-1: none).
    last_recorded: list[int] = []
    for i, s in enumerate(sessions):
        last_recorded.append(i if s.response in ASSESSED_RESPONSES else (last_recorded[-1] if i else -1))
    recorded = sum(1 for s in sessions if s.response in ASSESSED_RESPONSES)
    unrecorded = [i for i, s in enumerate(sessions) if s.response is None]
    # Fewer than two assessed sessions: every unrecorded one skipped, at most one recorded.
    if recorded < 2:
        verdicts.add(INSUFFICIENT)
    floor = last_recorded[-1]
    for j in ([floor] if floor >= 0 else []) + [u for u in unrecorded if u > floor]:
        floor_i = last_recorded[j - 1] if j else -1
        for i in ([floor_i] if floor_i >= 0 else []) + [u for u in unrecorded if floor_i < u < j]:
            a, b = sessions[i], sessions[j]
            for a_responded in _responder_fillings(a):
                for b_responded in _responder_fillings(b):
                    verdicts.add(_decides(a, b, a_responded, b_responded))
    return verdicts


def no_response(view: CaseView) -> RuleFinding:
    """TR-NORESP (KLCA-NCC 2022): the two most recent assessed sessions (mRECIST CR/PR/SD/PD;
    pending and NE are skipped) are both SD or PD, the later one no more than 183 days after the
    earlier one.

    - Fewer than two sessions performed (on record at as_of) → not_met with the note "reassess
      after the next session": KLCA-NCC asks for two sessions, and a session not yet given is not
      missing data (change N).
    - A session whose response is not recorded at all could be skipped, a responder or a
      non-responder (change A). Every filling is evaluated (see ``_possible_verdicts``); when they
      all agree that status stands, with the evidence of the recorded sessions; when they differ,
      insufficient_data (``tace_sessions.response``). E.g. CR, CR, unrecorded → not_met.
    - Two or more performed but fewer than two assessed in every filling → insufficient_data.
    """
    sessions = view.sessions
    if len(sessions) < 2:
        return RuleFinding(
            TR_NORESP, NOT_MET, evidence={"sessions_performed": len(sessions)}, note=REASSESS_NOTE
        )
    verdicts = _possible_verdicts(sessions)
    if len(verdicts) != 1 or INSUFFICIENT in verdicts:
        return RuleFinding(TR_NORESP, INSUFFICIENT, ("tace_sessions.response",))
    if verdicts == {NOT_MET}:
        return RuleFinding(TR_NORESP, NOT_MET)
    # Met in every filling: the deciding pair is the last two recorded assessed sessions.
    a, b = view.assessed_sessions[-2:]
    return RuleFinding(
        TR_NORESP,
        MET,
        evidence={
            "sessions": [a.date, b.date],
            "responses": [a.response, b.response],
            "days_apart": days_between(a.date, b.date),
        },
    )


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

    When met, the evidence says whether the finding was already there before TACE (change B):
    ``present_before_tace`` true (persisting), false (new) or None (no pre-TACE imaging says).
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
            evidence["imaging"] = {"date": post.date} | {f: getattr(post, f) for f in imaging_fields}
        evidence["present_before_tace"] = _present_before_tace(view, first, imaging_shows)
        return RuleFinding(rule_id, MET, evidence=evidence)
    missing: list[str] = []
    if unrecorded:
        missing.append(f"tace_sessions.{session_field}")
    if post is not None and shows is None:
        missing.extend(f"imaging.{f}" for f in imaging_fields if getattr(post, f) is None)
    if missing:
        return RuleFinding(rule_id, INSUFFICIENT, sorted_unique(missing))
    return RuleFinding(rule_id, NOT_MET)


def _present_before_tace(
    view: CaseView, first: datetime.date, imaging_shows: Callable[[Imaging], bool | None]
) -> bool | None:
    """What the latest imaging dated on or before the first TACE said: True (it showed the
    finding), False (it recorded none, every field of the criterion recorded), None (no such
    imaging, or it does not say)."""
    before = [img for img in view.imaging if img.date <= first]
    return imaging_shows(before[-1]) if before else None


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
    return _after_tace(view, TR_EHS, "new_extrahepatic_spread", _imaging_spread, ("extrahepatic_spread",))


def refractoriness(view: CaseView) -> Refractoriness:
    """The verdict: not_applicable without a TACE session; refractory when any criterion is met;
    not_refractory when all three are not met; otherwise insufficient_data."""
    if not view.sessions:
        return Refractoriness(NOT_APPLICABLE, tuple(RuleFinding(i, NOT_APPLICABLE) for i in CRITERIA_IDS))
    criteria = (no_response(view), vascular_invasion(view), extrahepatic_spread(view))
    statuses = [c.status for c in criteria]
    if MET in statuses:
        status = REFRACTORY
    elif all(s == NOT_MET for s in statuses):
        status = NOT_REFRACTORY
    else:
        status = INSUFFICIENT
    return Refractoriness(status, criteria)
