"""Chart geometry for static SVG charts: scales, points and gaps, no drawing.

The templates in `templates/_charts.j2` turn these into inline SVG that follows
Material's light and dark palettes through CSS classes. Unknown values break the line
(a gap), they are never drawn as zero. Figures of two methodology versions (bộ chỉ số) are
never joined either: the line breaks where a new version starts, at a marked and labelled
place, and the points say which version they were scored under.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from .. import fmt
from ..data_in.model import Field, Methodology, Site, YearResult

WIDTH = 640
# The same charts drawn for phones: about as wide in units as in pixels on a 390 px screen,
# so a 15-unit label is drawn at the body text size instead of half of it.
NARROW_WIDTH = 360
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 28, 44
# Room above the plot for the label of a methodology change, so it never meets a value label
# (drawn 10 units above its point) or the target rule's label (6 units above the rule).
VERSION_BAND = 24
# A generous width of one character of a chart label, in units (15-16 px text), to keep the
# label of a methodology change inside the chart.
CHAR_WIDTH = 8.5
DERIVED = "suy ra"  # a point's note for a rank worked out from a plan, not published


@dataclass(frozen=True)
class Point:
    year: int
    value: Decimal | int
    x: float
    y: float
    label: str
    note: str = ""  # e.g. "suy ra" for a derived rank
    version: str = ""  # the methodology it was scored under, when the chart shows more than one

    @property
    def derived(self) -> bool:
        """Drawn hollow: a figure worked out from another document (a rank "suy ra"), not published."""
        return self.note == DERIVED


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"  # SVG text-anchor, so labels at the edges stay inside the chart


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line (maximum, target)."""

    y: float
    label: str


@dataclass(frozen=True)
class VersionChange:
    """Where a new methodology version starts: a dashed line between two years and its label."""

    x: float
    label: str  # "Bộ chỉ số mới từ năm 2024"
    label_x: float  # the label's centre, moved in so that it stays inside the chart
    label_y: float
    top: float  # the dashed line runs from here to the x axis


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    description: str
    points: tuple[Point, ...]
    segments: tuple[tuple[Point, ...], ...]  # runs of consecutive known years
    unknown: tuple[Tick, ...]  # x positions of years without a value
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    rules: tuple[Rule, ...] = ()
    labels_below: bool = False  # value labels under the points (inverted charts)
    changes: tuple[VersionChange, ...] = ()
    note: str = ""  # said under the chart, after the title (why the line breaks)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: float = HEIGHT - BOTTOM


INSET = 64  # keeps the first and last points (and their labels) off the axis labels


def _x_positions(years: list[int], width: int = WIDTH) -> dict[int, float]:
    span = width - LEFT - RIGHT - 2 * INSET
    if len(years) == 1:
        return {years[0]: LEFT + INSET + span / 2}
    step = span / (len(years) - 1)
    return {year: LEFT + INSET + i * step for i, year in enumerate(years)}


def _nice_step(span: float) -> Decimal:
    for step in (Decimal("0.5"), 1, 2, 5, 10, 20, 25, 50):
        if span / float(step) <= 6:
            return Decimal(step)
    return Decimal(100)


def _note(note: str) -> str:
    """A point's note after its value: '/100' (its own maximum) directly, anything else in brackets."""
    if not note:
        return ""
    return note if note.startswith("/") else f" ({note})"


def version_name(version: Methodology) -> str:
    return f"bộ chỉ số áp dụng từ năm {version.from_year}"


def _changes(
    years: list[int], xs: dict[int, float], versions: dict[int, Methodology | None]
) -> list[tuple[float, int]]:
    """(x, first year of the new version) between consecutive years scored under different versions."""
    found: list[tuple[float, int]] = []
    before: Methodology | None = None
    for a, b in pairwise(years):
        before = versions.get(a) or before
        after = versions.get(b)
        if before and after and before.from_year != after.from_year:
            found.append(((xs[a] + xs[b]) / 2, after.from_year))
    return found


def _change_marks(changes: list[tuple[float, int]], width: int) -> tuple[VersionChange, ...]:
    marks = []
    for x, year in changes:
        label = f"Bộ chỉ số mới từ năm {year}"
        half = len(label) * CHAR_WIDTH / 2
        label_x = min(max(x, LEFT + half), width - RIGHT - half)
        marks.append(VersionChange(x, label, label_x, TOP - 6, TOP + 2))
    return tuple(marks)


