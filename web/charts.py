"""Bar charts as SVG, drawn on the server: no script (the CSP forbids inline script and the
pages need none), readable in a PDF, and counted by a test. A chart is geometry worked out
here and written out by `templates/chart.html`; its numbers are in the table beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from casework.dashboard import Chart

WIDTH = 640
HEIGHT = 260
LEFT = 48  # room for the axis labels
TOP = 16
BOTTOM = 64  # room for the bars' labels, slanted when there are many
RIGHT = 8
MAX_LABEL = 16  # characters under a bar; the whole label is in the bar's title


@dataclass(frozen=True)
class DrawnBar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar, maybe shortened
    full: str  # the whole label with its value, for the bar's title
    shown: str  # the value above the bar
    label_x: float


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Drawing:
    chart: Chart
    width: int
    height: int
    left: int
    baseline: float
    bars: tuple[DrawnBar, ...]
    ticks: tuple[Tick, ...]
    slanted: bool


def draw(chart: Chart) -> Drawing:
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    top = 1.0 if chart.share else _nice(max((b.value for b in chart.bars), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(chart.bars))
    width = slot * 0.7
    bars = []
    for i, bar in enumerate(chart.bars):
        height = plot_height * bar.value / top if top else 0
        x = LEFT + i * slot + (slot - width) / 2
        label = bar.label if len(bar.label) <= MAX_LABEL else bar.label[: MAX_LABEL - 1] + "…"
        bars.append(
            DrawnBar(
                round(x, 1), round(baseline - height, 1), round(width, 1), round(height, 1),
                label, f"{bar.label}: {bar.shown}", bar.shown, round(x + width / 2, 1),
            )
        )  # fmt: skip
    ticks = tuple(
        Tick(round(baseline - plot_height * part, 1), _tick(top * part, chart.share))
        for part in (0, 0.5, 1)
    )
    return Drawing(chart, WIDTH, HEIGHT, LEFT, baseline, tuple(bars), ticks, len(bars) > 6)


def _nice(value: float) -> float:
    """The axis's top: 1, 2 or 5 times a power of ten, at or above the largest bar."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _tick(value: float, share: bool) -> str:
    if share:
        return f"{value * 100:.0f}%"
    return f"{value:g}"
