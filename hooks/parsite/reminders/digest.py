"""What each unit and the office are told on a day (thư nhắc, đôn đốc), from the site's model.

Every state, "quá hạn" and day count comes from parsite.data_in.progress on the day asked
about, as the pages show them; names are those in force on that day, and so are the units that
lead and support a task (`Task.lead_at`, `Task.support_at`): a unit that has ended (merged,
split, dissolved) is not written to, the unit that took its open tasks over is.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from .. import fmt
from ..data_in import progress
from ..data_in.currency import currency
from ..data_in.model import Site, Task, Unit
from ..dates import Deadline
from ..outputs.paths import task_address
from ..outputs.progress_workbook import workbook_path


@dataclass(frozen=True)
class Item:
    """One task in a digest, as it stands on the digest's day."""

    task: Task
    state: progress.TaskState
    lead: str  # the lead unit's name on the day
    days_left: int | None  # due soon: days until the deadline (0: today)
    url: str | None  # the task on the site, when the site's address is known


@dataclass(frozen=True)
class UnitDigest:
    """Thư nhắc của một đơn vị: its tasks due soon and overdue, and those it coordinates."""

    unit: Unit
    name: str
    day: date
    due_soon: tuple[Item, ...]
    overdue: tuple[Item, ...]  # the longest overdue first
    supported: tuple[Item, ...]  # tasks it coordinates that are due soon or overdue
    workbook: str  # the unit's progress workbook: its address, or its path on the site
    report: str  # the quarter being reported on ("Quý IV/2024")
    report_due: date
    within: int

    @property
    def empty(self) -> bool:
        """Nothing to say: no message is sent."""
        return not (self.due_soon or self.overdue or self.supported)


@dataclass(frozen=True)
class OfficeDigest:
    """Thư tổng hợp cho Văn phòng: every overdue task by unit, and the units yet to report."""

    agency: str
    day: date
    overdue: tuple[tuple[str, tuple[Item, ...]], ...]  # unit name → its overdue tasks
    not_reported: tuple[str, ...]  # units with tasks in the current plan and no entry this quarter
    report: str
    quarter_start: date
    report_due: date

    @property
    def count(self) -> int:
        return sum(len(items) for _, items in self.overdue)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.not_reported)


def quarter(day: date) -> tuple[int, date, date]:
    """The quarter of `day`: its number, first and last day."""
    number = (day.month - 1) // 3 + 1
    last_month = 3 * number
    return (
        number,
        date(day.year, last_month - 2, 1),
        date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
    )


def _tasks(site: Site) -> list[Task]:
    """The tasks being carried out: a draft plan's (not signed) are not."""
    return [t for p in site.issued_plans for t in p.tasks]


def _url(site_url: str | None, path: str) -> str | None:
    return f"{site_url.rstrip('/')}/{path}" if site_url else None


def _item(site: Site, task: Task, within: int, site_url: str | None) -> Item:
    day = site.today
    return Item(
        task,
        progress.state(task, day),
        task.lead_at(day).name_at(day),
        progress.days_left(task, day, within),
        _url(site_url, task_address(task)),
    )


def _order(item: Item) -> tuple[int, date, int, str]:
    # The longest overdue first, then the nearest deadline.
    due = item.task.deadline.due or date.max
    return (-(item.state.days_late or 0), due, item.task.plan_year, item.task.id)


def unit_digest(
    site: Site, unit: Unit, within: int = progress.DUE_SOON_DAYS, site_url: str | None = None
) -> UnitDigest:
    """What `unit` is told on `site.today`."""
    day = site.today
    due_soon, overdue, supported = [], [], []
    for task in _tasks(site):
        # By id, as everywhere a task's units are matched: a caller may hold another load's unit.
        leads = task.lead_at(day).id == unit.id
        supports = any(u.id == unit.id for u in task.support_at(day))
        if not (leads or supports):
            continue
        item = _item(site, task, within, site_url)
        late = item.state.key == "qua-han"
        if leads and late:
            overdue.append(item)
        elif leads and item.days_left is not None:
            due_soon.append(item)
        elif supports and (late or item.days_left is not None):
            supported.append(item)
    number, _, last = quarter(day)
    workbook = workbook_path(unit)
    return UnitDigest(
        unit=unit,
        name=unit.name_at(day),
        day=day,
        due_soon=tuple(sorted(due_soon, key=_order)),
        overdue=tuple(sorted(overdue, key=_order)),
        supported=tuple(sorted(supported, key=_order)),
        workbook=_url(site_url, workbook) or workbook,
        report=fmt.deadline(Deadline("quarter", day.year, number)),
        report_due=last,
        within=within,
    )


def office_digest(site: Site, site_url: str | None = None) -> OfficeDigest:
    """What the office is told on `site.today`."""
    day = site.today
    number, first, last = quarter(day)
    by_unit: dict[Unit, list[Item]] = {}
    for task in _tasks(site):
        if progress.state(task, day).key == "qua-han":
            by_unit.setdefault(task.lead_at(day), []).append(_item(site, task, 0, site_url))
    current = currency(site).current  # the signed plan of today's year: an ended plan has no report due
    tasks = current.tasks if current else ()
    reported = {e.unit.id for t in tasks for e in progress.log_until(t, day) if e.date >= first}
    involved = {u.id for t in tasks for u in (t.lead_at(day), *t.support_at(day))}
    expected = [u for u in site.agency.units if u.id in involved and u.exists_on(day)]
    order = {u: i for i, u in enumerate(site.agency.units)}
    return OfficeDigest(
        agency=site.agency.at(day).name,
        day=day,
        overdue=tuple(
            (u.name_at(day), tuple(sorted(items, key=_order)))
            for u, items in sorted(by_unit.items(), key=lambda p: order[p[0]])
        ),
        not_reported=tuple(u.name_at(day) for u in expected if u.id not in reported),
        report=fmt.deadline(Deadline("quarter", day.year, number)),
        quarter_start=first,
        report_due=last,
    )
