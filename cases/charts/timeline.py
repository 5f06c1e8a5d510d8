"""The TACE timeline: sessions with their mRECIST response, AFP and PIVKA-II on a log scale, MoRAL
where computable, the moments vascular invasion or spread appeared, and systemic therapy periods.

All geometry is computed here, in plain Python, so ``templates/cases/charts.html#timeline`` only loops
over ready-made coordinates (no arithmetic in templates, no JavaScript, nothing inline that the
strict CSP would block). Colours live in ``static/css/charts.css``; this module only hands out CSS
class names.

The picture reads the case through the engine's own ``CaseView`` (records on or before ``as_of``,
sorted once) and draws what was recorded; MoRAL uses the engine's formula, so the picture and the
assessment can never disagree.

The lanes are stacked top to bottom (event labels, TACE, systemic therapy, markers, MoRAL, date
axis, legend); each lane is laid out by one function from the y where it starts, and a lane with
nothing in it takes no room.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from cases.charts.scales import DateScale, LogScale, Tick, month_ticks, value_tick
from cases.charts.svg import (
    FONT,
    SMALL,
    Box,
    Span,
    TextLabel,
    assign_rows,
    assign_rows_left_to_right,
    circle_path,
    clamp_center,
    number_text,
    overlaps,
    r,
    square_path,
    text_width,
)
from cases.clinical.case_on_date import CaseView
from cases.clinical.facts import CaseFacts, Imaging, LabPoint, MarkerPair, SystemicTherapy, TaceSession
from cases.clinical.labels import regimen_label
from cases.clinical.results import round_half_away
from cases.clinical.scores import moral_value, shows_vascular_invasion

# --- drawing constants (SVG user units; the viewBox scales them to the screen) ----------------

WIDTH = 1200
LEFT = 150  # room for the lane names and the log-scale tick labels
RIGHT = WIDTH - 24
X_PAD = 22  # markers at the first and last date stay clear of the frame
TOP = 14.0  # the first lane starts here
SESSION_R = 18
SESSION_ROW = 44
MARKER_R = 6
PENDING_R = 12  # the "?" disc in the legend
PLOT_HEIGHT = 300
PLOT_TITLE = "AFP (ng/mL) and PIVKA-II (mAU/mL), log scale"
MIN_SPAN_DAYS = 28

# mRECIST response → the letters drawn inside the session marker (colour is never the only cue).
RESPONSE_LETTERS = {"CR": "CR", "PR": "PR", "SD": "SD", "PD": "PD", "NE": "NE", "pending": "?"}
RESPONSE_MEANINGS = {
    "CR": "complete response",
    "PR": "partial response",
    "SD": "stable disease",
    "PD": "progressive disease",
    "NE": "not evaluable",
}
TECHNIQUE_LABELS = {"ctace": "cTACE", "debtace": "DEB-TACE"}
OUTCOME_WORDS = {
    "progression": "ended for progression",
    "intolerance": "ended for intolerance",
    "stopped": "stopped for another reason",
    "ongoing": "ongoing",
}

VASCULAR = "vascular"
SPREAD = "spread"
EVENT_NAMES = {VASCULAR: "Vascular invasion", SPREAD: "Extrahepatic spread"}

# The two tumor markers: key → (name, unit, the CaseView analyte).
MARKERS = {"afp": ("AFP", "ng/mL", "afp_ng_ml"), "pivka": ("PIVKA-II", "mAU/mL", "pivka_mau_ml")}


# --- what the template draws ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SessionMark:
    """One TACE session: a coloured disc with its mRECIST letters inside."""

    date: datetime.date
    response: str | None
    letter: str
    css: str
    x: float
    y: float
    r: float
    text_y: float
    title: str


@dataclass(frozen=True, kw_only=True)
class MarkerPoint:
    date: datetime.date
    value: float
    x: float
    y: float
    at_floor: bool  # a value of 0 cannot sit on a log scale: drawn at the bottom edge
    path: str  # the marker symbol, as an SVG path
    title: str

    @property
    def css(self) -> str:
        return "tl-point tl-point-floor" if self.at_floor else "tl-point"


@dataclass(frozen=True, kw_only=True)
class MarkerSeries:
    """AFP or PIVKA-II over time, on the shared log scale."""

    key: str
    name: str
    unit: str
    css: str
    points: tuple[MarkerPoint, ...]
    polyline: str
    labels: tuple[TextLabel, ...]


@dataclass(frozen=True, kw_only=True)
class MoralMark:
    date: datetime.date
    value: float  # rounded to one decimal, as the assessment shows it
    x: float
    label: TextLabel

    @property
    def title(self) -> str:
        return f"MoRAL {self.label.text} on {self.date.isoformat()}"


@dataclass(frozen=True, kw_only=True)
class EventLine:
    """The moment vascular invasion or extrahepatic spread appeared: a labelled vertical line."""

    date: datetime.date
    kind: str  # vascular | spread
    css: str
    x: float
    y_top: float
    y_bottom: float
    label: TextLabel
    sentence: str

    @property
    def title(self) -> str:
        return f"{self.date.isoformat()}: {self.sentence}"


@dataclass(frozen=True, kw_only=True)
class TherapyBand:
    """A systemic therapy period; the template also shades the marker plot behind it."""

    regimen: str
    start: datetime.date
    end: datetime.date | None
    ongoing: bool
    x: float
    width: float
    y: float
    height: float
    label: TextLabel

    @property
    def css(self) -> str:
        return "tl-therapy tl-therapy-ongoing" if self.ongoing else "tl-therapy"

    @property
    def title(self) -> str:
        until = f" to {self.end.isoformat()}" if self.end else ""
        return f"{self.label.text}: from {self.start.isoformat()}{until}"


# How the legend draws each kind of mark: a line with the marker on it, a marker alone, an event
# line, a band, or the pending-response disc.
LEGEND_SYMBOLS = {
    "afp": "line",
    "pivka": "line",
    "floor": "point",
    "vascular": "swatch",
    "spread": "swatch",
    "therapy": "band",
    "pending": "pending",
}


@dataclass(frozen=True, kw_only=True)
class LegendItem:
    kind: str  # afp | pivka | floor | vascular | spread | therapy | pending
    label: str
    x: float
    x_mid: float
    x_end: float
    y: float
    y_top: float
    text_x: float
    text_y: float
    path: str  # marker symbol, when the kind has one

    @property
    def symbol(self) -> str:
        return LEGEND_SYMBOLS[self.kind]


@dataclass(frozen=True, kw_only=True)
class Timeline:
    """Everything ``templates/cases/charts.html#timeline`` draws, already laid out."""

    as_of: datetime.date
    empty: bool
    width: int = WIDTH
    height: int = 0
    start: datetime.date | None = None
    dom_id: str = "tace-timeline"
    lane_labels: tuple[TextLabel, ...] = ()
    sessions: tuple[SessionMark, ...] = ()
    therapies: tuple[TherapyBand, ...] = ()
    events: tuple[EventLine, ...] = ()
    series: tuple[MarkerSeries, ...] = ()
    plot_box: tuple[float, float, float, float] | None = None  # left, top, width, height
    plot_title: TextLabel | None = None
    y_ticks: tuple[Tick, ...] = ()
    moral: tuple[MoralMark, ...] = ()
    axis_y: float = 0.0
    axis_left: float = LEFT
    axis_right: float = RIGHT
    x_ticks: tuple[Tick, ...] = ()
    x_tick_label_y: float = 0.0
    legend: tuple[LegendItem, ...] = ()
    has_floor_values: bool = False
    summary: str = ""
    text_alternative: tuple[str, ...] = ()

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_left(self) -> float:
        return self.plot_box[0] if self.plot_box else LEFT

    @property
    def plot_top(self) -> float:
        return self.plot_box[1] if self.plot_box else 0.0

    @property
    def plot_width(self) -> float:
        return self.plot_box[2] if self.plot_box else 0.0

    @property
    def plot_height(self) -> float:
        return self.plot_box[3] if self.plot_box else 0.0

    @property
    def plot_right(self) -> float:
        return self.plot_left + self.plot_width

    @property
    def tick_bottom(self) -> float:
        return self.axis_y + 8

    @property
    def y_tick_x(self) -> float:
        """Right edge of the log-scale tick labels, just left of the plot frame."""
        return self.plot_left - 10


