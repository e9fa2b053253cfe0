"""Calendars are serialised by the core (parsite.outputs.calendars), byte for byte as the icalendar
library would write them, and the library still reads them back as written."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, timedelta

import pytest
from helpers import ROOT
from icalendar import Calendar, Event
from icalendar.parser.content_line import Contentline
from icalendar.prop import vText
from parsite import clock, fmt
from parsite.data_in.model import Site, Task
from parsite.outputs import calendars
from parsite.site import load_site

HOSTILE = [
    "",
    "a",
    "x" * 74,
    "x" * 75,
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


@pytest.mark.parametrize("text", HOSTILE)
def test_text_is_escaped_and_folded_as_the_library_does(text: str) -> None:
    for name in ("SUMMARY", "DESCRIPTION", "X-LONG-PROPERTY-NAME"):
        expected = Contentline.from_parts(name, vText(text).params, vText(text)).to_ical().decode("utf-8")
        assert calendars._fold(f"{name}:{calendars._text(text)}") == expected
        for line in expected.split("\r\n"):
            assert len(line.encode("utf-8")) <= 75


def _reference(site: Site, site_url: str | None) -> dict[str, bytes]:
    """The calendars as the icalendar library writes them (the code before it was replaced)."""
    stamp = clock.build_time().astimezone(UTC)
    events: dict[Task, bytes] = {}
    for task in sorted(site.tasks, key=lambda t: (t.plan_year, t.id)):
        due = task.deadline.due
        if due is None:
            continue
        event = Event()
        event.add("uid", f"{task.anchor}@{fmt.slugify(site.agency.first_short, '-')}.chi-so-cchc")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"{task.id} · {task.task}")
        # The same text as the core's (its serialisation, not its wording, is under test).
        url = calendars.task_url(task, site_url)
        if url:
            event.add("url", url)
        event.add("description", "\n".join(calendars.description_lines(site, task, url)))
        event.add("transp", "TRANSPARENT")
        events[task] = event.to_ical()
    files = {
        calendars.calendar_path(): _reference_calendar(
            site.agency.short, f"Hạn nhiệm vụ CCHC – {site.agency.short}", list(events.values())
        )
    }
    for unit in site.agency.units:
        mine = [ical for task, ical in events.items() if task.lead.id == unit.id or unit in task.support]
        files[calendars.calendar_path(unit)] = _reference_calendar(
            site.agency.short, f"Hạn nhiệm vụ CCHC – {unit.name}", mine
        )
    return files


def _reference_calendar(agency: str, name: str, events: list[bytes]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{agency}//Chỉ số CCHC//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + b"".join(events) + b"END:VCALENDAR" + end


@pytest.mark.parametrize("text", HOSTILE)
def test_a_calendar_is_named_as_the_library_names_it(text: str) -> None:
    site = load_site(ROOT / "data", ROOT, today=date(2025, 3, 31))
    site = dataclasses.replace(site, agency=dataclasses.replace(site.agency, short=text))
    event = b"BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
    made = calendars._calendar(site, text, [event])
    if not any(c in text for c in "\r\n"):
        assert made == _reference_calendar(text, text, [event])
    parsed = Calendar.from_ical(made)  # one calendar with its one event, whatever the name holds
    assert [str(e["summary"]) for e in parsed.walk("VEVENT")] == ["x"]
    assert str(parsed["x-wr-calname"]) == text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


@pytest.mark.parametrize("site_url", [None, "https://so.example.gov.vn/cchc/"])
def test_calendars_are_the_bytes_the_library_would_write(site_url: str | None) -> None:
    site = load_site(ROOT / "data", ROOT, today=date(2025, 3, 31))
    made = calendars.calendar_files(site, site_url)
    assert made == _reference(site, site_url)
    for ics in made.values():
        parsed = Calendar.from_ical(ics)
        for event in parsed.walk("VEVENT"):
            assert str(event["summary"]).split(" · ", 1)[0] in {t.id for t in site.tasks}
