"""Site model → Markdown pages, from the Jinja templates in `parsite/templates/`.

Pages are returned as a mapping of docs-relative path → Markdown; the MkDocs hook adds
them as virtual files and `scripts/generate.py` writes them to a folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import posixpath
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import yaml
from jinja2.bccache import Bucket

from .. import compiled, fmt
from ..data_in import analysis, progress
from ..data_in.currency import currency
from ..data_in.model import AGENCY_CHANGE_LABELS, UNIT_CHANGE_LABELS, Site, Task, Unit
from . import charts, columns, finder
from .calendars import calendar_path
from .changes import Changes
from .changes import none as no_changes
from .feeds import feed_path
from .paths import (
    CHANGES,
    FIELDS,
    FINDER,
    HOME,
    OPEN_DATA,
    PLANS,
    REPORTS,
    RESULTS,
    UNITS,
    field_path,
    html_link,
    plan_path,
    relative,
    report_path,
    unit_path,
)
from .progress_workbook import workbook_path
from .reports import quarter_reports


def build_stamp(site: Site) -> str:
    """'Cập nhật lúc 02:00 ngày 29/11/2026', in Vietnam time."""
    moment = site.built
    return f"Cập nhật lúc {moment:%H:%M} ngày {fmt.day(moment.date())}"


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A task table's first and last lines (templates/_macros.j2): nothing between them is data that
# did not go through fmt.html, so an engine adapter may pass the table on as it is.
TASK_TABLE = ('<table class="tasks" data-search-exclude>', "</table>")


def environment() -> jinja2.Environment:
    """The Jinja environment: Markdown output, strict about missing values."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parsite", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # output is Markdown; data is escaped explicitly with |md or |html
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=fmt.md,
        html=fmt.html,
        fold=lambda text: " ".join(fmt.fold(str(text)).lower().split()),
        num=fmt.number,
        points=fmt.points,
        cell=fmt.cell,
        share=fmt.share,
        day=fmt.day,
        deadline=fmt.deadline,
        unit_kind=fmt.UNIT_KIND_LABELS.__getitem__,
        where=_where,
    )
    env.globals.update(
        summary=progress.summary,
        BUCKETS=progress.BUCKETS,
        BUCKET_SLUGS=progress.BUCKET_SLUGS,
        rank=fmt.rank,
        STATUS_LABELS=fmt.STATUS_LABELS,
        UNIT_CHANGE_LABELS=UNIT_CHANGE_LABELS,
        UNKNOWN=fmt.UNKNOWN,
        total_chart=charts.total_chart,
        rank_chart=charts.rank_chart,
        field_chart=charts.field_chart,
        field_bars=charts.field_bars,
        NARROW_CHART=charts.NARROW_WIDTH,
        gaps=analysis.gaps,
        target_outcome=analysis.target_outcome,
        finder_rows=finder.first_rows,
        finder_version=finder.data_version,
        FINDER_PAGE=finder.PAGE,
        FINDER_DATA=finder.DATA,
        FINDER_SCRIPT=finder.SCRIPT,
        leading_words=_leading_words,
        currency=currency,
        last_day=lambda year: date(year, 12, 31),
        date_before=lambda day: date.fromordinal(day.toordinal() - 1),
        AGENCY_CHANGE_LABELS=AGENCY_CHANGE_LABELS,
        TASK_TABLE=TASK_TABLE,
    )
    # Set after the filters: whether a filter is passed the context is written into the compiled code.
    env.bytecode_cache = CompiledTemplates(env)
    return env


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """The code Jinja compiles from each template, kept as Python keeps bytecode: beside the
    templates (`templates/__pycache__/`, or under PYTHONPYCACHEPREFIX), read in any case, written
    unless Python writes none (`-B`, PYTHONDONTWRITEBYTECODE). An entry that cannot be read or
    written is skipped: the template is compiled, as without the cache."""

    def __init__(self, env: jinja2.Environment) -> None:
        # Jinja names an entry after the template alone and checks only its source and the Python
        # version; what else shapes the compiled code (Jinja's version, the syntax and whitespace
        # options, which filters and tests are passed the context) goes in the file name, so code
        # compiled under other settings is never read.
        options = sorted((k, v) for k, v in vars(env).items() if isinstance(v, str | bool | int | None))
        functions = [*env.filters.items(), *env.tests.items()]
        passes = sorted((name, str(getattr(f, "jinja_pass_arg", ""))) for name, f in functions)
        shape = repr((jinja2.__version__, options, passes, sorted(env.extensions)))
        digest = hashlib.sha256(shape.encode()).hexdigest()[:16]
        super().__init__(str(compiled.folder_beside(TEMPLATES)), f"__jinja2_%s.{digest}.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        # Jinja skips a missing file and a damaged code object, but not an unreadable folder or a
        # damaged header (the template's checksum, unpickled), which can raise almost anything.
        try:
            super().load_bytecode(bucket)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if sys.dont_write_bytecode:
            return
        with contextlib.suppress(OSError):  # a read-only install: compiled each time
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)