# --- the records the picture draws ------------------------------------------------------------


def marker_values(view: CaseView) -> dict[str, tuple[LabPoint, ...]]:
    """AFP and PIVKA-II on or before ``as_of``, oldest first; several lab records of one date
    count as one draw (the last one recorded)."""
    return {key: _one_per_date(view.series(analyte)) for key, (_, _, analyte) in MARKERS.items()}


def moral_pairs(view: CaseView) -> tuple[MarkerPair, ...]:
    """Dates that carry both markers, one pair per date, as ``marker_values`` counts them."""
    by_date = {pair[0]: pair for pair in view.marker_pairs()}
    return tuple(by_date[d] for d in sorted(by_date))


def _one_per_date(points: Sequence[LabPoint]) -> tuple[LabPoint, ...]:
    return tuple(sorted(dict(points).items()))


def moral_on(pair: MarkerPair) -> float:
    """MoRAL by the engine's formula, rounded to one decimal as the assessment shows it."""
    _, afp, pivka = pair
    return round_half_away(moral_value(afp, pivka), 1)


# --- what happened when -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Event:
    date: datetime.date
    kind: str
    detail: str  # e.g. "Vp4", "after TACE"
    sentence: str


def _invasion_detail(img: Imaging) -> str:
    parts = []
    if img.portal_vein_invasion and img.portal_vein_invasion != "none":
        parts.append(f"portal vein {img.portal_vein_invasion.capitalize()}")
    if img.hepatic_vein_invasion is True:
        parts.append("hepatic vein")
    return ", ".join(parts)


