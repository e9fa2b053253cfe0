"""Atom feeds of each unit's overdue tasks (nhiệm vụ quá hạn): one feed per unit.

A unit's feed holds one entry per task it leads that is overdue on the build's day (its
deadline passed and it is not finished, parsite.data_in.progress.state), the longest overdue
first; an entry leaves the feed when the task is finished. Entry ids are `tag:` URIs from the
agency and the task (as in outputs/feeds.py), and an entry's `updated` is the day the task
became overdue: the count of days grows in its text each day, but a reader shows the entry once.
"""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

from .. import fmt
from ..data_in import progress
from ..data_in.model import Site, Task, Unit
from .feeds import ATOM, authority, element, href, stamp
from .paths import address, task_address, unit_path

PREFIX = "qua-han"


def feed_path(unit: Unit) -> str:
    """Docs-relative path of a unit's feed (at the site's root, beside the progress feeds)."""
    return f"{PREFIX}-{unit.id}.xml"


def feed_title(site: Site, unit: Unit) -> str:
    return f"Nhiệm vụ CCHC quá hạn – {unit.name}"


def unit_tasks(site: Site, unit: Unit) -> list[Task]:
    """The tasks the unit leads that are overdue on the build's day (those it took over from a
    unit that ended among them), the longest overdue first.

    A draft plan's tasks (dự thảo, not signed) are not being carried out: none of them is overdue.
    """
    drafts = {p.year for p in site.plans if p.draft}
    led = [t for t in site.tasks if t.lead_at(site.today).id == unit.id and t.plan_year not in drafts]
    overdue = [(progress.state(t, site.today), t) for t in led]
    late = [(s.days_late or 0, t) for s, t in overdue if s.key == "qua-han"]
    return [t for _, t in sorted(late, key=lambda pair: (-pair[0], pair[1].plan_year, pair[1].id))]


def content_lines(site: Site, task: Task) -> list[str]:
    """An entry's text as a feed reader shows it."""
    today = site.today
    state = progress.state(task, today)
    lines = [
        f"Nhiệm vụ {task.id} (Kế hoạch năm {task.plan_year}): {task.task}",
        f"Đơn vị chủ trì: {task.lead_at(today).name_at(today)}",
        f"Thời hạn hoàn thành: {fmt.deadline(task.deadline)}",
        f"Quá hạn {state.days_late} ngày tính đến ngày {fmt.day(today)}.",
    ]
    if task.support_at(today):
        lines.insert(2, "Đơn vị phối hợp: " + "; ".join(u.name_at(today) for u in task.support_at(today)))
    if task.sample:
        lines.append("Dữ liệu minh họa.")
    return lines


def feed_bytes(site: Site, unit: Unit, site_url: str | None) -> bytes:
    """The unit's feed of overdue tasks."""
    ET.register_namespace("", ATOM)
    path = feed_path(unit)
    tasks = unit_tasks(site, unit)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    element(feed, "id", f"tag:{authority(site)},{site.plans[0].year if site.plans else site.today.year}:{path}")
    element(feed, "title", feed_title(site, unit))
    element(feed, "subtitle", "Mỗi nhiệm vụ quá hạn là một tin, quá hạn lâu nhất trước; tin mất đi khi hoàn thành.")
    became = {t: t.deadline.due + timedelta(days=1) for t in tasks if t.deadline.due}
    element(feed, "updated", stamp(max(became.values(), default=site.today)))
    author = element(feed, "author")
    element(author, "name", site.agency.name)
    element(feed, "link", rel="self", type="application/atom+xml", href=href(path, path, site_url))
    element(feed, "link", rel="alternate", type="text/html", href=href(address(unit_path(unit)), path, site_url))
    for task in tasks:
        entry = element(feed, "entry")
        element(entry, "id", f"tag:{authority(site)},{task.plan_year}:{task.anchor}/qua-han")
        element(entry, "title", f"{task.id}: quá hạn từ {fmt.day(became[task])} – {task.task}")
        element(entry, "updated", stamp(became[task]))
        element(entry, "link", rel="alternate", type="text/html", href=href(task_address(task), path, site_url))
        element(entry, "category", term="qua-han", label=progress.LABELS["qua-han"])
        element(entry, "content", "\n".join(content_lines(site, task)), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
