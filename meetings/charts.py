"""The concordance report's chart: bars of the share concordant per month, as geometry the SVG
template draws (no drawing library, no script: the page's CSP allows only 'self')."""

from __future__ import annotations

from dataclasses import dataclass

from meetings.report import MonthRow


@dataclass(frozen=True, kw_only=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    center: float
    label: str
    value_text: str
    value_y: float
    empty: bool


@dataclass(frozen=True, kw_only=True)
class ShareChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]  # (y, "50 %")
    label_y: float

    @property
    def tick_x(self) -> float:
        return self.plot_left - 8


def share_chart(months: list[MonthRow], width: int = 960, height: int = 340) -> ShareChart | None:
    """Bars of the share concordant per month (0–100 %), geometry ready for the SVG template."""
    if not months:
        return None
    left, right, top, bottom = 64.0, width - 16.0, 36.0, height - 52.0
    band = (right - left) / len(months)
    bar_width = min(72.0, band * 0.6)
    plot = bottom - top
    bars = []
    for i, row in enumerate(months):
        center = left + band * (i + 0.5)
        share = row.share or 0.0
        bar_height = round(plot * share, 1)
        value = "none signed" if row.share is None else f"{row.share_text} ({row.concordant}/{row.signed})"
        bars.append(
            Bar(
                x=round(center - bar_width / 2, 1),
                y=round(bottom - bar_height, 1),
                width=round(bar_width, 1),
                height=bar_height,
                center=round(center, 1),
                label=row.label,
                value_text=value,
                value_y=round(bottom - bar_height - 8, 1),
                empty=row.share is None,
            )
        )
    ticks = tuple((round(bottom - plot * p / 100, 1), f"{p} %") for p in (0, 25, 50, 75, 100))
    return ShareChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        bars=tuple(bars),
        ticks=ticks,
        label_y=bottom + 24,
    )