def invasion_events(view: CaseView) -> tuple[_Event, ...]:
    """When vascular invasion or extrahepatic spread appeared.

    Two sources: a TACE session's follow-up recording it as new (dated at the response
    assessment when recorded, else at the session), and imaging that shows it while the previous
    study did not (persisting findings are one moment, not one line per scan). Same kind on the
    same date is drawn once, with the imaging detail.
    """
    found: dict[tuple[datetime.date, str], _Event] = {}
    was = {VASCULAR: False, SPREAD: False}
    for img in view.imaging:
        now = {
            VASCULAR: shows_vascular_invasion(img.portal_vein_invasion, img.hepatic_vein_invasion),
            SPREAD: img.extrahepatic_spread is True,
        }
        for kind, present in now.items():
            if present and not was[kind]:
                detail = _invasion_detail(img) if kind == VASCULAR else ""
                words = EVENT_NAMES[kind].lower() + (f" ({detail})" if detail else "")
                found[(img.date, kind)] = _Event(
                    date=img.date, kind=kind, detail=detail, sentence=f"imaging shows {words}"
                )
            was[kind] = present
    for s in view.sessions:
        when = s.response_date if s.response_date and s.response_date <= view.as_of else s.date
        for kind, flag in ((VASCULAR, s.new_vascular_invasion), (SPREAD, s.new_extrahepatic_spread)):
            if flag is not True or (when, kind) in found:
                continue
            words = f"new {EVENT_NAMES[kind].lower()} at the follow-up of the TACE of {s.date.isoformat()}"
            found[(when, kind)] = _Event(date=when, kind=kind, detail="after TACE", sentence=words)
    return tuple(sorted(found.values(), key=lambda e: (e.date, e.kind)))


# Event lines closer than this (user units) would be drawn over each other.
MIN_EVENT_GAP = 14.0


def _merge_close_events(events: Sequence[_Event], scale: DateScale) -> tuple[_Event, ...]:
    """Events of one kind whose lines would touch become one line at the first date, whose
    sentence tells both (so no two markers or labels lie on top of each other); the text list
    still names every date."""
    merged: list[_Event] = []
    for e in events:
        same = next(
            (
                m
                for m in reversed(merged)
                if m.kind == e.kind and scale.x(e.date) - scale.x(m.date) < MIN_EVENT_GAP
            ),
            None,
        )
        if same is None:
            merged.append(e)
            continue
        index = merged.index(same)
        merged[index] = replace(
            same,
            detail=same.detail or e.detail,
            sentence=f"{same.sentence}; on {e.date.isoformat()}, {e.sentence}",
        )
    return tuple(merged)