def compile_templates() -> None:
    """Compile every page template, kept for the builds after (as `compileall` does; the yaml/
    templates belong to the editors' tools)."""
    env = environment()
    for name in env.list_templates(filter_func=lambda name: name.endswith(".j2") and "/" not in name):
        env.get_template(name)


def _where(items: Iterable[Any], attribute: str, value: Any) -> list[Any]:
    """`items|where("field.id", 3)`: the items whose attribute equals the value, as a list; what
    `|selectattr(attribute, "equalto", value)|list` gives, without a test call per item."""
    get = operator.attrgetter(attribute)
    return [item for item in items if get(item) == value]


def _leading_words(text: str, count: int) -> str:
    """The first words of a name, without trailing punctuation (examples in help texts)."""
    return " ".join(text.split()[:count]).rstrip(",;:–-— ")


class UnitLink(NamedTuple):
    """A unit as a task table shows it: the link to its page, its name and short name (data text)."""

    href: str
    name: str
    short: str


class TaskRow(NamedTuple):
    """What one row of a task table shows besides the task's own text, worked out in Python: a
    template calling a function per cell pays more for the calls than for the cells."""

    task: Task
    href: str  # the task on its lead unit's page
    field_href: str  # its field's page ("" when the table has no field column)
    lead: UnitLink  # named as on the day its plan was issued
    support: tuple[UnitLink, ...]
    state: progress.TaskState | None  # where it stands today (None when the table shows no state)


def _task_rows(site: Site, html_url: Callable[..., str]) -> Callable[..., list[TaskRow]]:
    """`task_rows(tasks, columns, badge)` for a page whose raw-HTML links `html_url` makes."""
    units: dict[tuple[str, int], UnitLink] = {}

    def unit_link(unit: Any, year: int) -> UnitLink:
        link = units.get((unit.id, year))
        if link is None:
            day = _issued(site, year)
            link = units[(unit.id, year)] = UnitLink(html_url(unit_path(unit)), unit.name_at(day), unit.short_at(day))
        return link

    def task_rows(tasks: list[Task], columns: list[str], badge: bool = False) -> list[TaskRow]:
        fields, states = "field" in columns, badge or "status" in columns
        return [
            TaskRow(
                t,
                html_url(unit_path(t.lead), t.anchor),
                html_url(field_path(t.field)) if fields else "",
                unit_link(t.lead, t.plan_year),
                tuple(unit_link(u, t.plan_year) for u in t.support),
                progress.state(t, site.today) if states else None,
            )
            for t in tasks
        ]

    return task_rows


