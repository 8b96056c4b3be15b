"""The female share of international migrants, drawn on the server as an SVG line chart."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "female-migrant-share.csv"

# Drawing area, in SVG user units (the chart scales to the width of the page).
WIDTH, HEIGHT = 320, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 16, 28, 34
Y_MIN, Y_MAX = Decimal(47), Decimal(50)


@dataclass(frozen=True)
class Point:
    year: int
    share: Decimal
    female: int
    total: int
    x: float
    y: float

    @property
    def label_y(self):
        return self.y - 10


@dataclass(frozen=True)
class Chart:
    points: tuple
    source: str
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def path(self):
        return " ".join(
            f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points)
        )

    @property
    def gridlines(self):
        """(percentage, y) for each whole percentage on the vertical scale."""
        return [(value, _y(Decimal(value))) for value in range(int(Y_MIN), int(Y_MAX) + 1)]

    @property
    def left(self):
        return LEFT

    @property
    def right(self):
        return WIDTH - RIGHT

    @property
    def baseline(self):
        return HEIGHT - BOTTOM

    @property
    def first(self):
        return self.points[0]

    @property
    def last(self):
        return self.points[-1]


def _y(share):
    plot_height = HEIGHT - TOP - BOTTOM
    return float(TOP + (Y_MAX - share) / (Y_MAX - Y_MIN) * plot_height)


@cache
def female_share_chart():
    with DATA_FILE.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    years = [int(row["year"]) for row in rows]
    span = years[-1] - years[0]
    plot_width = WIDTH - LEFT - RIGHT
    points = tuple(
        Point(
            year=int(row["year"]),
            share=Decimal(row["female_share_percent"]),
            female=int(row["female_migrants"]),
            total=int(row["total_migrants"]),
            x=LEFT + (int(row["year"]) - years[0]) / span * plot_width,
            y=_y(Decimal(row["female_share_percent"])),
        )
        for row in rows
    )
    return Chart(points=points, source=rows[0]["source"])