def _therapy_end(t: SystemicTherapy, as_of: datetime.date) -> datetime.date | None:
    if t.outcome == "ongoing":
        return as_of
    return min(t.end, as_of) if t.end else None


def _first_date(
    view: CaseView, markers: dict[str, tuple[LabPoint, ...]], events: Sequence[_Event]
) -> datetime.date | None:
    dates: list[datetime.date] = [s.date for s in view.sessions]
    dates += [d for series in markers.values() for d, _ in series]
    dates += [e.date for e in events]
    dates += [t.start for t in view.therapies]
    return min(dates) if dates else None


# --- the timeline -----------------------------------------------------------------------------


def timeline(
    facts: CaseFacts, as_of: datetime.date, dom_id: str = "tace-timeline", width: int = WIDTH
) -> Timeline:
    """The TACE timeline for the board screen, from the first record to ``as_of``.

    Records dated after ``as_of`` are left out, like everywhere in the engine. ``width`` in user
    units: a narrower picture draws the same text larger on the same screen (the room's display).
    """
    view = CaseView(facts, as_of)
    markers = marker_values(view)
    events = invasion_events(view)
    first = _first_date(view, markers, events)
    if first is None:
        return Timeline(
            as_of=as_of,
            empty=True,
            dom_id=dom_id,
            summary="Nothing to plot yet: no TACE session, tumor marker, systemic therapy or "
            "vascular invasion is recorded.",
        )
    start = min(first, as_of - datetime.timedelta(days=MIN_SPAN_DAYS))
    scale = DateScale(start=start, end=as_of, x0=LEFT + X_PAD, x1=width - 24 - X_PAD)
    drawn = _merge_close_events(events, scale)  # the text list below still has every event

    event_labels = _event_label_lane(drawn, scale, TOP)
    sessions = _session_lane(view.sessions, scale, event_labels.bottom)
    therapies = _therapy_lane(view.therapies, as_of, scale, sessions.bottom)
    plot = _marker_plot(markers, scale, therapies.bottom)
    moral = _moral_lane(moral_pairs(view), scale, plot.bottom if plot else therapies.bottom)
    axis_y = r(moral.bottom + 4)
    event_lines = _event_lines(drawn, event_labels.marks, scale, top=event_labels.bottom, bottom=axis_y)
    pending = any(s.response == "pending" for s in sessions.marks)
    legend = _legend(_legend_entries(plot, events, bool(therapies.marks), pending), axis_y + 44, width)
    return Timeline(
        as_of=as_of,
        empty=False,
        width=width,
        axis_right=_right(scale),
        height=math.ceil(legend.bottom),
        start=scale.start,
        dom_id=dom_id,
        lane_labels=tuple(lane.name for lane in (sessions, therapies, moral) if lane.name),
        sessions=sessions.marks,
        therapies=therapies.marks,
        events=event_lines,
        series=plot.series if plot else (),
        plot_box=plot.box if plot else None,
        plot_title=plot.title if plot else None,
        y_ticks=plot.ticks if plot else (),
        moral=moral.marks,
        axis_y=axis_y,
        x_ticks=month_ticks(scale, 8, width - 8),
        x_tick_label_y=r(axis_y + 30),
        legend=legend.marks,
        has_floor_values=plot.has_floor if plot else False,
        summary=_summary(view, markers, scale, event_lines, therapies.marks),
        text_alternative=text_alternative(view, events),
    )


# --- the lanes, top to bottom -----------------------------------------------------------------

M = TypeVar("M")


@dataclass(frozen=True, kw_only=True)
class _Lane(Generic[M]):
    """One horizontal band of the picture: what it draws, its name at the left (if it has one),
    and the y where the next lane starts."""

    marks: tuple[M, ...]
    bottom: float
    name: TextLabel | None = None


def _right(scale: DateScale) -> float:
    """The right edge of the plot and the lanes (the picture's width less its margin)."""
    return scale.x1 + X_PAD


def _lane_name(y: float, text: str) -> TextLabel:
    return TextLabel(x=LEFT - 14, y=r(y), text=text, anchor="end")


