"""Feeds are assembled from entries serialised once each (parsite.outputs.feeds), byte for byte as
ElementTree writes the whole feed in one tree (the code before), on the real data, generated
data and hostile text."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from helpers import ROOT, generate_data
from parsite import fmt
from parsite.data_in import progress
from parsite.data_in.model import Site, Unit
from parsite.outputs import feeds
from parsite.outputs.paths import address, task_address, unit_path
from parsite.site import load_site

HOSTILE = "<b>&amp;</b> \"quoted\" 'single' \x01 😀 ẩ\nline ]]> \ufffe end  "


def _reference(site: Site, site_url: str | None) -> dict[str, bytes]:
    """Every feed as one ElementTree, indented and serialised in one go."""
    sub = feeds._sub

    def feed(unit: Unit | None, items: list) -> bytes:
        path = feeds.feed_path(unit)
        root = ET.Element(f"{{{feeds.ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
        sub(root, "id", f"tag:{feeds.authority(site)},{site.plans[0].year if site.plans else site.today.year}:{path}")
        sub(root, "title", feeds.feed_title(site, unit))
        shown = items[: feeds.LIMIT]
        subtitle = "Mỗi mục tiến độ có ngày là một tin, mới nhất trước"
        if len(items) > feeds.LIMIT:
            subtitle += f" ({feeds.LIMIT} tin mới nhất trong tổng số {len(items)}; các tin cũ hơn xem trên trang)"
        sub(root, "subtitle", subtitle + ".")
        sub(root, "updated", feeds._stamp(shown[0].entry.date if shown else site.today))
        sub(sub(root, "author"), "name", site.agency.name)
        sub(root, "link", rel="self", type="application/atom+xml", href=feeds._href(path, path, site_url))
        page = address(unit_path(unit)) if unit else ""
        sub(root, "link", rel="alternate", type="text/html", href=feeds._href(page, path, site_url))
        for item in shown:
            task, entry = item.task, item.entry
            state = progress.state(task, entry.date)
            element = sub(root, "entry")
            anchor = f"{task.anchor}/{entry.date.isoformat()}/{item.number}"
            sub(element, "id", f"tag:{feeds.authority(site)},{task.plan_year}:{anchor}")
            change = f" → {progress.LABELS[entry.status]}" if entry.status else ""
            sub(element, "title", f"{task.id} ({entry.unit.short}, {fmt.day(entry.date)}){change}: {entry.text}")
            sub(element, "updated", feeds._stamp(entry.date))
            sub(element, "published", feeds._stamp(entry.date))
            sub(sub(element, "author"), "name", entry.unit.name)
            href = feeds._href(task_address(task), path, site_url)
            sub(element, "link", rel="alternate", type="text/html", href=href)
            sub(element, "category", term=state.key, label=state.label)
            sub(element, "content", "\n".join(feeds.content_lines(task, entry, state)), type="text")
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    ET.register_namespace("", feeds.ATOM)
    items = feeds._items(site)
    files = {feeds.feed_path(): feed(None, items)}
    for unit in site.agency.units:
        mine = [i for i in items if i.task.lead is unit or unit in i.task.support or i.entry.unit is unit]
        files[feeds.feed_path(unit)] = feed(unit, mine)
    return files


def _generated(tmp_path: Path, tasks: int) -> Site:
    generate_data(tmp_path / "data", tasks=tasks)
    return load_site(tmp_path / "data", tmp_path)


@pytest.mark.parametrize("site_url", [None, "https://cchc.example.gov.vn/"])
@pytest.mark.parametrize("data", ["real", "generated", "hostile"])
def test_feeds_are_what_one_elementtree_writes(data: str, site_url: str | None, tmp_path: Path) -> None:
    site = _generated(tmp_path, 300) if data == "generated" else load_site(ROOT / "data", ROOT)
    if data == "hostile":  # every text the feeds print, in awkward forms
        units = tuple(dataclasses.replace(u, name=HOSTILE + u.name, short=HOSTILE) for u in site.agency.units)
        site = dataclasses.replace(site, agency=dataclasses.replace(site.agency, units=units))
        plans = []
        for plan in site.plans:
            tasks = []
            for task in plan.tasks:
                log = tuple(dataclasses.replace(e, text=HOSTILE, evidence=HOSTILE, note=HOSTILE) for e in task.progress)
                tasks.append(dataclasses.replace(task, task=HOSTILE, progress=log))
            plans.append(dataclasses.replace(plan, tasks=tuple(tasks)))
        site = dataclasses.replace(site, plans=tuple(plans))
    made, reference = feeds.feed_files(site, site_url), _reference(site, site_url)
    assert made.keys() == reference.keys()
    assert any(len(feed) > 2000 for feed in made.values())
    for path in made:
        assert made[path] == reference[path], path
