"""Deadline calendars (iCalendar, RFC 5545): one feed per unit and one for all tasks.

One all-day event per dated task on its last day (a quarter ends on its last day);
ongoing tasks ("thường xuyên") have no date and are left out. UIDs are stable, so a
subscribed calendar updates its events instead of duplicating them. A task still to be done
carries two alarms (VALARM), at 09:00 seven days and one day before its last day (đôn đốc).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .. import fmt
from ..data_in import progress
from ..data_in.model import Site, Task, Unit
from .feeds import authority
from .paths import task_address

if TYPE_CHECKING:
    from icalendar import Alarm, Event

FOLDER = "lich"


def calendar_path(unit: Unit | None = None) -> str:
    return f"{FOLDER}/{unit.id if unit else 'tat-ca'}.ics"


def calendar_paths(site: Site) -> list[str]:
    """The feed of all tasks, then one per unit."""
    return [calendar_path(), *(calendar_path(unit) for unit in site.agency.units)]


def unit_tasks(site: Site, unit: Unit) -> list[Task]:
    """The tasks in a unit's calendar: those it leads or supports."""
    return [*site.tasks_led_by(unit), *site.tasks_supported_by(unit)]


def task_url(task: Task, site_url: str | None) -> str | None:
    if not site_url:
        return None
    return f"{site_url.rstrip('/')}/{task_address(task)}"


def description_lines(site: Site, task: Task, url: str | None) -> list[str]:
    """What a calendar program shows of a task: its plan, field, units, deadline, output, state."""
    plan = next(p for p in site.plans if p.year == task.plan_year)
    today = site.today  # who leads and supports it now, by today's names (a successor after a merger)
    support = "; ".join(u.name_at(today) for u in task.support_at(today))
    lines = [
        f"Kế hoạch: {plan.short_title}",
        f"Lĩnh vực {task.field.id}: {task.field.name}",
        f"Đơn vị chủ trì: {task.lead_at(today).name_at(today)}",
        f"Đơn vị phối hợp: {support or 'không có'}",
        f"Thời hạn hoàn thành: {fmt.deadline(task.deadline)}",
        f"Sản phẩm: {task.output}",
        f"Trạng thái ngày {fmt.day(site.today)}: {progress.state(task, site.today).label}",
    ]
    if task.sample:
        lines.append("Dữ liệu minh họa.")
    if url:
        lines.append(url)
    return lines


def _event(site: Site, task: Task, site_url: str | None, stamp: datetime) -> Event | None:
    due = task.deadline.due
    if due is None:
        return None
    # Imported here: only a build that makes calendars again (not one that takes them from the
    # build cache, nor a process that only renders pages) pays for loading the library.
    from icalendar import Event

    event = Event()
    # The feeds' authority (the agency's id): a renamed agency keeps its calendar events (same UIDs).
    event.add("uid", f"{task.anchor}@{authority(site)}")
    event.add("dtstamp", stamp)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("summary", f"{task.id} · {task.task}")
    url = task_url(task, site_url)
    if url:
        event.add("url", url)
    event.add("description", "\n".join(description_lines(site, task, url)))
    event.add("transp", "TRANSPARENT")
    if progress.state(task, site.today).bucket not in ("done", "paused"):
        for days in ALARM_DAYS:
            event.add_component(_alarm(task, days))
    return event


# Alarms this many days before a deadline. The event is all-day: its start is the deadline's
# midnight, so "-P6DT15H" rings at 09:00 seven days before, in office hours, not at midnight.
ALARM_DAYS = (7, 1)
ALARM_HOUR = 9


def _alarm(task: Task, days: int) -> Alarm:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -timedelta(days=days) + timedelta(hours=ALARM_HOUR))
    alarm.add("description", f"Còn {days} ngày đến hạn hoàn thành: {task.id} · {task.task}")
    return alarm


def _calendar(site: Site, name: str, events: list[bytes]) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", f"-//{site.agency.short}//Chỉ số CCHC//VI")
    calendar.add("version", "2.0")
    # The library writes an X- property's value as given, and refuses a line break in it: a name's
    # line breaks are escaped as in TEXT, which calendar programs show as one line.
    calendar.add("x-wr-calname", name.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    # A component's lines do not depend on what holds it: each event is serialised by the library
    # once, for the calendar of all tasks and its units' calendars (a task is in two or three),
    # and goes before the calendar's last line. Serialising every calendar whole cost a tenth of
    # a build at 1 000 tasks (docs/maintainers/performance.md).
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + b"".join(events) + b"END:VCALENDAR" + end


def calendar_files(site: Site, site_url: str | None = None) -> dict[str, bytes]:
    """The feed of all tasks and one per unit (the tasks it leads or supports)."""
    stamp = site.built.astimezone(UTC)  # DTSTAMP: the build time (SOURCE_DATE_EPOCH pins it)
    events: dict[Task, bytes] = {}
    for task in sorted(site.tasks, key=lambda t: (t.plan_year, t.id)):
        event = _event(site, task, site_url, stamp)
        if event is not None:
            events[task] = event.to_ical()
    files = {calendar_path(): _calendar(site, f"Hạn nhiệm vụ CCHC – {site.agency.short}", list(events.values()))}
    for unit in site.agency.units:
        mine = set(unit_tasks(site, unit))
        files[calendar_path(unit)] = _calendar(
            site, f"Hạn nhiệm vụ CCHC – {unit.name}", [event for task, event in events.items() if task in mine]
        )
    return files