def _event_label_text(e: _Event) -> str:
    name = EVENT_NAMES[e.kind]
    return f"{name} ({e.detail})" if e.detail and e.detail != "after TACE" else name


def _event_label_lane(events: Sequence[_Event], scale: DateScale, top: float) -> _Lane[TextLabel]:
    """Labels above the chart, one per event line (right of it, or left when it would run off
    the picture), stacked in rows when they would touch."""
    if not events:
        return _Lane(marks=(), bottom=top)
    spans: list[Span] = []
    anchors: list[tuple[str, float, str]] = []
    for e in events:
        text = _event_label_text(e)
        x, w = scale.x(e.date), text_width(text, SMALL)
        if x + 6 + w <= _right(scale) + 24 - 4:
            spans.append((x, x + 6 + w))
            anchors.append(("start", x + 6, text))
        else:
            spans.append((x - 6 - w, x))
            anchors.append(("end", x - 6, text))
    rows = assign_rows_left_to_right(spans)
    labels = tuple(
        TextLabel(x=r(ax), y=r(top + SMALL + row * 24), text=text, anchor=anchor)
        for (anchor, ax, text), row in zip(anchors, rows, strict=True)
    )
    return _Lane(marks=labels, bottom=top + (max(rows) + 1) * 24 + 6)


def _event_lines(
    events: Sequence[_Event], labels: Sequence[TextLabel], scale: DateScale, *, top: float, bottom: float
) -> tuple[EventLine, ...]:
    """Each event's vertical line, from below the event labels down to the date axis. A line that
    would touch the previous one (another kind, close in date) moves aside by the minimum gap."""
    xs: list[float] = []
    for e in events:
        x = scale.x(e.date)
        xs.append(max(x, xs[-1] + MIN_EVENT_GAP) if xs and x - xs[-1] < MIN_EVENT_GAP else x)
    return tuple(
        EventLine(
            date=e.date,
            kind=e.kind,
            css=f"tl-event-{e.kind}",
            x=r(x),
            y_top=r(top),
            y_bottom=bottom,
            label=label,
            sentence=e.sentence,
        )
        for e, label, x in zip(events, labels, xs, strict=True)
    )


def _session_lane(sessions: Sequence[TaceSession], scale: DateScale, top: float) -> _Lane[SessionMark]:
    """One disc per TACE session at its date; discs that would touch go to the next row."""
    if not sessions:
        return _Lane(marks=(), bottom=top)
    xs = [scale.x(s.date) for s in sessions]
    rows = assign_rows([(x - SESSION_R, x + SESSION_R) for x in xs], gap=4)
    marks = []
    for s, x, row in zip(sessions, xs, rows, strict=True):
        cy = top + SESSION_R + 4 + row * SESSION_ROW
        marks.append(
            SessionMark(
                date=s.date,
                response=s.response,
                letter=RESPONSE_LETTERS.get(s.response or "", "–"),
                css=f"tl-resp tl-resp-{s.response.lower() if s.response else 'none'}",
                x=x,
                y=r(cy),
                r=SESSION_R,
                text_y=r(cy + 6),
                title=_session_words(s),
            )
        )
    return _Lane(
        marks=tuple(marks),
        bottom=top + (max(rows) + 1) * SESSION_ROW + 8,
        name=_lane_name(top + SESSION_R + 4 + 6, "TACE"),
    )


def _therapy_text(t: SystemicTherapy) -> str:
    return regimen_label(t.regimen) + (" (ongoing)" if t.outcome == "ongoing" else "")


