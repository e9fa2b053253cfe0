"""Every download declared once (parsite.outputs.registry): each record is built, described and
on the open-data page (or says why not), every built download is declared by a record, the
feeds a record announces are in the pages' <head>; and the overdue feed, the record added to
prove the checklist, is what a feed reader would expect."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from helpers import ROOT
from parsite.outputs.registry import EVERY_PAGE, OUTPUTS, SECTIONS, catalog
from parsite.site import load_site

# What the theme and MkDocs write besides pages and downloads.
NOT_DOWNLOADS = ("assets/", "search/", "sitemap.xml", "404.html")


@pytest.fixture(scope="module")
def made(built_site: Path):  # type: ignore[no-untyped-def]
    return catalog(load_site(ROOT / "data", ROOT))


def test_each_record_has_a_stable_code_a_type_and_a_description() -> None:
    keys = [o.key for o in OUTPUTS]
    assert len(keys) == len(set(keys))
    sections = {key for key, _ in SECTIONS}
    for output in OUTPUTS:
        assert output.description.strip() and "/" in output.media_type, output.key
        assert (output.section in sections) != bool(output.hidden_reason), output.key


def test_every_declared_file_is_built(made, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    for output, file in made.files:
        path = built_site / file.path
        assert path.is_file() and path.stat().st_size > 0, (output.key, file.path)


def test_every_built_download_is_declared(made, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    declared = {file.path for _, file in made.files}
    built = {
        p.relative_to(built_site).as_posix()
        for p in built_site.rglob("*")
        if p.is_file() and p.suffix not in (".gz", ".br", ".html")
    }
    undeclared = {p for p in built if not p.startswith(NOT_DOWNLOADS)} - declared
    assert undeclared == set()


def test_the_open_data_page_links_every_listed_file(made, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    html = (built_site / "du-lieu" / "index.html").read_text(encoding="utf-8")
    for output, file in made.files:
        link = f'href="{Path("..") / file.path}"' if not file.path.startswith("du-lieu/") else None
        link = link or f'href="{file.path.removeprefix("du-lieu/")}"'
        assert (link in html) == (output.section is not None), (output.key, file.path)
    for key, heading in SECTIONS:
        assert heading in html, key


def test_pages_announce_the_feeds_their_records_say(made, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    for page in ("index.html", "don-vi/van-phong/index.html", "ket-qua/index.html"):
        head = (built_site / page).read_text(encoding="utf-8").split("</head>", 1)[0]
        source = page.removesuffix("index.html").rstrip("/")
        announced = [
            (o, f)
            for o, f in made.files
            if f.announce_on == EVERY_PAGE or (source and f.announce_on == f"{source}/index.md")
        ]
        assert announced
        for output, file in announced:
            assert f'type="{output.media_type}"' in head and file.path in unquote(head), (page, file.path)


def test_a_units_overdue_feed_lists_the_tasks_it_leads_that_are_overdue(built_site: Path) -> None:
    tasks = json.loads((built_site / "du-lieu" / "tasks.json").read_text(encoding="utf-8"))["tasks"]
    units = {t["lead"] for t in tasks}
    seen_entries = 0
    for unit in sorted(units):
        feed = feedparser.parse((built_site / f"qua-han-{unit}.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        overdue = [t for t in tasks if t["lead"] == unit and t["state"] == "qua-han"]
        assert sorted(e.link.rsplit("#", 1)[1] for e in feed.entries) == sorted(t["anchor"] for t in overdue)
        for entry in feed.entries:
            task = next(t for t in overdue if entry.link.endswith("#" + t["anchor"]))
            assert entry.title.startswith(f"{task['id']}: quá hạn từ ")
            assert "Quá hạn" in entry.content[0].value and task["task"] in entry.content[0].value
            assert entry.id.endswith(f":{task['anchor']}/qua-han")
        seen_entries += len(feed.entries)
        assert feed.feed.title.startswith("Nhiệm vụ CCHC quá hạn – ")
        html = (built_site / "don-vi" / unit / "index.html").read_text(encoding="utf-8")
        assert f'href="../../qua-han-{unit}.xml"' in html.split("</head>", 1)[0]
    assert seen_entries > 0  # the real data has overdue tasks on the pinned day
