"""Calendars (parsite.outputs.calendars) as a calendar program reads them: one all-day event per
dated task on its deadline, in the calendar of all tasks and in its units' calendars, with its
text as the data has it whatever characters that holds, and every line folded under 75 octets."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from helpers import ROOT
from icalendar import Calendar
from parsite import fmt
from parsite.data_in.model import Site
from parsite.outputs import calendars
from parsite.site import load_site

SITE_URL = "https://so.example.gov.vn/cchc/"
HOSTILE = [
    "",
    "x" * 200,
    "dấu, chấm; phẩy\\ gạch \\N \\n và\nxuống\r\ndòng\rcuối",
    "ẩ" * 40,  # three bytes each: a fold never cuts a character
    "😀" * 30 + "x",  # four bytes each
    "\\" * 90,
    "^" * 80 + "\\,\\;",
    "a" * 72 + "\\\\b" + "c" * 80,
    "<script>alert(1)</script> BEGIN:VEVENT\nEND:VCALENDAR",
    "tab\tand spaces   ",
]


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(ROOT / "data", ROOT, today=date(2025, 3, 31))


def _one_line(text: str) -> str:
    """A text as TEXT reads back: each kind of line break one newline. The library writes a
    backslash before N as a line break too (RFC 5545 lets "\\N" stand for one)."""
    return text.replace("\\N", "\n").replace("\r\n", "\n").replace("\r", "\n")


def _with_text(site: Site, text: str) -> Site:
    """The site with `text` as every task's wording, the agency's short name and every unit's name."""
    units = tuple(dataclasses.replace(u, name=text + u.id) for u in site.agency.units)
    agency = dataclasses.replace(site.agency, short=text, units=units)
    by_id = {u.id: u for u in units}
    plans = []
    for plan in site.plans:
        tasks = tuple(
            dataclasses.replace(t, task=text, lead=by_id[t.lead.id], support=tuple(by_id[u.id] for u in t.support))
            for t in plan.tasks
        )
        plans.append(dataclasses.replace(plan, tasks=tasks))
    return dataclasses.replace(site, agency=agency, plans=tuple(plans))


@pytest.mark.parametrize("site_url", [None, SITE_URL])
def test_each_calendar_has_its_tasks_on_their_deadlines(site: Site, site_url: str | None) -> None:
    files = calendars.calendar_files(site, site_url)
    assert list(files) == calendars.calendar_paths(site)
    dated = [t for t in site.tasks if t.deadline.due is not None]
    assert dated and len(dated) < len(site.tasks)  # ongoing tasks are left out
    for unit in (None, *site.agency.units):
        expected = {t for t in dated if unit is None or t.lead.id == unit.id or unit in t.support}
        events = Calendar.from_ical(files[calendars.calendar_path(unit)]).walk("VEVENT")
        by_uid = {str(e["uid"]): e for e in events}
        assert len(by_uid) == len(events) == len(expected)
        for task in expected:
            event = by_uid[f"{task.anchor}@{fmt.slugify(site.agency.first_short, '-')}.chi-so-cchc"]
            assert event.decoded("dtstart") == task.deadline.due
            assert event.decoded("dtend") == task.deadline.due + timedelta(days=1)
            assert str(event["summary"]) == f"{task.id} · {task.task}"
            url = calendars.task_url(task, site_url)
            assert str(event["description"]) == "\n".join(calendars.description_lines(site, task, url))
            assert (str(event["url"]) if "url" in event else None) == url


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_reads_back_as_written(site: Site, text: str) -> None:
    hostile = _with_text(site, text)
    files = calendars.calendar_files(hostile, SITE_URL)
    for unit in (None, *hostile.agency.units):
        ics = files[calendars.calendar_path(unit)]
        assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
        parsed = Calendar.from_ical(ics)  # one calendar, whatever its name and events hold
        # A calendar's name is written as it is, only its line breaks escaped as TEXT escapes them.
        name = f"Hạn nhiệm vụ CCHC – {unit.name if unit else text}"
        assert str(parsed["x-wr-calname"]) == name.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
        assert str(parsed["prodid"]) == _one_line(f"-//{text}//Chỉ số CCHC//VI")
        events = parsed.walk("VEVENT")
        assert events
        by_anchor = {t.anchor: t for t in hostile.tasks}
        for event in events:
            task = by_anchor[str(event["uid"]).split("@")[0]]
            assert str(event["summary"]) == f"{task.id} · {_one_line(text)}"
            lines = calendars.description_lines(hostile, task, calendars.task_url(task, SITE_URL))
            assert str(event["description"]) == _one_line("\n".join(lines))


def test_tasks_still_to_do_ring_seven_days_and_one_day_before_their_deadline() -> None:
    from datetime import datetime

    from parsite.data_in import progress

    site = load_site(ROOT / "data", ROOT, today=date(2024, 10, 15))
    files = calendars.calendar_files(site, SITE_URL)
    by_uid = {str(e["uid"]): e for e in Calendar.from_ical(files[calendars.calendar_path()]).walk("VEVENT")}
    rang = 0
    for task in (t for t in site.tasks if t.deadline.due):
        event = by_uid[f"{task.anchor}@so-ld-tbxh.chi-so-cchc"]  # the UIDs as they were before alarms
        alarms = event.walk("VALARM")
        if progress.state(task, site.today).bucket == "done":
            assert alarms == [], task.id  # nothing to remind of
            continue
        midnight = datetime.combine(task.deadline.due, datetime.min.time())
        rings = sorted(midnight + a.decoded("trigger") for a in alarms)
        due = task.deadline.due
        days_before = (due - timedelta(days=7), due - timedelta(days=1))
        assert rings == [datetime(d.year, d.month, d.day, 9) for d in days_before]  # in office hours
        assert {str(a["action"]) for a in alarms} == {"DISPLAY"}
        assert all(f"{task.id} · {task.task}" in str(a["description"]) for a in alarms)
        rang += 1
    assert rang >= 10