def _therapy_lane(
    therapies: Sequence[SystemicTherapy], as_of: datetime.date, scale: DateScale, top: float
) -> _Lane[TherapyBand]:
    """One band per regimen from its start to its end (``as_of`` while ongoing); the regimen
    names sit in rows above the bands, each starting at its band (or pulled in from the right edge)."""
    if not therapies:
        return _Lane(marks=(), bottom=top)
    ends = [_therapy_end(t, as_of) for t in therapies]
    starts = [scale.x(t.start) for t in therapies]
    texts = [_therapy_text(t) for t in therapies]
    lefts = [min(x0, _right(scale) - text_width(text, SMALL)) for x0, text in zip(starts, texts, strict=True)]
    spans = [(left, left + text_width(text, SMALL)) for left, text in zip(lefts, texts, strict=True)]
    rows = assign_rows_left_to_right(spans, gap=12)
    bar_y = top + (max(rows) + 1) * 22 + 6
    bands = []
    for t, end, x0, text, left, row in zip(therapies, ends, starts, texts, lefts, rows, strict=True):
        x1 = scale.x(end) if end else x0
        bands.append(
            TherapyBand(
                regimen=t.regimen,
                start=t.start,
                end=end if t.outcome != "ongoing" else None,
                ongoing=t.outcome == "ongoing",
                x=r(x0),
                width=r(max(x1 - x0, 8.0)),
                y=r(bar_y),
                height=16.0,
                label=TextLabel(x=r(left), y=r(top + SMALL + row * 22), text=text, anchor="start"),
            )
        )
    return _Lane(marks=tuple(bands), bottom=bar_y + 16 + 14, name=_lane_name(bar_y + 14, "Systemic"))


@dataclass(frozen=True, kw_only=True)
class _Plot:
    """AFP and PIVKA-II on one log scale, in a frame with its title above."""

    series: tuple[MarkerSeries, ...]
    box: tuple[float, float, float, float]  # left, top, width, height
    title: TextLabel
    ticks: tuple[Tick, ...]
    has_floor: bool
    bottom: float


def _marker_plot(markers: dict[str, tuple[LabPoint, ...]], scale: DateScale, top: float) -> _Plot | None:
    """The marker plot, or None when neither marker is recorded (then it takes no room)."""
    recorded = {key: points for key, points in markers.items() if points}
    if not recorded:
        return None
    title = TextLabel(x=LEFT, y=r(top + FONT), text=PLOT_TITLE, anchor="start")
    frame_top = top + FONT + 22
    frame_bottom = frame_top + PLOT_HEIGHT
    values = [v for points in recorded.values() for _, v in points]
    log = LogScale.covering(values, frame_top, frame_bottom)
    zeros = any(v <= 0 for v in values)
    decades = range(log.low_exp, log.high_exp + 1)
    ticks = tuple(value_tick(log, e, floor_is_zero=zeros and e == log.low_exp) for e in decades)
    # Every marker symbol is an obstacle for the value labels, whichever line it belongs to.
    pad = MARKER_R + 1
    placed: list[Box] = [
        (scale.x(d) - pad, log.y(v) - pad, scale.x(d) + pad, log.y(v) + pad)
        for points in recorded.values()
        for d, v in points
    ]
    frame: Box = (LEFT, frame_top, _right(scale), frame_bottom)
    series = tuple(_marker_series(key, points, scale, log, placed, frame) for key, points in recorded.items())
    return _Plot(
        series=series,
        box=(float(LEFT), r(frame_top), float(_right(scale) - LEFT), float(PLOT_HEIGHT)),
        title=title,
        ticks=ticks,
        has_floor=any(p.at_floor for s in series for p in s.points),
        bottom=frame_bottom + 10,
    )


def _marker_series(
    key: str, points: Sequence[LabPoint], scale: DateScale, log: LogScale, placed: list[Box], frame: Box
) -> MarkerSeries:
    """One marker's line: a circle (AFP) or square (PIVKA-II) per value, and value labels."""
    name, unit, _ = MARKERS[key]
    shape = circle_path if key == "afp" else square_path
    marks = []
    for d, v in points:
        x, y = scale.x(d), log.y(v)
        title = f"{name} {number_text(v)} {unit} on {d.isoformat()}"
        if v <= 0:
            title += " (0 cannot be shown on a log scale: drawn at the bottom edge)"
        marks.append(
            MarkerPoint(date=d, value=v, x=x, y=y, at_floor=v <= 0, path=shape(x, y, MARKER_R), title=title)
        )
    return MarkerSeries(
        key=key,
        name=name,
        unit=unit,
        css=f"tl-series tl-series-{key}",
        points=tuple(marks),
        polyline=" ".join(f"{m.x},{m.y}" for m in marks),
        labels=_value_labels(marks, placed, frame),
    )


