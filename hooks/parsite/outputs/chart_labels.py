"""Where a line chart's labels go, so that no label meets another, a line, a point or a rule.

Each label has a few candidate places, tried in order (a value above its point, then below,
beside, further away; a rule's label at the right end above its line, then below, then at the
left end...). A candidate is taken when its box, a generous estimate of the drawn text, meets
nothing placed before and stays inside the plot. A label that finds no place goes to the chart's
legend, under the plot, where it cannot meet anything: a label is moved, never dropped and
never drawn over something else. tests/test_chart_labels_browser.py measures the drawn text in
Chromium against the lines, points and other labels, at both widths and in dark mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

# Width of a character in em, a little over a sans-serif font's (Roboto, Arial, DejaVu Sans):
# an upper bound, so a box is never smaller than the text the browser draws.
_NARROW = set(" ,.:;()'/|-–!ịíìỉĩiIjl1")
_WIDE = set("mwMWĐDOQGHNUÔƠƯÂĂ")


def text_width(text: str, size: float, bold: bool = False) -> float:
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.34
        elif char in _WIDE or char.isupper():
            em += 0.78
        else:
            em += 0.6
    return em * size * (1.08 if bold else 1.0)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def meets(self, other: Box) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: Box) -> bool:
        return self.x0 >= other.x0 and self.x1 <= other.x1 and self.y0 >= other.y0 and self.y1 <= other.y1

    def crosses(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether the segment a–b passes through the box (Liang–Barsky clipping)."""
        (ax, ay), (bx, by) = a, b
        dx, dy = bx - ax, by - ay
        low, high = 0.0, 1.0
        for p, q in ((-dx, ax - self.x0), (dx, self.x1 - ax), (-dy, ay - self.y0), (dy, self.y1 - ay)):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


@dataclass(frozen=True)
class Label:
    """A label as drawn: SVG text at (x, y) with its anchor."""

    x: float
    y: float
    anchor: str  # start, middle or end
    text: str
    upright: bool = False  # turned a quarter left (rotate(-90) about x, y): read from bottom to top


def box(label: Label, size: float, bold: bool = False, pad: float = 3) -> Box:
    width = text_width(label.text, size, bold)
    start = {"start": 0.0, "middle": -width / 2, "end": -width}[label.anchor]
    # From above the tallest letter (Vietnamese marks over capitals) to below the descenders.
    ascent, descent = 1.05 * size, 0.3 * size
    if label.upright:  # the text runs up from (x, y); its top faces left
        return Box(
            label.x - ascent - pad, label.y - start - width - pad, label.x + descent + pad, label.y - start + pad
        )
    x0 = label.x + start
    return Box(x0 - pad, label.y - ascent - pad, x0 + width + pad, label.y + descent + pad)


class Layout:
    """What is already drawn on a chart, and the area labels must stay in."""

    def __init__(self, area: Box, size: float) -> None:
        self.area = area
        self.size = size
        self.boxes: list[Box] = []
        self.segments: list[tuple[tuple[float, float], tuple[float, float]]] = []

    def add_line(self, points: list[tuple[float, float]]) -> None:
        self.segments.extend(pairwise(points))

    def add_point(self, x: float, y: float, radius: float = 6) -> None:
        self.boxes.append(Box(x - radius, y - radius, x + radius, y + radius))

    def free(self, candidate: Box) -> bool:
        return (
            candidate.inside(self.area)
            and not any(candidate.meets(b) for b in self.boxes)
            and not any(candidate.crosses(a, b) for a, b in self.segments)
        )

    def place(self, candidates: list[Label], bold: bool = False) -> Label | None:
        """The first candidate that meets nothing (and is then taken), else None."""
        for label in candidates:
            found = box(label, self.size, bold)
            if self.free(found):
                self.boxes.append(found)
                return label
        return None
