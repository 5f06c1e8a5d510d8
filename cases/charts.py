"""Pictures for the tumor board screen: the TACE timeline and the treatment-algorithm diagram.

All geometry is computed here, in plain Python, so the templates only loop over ready-made
coordinates (no arithmetic in templates, no JavaScript, nothing inline that the strict CSP would
block). Colours live in ``static/css/charts.css``; this module only hands out CSS class names.

Nothing here makes a clinical decision: the timeline draws what was recorded, and the diagram
draws the position the engine computed (``cases.clinical.assess``). MoRAL uses the engine's own
formula so the picture and the assessment can never disagree.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from cases.clinical import Algorithm, Reassessment
from cases.clinical.facts import CaseFacts, Imaging, LabResult, SystemicTherapy, TaceSession
from cases.clinical.labels import regimen_label
from cases.clinical.results import round_half_away
from cases.clinical.scores import moral_value, shows_vascular_invasion

# --- drawing constants (SVG user units; the viewBox scales them to the screen) ----------------

WIDTH = 1200
LEFT = 150  # room for the lane names and the log-scale tick labels
RIGHT = WIDTH - 24
X_PAD = 22  # markers at the first and last date stay clear of the frame
FONT = 18  # ordinary labels; about 28 px on a 1920 px projector
SMALL = 16  # tick labels, values
CHAR_WIDTH = 0.6  # average glyph width as a share of the font size (sans-serif), for layout
SESSION_R = 18
SESSION_ROW = 44
MARKER_R = 6
PLOT_HEIGHT = 300
MIN_SPAN_DAYS = 28
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

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


# --- timeline result types --------------------------------------------------------------------


@dataclass(frozen=True)
class Tick:
    """One axis tick: ``position`` is x for the date axis and y for the value axis."""

    position: float
    label: str
    label_position: float  # where the text goes (clamped so it is never cut off)
    css: str = "tl-grid"


@dataclass(frozen=True)
class TextLabel:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # SVG text-anchor: start | middle | end


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class MarkerPoint:
    date: datetime.date
    value: float
    x: float
    y: float
    at_floor: bool  # a value of 0 cannot sit on a log scale: drawn at the bottom edge
    path: str  # the marker symbol, as an SVG path
    title: str


@dataclass(frozen=True)
class MarkerSeries:
    """AFP or PIVKA-II over time, on the shared log scale."""

    key: str
    name: str
    unit: str
    css: str
    points: tuple[MarkerPoint, ...]
    polyline: str
    labels: tuple[TextLabel, ...]


@dataclass(frozen=True)
class MoralMark:
    date: datetime.date
    value: float  # rounded to one decimal, as the assessment shows it
    x: float
    label: TextLabel


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class TherapyBand:
    regimen: str
    start: datetime.date
    end: datetime.date | None
    ongoing: bool
    x: float
    width: float
    y: float
    height: float
    label: TextLabel
    plot_top: float  # the faint band behind the marker plot
    plot_height: float


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Timeline:
    """Everything ``templates/cases/_timeline.html`` draws, already laid out."""

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


# --- small helpers ----------------------------------------------------------------------------


def _r(value: float) -> float:
    """Coordinates to one decimal: enough for the screen, and a stable, short SVG."""
    return round(value, 1)


def text_width(text: str, size: float = FONT) -> float:
    """Estimated width of a label, for layout only (the browser does the real measuring)."""
    return len(text) * size * CHAR_WIDTH


def number_text(value: float) -> str:
    """A recorded number as the clinic wrote it: 85.0 → "85", 1.25 → "1.25", no exponent."""
    text = f"{value:.10g}"
    if "e" in text:
        text = f"{value:.0f}"
    return text


def _iso(d: datetime.date) -> str:
    return d.isoformat()


def assign_rows(spans: Sequence[tuple[float, float]], gap: float = 8.0) -> list[int]:
    """Greedy row assignment so that labels sharing a lane never overlap.

    ``spans`` are (left, right) extents in drawing order (left to right); each gets the first row
    whose previous label ends at least ``gap`` before it starts.
    """
    row_ends: list[float] = []
    rows: list[int] = []
    for left, right in spans:
        for i, end in enumerate(row_ends):
            if left >= end + gap:
                row_ends[i] = right
                rows.append(i)
                break
        else:
            row_ends.append(right)
            rows.append(len(row_ends) - 1)
    return rows


def _clamp_center(x: float, width: float, low: float, high: float) -> float:
    """Keep a centred label of ``width`` inside [low, high] so its ends are never cut off."""
    half = width / 2
    return min(max(x, low + half), high - half)


def circle_path(x: float, y: float, r: float) -> str:
    return f"M{_r(x - r)} {_r(y)}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"


def square_path(x: float, y: float, r: float) -> str:
    return f"M{_r(x - r)} {_r(y - r)}h{2 * r}v{2 * r}h{-2 * r}Z"


# --- scales -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateScale:
    """Dates → x, linear in days; later dates are always further right."""

    start: datetime.date
    end: datetime.date
    x0: float
    x1: float

    def x(self, d: datetime.date) -> float:
        span = (self.end - self.start).days
        return _r(self.x0 + (d - self.start).days / span * (self.x1 - self.x0))


@dataclass(frozen=True)
class LogScale:
    """Values → y on a log10 scale between two powers of ten; SVG y grows downward, so a
    smaller value gets a larger y. Values ≤ 0 (AFP can be reported as 0) sit at the floor."""

    low_exp: int
    high_exp: int
    top: float
    bottom: float

    def y(self, value: float) -> float:
        if value <= 0:
            return self.bottom
        share = (math.log10(value) - self.low_exp) / (self.high_exp - self.low_exp)
        return _r(self.bottom - share * (self.bottom - self.top))

    @classmethod
    def covering(cls, values: Iterable[float], top: float, bottom: float) -> LogScale:
        """The narrowest whole-decade range holding every positive value (at least one decade).
        With zeros present, one empty decade is added below, and its floor line (labelled "0"
        by the timeline) carries the zeros, so a real value is never read as a zero."""
        values = list(values)
        positive = [v for v in values if v > 0]
        if not positive:
            return cls(0, 1, top, bottom)
        low = math.floor(math.log10(min(positive)))
        high = math.ceil(math.log10(max(positive)))
        if any(v <= 0 for v in values):
            low -= 1
        if high <= low:
            high = low + 1
        return cls(low, high, top, bottom)


def power_of_ten_label(exp: int) -> str:
    """Tick labels the board can read at a glance: 0.1, 1, 10 … 10 000, then 10⁵, 10⁶ …"""
    if exp < 0:
        return f"{10.0**exp:.{-exp}f}"
    if exp <= 4:
        return f"{10**exp:,}".replace(",", "\u2009")
    superscripts = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
    return "10" + str(exp).translate(superscripts)


def month_ticks(scale: DateScale, low: float, high: float) -> tuple[Tick, ...]:
    """Ticks on the first of the month, thinned (every 2, 3, 6 … months) so labels never crowd.

    Very short spans (no two month starts inside) get the first and last date instead.
    """
    room = scale.x1 - scale.x0
    firsts: list[datetime.date] = []
    d = datetime.date(scale.start.year, scale.start.month, 1)
    if d < scale.start:
        d = _add_months(d, 1)
    while d <= scale.end:
        firsts.append(d)
        d = _add_months(d, 1)
    if len(firsts) < 2:
        dates = [scale.start, scale.end]
        return tuple(_tick(scale, x, _iso(x), low, high) for x in dates)
    max_ticks = max(2, int(room // 110))
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if len(firsts) / s <= max_ticks), 120)
    chosen = [f for f in firsts if (f.year * 12 + f.month - 1) % step == 0] or firsts[:1]
    ticks = []
    for i, f in enumerate(chosen):
        if step >= 12:
            label = str(f.year)
        elif i == 0 or f.month == 1:
            label = f"{MONTHS[f.month - 1]} {f.year}"
        else:
            label = MONTHS[f.month - 1]
        ticks.append(_tick(scale, f, label, low, high))
    return tuple(ticks)


def _tick(scale: DateScale, d: datetime.date, label: str, low: float, high: float) -> Tick:
    x = scale.x(d)
    return Tick(x, label, _r(_clamp_center(x, text_width(label, SMALL), low, high)))


def _add_months(d: datetime.date, months: int) -> datetime.date:
    index = d.year * 12 + d.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


# --- the records the picture draws ---------------------------------------------------------

MarkerValue = tuple[datetime.date, float]


@dataclass(frozen=True)
class MarkerPair:
    """AFP and PIVKA-II from the same date: the inputs of one MoRAL value."""

    date: datetime.date
    afp_ng_ml: float
    pivka_mau_ml: float


class ChartRecords:
    """The case's dated records on or before ``as_of``, oldest first, as the picture needs them.

    A small local view rather than the engine's internal one, so the picture only depends on the
    engine's public facts and formulas (``moral_value``, ``shows_vascular_invasion``).
    """

    def __init__(self, facts: CaseFacts, as_of: datetime.date) -> None:
        self.as_of = as_of
        self.sessions: tuple[TaceSession, ...] = tuple(
            sorted((s for s in facts.tace_sessions if s.date <= as_of), key=lambda s: s.date)
        )
        self.imaging: tuple[Imaging, ...] = tuple(
            sorted((i for i in facts.imaging if i.date <= as_of), key=lambda i: i.date)
        )
        # Ordered by start date; ties keep the recorded order (sorted() is stable).
        self.therapies: tuple[SystemicTherapy, ...] = tuple(
            sorted((t for t in facts.systemic_therapies if t.start <= as_of), key=lambda t: t.start)
        )
        labs = sorted((r for r in facts.labs if r.date <= as_of), key=lambda r: r.date)
        self.afp = _analyte(labs, "afp_ng_ml")
        self.pivka = _analyte(labs, "pivka_mau_ml")

    @property
    def markers(self) -> dict[str, tuple[MarkerValue, ...]]:
        return {"afp": self.afp, "pivka": self.pivka}

    def marker_pairs(self) -> tuple[MarkerPair, ...]:
        """Dates that carry both markers (several lab records of one date count as one draw)."""
        afp = dict(self.afp)
        return tuple(MarkerPair(d, afp[d], pivka) for d, pivka in self.pivka if d in afp)


def _analyte(labs: Sequence[LabResult], name: str) -> tuple[MarkerValue, ...]:
    by_date: dict[datetime.date, float] = {}
    for r in labs:
        value = getattr(r, name)
        if value is not None:
            by_date[r.date] = value
    return tuple(sorted(by_date.items()))


# --- what happened when -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Event:
    date: datetime.date
    kind: str
    detail: str  # e.g. "Vp4", "after the TACE of 2026-04-01"
    sentence: str


def _invasion_detail(img: Imaging) -> str:
    parts = []
    if img.portal_vein_invasion and img.portal_vein_invasion != "none":
        parts.append(f"portal vein {img.portal_vein_invasion.capitalize()}")
    if img.hepatic_vein_invasion is True:
        parts.append("hepatic vein")
    return ", ".join(parts)


def invasion_events(view: ChartRecords) -> tuple[_Event, ...]:
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
                found[(img.date, kind)] = _Event(img.date, kind, detail, f"imaging shows {words}")
            was[kind] = present
    for s in view.sessions:
        when = s.response_date if s.response_date and s.response_date <= view.as_of else s.date
        for kind, flag in ((VASCULAR, s.new_vascular_invasion), (SPREAD, s.new_extrahepatic_spread)):
            if flag is not True or (when, kind) in found:
                continue
            words = f"new {EVENT_NAMES[kind].lower()} at the follow-up of the TACE of {_iso(s.date)}"
            found[(when, kind)] = _Event(when, kind, "after TACE", words)
    return tuple(sorted(found.values(), key=lambda e: (e.date, e.kind)))


def _marker_series(view: ChartRecords) -> dict[str, tuple[MarkerValue, ...]]:
    return view.markers


MARKER_NAMES = {"afp": ("AFP", "ng/mL"), "pivka": ("PIVKA-II", "mAU/mL")}


def _therapy_end(t: SystemicTherapy, as_of: datetime.date) -> datetime.date | None:
    if t.outcome == "ongoing":
        return as_of
    return min(t.end, as_of) if t.end else None


def _first_date(view: ChartRecords, events: Sequence[_Event]) -> datetime.date | None:
    dates: list[datetime.date] = [s.date for s in view.sessions]
    dates += [d for series in _marker_series(view).values() for d, _ in series]
    dates += [e.date for e in events]
    dates += [t.start for t in view.therapies]
    return min(dates) if dates else None


# --- the timeline -----------------------------------------------------------------------------


def timeline(facts: CaseFacts, as_of: datetime.date, dom_id: str = "tace-timeline") -> Timeline:
    """The TACE timeline for the board screen: sessions with their mRECIST response, AFP and
    PIVKA-II on a log scale, MoRAL where computable, the moments vascular invasion or spread
    appeared, and systemic therapy periods — from the first record to ``as_of``.

    Records dated after ``as_of`` are left out, like everywhere in the engine.
    """
    view = ChartRecords(facts, as_of)
    events = invasion_events(view)
    first = _first_date(view, events)
    if first is None:
        return Timeline(
            as_of=as_of,
            empty=True,
            dom_id=dom_id,
            summary="Nothing to plot yet: no TACE session, tumour marker, systemic therapy or "
            "vascular invasion is recorded.",
        )
    start = min(first, as_of - datetime.timedelta(days=MIN_SPAN_DAYS))
    scale = DateScale(start, as_of, LEFT + X_PAD, RIGHT - X_PAD)
    layout = _Layout(view, scale, events)
    return layout.build(dom_id)


class _Layout:
    """Stacks the lanes top to bottom (event labels, TACE, systemic therapy, markers, MoRAL,
    date axis, legend); a lane with nothing in it takes no room."""

    def __init__(self, view: ChartRecords, scale: DateScale, events: Sequence[_Event]) -> None:
        self.view = view
        self.scale = scale
        self.raw_events = events
        self.y = 14.0
        self.lane_labels: list[TextLabel] = []

    def build(self, dom_id: str) -> Timeline:
        event_labels = self._event_labels()
        events_top = self.y
        sessions = self._sessions()
        therapies = self._therapies()
        plot = self._plot()
        moral = self._moral()
        axis_y = _r(self.y + 4)
        self.y = axis_y + 44
        ticks = month_ticks(self.scale, 8, WIDTH - 8)
        events = tuple(
            EventLine(e.date, e.kind, f"tl-event-{e.kind}", self.scale.x(e.date), _r(events_top), axis_y,
                      label, e.sentence)
            for e, label in zip(self.raw_events, event_labels, strict=True)
        )
        if plot is not None:
            therapies = tuple(replace(t, plot_top=plot.box[1], plot_height=plot.box[3]) for t in therapies)
        legend = self._legend(plot, bool(therapies), any(s.response == "pending" for s in sessions))
        return Timeline(
            as_of=self.view.as_of,
            empty=False,
            width=WIDTH,
            height=int(math.ceil(self.y)),
            start=self.scale.start,
            dom_id=dom_id,
            lane_labels=tuple(self.lane_labels),
            sessions=sessions,
            therapies=therapies,
            events=events,
            series=plot.series if plot else (),
            plot_box=plot.box if plot else None,
            plot_title=plot.title if plot else None,
            y_ticks=plot.ticks if plot else (),
            moral=moral,
            axis_y=axis_y,
            x_ticks=ticks,
            x_tick_label_y=_r(axis_y + 30),
            legend=legend,
            has_floor_values=plot.has_floor if plot else False,
            summary=_summary(self.view, self.scale, events, therapies),
            text_alternative=text_alternative(self.view, self.raw_events),
        )

    # lanes -------------------------------------------------------------------------------------
    def _lane_label(self, y: float, text: str) -> None:
        self.lane_labels.append(TextLabel(LEFT - 14, _r(y), text, "end"))

    def _event_labels(self) -> list[TextLabel]:
        """Labels above the chart, one per event line, stacked in rows when they would touch."""
        if not self.raw_events:
            return []
        spans, anchors = [], []
        for e in self.raw_events:
            text = _event_label_text(e)
            x, w = self.scale.x(e.date), text_width(text, SMALL)
            if x + 6 + w <= WIDTH - 4:
                spans.append((x, x + 6 + w))
                anchors.append(("start", x + 6, text))
            else:
                spans.append((x - 6 - w, x))
                anchors.append(("end", x - 6, text))
        order = sorted(range(len(spans)), key=lambda i: spans[i][0])
        rows_sorted = assign_rows([spans[i] for i in order])
        rows = [0] * len(spans)
        for i, row in zip(order, rows_sorted, strict=True):
            rows[i] = row
        labels = [
            TextLabel(_r(ax), _r(self.y + SMALL + row * 24), text, anchor)
            for (anchor, ax, text), row in zip(anchors, rows, strict=True)
        ]
        self.y += (max(rows) + 1) * 24 + 6
        return labels

    def _sessions(self) -> tuple[SessionMark, ...]:
        sessions = self.view.sessions
        if not sessions:
            return ()
        xs = [self.scale.x(s.date) for s in sessions]
        rows = assign_rows([(x - SESSION_R, x + SESSION_R) for x in xs], gap=4)
        marks = []
        for s, x, row in zip(sessions, xs, rows, strict=True):
            cy = self.y + SESSION_R + 4 + row * SESSION_ROW
            response = s.response
            letter = RESPONSE_LETTERS.get(response or "", "–")
            css = f"tl-resp tl-resp-{response.lower() if response else 'none'}"
            marks.append(
                SessionMark(s.date, response, letter, css, x, _r(cy), SESSION_R, _r(cy + 6),
                            _session_words(s))
            )
        self._lane_label(self.y + SESSION_R + 4 + 6, "TACE")
        self.y += (max(rows) + 1) * SESSION_ROW + 8
        return tuple(marks)

    def _therapies(self) -> tuple[TherapyBand, ...]:
        therapies = self.view.therapies
        if not therapies:
            return ()
        bars = []
        for t in therapies:
            end = _therapy_end(t, self.view.as_of)
            x0 = self.scale.x(t.start)
            x1 = self.scale.x(end) if end else x0
            width = max(x1 - x0, 8.0)
            text = regimen_label(t.regimen) + (" (ongoing)" if t.outcome == "ongoing" else "")
            bars.append((t, end, x0, width, text))
        spans = []
        for _, _, x0, _, text in bars:
            w = text_width(text, SMALL)
            left = min(x0, RIGHT - w)
            spans.append((left, left + w))
        order = sorted(range(len(bars)), key=lambda i: spans[i][0])
        rows_sorted = assign_rows([spans[i] for i in order], gap=12)
        rows = [0] * len(bars)
        for i, row in zip(order, rows_sorted, strict=True):
            rows[i] = row
        n_rows = max(rows) + 1
        bar_y = self.y + n_rows * 22 + 6
        out = []
        for (t, end, x0, width, text), row, (left, _) in zip(bars, rows, spans, strict=True):
            label = TextLabel(_r(left), _r(self.y + SMALL + row * 22), text, "start")
            out.append(
                TherapyBand(t.regimen, t.start, end if t.outcome != "ongoing" else None,
                            t.outcome == "ongoing", _r(x0), _r(width), _r(bar_y), 16.0, label, 0.0, 0.0)
            )
        self._lane_label(bar_y + 14, "Systemic")
        self.y = bar_y + 16 + 14
        return tuple(out)

    def _plot(self) -> _Plot | None:
        series_data = {k: v for k, v in _marker_series(self.view).items() if v}
        if not series_data:
            return None
        title = TextLabel(LEFT, _r(self.y + FONT), "AFP (ng/mL) and PIVKA-II (mAU/mL), log scale", "start")
        top = self.y + FONT + 22
        bottom = top + PLOT_HEIGHT
        log = LogScale.covering((v for s in series_data.values() for _, v in s), top, bottom)
        zeros = any(v <= 0 for s in series_data.values() for _, v in s)
        ticks = tuple(
            _value_tick(log, e, floor_is_zero=zeros and e == log.low_exp)
            for e in range(log.low_exp, log.high_exp + 1)
        )
        series = []
        # Every marker symbol is an obstacle for the value labels, whichever line it belongs to.
        placed: list[tuple[float, float, float, float]] = [
            (self.scale.x(d) - MARKER_R - 1, log.y(v) - MARKER_R - 1, self.scale.x(d) + MARKER_R + 1,
             log.y(v) + MARKER_R + 1)
            for s in series_data.values() for d, v in s
        ]
        has_floor = False
        for key, points in series_data.items():
            name, unit = MARKER_NAMES[key]
            marks = []
            for d, v in points:
                x, y = self.scale.x(d), log.y(v)
                at_floor = v <= 0
                has_floor = has_floor or at_floor
                shape = circle_path if key == "afp" else square_path
                title_text = f"{name} {number_text(v)} {unit} on {_iso(d)}"
                if at_floor:
                    title_text += " (0 cannot be shown on a log scale: drawn at the bottom edge)"
                marks.append(MarkerPoint(d, v, x, y, at_floor, shape(x, y, MARKER_R), title_text))
            polyline = " ".join(f"{m.x},{m.y}" for m in marks)
            labels = _value_labels(marks, placed, (LEFT, top, RIGHT, bottom))
            css = f"tl-series tl-series-{key}"
            series.append(MarkerSeries(key, name, unit, css, tuple(marks), polyline, labels))
        self.y = bottom + 10
        box = (float(LEFT), _r(top), float(RIGHT - LEFT), float(PLOT_HEIGHT))
        return _Plot(tuple(series), box, title, ticks, has_floor)

    def _moral(self) -> tuple[MoralMark, ...]:
        pairs = self.view.marker_pairs()
        if not pairs:
            return ()
        items = []
        for p in pairs:
            value = round_half_away(moral_value(p.afp_ng_ml, p.pivka_mau_ml), 1)
            text = number_text(value)
            x = self.scale.x(p.date)
            w = text_width(text, SMALL)
            cx = _clamp_center(x, w, LEFT, RIGHT)
            items.append((p.date, value, x, cx, text, (cx - w / 2, cx + w / 2)))
        rows = assign_rows([i[5] for i in items], gap=10)
        marks = tuple(
            MoralMark(d, value, x, TextLabel(_r(cx), _r(self.y + SMALL + 6 + row * 24), text))
            for (d, value, x, cx, text, _), row in zip(items, rows, strict=True)
        )
        self._lane_label(self.y + SMALL + 6, "MoRAL")
        self.y += (max(rows) + 1) * 24 + 10
        return marks

    def _legend(self, plot: _Plot | None, therapies: bool, pending: bool) -> tuple[LegendItem, ...]:
        wanted: list[tuple[str, str]] = []
        if plot is not None:
            for s in plot.series:
                wanted.append((s.key, f"{s.name} ({s.unit})"))
            if plot.has_floor:
                wanted.append(("floor", "value 0, drawn at the bottom edge"))
        kinds = {e.kind for e in self.raw_events}
        if VASCULAR in kinds:
            wanted.append((VASCULAR, "vascular invasion appears"))
        if SPREAD in kinds:
            wanted.append((SPREAD, "extrahepatic spread appears"))
        if therapies:
            wanted.append(("therapy", "systemic therapy"))
        if pending:
            wanted.append(("pending", "response pending"))
        if not wanted:
            return ()
        items = []
        x, y = float(LEFT), self.y + 4
        for kind, label in wanted:
            w = 40 + text_width(label, SMALL) + 30
            if x + w > WIDTH - 8 and x > LEFT:
                x, y = float(LEFT), y + 32
            cx, cy = x + 18, y + 12
            path = ""
            if kind in ("afp", "floor"):
                path = circle_path(cx, cy, MARKER_R)
            elif kind == "pivka":
                path = square_path(cx, cy, MARKER_R)
            elif kind == "pending":
                path = circle_path(cx, cy, 12)
            items.append(
                LegendItem(kind, label, _r(x), _r(cx), _r(x + 36), _r(cy), _r(cy - 8), _r(x + 44),
                           _r(cy + SMALL * 0.35), path)
            )
            x += w
        self.y = y + 36
        return tuple(items)


def _value_tick(log: LogScale, exp: int, floor_is_zero: bool) -> Tick:
    y = log.y(10.0**exp)
    if floor_is_zero:
        return Tick(y, "0", _r(y + SMALL * 0.35), "tl-grid tl-grid-floor")
    return Tick(y, power_of_ten_label(exp), _r(y + SMALL * 0.35))


@dataclass(frozen=True)
class _Plot:
    series: tuple[MarkerSeries, ...]
    box: tuple[float, float, float, float]
    title: TextLabel
    ticks: tuple[Tick, ...]
    has_floor: bool


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _value_labels(
    marks: Sequence[MarkerPoint],
    placed: list[tuple[float, float, float, float]],
    frame: tuple[float, float, float, float],
) -> tuple[TextLabel, ...]:
    """Value labels next to the markers, above or below, skipped where they would collide with
    another label or leave the plot; the latest value is always labelled (the board reads it)."""
    labels = []
    for i, m in enumerate(marks):
        text = number_text(m.value)
        w = text_width(text, SMALL)
        cx = _clamp_center(m.x, w, frame[0], frame[2])
        options = []
        for baseline in (m.y - 12, m.y + 12 + SMALL):
            box = (cx - w / 2 - 2, baseline - SMALL, cx + w / 2 + 2, baseline + 3)
            inside = box[1] >= frame[1] - 14 and box[3] <= frame[3] + 8
            options.append((baseline, box, inside))
        last = i == len(marks) - 1
        chosen = next((o for o in options if o[2] and not any(_overlaps(o[1], p) for p in placed)), None)
        if chosen is None and last:
            chosen = next((o for o in options if o[2]), options[0])
        if chosen is None:
            continue
        placed.append(chosen[1])
        labels.append(TextLabel(_r(cx), _r(chosen[0]), text))
    return tuple(labels)


def _event_label_text(e: _Event) -> str:
    name = EVENT_NAMES[e.kind]
    return f"{name} ({e.detail})" if e.detail and e.detail != "after TACE" else name


def _session_words(s: TaceSession) -> str:
    """"TACE (cTACE), response PR (partial response, assessed 2026-05-10)"."""
    technique = TECHNIQUE_LABELS.get(s.technique or "")
    words = f"TACE ({technique})" if technique else "TACE"
    if s.response in RESPONSE_MEANINGS:
        assessed = f", assessed {_iso(s.response_date)}" if s.response_date else ""
        return f"{words}, response {s.response} ({RESPONSE_MEANINGS[s.response]}{assessed})"
    if s.response == "pending":
        return f"{words}, response pending"
    return f"{words}, response not recorded"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _summary(
    view: ChartRecords, scale: DateScale, events: Sequence[EventLine], therapies: Sequence[TherapyBand]
) -> str:
    """The one-paragraph <desc> of the picture; the full list is the text alternative."""
    parts = []
    if view.sessions:
        parts.append(_plural(len(view.sessions), "TACE session", "TACE sessions"))
    series = _marker_series(view)
    if series["afp"]:
        parts.append(_plural(len(series["afp"]), "AFP value", "AFP values"))
    if series["pivka"]:
        parts.append(_plural(len(series["pivka"]), "PIVKA-II value", "PIVKA-II values"))
    if therapies:
        parts.append(_plural(len(therapies), "systemic therapy", "systemic therapies"))
    if events:
        parts.append(_plural(len(events), "marked moment of vascular invasion or spread",
                             "marked moments of vascular invasion or spread"))
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return (f"TACE timeline from {_iso(scale.start)} to {_iso(scale.end)} (assessment date): {listed}. "
            "Tumour markers use a log scale. The full list follows the picture.")


def text_alternative(view: ChartRecords, events: Sequence[_Event]) -> tuple[str, ...]:
    """One sentence per date, oldest first, saying everything the picture shows."""
    by_date: dict[datetime.date, list[str]] = {}

    def add(d: datetime.date, text: str) -> None:
        by_date.setdefault(d, []).append(text)

    for s in view.sessions:
        add(s.date, _session_words(s))
    for t in view.therapies:
        add(t.start, f"{regimen_label(t.regimen)} started" + (" (ongoing)" if t.outcome == "ongoing" else ""))
        if t.outcome != "ongoing":
            if t.end:
                add(min(t.end, view.as_of), f"{regimen_label(t.regimen)} {OUTCOME_WORDS[t.outcome]}")
            else:
                add(t.start, f"{regimen_label(t.regimen)} {OUTCOME_WORDS[t.outcome]} (end date not recorded)")
    zeros = []
    for key, points in _marker_series(view).items():
        name, unit = MARKER_NAMES[key]
        for d, v in points:
            words = f"{name} {number_text(v)} {unit}"
            if v <= 0:
                words += " (drawn at the bottom edge of the log scale)"
                zeros.append(f"{name} on {_iso(d)}")
            add(d, words)
    for p in view.marker_pairs():
        add(p.date, f"MoRAL {number_text(round_half_away(moral_value(p.afp_ng_ml, p.pivka_mau_ml), 1))}")
    for e in events:
        add(e.date, e.sentence)
    lines = [f"{_iso(d)}: {'; '.join(parts)}." for d, parts in sorted(by_date.items())]
    if zeros:
        lines.append(
            "A value of 0 has no place on a log scale, so it is drawn at the bottom edge: "
            + ", ".join(zeros) + "."
        )
    if not view.sessions:
        lines.append("No TACE session is recorded.")
    return tuple(lines)


# --- the algorithm diagram --------------------------------------------------------------------

CURRENT = "current"
PASSED = "passed"
DIMMED = "dimmed"
STATE_LABELS = {CURRENT: "You are here", PASSED: "Passed", DIMMED: "Not on this patient's path"}

# Short titles and one-line details, in our own words (RULES.md §8).
STEP_TEXT: dict[str, tuple[str, str, str]] = {
    "ALG-1": ("1", "Assess TACE response", "After two sessions within six months (mRECIST)."),
    "ALG-2": ("2", "TACE-refractory: atezolizumab + bevacizumab",
              "Confirm Child-Pugh A and ECOG 0–1, endoscopy with varices treated, then start."),
    "ALG-3": ("3", "Atezolizumab + bevacizumab not possible",
              "Lenvatinib (not with Vp4) or sorafenib instead."),
    "ALG-4": ("4", "Progression on first line", "Still Child-Pugh A: second-line options."),
    "ALG-5": ("5", "Reassess for resection", "Imaging every 2–3 months while on systemic therapy."),
    "BSC": ("", "Best supportive care", "Child-Pugh C."),
    "OUTSIDE": ("", "Outside the algorithm", "ECOG 2 or more, or Child-Pugh B: the board weighs the case."),
    "UNKNOWN": ("", "Not enough data", "Record the missing values to place the patient."),
}
MAIN_STEPS = ("ALG-1", "ALG-2", "ALG-3", "ALG-4", "ALG-5")
EXITS = ("BSC", "OUTSIDE", "UNKNOWN")
# ALG-3 is the alternative to ALG-2, so they share a column: 1 → (2 or 3) → 4 → 5.
COLUMNS = (("ALG-1",), ("ALG-2", "ALG-3"), ("ALG-4",), ("ALG-5",))


@dataclass(frozen=True)
class DiagramStep:
    rule_id: str
    number: str  # "1".."5"; empty for the exits
    title: str
    detail: str
    state: str  # current | passed | dimmed

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_current(self) -> bool:
        return self.state == CURRENT

    @property
    def css(self) -> str:
        return f"alg-step alg-{self.state}"


@dataclass(frozen=True)
class ReassessmentClock:
    """The ALG-5 clock in words: when the next imaging is due, or that it is overdue."""

    due_from: datetime.date | None
    due_by: datetime.date | None
    overdue: bool
    latest_imaging: datetime.date | None
    text: str

    @property
    def css(self) -> str:
        return "alg-clock alg-clock-overdue" if self.overdue else "alg-clock"


@dataclass(frozen=True)
class Diagram:
    current_step: str
    path: tuple[str, ...]
    steps: tuple[DiagramStep, ...]  # ALG-1 … ALG-5
    exits: tuple[DiagramStep, ...]  # BSC, OUTSIDE, UNKNOWN
    clock: ReassessmentClock | None
    summary: str
    dom_id: str = "algorithm-diagram"

    def step(self, rule_id: str) -> DiagramStep:
        for s in self.steps + self.exits:
            if s.rule_id == rule_id:
                return s
        raise KeyError(rule_id)

    @property
    def columns(self) -> tuple[tuple[DiagramStep, ...], ...]:
        return tuple(tuple(self.step(r) for r in column) for column in COLUMNS)


class _HasAlgorithm(Protocol):
    @property
    def algorithm(self) -> Algorithm: ...


def reassessment_clock(clock: Reassessment | None) -> ReassessmentClock | None:
    """The engine's ALG-5 clock in the words shown under step 5 (None when no regimen is ongoing)."""
    if clock is None:
        return None
    if clock.due_by is None:
        text = "Reassessment imaging is overdue: no imaging on record."
    elif clock.overdue:
        latest = f"latest imaging {_iso(clock.latest_imaging)}, " if clock.latest_imaging else ""
        text = f"Reassessment imaging is overdue: {latest}it was due by {_iso(clock.due_by)}."
    else:
        due_from = clock.due_from or clock.due_by
        text = f"Next reassessment imaging due between {_iso(due_from)} and {_iso(clock.due_by)}."
    return ReassessmentClock(clock.due_from, clock.due_by, clock.overdue, clock.latest_imaging, text)