def _value_labels(marks: Sequence[MarkerPoint], placed: list[Box], frame: Box) -> tuple[TextLabel, ...]:
    """Value labels next to the markers, above or below, skipped where they would collide with
    another label or leave the plot; the latest value is always labelled (the board reads it).
    Each label placed is added to ``placed``, so the next series steers clear of it."""
    labels = []
    for i, m in enumerate(marks):
        text = number_text(m.value)
        w = text_width(text, SMALL)
        cx = clamp_center(m.x, w, frame[0], frame[2])
        options = []
        for baseline in (m.y - 12, m.y + 12 + SMALL):
            box = (cx - w / 2 - 2, baseline - SMALL, cx + w / 2 + 2, baseline + 3)
            inside = box[1] >= frame[1] - 14 and box[3] <= frame[3] + 8
            options.append((baseline, box, inside))
        free = (o for o in options if o[2] and not any(overlaps(o[1], p) for p in placed))
        chosen = next(free, None)
        if chosen is None and i == len(marks) - 1:
            chosen = next((o for o in options if o[2]), options[0])
        if chosen is None:
            continue
        placed.append(chosen[1])
        labels.append(TextLabel(x=r(cx), y=r(chosen[0]), text=text))
    return tuple(labels)


def _moral_lane(pairs: Sequence[MarkerPair], scale: DateScale, top: float) -> _Lane[MoralMark]:
    """MoRAL values under the plot, at the dates that carry both markers, in rows when they touch."""
    if not pairs:
        return _Lane(marks=(), bottom=top)
    values = [moral_on(p) for p in pairs]
    texts = [number_text(v) for v in values]
    widths = [text_width(t, SMALL) for t in texts]
    xs = [scale.x(d) for d, _, _ in pairs]
    centres = [clamp_center(x, w, LEFT, _right(scale)) for x, w in zip(xs, widths, strict=True)]
    rows = assign_rows([(cx - w / 2, cx + w / 2) for cx, w in zip(centres, widths, strict=True)], gap=10)
    baseline = top + SMALL + 6
    marks = tuple(
        MoralMark(date=d, value=value, x=x, label=TextLabel(x=r(cx), y=r(baseline + row * 24), text=text))
        for (d, _, _), value, x, cx, text, row in zip(pairs, values, xs, centres, texts, rows, strict=True)
    )
    return _Lane(marks=marks, bottom=top + (max(rows) + 1) * 24 + 10, name=_lane_name(baseline, "MoRAL"))


def _legend_entries(
    plot: _Plot | None, events: Sequence[_Event], therapies: bool, pending: bool
) -> list[tuple[str, str]]:
    """(kind, words) for each kind of mark the picture actually shows, in reading order."""
    wanted: list[tuple[str, str]] = []
    if plot is not None:
        wanted += [(s.key, f"{s.name} ({s.unit})") for s in plot.series]
        if plot.has_floor:
            wanted.append(("floor", "value 0, drawn at the bottom edge"))
    kinds = {e.kind for e in events}
    if VASCULAR in kinds:
        wanted.append((VASCULAR, "vascular invasion appears"))
    if SPREAD in kinds:
        wanted.append((SPREAD, "extrahepatic spread appears"))
    if therapies:
        wanted.append(("therapy", "systemic therapy"))
    if pending:
        wanted.append(("pending", "response pending"))
    return wanted


def _legend_symbol(kind: str, cx: float, cy: float) -> str:
    """The marker symbol of a legend entry, as an SVG path ("" for the kinds drawn as lines or bands)."""
    if kind in ("afp", "floor"):
        return circle_path(cx, cy, MARKER_R)
    if kind == "pivka":
        return square_path(cx, cy, MARKER_R)
    if kind == "pending":
        return circle_path(cx, cy, PENDING_R)
    return ""


