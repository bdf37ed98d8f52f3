"""Bar charts drawn on the server as SVG (no chart library, no script): the geometry of the bars.

``bar_chart(items)`` takes (label, value, shown value) tuples and returns what
``templates/numbers/_bars.svg.html`` draws: one row per item, its label above a bar whose width is
the value's share of the largest. Widths are in the SVG's own units (the viewBox is WIDTH wide),
so the chart scales to the screen.
"""
from dataclasses import dataclass

WIDTH = 400
ROW_HEIGHT = 38  # a label line and a bar
BAR_HEIGHT = 14
LABEL_SPACE = 18
VALUE_SPACE = 110  # room after the longest bar for its value


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str
    y: int  # top of the row: the label's baseline is below it, the bar under that
    width: int


@dataclass(frozen=True)
class BarChart:
    bars: tuple
    width: int
    height: int
    bar_height: int = BAR_HEIGHT
    label_space: int = LABEL_SPACE


def bar_chart(items):
    items = list(items)
    largest = max((value for _label, value, _shown in items), default=0)
    room = WIDTH - VALUE_SPACE
    bars = tuple(
        Bar(str(label), str(shown), n * ROW_HEIGHT, round(room * value / largest) if largest else 0)
        for n, (label, value, shown) in enumerate(items))
    return BarChart(bars, WIDTH, max(len(bars) * ROW_HEIGHT, ROW_HEIGHT))
