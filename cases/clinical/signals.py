"""Prognostic signals of poor TACE response (RULES.md §3; KLCA-NCC 2022, Korean J Radiol
2022;23:1126–1240). Warnings only: they never make the refractoriness verdict by themselves.

Each is met | not_met | insufficient_data; with no TACE session every signal is not_applicable.
"""

from __future__ import annotations

import datetime

from .case_on_date import CaseView, LabPoint
from .results import INSUFFICIENT, MET, NOT_APPLICABLE, NOT_MET, RuleFinding, round_half_away
from .scores import moral_value

PI_MORAL = "PI-MORAL"
PI_LESIONS = "PI-LESIONS"
PI_COUNT = "PI-COUNT"
PI_MARKERS = "PI-MARKERS"
SIGNAL_IDS = (PI_MORAL, PI_LESIONS, PI_COUNT, PI_MARKERS)

MORAL_THRESHOLD = 89.5
MORAL_RISE = 1.05


def moral_rise(view: CaseView) -> RuleFinding:
    """PI-MORAL: MoRAL after the first TACE ≥ 89.5 and at least 5 % above the pre-TACE MoRAL
    (KLCA-NCC 2022; reported median OS under 10 months). Pre = latest AFP + PIVKA-II pair on or
    before the first TACE; post = first pair after the first TACE and not after the second TACE
    (a pair drawn on the day of the second TACE counts as post). Compared unrounded."""
    sessions = view.sessions
    first = sessions[0].date
    second = sessions[1].date if len(sessions) > 1 else None
    pre = None
    post = None
    for p in view.marker_pairs():
        if p[0] <= first:
            pre = p
        else:
            if second is None or p[0] <= second:
                post = p
            break
    if pre is None or post is None:
        # A MoRAL needs both markers from one date, so both are named.
        return RuleFinding(PI_MORAL, INSUFFICIENT, tuple(sorted(_PAIR)))
    pre_v = moral_value(pre[1], pre[2])
    post_v = moral_value(post[1], post[2])
    evidence = {
        "pre": {"date": pre[0], "moral": round_half_away(pre_v, 1)},
        "post": {"date": post[0], "moral": round_half_away(post_v, 1)},
    }
    if post_v >= MORAL_THRESHOLD and post_v >= pre_v * MORAL_RISE:
        return RuleFinding(PI_MORAL, MET, evidence=evidence)
    return RuleFinding(PI_MORAL, NOT_MET)


_PAIR = frozenset(("labs.afp_ng_ml", "labs.pivka_mau_ml"))


def lesion_response(view: CaseView) -> RuleFinding:
    """PI-LESIONS: two consecutive sessions each with insufficient response in ≥ 50 % of treated
    lesions. A session without the field breaks the run; fewer than two sessions with the field →
    insufficient_data."""
    run: list[datetime.date] = []
    recorded = 0
    for s in view.sessions:
        value = s.insufficient_lesion_response
        if value is None:
            run = []
            continue
        recorded += 1
        if value:
            run.append(s.date)
            if len(run) >= 2:
                return RuleFinding(PI_LESIONS, MET, evidence={"sessions": run[-2:]})
        else:
            run = []
    if recorded < 2:
        return RuleFinding(PI_LESIONS, INSUFFICIENT, ("tace_sessions.insufficient_lesion_response",))
    return RuleFinding(PI_LESIONS, NOT_MET)


def tumour_count(view: CaseView) -> RuleFinding:
    """PI-COUNT: two consecutive increases in tumour number anywhere in
    [baseline count (if recorded), count after session 1, count after session 2, …] (sessions
    without a count left out); fewer than three numbers → insufficient_data."""
    counts: list[int] = []
    if view.facts.baseline_tumor_count is not None:
        counts.append(view.facts.baseline_tumor_count)
    counts.extend(s.tumor_count_after for s in view.sessions if s.tumor_count_after is not None)
    if len(counts) < 3:
        missing = ["tace_sessions.tumor_count_after"]
        if view.facts.baseline_tumor_count is None:
            missing.insert(0, "baseline_tumor_count")
        return RuleFinding(PI_COUNT, INSUFFICIENT, tuple(missing))
    for i in range(len(counts) - 2):
        if counts[i] < counts[i + 1] < counts[i + 2]:
            return RuleFinding(PI_COUNT, MET, evidence={"counts": counts})
    return RuleFinding(PI_COUNT, NOT_MET)


def _marker_sequence(view: CaseView, analyte: str, first: datetime.date) -> list[LabPoint]:
    """[latest value on or before the first TACE, then every later value] (date-sorted series)."""
    series = view.series(analyte)
    i = view.count_on_or_before(analyte, first)
    return list(series[max(i - 1, 0) :])


def marker_rise(view: CaseView) -> RuleFinding:
    """PI-MARKERS: for AFP or for PIVKA-II, [latest value on or before the first TACE, then every
    later value] ends in three strictly increasing values. Met when either does; insufficient_data
    when neither marker has three values; otherwise not_met."""
    first = view.sessions[0].date
    enough = False
    evidence: dict[str, object] = {}
    for analyte in ("afp_ng_ml", "pivka_mau_ml"):
        seq = _marker_sequence(view, analyte, first)
        if len(seq) < 3:
            continue
        enough = True
        a, b, c = seq[-3:]
        if a[1] < b[1] < c[1]:
            evidence[analyte] = [{"date": d, "value": v} for d, v in (a, b, c)]
    if evidence:
        return RuleFinding(PI_MARKERS, MET, evidence=evidence)
    if not enough:
        return RuleFinding(PI_MARKERS, INSUFFICIENT, tuple(sorted(_PAIR)))
    return RuleFinding(PI_MARKERS, NOT_MET)


def signals(view: CaseView) -> tuple[RuleFinding, ...]:
    """All four signals, in RULES.md order."""
    if not view.sessions:
        return tuple(RuleFinding(i, NOT_APPLICABLE) for i in SIGNAL_IDS)
    return (moral_rise(view), lesion_response(view), tumour_count(view), marker_rise(view))
