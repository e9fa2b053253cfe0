"""Deadline calendars (iCalendar, RFC 5545): one feed per unit and one for all tasks.

One all-day event per dated task on its last day (a quarter ends on its last day);
ongoing tasks ("thường xuyên") have no date and are left out. UIDs are stable, so a
subscribed calendar updates its events instead of duplicating them.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from .. import clock, fmt
from ..data_in import progress
from ..data_in.model import Site, Task, Unit
from .paths import task_address

FOLDER = "lich"


def calendar_path(unit: Unit | None = None) -> str:
    return f"{FOLDER}/{unit.id if unit else 'tat-ca'}.ics"


def calendar_paths(site: Site) -> list[str]:
    """The feed of all tasks, then one per unit."""
    return [calendar_path(), *(calendar_path(unit) for unit in site.agency.units)]


def task_url(task: Task, site_url: str | None) -> str | None:
    if not site_url:
        return None
    return f"{site_url.rstrip('/')}/{task_address(task)}"


def _text(value: str) -> str:
    """An iCalendar TEXT value (RFC 5545 3.3.11), escaped exactly as the icalendar library does."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _line_breaks(value: str) -> str:
    """A value with its line breaks escaped as in TEXT, and nothing else."""
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _fold(line: str) -> str:
    """A content line folded under 75 octets (RFC 5545 3.1), as the icalendar library folds it:
    never inside a character, never right after a backslash or caret that escapes the next one.

    Each piece is the longest run of whole characters of at most 74 octets; a piece of two or
    more characters that ends in a backslash or caret leaves it to the next piece."""
    data = line.encode("utf-8")
    if len(data) < 75:
        return line
    pieces = []
    start = 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # inside a character: cut before it
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end].decode("utf-8"))
        start = end
    pieces.append(data[start:].decode("utf-8"))
    return "\r\n ".join(pieces)


def description_lines(site: Site, task: Task, url: str | None) -> list[str]:
    """What a calendar program shows of a task: its plan, field, units, deadline, output, state."""
    plan = next(p for p in site.plans if p.year == task.plan_year)
    lines = [
        f"Kế hoạch: {plan.short_title}",
        f"Lĩnh vực {task.field.id}: {task.field.name}",
        f"Đơn vị chủ trì: {task.lead.name}",
        f"Đơn vị phối hợp: {'; '.join(u.name for u in task.support) or 'không có'}",
        f"Thời hạn hoàn thành: {fmt.deadline(task.deadline)}",
        f"Sản phẩm: {task.output}",
        f"Trạng thái ngày {fmt.day(site.today)}: {progress.state(task, site.today).label}",
    ]
    if task.sample:
        lines.append("Dữ liệu minh họa.")
    if url:
        lines.append(url)
    return lines


def _event(site: Site, task: Task, site_url: str | None, stamp: str, uid_domain: str) -> bytes | None:
    """One task's VEVENT, serialised here: the icalendar library took most of a build's calendar
    time building and folding objects for text that is already known (tests/test_calendar_bytes.py
    checks the bytes against the library's on hostile text)."""
    due = task.deadline.due
    if due is None:
        return None
    url = task_url(task, site_url)
    lines = description_lines(site, task, url)
    # The icalendar library's order: its canonical properties first, then the others by name.
    properties = [
        f"SUMMARY:{_text(f'{task.id} · {task.task}')}",
        f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
        f"DTEND;VALUE=DATE:{due + timedelta(days=1):%Y%m%d}",
        f"DTSTAMP:{stamp}",
        f"UID:{_text(f'{task.anchor}@{uid_domain}')}",
        f"DESCRIPTION:{_text(chr(10).join(lines))}",
        "TRANSP:TRANSPARENT",
    ]
    if url:
        properties.append(f"URL:{url}")
    return ("BEGIN:VEVENT\r\n" + "".join(_fold(p) + "\r\n" for p in properties) + "END:VEVENT\r\n").encode()


def _calendar(site: Site, name: str, events: list[bytes]) -> bytes:
    """The calendar around its events, its properties as the icalendar library writes a
    Calendar: VERSION and PRODID first, then the others by name (tests/test_calendar_bytes.py).
    The library writes an X- property's value as it is, which calendar programs read back as
    it is; a line break, which the library refuses, is written as TEXT writes it."""
    properties = [
        "VERSION:2.0",
        f"PRODID:{_text(f'-//{site.agency.short}//Chỉ số CCHC//VI')}",
        f"X-WR-CALNAME:{_line_breaks(name)}",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    head = "BEGIN:VCALENDAR\r\n" + "".join(_fold(p) + "\r\n" for p in properties)
    return head.encode() + b"".join(events) + b"END:VCALENDAR\r\n"


def calendar_files(site: Site, site_url: str | None = None) -> dict[str, bytes]:
    """The feed of all tasks and one per unit (the tasks it leads or supports).

    Each event is serialised once and shared by every feed it belongs to.
    """
    # DTSTAMP: the build time (SOURCE_DATE_EPOCH pins it), in UTC.
    stamp = f"{clock.build_time().astimezone(UTC):%Y%m%dT%H%M%SZ}"
    # From the first short name: a renamed agency keeps its calendar events (same UIDs).
    uid_domain = f"{fmt.slugify(site.agency.first_short, '-')}.chi-so-cchc"
    events: dict[Task, bytes] = {}
    for task in sorted(site.tasks, key=lambda t: (t.plan_year, t.id)):
        event = _event(site, task, site_url, stamp, uid_domain)
        if event is not None:
            events[task] = event
    files = {calendar_path(): _calendar(site, f"Hạn nhiệm vụ CCHC – {site.agency.short}", list(events.values()))}
    for unit in site.agency.units:
        mine = [ical for task, ical in events.items() if task.lead.id == unit.id or unit in task.support]
        files[calendar_path(unit)] = _calendar(site, f"Hạn nhiệm vụ CCHC – {unit.name}", mine)
    return files