def _page(env: jinja2.Environment, template: str, path: str, site: Site, **context: Any) -> str:
    here = posixpath.dirname(path)

    def url(target: str, anchor: str = "") -> str:
        """Link from this page to another page's Markdown source (for Markdown links)."""
        link = relative(target, here) if here else target
        return f"{link}#{anchor}" if anchor else link

    def html_url(target: str, anchor: str = "") -> str:
        return html_link(path, target, anchor)

    # Pages show where tasks stand today; every answer comes from parsite.data_in.progress (one clock).
    def task_state(task: Task, as_of: date | None = None) -> progress.TaskState:
        return progress.state(task, as_of or site.today)

    def task_status(task: Task) -> str:
        return progress.status(task, site.today)

    def task_finished(task: Task) -> date | None:
        return progress.finished(task, site.today)

    def task_timeline(task: Task) -> tuple[progress.Period, ...]:
        return progress.timeline(task, site.today)

    def plan_day(task: Task) -> date:
        """The day the task's plan was issued: units are named as they were then."""
        return _issued(site, task.plan_year)

    def due_soon_tasks(tasks: Iterable[Task]) -> list[Task]:
        """Sắp đến hạn: the signed plans' tasks due within DUE_SOON_DAYS days, the nearest first."""
        drafts = {p.year for p in site.plans if p.draft}
        left = [
            (days, t)
            for t in tasks
            if t.plan_year not in drafts and (days := progress.days_left(t, site.today)) is not None
        ]
        return [t for _, t in sorted(left, key=lambda pair: (pair[0], pair[1].plan_year, pair[1].id))]

    def days_left_text(task: Task) -> str:
        days = progress.days_left(task, site.today)
        return "" if days is None else "hạn hôm nay" if days == 0 else f"{days} ngày"

    return env.get_template(template).render(
        site=site,
        task_state=task_state,
        task_status=task_status,
        task_finished=task_finished,
        task_timeline=task_timeline,
        feed_path=feed_path,
        plan_day=plan_day,
        due_soon_tasks=due_soon_tasks,
        days_left_text=days_left_text,
        DUE_SOON_DAYS=progress.DUE_SOON_DAYS,
        task_rows=_task_rows(site, html_url),
        build_stamp=build_stamp(site),
        url=url,
        html_url=html_url,
        plan_path=plan_path,
        unit_path=unit_path,
        field_path=field_path,
        calendar_path=calendar_path,
        workbook_path=workbook_path,
        report_path=report_path,
        RESULTS=RESULTS,
        UNITS=UNITS,
        FIELDS=FIELDS,
        FINDER=FINDER,
        OPEN_DATA=OPEN_DATA,
        **context,
    )


def _issued(site: Site, year: int) -> date:
    return next(p.issued for p in site.plans if p.year == year)


class PageJob(NamedTuple):
    """One generated page: where it goes, the template that writes it, its title, its context.

    The title is plain data text (never escaped, never pasted into front matter): each engine
    adapter puts it on its own page object and escapes it the way its theme needs.
    """

    path: str
    template: str
    title: str
    context: dict[str, Any]


def _open_data() -> dict[str, Any]:
    """The open-data page's context: the downloads as declared (made when the page is rendered:
    the catalog lists the share images, which are made from the list of pages), and the tables'
    columns."""
    from . import registry  # registry imports share, which imports this module

    return {
        "catalog": registry.catalog,
        "SECTIONS": registry.SECTIONS,
        "task_columns": columns.task_columns(),
        "score_columns": columns.SCORE_COLUMNS,
        "total_columns": columns.TOTAL_COLUMNS,
    }


def page_jobs(site: Site, changes: Changes | None = None) -> list[PageJob]:
    """Every generated page, in reading order.

    `changes`: the data changes since the previous release (none given: no comparison made).
    """
    reports = quarter_reports(site)
    jobs = [
        PageJob(HOME, "home.md.j2", "Trang chủ", {}),
        PageJob(PLANS, "plans.md.j2", "Các kế hoạch", {}),
        PageJob(RESULTS, "results.md.j2", "Kết quả Chỉ số CCHC qua các năm", {}),
        PageJob(UNITS, "units.md.j2", "Đơn vị", {}),
        PageJob(FIELDS, "fields.md.j2", "Lĩnh vực Chỉ số CCHC", {}),
        PageJob(FINDER, "finder.md.j2", "Tra cứu nhiệm vụ", {}),
        PageJob(OPEN_DATA, "open-data.md.j2", "Dữ liệu mở", _open_data()),
        PageJob(REPORTS, "reports.md.j2", "Báo cáo tiến độ", {"reports": reports}),
    ]
    jobs += [PageJob(report_path(r), "report.md.j2", f"Báo cáo {r.label}", {"report": r}) for r in reports]
    jobs += [PageJob(plan_path(p), "plan.md.j2", p.short_title, {"plan": p}) for p in site.plans]
    jobs += [PageJob(unit_path(u), "unit.md.j2", u.name_at(site.today), {"unit": u}) for u in site.agency.units]
    jobs += [PageJob(field_path(f), "field.md.j2", f"Lĩnh vực {f.id}: {f.name}", {"field": f}) for f in site.fields()]
    jobs.append(PageJob(CHANGES, "changes.md.j2", "Thay đổi dữ liệu", {"changes": changes or no_changes()}))
    return jobs


def page_paths(site: Site) -> list[str]:
    """The docs-relative path of every generated page, in reading order."""
    return [job.path for job in page_jobs(site)]


