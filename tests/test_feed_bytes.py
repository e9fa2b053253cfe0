"""Feeds (parsite.outputs.feeds) as a feed reader sees them (feedparser), on the real data,
generated data and hostile text: the newest entries first, each with its task's title, link,
stable id, date and text as the data has them, less what XML cannot carry."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from helpers import ROOT, generate_data
from parsite import fmt
from parsite.data_in import progress
from parsite.data_in.model import Site
from parsite.outputs import feeds
from parsite.outputs.paths import task_address
from parsite.site import load_site

HOSTILE = "<b>&amp;</b> \"quoted\" 'single' \x01 😀 ẩ\nline ]]> \ufffe end  "
# Where a reader fetched the feed from when the site has no address: relative links resolve here.
PUBLISHED_AT = "https://mirror.example.org/cchc/"


def _hostile(site: Site) -> Site:
    """Every text the feeds print, in awkward forms."""
    units = tuple(dataclasses.replace(u, name=HOSTILE + u.name, short=HOSTILE) for u in site.agency.units)
    plans = []
    for plan in site.plans:
        tasks = []
        for task in plan.tasks:
            log = tuple(dataclasses.replace(e, text=HOSTILE, evidence=HOSTILE, note=HOSTILE) for e in task.progress)
            tasks.append(dataclasses.replace(task, task=HOSTILE, progress=log))
        plans.append(dataclasses.replace(plan, tasks=tuple(tasks)))
    return dataclasses.replace(site, agency=dataclasses.replace(site.agency, units=units), plans=tuple(plans))


def _xml(text: str) -> str:
    """What a reader gets of a text: the characters XML 1.0 cannot carry are left out."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", text)


@pytest.mark.parametrize("site_url", [None, "https://cchc.example.gov.vn/"])
@pytest.mark.parametrize("data", ["real", "generated", "hostile"])
def test_a_reader_sees_each_feeds_newest_entries(data: str, site_url: str | None, tmp_path: Path) -> None:
    if data == "generated":
        generate_data(tmp_path / "data", tasks=300)
        site = load_site(tmp_path / "data", tmp_path)
    else:
        site = load_site(ROOT / "data", ROOT)
    if data == "hostile":
        site = _hostile(site)
    base = site_url or PUBLISHED_AT
    tasks = {task.anchor: task for task in site.tasks}
    files = feeds.feed_files(site, site_url)
    assert list(files) == feeds.feed_paths(site)
    cut = 0  # feeds with more entries than they show
    for unit in (None, *site.agency.units):
        path = feeds.feed_path(unit)
        read = feedparser.parse(
            files[path], response_headers={"content-type": "application/atom+xml", "content-location": base + path}
        )
        assert not read.bozo, read.get("bozo_exception")
        assert read.feed.title == _xml(feeds.feed_title(site, unit))
        assert read.feed.language == "vi"
        links = {link.rel: link.href for link in read.feed.links}
        assert links["self"] == base + path
        assert links["alternate"] == base + (f"don-vi/{unit.id}/" if unit else "")
        # What the feed holds: the unit's tasks' entries and those it reported, newest first
        # (units told apart by id: the hostile copy renames them, the tasks keep theirs).
        logged = [
            (task, entry)
            for task in site.tasks
            for entry in task.progress
            if unit is None or unit.id in {task.lead.id, entry.unit.id, *(u.id for u in task.support)}
        ]
        assert len(read.entries) == min(len(logged), feeds.LIMIT)
        cut += len(logged) > feeds.LIMIT
        days = []
        for item in read.entries:
            # tag:AUTHORITY,YEAR:ANCHOR/DAY/NUMBER: from stable keys, not from names or the address.
            tag = re.fullmatch(r"tag:([^,]+),(\d{4}):([^/]+)/([\d-]+)/(\d+)", item.id)
            assert tag, item.id
            assert tag[1] == feeds.authority(site)
            task = tasks[tag[3]]
            day = datetime.fromisoformat(tag[4]).date()
            entry = [e for e in task.progress if e.date == day][int(tag[5]) - 1]
            state = progress.state(task, day)
            change = f" → {progress.LABELS[entry.status]}" if entry.status else ""
            title = f"{task.id} ({entry.unit.short}, {fmt.day(day)}){change}: {entry.text}"
            assert item.title == _xml(title).strip()  # feedparser trims a title's ends
            assert item.link == base + task_address(task)
            assert item.author == _xml(entry.unit.name)
            assert item.content[0].value == _xml("\n".join(feeds.content_lines(task, entry, state)))
            midnight_in_vietnam = datetime(day.year, day.month, day.day) - timedelta(hours=7)
            assert datetime(*item.published_parsed[:6]) == midnight_in_vietnam
            assert item.updated_parsed == item.published_parsed
            assert [t.term for t in item.tags] == [state.key]
            days.append(day)
        assert len({item.id for item in read.entries}) == len(read.entries)
        assert days == sorted(days, reverse=True)
        left_out = [entry.date for _, entry in logged if entry.date not in days]
        assert not days or all(day <= days[-1] for day in left_out)
        if days:
            newest = datetime(*read.feed.updated_parsed[:6], tzinfo=UTC)
            assert newest.date() == days[0] - timedelta(days=1)  # 00:00 in Vietnam is 17:00 UTC the day before
    assert cut or data != "generated"
