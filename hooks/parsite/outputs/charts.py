"""Chart geometry for static SVG charts: scales, points and gaps, no drawing.

The templates in `templates/_charts.j2` turn these into inline SVG that follows
Material's light and dark palettes through CSS classes. Unknown values break the line
(a gap), they are never drawn as zero. Figures of two methodology versions (bộ chỉ số) are
never joined either: the line breaks where a new version starts, at a marked and labelled
place, and the points say which version they were scored under.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise

from .. import fmt
from ..data_in.model import Field, Methodology, Site, YearResult
from .chart_labels import Box, Label, Layout, text_width

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
    """A horizontal reference line (maximum, target) from x1 to x2."""

    y: float
    label: str
    x1: float = LEFT
    x2: float = WIDTH - RIGHT


@dataclass(frozen=True)
class LegendItem:
    """A label that found no free place on the plot, said under it (`kind`: rule, version, value)."""

    kind: str
    text: str
    y: float


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
    # Where each label is drawn (chart_labels): the points' values (in the order of `points`),
    # the rules' labels (None: in the legend), the version changes' labels; then the legend.
    values: tuple[Label | None, ...] = ()
    unknown_labels: tuple[Label | None, ...] = ()  # "chưa có số liệu" at each year in `unknown`
    rule_labels: tuple[Label | None, ...] = ()
    change_labels: tuple[Label | None, ...] = ()
    legend: tuple[LegendItem, ...] = ()


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
    rules: list[tuple[Decimal | int, str, int | None]] | None = None,
    height: int = HEIGHT,
    width: int = WIDTH,
    versions: dict[int, Methodology | None] | None = None,
) -> LineChart:
    """A line over years; `series` is (year, value or None, note); `inverted` puts `low` at the top;
    a rule is (value, label, the year it applies from or None for every year).

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

    size = _text_size(width)
    step = min((b - a for a, b in pairwise(xs.values())), default=float(width))
    points, segments, run, unknown = [], [], [], []
    for year, value, note in series:
        if value is None:
            unknown.append(Tick(xs[year], str(year)))
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
    tick = _nice_step(float(hi - lo))
    first = (lo // tick) * tick
    y_ticks = []
    value = first if first > lo else first + tick
    y_ticks.append(Tick(y_of(lo), fmt.number(lo)))
    while value <= hi:
        y_ticks.append(Tick(y_of(value), fmt.number(value)))
        value += tick
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
    rule_list = tuple(_rule(y_of(v), label, since, xs, width) for v, label, since in (rules or []))
    chart = LineChart(
        id=chart_id,
        title=title,
        description=description,
        points=tuple(points),
        segments=tuple(s for s in segments if len(s) > 1),
        unknown=tuple(unknown),
        x_ticks=_year_ticks(years, xs, step, size),
        y_ticks=tuple(y_ticks),
        rules=rule_list,
        labels_below=inverted,
        changes=_change_marks(changes, width),
        note=note,
        width=width,
        height=height,
        bottom_y=bottom,
    )
    return _placed(chart)


def _text_size(width: int) -> int:
    """The labels' size in the drawing's units (plan.css: the narrow drawing's text is larger)."""
    return 16 if width <= NARROW_WIDTH else 15


def _year_ticks(years: list[int], xs: dict[int, float], step: float, size: int) -> tuple[Tick, ...]:
    """The years under the axis: every one when they fit, else every second or third (counted back
    from the newest, which is always named), so that no two meet; each point's year stays in its
    tooltip, the chart's description and the table under it."""
    every = max(1, math.ceil((text_width("0000", size) + 8) / step)) if step else 1
    last = len(years) - 1
    return tuple(Tick(xs[y], str(y) if (last - i) % every == 0 else "") for i, y in enumerate(years))


def _rule(y: float, label: str, since: int | None, xs: dict[int, float], width: int) -> Rule:
    """A rule over every year, or from half a step before the year it applies from (a plan's
    target rank is not drawn across the years before the plan)."""
    x1 = LEFT
    if since is not None and since in xs:
        before = [x for year, x in xs.items() if year < since]
        x1 = (before[-1] + xs[since]) / 2 if before else LEFT
    return Rule(y, label, x1, width - RIGHT)


def value_text(point: Point, changes: bool) -> str:
    """A point's label: its value, its own maximum ("/100") or its note ("suy ra") where it helps."""
    if point.note.startswith("/"):
        return point.label + point.note
    if point.derived or (point.note and not changes):
        return f"{point.label} ({point.note})"
    return point.label


LEGEND_LINE = 22  # units per line of the legend under the plot


def _placed(chart: LineChart) -> LineChart:
    """The chart with every label at a place where it meets nothing (chart_labels), or in the
    legend under the plot."""
    size = _text_size(chart.width)
    layout = Layout(Box(chart.left + 2, 0, chart.width - 2, chart.bottom_y - 2), size)
    for segment in chart.segments:
        layout.add_line([(p.x, p.y) for p in segment])
    for point in chart.points:
        layout.add_point(point.x, point.y)
    for rule in chart.rules:
        layout.add_line([(rule.x1, rule.y), (rule.x2, rule.y)])
    for change in chart.changes:
        layout.add_line([(change.x, change.top), (change.x, chart.bottom_y)])
    legend: list[tuple[str, str]] = []
    # A year without a value says so on the plot, across (where the years leave room) or turned
    # upright; where neither meets nothing, the legend names those years.
    unknown_labels, unplaced = [], []
    step = min((b.position - a.position for a, b in pairwise(chart.x_ticks)), default=float(chart.width))
    for tick in chart.unknown:
        y = chart.bottom_y - 12  # its box (descenders and all) above the x axis
        candidates = [Label(tick.position + 0.35 * size, y, "start", fmt.UNKNOWN, upright=True)]
        if text_width(fmt.UNKNOWN, size) + 8 <= step:  # across, centred on its year or beside it
            candidates[:0] = [
                Label(tick.position, y, "middle", fmt.UNKNOWN),
                Label(tick.position - 8, y, "start", fmt.UNKNOWN),
                Label(tick.position + 8, y, "end", fmt.UNKNOWN),
            ]
        found = layout.place(candidates)
        unknown_labels.append(found)
        if found is None:
            unplaced.append(tick.label)
    if unplaced:
        legend.append(("unknown", f"{fmt.UNKNOWN[0].upper()}{fmt.UNKNOWN[1:]}: năm {', '.join(unplaced)}"))
    change_labels = []
    for change in chart.changes:
        found = layout.place([Label(change.label_x, change.label_y, "middle", change.label)])
        change_labels.append(found)
        if found is None:
            legend.append(("version", change.label))
    values = []
    for point in chart.points:
        text = value_text(point, bool(chart.changes))
        x, y = point.x, point.y
        # Offsets clear of the point's own circle by the boxes' generous estimate (chart_labels).
        above, below = Label(x, y - 14, "middle", text), Label(x, y + 26, "middle", text)
        candidates = [below, above] if chart.labels_below else [above, below]
        candidates += [
            Label(x + 12, y + 5, "start", text),
            Label(x - 12, y + 5, "end", text),
            Label(x, y - 32, "middle", text),
            Label(x, y + 44, "middle", text),
        ]
        found = layout.place(candidates, bold=True)
        values.append(found)
        if found is None:
            legend.append(("value", f"{point.year}: {text}"))
    rule_labels = []
    for rule in chart.rules:
        right, left, middle = rule.x2, rule.x1 + 4, (rule.x1 + rule.x2) / 2
        above, below = rule.y - 9, rule.y + 21  # clear of the rule's own line
        candidates = [
            Label(right, above, "end", rule.label),
            Label(right, below, "end", rule.label),
            Label(left, above, "start", rule.label),
            Label(left, below, "start", rule.label),
            Label(middle, above, "middle", rule.label),
            Label(middle, below, "middle", rule.label),
        ]
        found = layout.place(candidates)
        rule_labels.append(found)
        if found is None:
            legend.append(("rule", rule.label))
    top = chart.height + 6  # under the years of the x axis
    items = tuple(LegendItem(kind, text, top + (i + 1) * LEGEND_LINE - 6) for i, (kind, text) in enumerate(legend))
    return replace(
        chart,
        values=tuple(values),
        unknown_labels=tuple(unknown_labels),
        rule_labels=tuple(rule_labels),
        change_labels=tuple(change_labels),
        legend=items,
        height=chart.height + (len(items) * LEGEND_LINE + 6 if items else 0),
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
    rules = [(target, f"Mục tiêu năm {plan.year}: thứ {target}", plan.year)] if plan and target else []
    series: list[tuple[int, Decimal | int | None, str]] = [
        (r.year, r.rank, DERIVED if r.rank_derived else "") for r in results
    ]
    if rules and plan and plan.year > results[-1].year:  # the target's year, not yet ranked
        series.append((plan.year, None, ""))
    return line_chart(
        "bieu-do-xep-hang",
        "Xếp hạng qua các năm (thứ 1 ở trên cùng)",
        series,
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
        rules=[(m, f"Tối đa {fmt.number(m)}", None) for m in maxima] or [(high, f"Tối đa {fmt.number(high)}", None)],
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
    # Rows far enough apart for their labels at the phone's size (29 units, plan.css), and bars
    # short enough that the longest value label ends inside the drawing.
    left, bar_height, gap = 56, 22, 14
    largest = max((s.field.max for s in result.scores), default=Decimal(1))
    bars = []
    for i, score in enumerate(result.scores):
        lost = score.lost
        bars.append(
            Bar(
                score.field.id,
                score.field.name,
                TOP + i * (bar_height + gap),
                float(score.field.max / largest),  # a share until the span is known, below
                None if score.points is None else float(score.points / largest),
                fmt.points(score.points, score.field.max)
                if score.points is not None
                else f"{fmt.UNKNOWN} (tối đa {fmt.number(score.field.max)})",
                "" if lost is None else ("không bị trừ" if lost == 0 else f"bị trừ {fmt.number(lost)}"),
            )
        )
    longest = max((text_width(_bar_text(b), 15, bold=True) for b in bars), default=0.0)
    span = WIDTH - left - 8 - longest - 8
    bars = [
        replace(b, max_width=span * b.max_width, earned_width=None if b.earned_width is None else span * b.earned_width)
        for b in bars
    ]
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


def _bar_text(bar: Bar) -> str:
    """A bar's value label as drawn (_charts.j2)."""
    return f"{bar.label} · {bar.lost_label}" if bar.lost_label else bar.label
