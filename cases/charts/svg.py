"""SVG drawing primitives shared by the charts: rounding, text measuring, label packing, marker shapes.

Coordinates are SVG user units; each chart's viewBox scales them to the screen. The browser does the
real text measuring: the widths here are estimates, good enough to keep labels from colliding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FONT = 18  # ordinary labels; about 28 px on a 1920 px projector
SMALL = 16  # tick labels, values
CHAR_WIDTH = 0.6  # average glyph width as a share of the font size (sans-serif), for layout

# A box on the drawing: left, top, right, bottom.
Box = tuple[float, float, float, float]
# A horizontal extent: left, right.
Span = tuple[float, float]


@dataclass(frozen=True, kw_only=True)
class TextLabel:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # SVG text-anchor: start | middle | end


def r(value: float) -> float:
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


def clamp_center(x: float, width: float, low: float, high: float) -> float:
    """Keep a centred label of ``width`` inside [low, high] so its ends are never cut off."""
    half = width / 2
    return min(max(x, low + half), high - half)


def assign_rows(spans: Sequence[Span], gap: float = 8.0) -> list[int]:
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


def assign_rows_left_to_right(spans: Sequence[Span], gap: float = 8.0) -> list[int]:
    """``assign_rows`` for spans in any order: packed from the leftmost, rows given back in input order."""
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    rows = [0] * len(spans)
    for i, row in zip(order, assign_rows([spans[i] for i in order], gap), strict=True):
        rows[i] = row
    return rows


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def circle_path(x: float, y: float, radius: float) -> str:
    """A circle as one path (two half arcs), so a marker is one element with its <title>."""
    arc = f"a{radius} {radius} 0 1 0"
    return f"M{r(x - radius)} {r(y)}{arc} {2 * radius} 0{arc} {-2 * radius} 0Z"


def square_path(x: float, y: float, radius: float) -> str:
    return f"M{r(x - radius)} {r(y - radius)}h{2 * radius}v{2 * radius}h{-2 * radius}Z"