def line_chart(
    chart_id: str,
    title: str,
    series: list[tuple[int, Decimal | int | None, str]],
    *,
    low: Decimal | int,
    high: Decimal | int,
    inverted: bool = False,
    rules: list[tuple[Decimal | int, str]] | None = None,
    height: int = HEIGHT,
    width: int = WIDTH,
    versions: dict[int, Methodology | None] | None = None,
) -> LineChart:
    """A line over years; `series` is (year, value or None, note); `inverted` puts `low` at the top.

    `versions` gives each year's methodology: the line breaks where a new version starts (a
    dashed line labelled "Bộ chỉ số mới từ năm …"), so no slope joins figures of two versions.
    """
    years = [year for year, _, _ in series]
    xs = _x_positions(years, width)
    changes = _changes(years, xs, versions or {})
    top, bottom = TOP + (VERSION_BAND if changes else 0), height - BOTTOM
    lo, hi = Decimal(low), Decimal(high)

    def y_of(value: Decimal | int) -> float:
        share = float((Decimal(value) - lo) / (hi - lo)) if hi != lo else 0.5
        return top + share * (bottom - top) if inverted else bottom - share * (bottom - top)

    points, segments, run, unknown = [], [], [], []
    for year, value, note in series:
        if value is None:
            unknown.append(Tick(xs[year], fmt.UNKNOWN))
            if run:
                segments.append(tuple(run))
            run = []
            continue
        version = (versions or {}).get(year)
        label = version_name(version) if changes and version else ""
        point = Point(year, value, xs[year], y_of(value), fmt.number(value), note, label)
        points.append(point)
        if run and run[-1].version != label:
            segments.append(tuple(run))
            run = []
        run.append(point)
    if run:
        segments.append(tuple(run))
    step = _nice_step(float(hi - lo))
    first = (lo // step) * step
    y_ticks = []
    value = first if first > lo else first + step
    y_ticks.append(Tick(y_of(lo), fmt.number(lo)))
    while value <= hi:
        y_ticks.append(Tick(y_of(value), fmt.number(value)))
        value += step
    known = [f"{p.year}: {p.label}{_note(p.note)}" for p in points]
    missing = [str(year) for year, value, _ in series if value is None]
    description = "; ".join(known) + (f". Chưa có số liệu: {', '.join(missing)}." if missing else ".")
    note = ""
    if changes:
        starts = ", ".join(str(year) for _, year in changes)
        note = (
            f"Bộ chỉ số mới từ năm {starts}: đường được ngắt tại đó, "
            "vì điểm theo hai bộ chỉ số khác nhau không so sánh trực tiếp."
        )
        description += " " + note
    return LineChart(
        id=chart_id,
        title=title,
        description=description,
        points=tuple(points),
        segments=tuple(s for s in segments if len(s) > 1),
        unknown=tuple(unknown),
        x_ticks=tuple(Tick(xs[y], str(y)) for y in years),
        y_ticks=tuple(y_ticks),
        rules=tuple(Rule(y_of(v), label) for v, label in (rules or [])),
        labels_below=inverted,
        changes=_change_marks(changes, width),
        note=note,
        width=width,
        height=height,
        bottom_y=bottom,
    )


def total_chart(site: Site, width: int = WIDTH) -> LineChart:
    results = site.results
    known = [r.total for r in results if r.total is not None]
    scale = max((r.methodology.total for r in results if r.methodology), default=Decimal(100))
    low = (min(known) // 10) * 10 if known else Decimal(0)
    maxima = {r.year: r.methodology.total if r.methodology else None for r in results}
    mixed = len({m for y, m in maxima.items() if m is not None}) > 1
    return line_chart(
        "bieu-do-tong-diem",
        "Tổng điểm Chỉ số CCHC qua các năm" + (" (mỗi năm so với điểm tối đa của năm đó)" if mixed else ""),
        [(r.year, r.total, f"/{fmt.number(maxima[r.year])}" if mixed and maxima[r.year] else "") for r in results],
        low=min(low, scale - 10),
        high=scale,
        width=width,
        versions={r.year: r.methodology for r in results},
    )


def rank_chart(site: Site, width: int = WIDTH) -> LineChart:
    results = site.results
    ranks = [r.rank for r in results if r.rank is not None]
    counts = [r.ranked_count for r in results if r.ranked_count is not None]
    plan = site.current_plan
    target = plan.target_rank if plan else None
    worst = max([*ranks, *counts, *([target] if target else []), 2])
    rules = [(target, f"Mục tiêu năm {plan.year}: thứ {target}")] if plan and target else []
    return line_chart(
        "bieu-do-xep-hang",
        "Xếp hạng qua các năm (thứ 1 ở trên cùng)",
        [(r.year, r.rank, DERIVED if r.rank_derived else "") for r in results],
        low=1,
        high=worst,
        inverted=True,
        rules=rules,
        width=width,
    )


def same_field(version: Methodology, field: Field | None) -> bool:
    """The version has this field under the same number and name (its maximum may differ)."""
    found = version.field(field.id) if field else None
    return found is not None and field is not None and found.name == field.name


def field_chart(site: Site, field_id: int, width: int = WIDTH) -> LineChart:
    """Points of one field of the newest methodology over the years it was scored as that field.

    Years whose methodology has no field of that name under this number (another field, or
    none) are left out: their points are not this field's. Years without a known methodology
    stay, as unknown.
    """
    current = site.newest_methodology.field(field_id)
    results = [r for r in site.results if r.methodology is None or same_field(r.methodology, current)]
    fields = {r.year: s.field for r in results if (s := r.score(field_id))}
    mixed = len(set(fields.values())) > 1
    series: list[tuple[int, Decimal | int | None, str]] = []
    for r in results:
        score = r.score(field_id)
        note = f"tối đa {fmt.number(score.field.max)}" if mixed and score else ""
        series.append((r.year, score.points if score else None, note))
    maxima = sorted({f.max for f in fields.values()})
    high = maxima[-1] if maxima else Decimal(1)
    return line_chart(
        f"bieu-do-linh-vuc-{field_id}",
        f"Điểm lĩnh vực {field_id} qua các năm" + (" (khác bộ chỉ số giữa các năm)" if mixed else ""),
        series,
        low=0,
        high=high,
        rules=[(m, f"Tối đa {fmt.number(m)}") for m in maxima] or [(high, f"Tối đa {fmt.number(high)}")],
        height=200,
        width=width,
        versions={r.year: r.methodology for r in results},
    )


@dataclass(frozen=True)
class Bar:
    field_id: int
    name: str
    y: float
    max_width: float
    earned_width: float | None  # None when the points are unknown
    label: str
    lost_label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    left: int
    bar_height: int


def field_bars(result: YearResult) -> BarChart:
    """Points earned against the maximum, per field, for one year."""
    left, bar_height, gap = 56, 18, 12
    span = WIDTH - left - 150
    largest = max((s.field.max for s in result.scores), default=Decimal(1))
    bars = []
    for i, score in enumerate(result.scores):
        max_width = span * float(score.field.max / largest)
        earned = None if score.points is None else span * float(score.points / largest)
        lost = score.lost
        bars.append(
            Bar(
                score.field.id,
                score.field.name,
                TOP + i * (bar_height + gap),
                max_width,
                earned,
                fmt.points(score.points, score.field.max)
                if score.points is not None
                else f"{fmt.UNKNOWN} (tối đa {fmt.number(score.field.max)})",
                "" if lost is None else ("không bị trừ" if lost == 0 else f"bị trừ {fmt.number(lost)}"),
            )
        )
    description = (
        "; ".join(
            f"Lĩnh vực {b.field_id}: {b.label} điểm, {b.lost_label}"
            if b.lost_label
            else f"Lĩnh vực {b.field_id}: {b.label}"
            for b in bars
        )
        + "."
    )
    return BarChart(
        id=f"bieu-do-linh-vuc-nam-{result.year}",
        title=f"Điểm đạt so với điểm tối đa theo lĩnh vực, năm {result.year}",
        description=description,
        bars=tuple(bars),
        width=WIDTH,
        height=TOP + len(bars) * (bar_height + gap) + 8,
        left=left,
        bar_height=bar_height,
    )