# Pages whose tables need the width (the plan's appendix, the finder, units' and fields' tables, the scores): the theme
# leaves out the right-hand table of contents there, which otherwise keeps the content column
# at about 590 px on a 1 280 px screen (docs/maintainers/outputs.md).
WIDE_TEMPLATES = frozenset({"plan.md.j2", "finder.md.j2", "results.md.j2", "field.md.j2", "unit.md.j2"})


def page_layouts(site: Site) -> dict[str, dict[str, Any]]:
    """What each generated page asks of the theme besides its title (Material's `hide`), by path."""
    return {job.path: {"hide": ["toc"]} for job in page_jobs(site) if job.template in WIDE_TEMPLATES}


def page_titles(site: Site) -> dict[str, str]:
    """The title of every generated page (plain text, as the data has it), keyed by its path."""
    return {job.path: job.title for job in page_jobs(site)}


def page_renderer(site: Site, changes: Changes | None = None) -> Callable[[str], str]:
    """A function that renders one generated page (by its path) on its own, e.g. only the pages
    the build cache does not hold; each template is compiled when first needed.

    The Markdown has no front matter: titles are data (`page_titles`), set on the page by the adapter.
    """
    env = environment()
    jobs = {job.path: job for job in page_jobs(site, changes)}

    def render(path: str) -> str:
        job = jobs[path]
        return _page(env, job.template, job.path, site, **job.context)

    return render


def rendered_pages(site: Site, changes: Changes | None = None) -> Iterator[tuple[str, str]]:
    """(path, Markdown) of every generated page, one at a time, in reading order."""
    render = page_renderer(site, changes)
    for path in page_paths(site):
        yield path, render(path)


def with_title(title: str, markdown: str) -> str:
    """A page for an engine without hooks: its title in front matter, then its Markdown.

    Such engines read the title from front matter and print it as markup, like Material: the
    title is HTML-escaped by the one filter and written by PyYAML's dumper, never pasted into
    YAML by a template (YAML would decode `\\x3c` escapes and `!!binary` tags).
    """
    head = yaml.safe_dump({"title": fmt.html(title)}, allow_unicode=True, width=1 << 16)
    return f"---\n{head}---\n\n{markdown}"


def render_pages(site: Site, changes: Changes | None = None) -> dict[str, str]:
    """Every generated page of the site, keyed by its docs-relative path."""
    return dict(rendered_pages(site, changes))


def nav_units(site: Site) -> list[Unit]:
    """The units the menu lists: all but those not yet established and those that ended before the
    site's first plan (kept only to name who took their functions over; their pages stay, linked
    from their successors)."""
    first = site.plans[0].issued if site.plans else site.today
    return [u for u in site.agency.units if u.ended(first) is None and (u.start is None or u.start <= site.today)]


def nav(site: Site) -> list[Any]:
    """The explicit navigation (MkDocs `nav` shape); its size grows with units, not tasks.

    Titles are plain text as the data has it; `html_titles` escapes them for themes that
    print navigation titles as markup (MkDocs and Material do).
    """
    return [
        {"Trang chủ": HOME},
        # The section's own page first (navigation.indexes makes it the section's link): a section
        # whose only child is another index page would open empty in the menu.
        {"Kế hoạch": [PLANS, *({f"Năm {p.year}": plan_path(p)} for p in reversed(site.plans))]},
        {"Tra cứu nhiệm vụ": FINDER},
        {"Kết quả Chỉ số CCHC": RESULTS},
        {"Báo cáo": [REPORTS, *({f"Báo cáo {r.label}": report_path(r)} for r in quarter_reports(site))]},
        {"Đơn vị": [UNITS, *({u.name_at(site.today): unit_path(u)} for u in nav_units(site))]},
        {"Lĩnh vực": [FIELDS, *({f"{f.id}. {f.name}": field_path(f)} for f in site.fields())]},
        {"Dữ liệu mở": OPEN_DATA},
    ]


def html_titles(items: list[Any]) -> list[Any]:
    """The navigation with every title HTML-escaped by the one escaping filter (`fmt.html`).

    MkDocs and Material print navigation titles as markup: a unit named `<img onerror=…>`
    would otherwise become an element in every page's menu.
    """
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict):
            out.append({fmt.html(title): html_titles(v) if isinstance(v, list) else v for title, v in item.items()})
        else:
            out.append(item)
    return out
