"""Quarterly progress reports (báo cáo tiến độ): what was done in a quarter, what is late and why.

The plan asks units to report to Văn phòng Sở each quarter, and the office reports upward (Sở Nội
vụ); this builds that report from the progress logs: entries by field and by unit, the tasks by
state and by unit, the difficulties units reported (khó khăn, vướng mắc, đề xuất) and the tasks
due next quarter (nhiệm vụ trọng tâm quý tới). Everything is worked out as of the quarter's end
(`as_of`) from what was recorded by then, with the names in force then, so an ended quarter's
report is the same whenever it is built. The same model feeds the report page and the .docx
draft (report_docx.py).
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .. import clock, fmt
from ..data_in import progress
from ..data_in.model import Field, Plan, ProgressEntry, Site, Task, Unit
from ..dates import Deadline


@dataclass(frozen=True)
class Done:
    """A progress entry logged in the quarter."""

    task: Task
    entry: ProgressEntry


@dataclass(frozen=True)
class Late:
    """A task late at the end of the quarter (or finished late in it), with the latest reason given
    that still applies then (a pause's reason is dropped once the task has resumed)."""

    task: Task
    state: progress.TaskState
    reason: str | None
    lead: str  # the lead's short name when the report stands (a successor's, after a merger)


@dataclass(frozen=True)
class Group:
    """The report's part for one field or one unit."""

    title: str
    anchor: str  # from the field's number or the unit's id: a renaming never moves a saved link
    done: tuple[Done, ...]
    late: tuple[Late, ...]


@dataclass(frozen=True)
class StateRow:
    """Một dòng của bảng tổng hợp: the tasks a unit leads at the quarter's end, counted by state."""

    unit: str  # the unit's name then ("Cộng" for the total row)
    summary: progress.Summary


@dataclass(frozen=True)
class Difficulty:
    """Khó khăn, vướng mắc, đề xuất: a note given with a progress entry in the quarter."""

    task: Task
    entry: ProgressEntry
    unit: str  # the reporting unit's short name on the entry's day


@dataclass(frozen=True)
class Upcoming:
    """Nhiệm vụ trọng tâm quý tới: a task not finished at the quarter's end that is due next
    quarter, or already overdue then (carried over)."""

    task: Task
    state: progress.TaskState  # at the quarter's end
    lead: str  # the lead's short name then


@dataclass(frozen=True, eq=False)
class QuarterReport:
    """One quarter of one plan; its content is worked out when first read.

    The navigation and the list of reports need only the period; a page or a .docx
    needs the content, worked out when first read.
    """

    site: Site
    plan: Plan
    quarter: int

    @property
    def start(self) -> date:
        return date(self.plan.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        month = 3 * self.quarter
        return date(self.plan.year, month, calendar.monthrange(self.plan.year, month)[1])

    @property
    def as_of(self) -> date:
        """The quarter's end, or today while the quarter is running."""
        return min(self.end, self.site.today)

    @property
    def label(self) -> str:
        return fmt.deadline(Deadline("quarter", self.plan.year, self.quarter))  # "Quý III/2024"

    @property
    def slug(self) -> str:
        return f"{self.plan.year}-quy-{self.quarter}"

    @property
    def complete(self) -> bool:
        return self.as_of == self.end

    @property
    def stamp(self) -> datetime:
        """When the report's content stands: the end of its last day in Vietnam once the quarter
        has ended (so the .docx of an ended quarter is the same file on every later build), else
        the build time."""
        if self.complete:
            return datetime.combine(self.end, time(23, 59, 58), clock.VIETNAM)
        return self.site.built

    @functools.cached_property
    def summary(self) -> progress.Summary:
        return progress.summary(self.plan.tasks, self.as_of)

    @property
    def next_start(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def next_end(self) -> date:
        start = self.next_start
        month = start.month + 2
        return date(start.year, month, calendar.monthrange(start.year, month)[1])

    @property
    def next_label(self) -> str:
        start = self.next_start
        return fmt.deadline(Deadline("quarter", start.year, (start.month + 2) // 3))  # "Quý IV/2024"

    @functools.cached_property
    def by_state(self) -> tuple[StateRow, ...]:
        """The tasks by state and by lead unit at the quarter's end, then the total ("Cộng")."""
        as_of = self.as_of
        rows = [StateRow(u.name_at(as_of), progress.summary(tasks, as_of)) for u, tasks in self._members.items()]
        return (*rows, StateRow("Cộng", self.summary))

    @functools.cached_property
    def difficulties(self) -> tuple[Difficulty, ...]:
        """Every note recorded with a progress entry in the quarter, by date then task."""
        found = [
            Difficulty(t, e, e.unit.short_at(e.date))
            for t in self.plan.tasks
            for e in progress.log_until(t, self.as_of)
            if e.note and e.date >= self.start
        ]
        return tuple(sorted(found, key=lambda d: (d.entry.date, d.task.id)))

    @functools.cached_property
    def upcoming(self) -> tuple[Upcoming, ...]:
        """Tasks still to do at the quarter's end (not finished, not paused) due by the end of next
        quarter: overdue ones first (longest first), then by deadline. Ongoing tasks are left out."""
        as_of, found = self.as_of, []
        for task in self.plan.tasks:
            state, due = progress.state(task, as_of), task.deadline.due
            if due is None or due > self.next_end or state.bucket in ("done", "paused"):
                continue
            found.append(Upcoming(task, state, task.lead_at(as_of).short_at(as_of)))
        return tuple(sorted(found, key=lambda u: (-(u.state.days_late or 0), u.task.deadline.due, u.task.id)))

    @functools.cached_property
    def _members(self) -> dict[Unit, list[Task]]:
        """The plan's tasks by the unit leading each at the quarter's end, in agency.yml's order."""
        members: dict[Unit, list[Task]] = {u: [] for u in self.site.agency.units}
        for t in self.plan.tasks:
            members[t.lead_at(self.as_of)].append(t)  # whoever leads it when the report stands
        return {u: tasks for u, tasks in members.items() if tasks}

    @functools.cached_property
    def by_field(self) -> tuple[Group, ...]:
        return self._groups[0]

    @functools.cached_property
    def by_unit(self) -> tuple[Group, ...]:
        return self._groups[1]

    @functools.cached_property
    def _groups(self) -> tuple[tuple[Group, ...], tuple[Group, ...]]:
        start, as_of, tasks = self.start, self.as_of, self.plan.tasks
        # Each task's entries and lateness, worked out once: it is in one field group and one unit group.
        done = {t: [Done(t, e) for e in t.progress if start <= e.date <= as_of] for t in tasks}
        late = {t: _late(t, start, as_of) for t in tasks}

        def group(title: str, anchor: str, members: list[Task]) -> Group:
            entries = sorted((d for t in members for d in done[t]), key=lambda d: (d.entry.date, d.task.id))
            return Group(title, anchor, tuple(entries), tuple(found for t in members if (found := late[t])))

        by_field: dict[Field, list[Task]] = {f: [] for f in self.plan.methodology.fields}
        for t in tasks:
            by_field[t.field].append(t)
        by_unit = self._members
        return (
            tuple(
                group(f"Lĩnh vực {f.id}: {f.name}", f"linh-vuc-{f.id}", members)
                for f, members in by_field.items()
                if members
            ),
            tuple(group(u.name_at(as_of), f"don-vi-{u.id}", members) for u, members in by_unit.items() if members),
        )


def _late(task: Task, start: date, as_of: date) -> Late | None:
    state = progress.state(task, as_of)
    finished = progress.finished(task, as_of)
    late_now = state.key == "qua-han"
    finished_late_here = state.key == "hoan-thanh-qua-han" and finished is not None and start <= finished <= as_of
    if not (late_now or finished_late_here):
        return None
    lead = task.lead_at(as_of).short_at(as_of)
    return Late(task, state, progress.reason(task, as_of), lead)


def quarter_report(site: Site, plan: Plan, quarter: int) -> QuarterReport:
    return QuarterReport(site, plan, quarter)


_computed: dict[int, tuple[Site, list[QuarterReport]]] = {}


def quarter_reports(site: Site) -> list[QuarterReport]:
    """Reports of every quarter that has begun, newest plan first, then by quarter.

    Listed once per site: the navigation, the pages and the .docx downloads all use them.
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
