"""Quarterly progress reports (báo cáo tiến độ): what was done in a quarter, what is late and why.

The plan asks units to report to Văn phòng Sở each quarter; this builds that report from the
progress logs. The same model feeds the report page and the .docx draft (report_docx.py).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from . import fmt, progress
from .dates import Deadline
from .model import Field, Plan, ProgressEntry, Site, Task, Unit


@dataclass(frozen=True)
class Done:
    """A progress entry logged in the quarter."""

    task: Task
    entry: ProgressEntry


@dataclass(frozen=True)
class Late:
    """A task late at the end of the quarter (or finished late in it), with the latest reason given."""

    task: Task
    state: progress.TaskState
    reason: str | None


@dataclass(frozen=True)
class Group:
    """The report's part for one field or one unit."""

    title: str
    done: tuple[Done, ...]
    late: tuple[Late, ...]


@dataclass(frozen=True)
class QuarterReport:
    plan: Plan
    quarter: int
    start: date
    end: date
    as_of: date  # the quarter's end, or today while the quarter is running
    summary: progress.Summary
    by_field: tuple[Group, ...]
    by_unit: tuple[Group, ...]

    @property
    def label(self) -> str:
        return fmt.deadline(Deadline("quarter", self.plan.year, self.quarter))  # "Quý III/2024"

    @property
    def slug(self) -> str:
        return f"{self.plan.year}-quy-{self.quarter}"

    @property
    def complete(self) -> bool:
        return self.as_of == self.end


def _late(task: Task, start: date, as_of: date) -> Late | None:
    state = progress.state(task, as_of)
    finished = task.completion_date
    late_now = state.key == "qua-han"
    finished_late_here = state.key == "hoan-thanh-qua-han" and finished is not None and start <= finished <= as_of
    if not (late_now or finished_late_here):
        return None
    notes = [e.note for e in progress.log_until(task, as_of) if e.note]
    return Late(task, state, notes[-1] if notes else None)


def quarter_report(site: Site, plan: Plan, quarter: int) -> QuarterReport:
    start = date(plan.year, 3 * quarter - 2, 1)
    end = date(plan.year, 3 * quarter, calendar.monthrange(plan.year, 3 * quarter)[1])
    as_of = min(end, site.today)
    # Each task's entries and lateness, worked out once: every task is in one field group and one unit group.
    done = {t: [Done(t, e) for e in t.progress if start <= e.date <= as_of] for t in plan.tasks}
    late = {t: _late(t, start, as_of) for t in plan.tasks}

    def group(title: str, tasks: list[Task]) -> Group:
        entries = sorted((d for t in tasks for d in done[t]), key=lambda d: (d.entry.date, d.task.id))
        return Group(title, tuple(entries), tuple(found for t in tasks if (found := late[t])))

    by_field_tasks: dict[Field, list[Task]] = {f: [] for f in plan.methodology.fields}
    by_unit_tasks: dict[Unit, list[Task]] = {u: [] for u in site.agency.units}
    for t in plan.tasks:
        by_field_tasks[t.field].append(t)
        by_unit_tasks[t.lead].append(t)
    by_field = tuple(group(f"Lĩnh vực {f.id}: {f.name}", tasks) for f, tasks in by_field_tasks.items() if tasks)
    by_unit = tuple(group(u.name, tasks) for u, tasks in by_unit_tasks.items() if tasks)
    return QuarterReport(plan, quarter, start, end, as_of, progress.summary(plan.tasks, as_of), by_field, by_unit)


_computed: dict[int, tuple[Site, list[QuarterReport]]] = {}


def quarter_reports(site: Site) -> list[QuarterReport]:
    """Reports of every quarter that has begun, newest plan first, then by quarter.

    Computed once per site: the navigation, the pages and the .docx downloads all need them.
    """
    cached = _computed.get(id(site))
    if cached is not None and cached[0] is site:
        return cached[1]
    _computed.clear()  # only the site being built is kept
    reports = []
    for plan in reversed(site.plans):
        for quarter in (1, 2, 3, 4):
            if date(plan.year, 3 * quarter - 2, 1) <= site.today:
                reports.append(quarter_report(site, plan, quarter))
    _computed[id(site)] = (site, reports)
    return reports