def _diagram_step(rule_id: str, current: str, path: Sequence[str]) -> DiagramStep:
    number, title, detail = STEP_TEXT[rule_id]
    state = CURRENT if rule_id == current else PASSED if rule_id in path else DIMMED
    return DiagramStep(rule_id, number, title, detail, state)


EXIT_SENTENCES = {
    "BSC": "The patient has left the algorithm: best supportive care (BSC).",
    "OUTSIDE": "The patient is outside the algorithm's population (OUTSIDE).",
    "UNKNOWN": "The patient cannot be placed on the algorithm: not enough data (UNKNOWN).",
}


def _position_sentence(alg: Algorithm) -> str:
    """Where the patient stands, in one sentence (also read out by screen readers)."""
    number, title, _ = STEP_TEXT.get(alg.current_step, ("", alg.current_step, ""))
    if number:
        where = f"The patient is at step {number} ({alg.current_step}): {title}."
    else:
        where = EXIT_SENTENCES.get(alg.current_step, f"The patient is at {alg.current_step}.")
    passed = [STEP_TEXT[r][0] for r in alg.path if r != alg.current_step and STEP_TEXT.get(r, ("",))[0]]
    if not passed:
        return where
    if len(passed) == 1:
        return f"{where} Passed: step {passed[0]}."
    return f"{where} Passed: steps {', '.join(passed[:-1])} and {passed[-1]}."


def algorithm_diagram(assessment: _HasAlgorithm | Algorithm, dom_id: str = "algorithm-diagram") -> Diagram:
    """The five steps and three exits with the patient's position lit, the path to it marked as
    passed and the rest dimmed. Takes an ``Assessment`` (or its ``Algorithm``)."""
    alg = assessment if isinstance(assessment, Algorithm) else assessment.algorithm
    steps = tuple(_diagram_step(r, alg.current_step, alg.path) for r in MAIN_STEPS)
    exits = tuple(_diagram_step(r, alg.current_step, alg.path) for r in EXITS)
    summary = _position_sentence(alg)
    return Diagram(alg.current_step, tuple(alg.path), steps, exits, reassessment_clock(alg.reassessment),
                   summary, dom_id)