def _legend(entries: Sequence[tuple[str, str]], top: float, width: int = WIDTH) -> _Lane[LegendItem]:
    """The legend under the date axis, entries left to right, wrapping onto a new line when full."""
    if not entries:
        return _Lane(marks=(), bottom=top)
    items = []
    x, y = float(LEFT), top + 4
    for kind, label in entries:
        w = 40 + text_width(label, SMALL) + 30
        if x + w > width - 8 and x > LEFT:
            x, y = float(LEFT), y + 32
        cx, cy = x + 18, y + 12
        items.append(
            LegendItem(
                kind=kind,
                label=label,
                x=r(x),
                x_mid=r(cx),
                x_end=r(x + 36),
                y=r(cy),
                y_top=r(cy - 8),
                text_x=r(x + 44),
                text_y=r(cy + SMALL * 0.35),
                path=_legend_symbol(kind, cx, cy),
            )
        )
        x += w
    return _Lane(marks=tuple(items), bottom=y + 36)


# --- the words: <desc> and the text alternative -----------------------------------------------


def _session_words(s: TaceSession) -> str:
    """The session in words: "TACE (cTACE), response PR (partial response, assessed 2026-05-10)"."""
    technique = TECHNIQUE_LABELS.get(s.technique or "")
    words = f"TACE ({technique})" if technique else "TACE"
    if s.response in RESPONSE_MEANINGS:
        assessed = f", assessed {s.response_date.isoformat()}" if s.response_date else ""
        return f"{words}, response {s.response} ({RESPONSE_MEANINGS[s.response]}{assessed})"
    if s.response == "pending":
        return f"{words}, response pending"
    return f"{words}, response not recorded"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _summary(
    view: CaseView,
    markers: dict[str, tuple[LabPoint, ...]],
    scale: DateScale,
    events: Sequence[EventLine],
    therapies: Sequence[TherapyBand],
) -> str:
    """The one-paragraph <desc> of the picture; the full list is the text alternative."""
    parts = []
    if view.sessions:
        parts.append(_plural(len(view.sessions), "TACE session", "TACE sessions"))
    if markers["afp"]:
        parts.append(_plural(len(markers["afp"]), "AFP value", "AFP values"))
    if markers["pivka"]:
        parts.append(_plural(len(markers["pivka"]), "PIVKA-II value", "PIVKA-II values"))
    if therapies:
        parts.append(_plural(len(therapies), "systemic therapy", "systemic therapies"))
    if events:
        parts.append(
            _plural(
                len(events),
                "marked moment of vascular invasion or spread",
                "marked moments of vascular invasion or spread",
            )
        )
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    span = f"from {scale.start.isoformat()} to {scale.end.isoformat()} (assessment date)"
    return (
        f"TACE timeline {span}: {listed}. Tumor markers use a log scale. The full list follows the picture."
    )


def text_alternative(view: CaseView, events: Sequence[_Event]) -> tuple[str, ...]:
    """One sentence per date, oldest first, saying everything the picture shows."""
    by_date: dict[datetime.date, list[str]] = {}

    def add(d: datetime.date, text: str) -> None:
        by_date.setdefault(d, []).append(text)

    for s in view.sessions:
        add(s.date, _session_words(s))
    for t in view.therapies:
        name = regimen_label(t.regimen)
        add(t.start, f"{name} started" + (" (ongoing)" if t.outcome == "ongoing" else ""))
        if t.outcome == "ongoing":
            continue
        if t.end:
            add(min(t.end, view.as_of), f"{name} {OUTCOME_WORDS[t.outcome]}")
        else:
            add(t.start, f"{name} {OUTCOME_WORDS[t.outcome]} (end date not recorded)")
    zeros = []
    for key, points in marker_values(view).items():
        name, unit, _ = MARKERS[key]
        for d, v in points:
            words = f"{name} {number_text(v)} {unit}"
            if v <= 0:
                words += " (drawn at the bottom edge of the log scale)"
                zeros.append(f"{name} on {d.isoformat()}")
            add(d, words)
    for pair in moral_pairs(view):
        add(pair[0], f"MoRAL {number_text(moral_on(pair))}")
    for e in events:
        add(e.date, e.sentence)
    lines = [f"{d.isoformat()}: {'; '.join(parts)}." for d, parts in sorted(by_date.items())]
    if zeros:
        why = "A value of 0 has no place on a log scale, so it is drawn at the bottom edge"
        lines.append(f"{why}: {', '.join(zeros)}.")
    if not view.sessions:
        lines.append("No TACE session is recorded.")
    return tuple(lines)
