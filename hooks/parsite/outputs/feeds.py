"""Atom feeds (RFC 4287) of what changed: one for all tasks and one per unit.

Each dated progress entry is one feed entry, newest first, linking to its task's heading on
the lead unit's page, so staff and journalists can follow progress in a feed reader.

- Entry ids are `tag:` URIs (RFC 4151) built from the agency and the task, never from the
  site's address: they stay the same when the site moves or `site_url` is set later, so a
  reader does not show old entries again. The authority (`authority`) is the agency's `id`,
  the same for the overdue feeds and the calendars' UIDs.
- Links are absolute when `site_url` is set; otherwise they are relative to the feed file
  (Atom allows relative references, resolved against the feed's own address), which works
  wherever the site is published.
- Dates are the entry's day at 00:00 in Vietnam: the feed depends on the data only, and
  `updated` of the feed is its newest entry, so an unchanged log gives an unchanged file.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import date, datetime, time
from xml.etree import ElementTree as ET

from .. import clock, fmt
from ..data_in import progress
from ..data_in.model import ProgressEntry, Site, Task, Unit
from .paths import address, task_address, unit_path

# At the site's root, not in a folder: Material reads every <link rel="alternate"> of a page as
# a translation and fetches "sitemap.xml" beside it; beside a root file that is MkDocs's own
# sitemap, so no page load asks for a file that does not exist.
PREFIX = "tien-do"
ATOM = "http://www.w3.org/2005/Atom"
# A feed is read by a reader every few hours, and each read fetches the whole file: the newest
# entries are what it needs (readers keep what they have seen); the whole log stays on the pages
# and in the open data. Beyond this, the oldest are left out (the subtitle says how many there
# are). 100 entries are weeks of progress for a large agency; at 500 a unit's feed of a
# 1 000-task site was 300 KB, fetched at every poll.
LIMIT = 100

# Characters XML 1.0 cannot carry (YAML lets an editor write them as "\x01" escapes).


def feed_path(unit: Unit | None = None) -> str:
    """Docs-relative path of the feed of all tasks, or of one unit's tasks."""
    return f"{PREFIX}-{unit.id}.xml" if unit else f"{PREFIX}.xml"


def feed_paths(site: Site) -> list[str]:
    return [feed_path(), *(feed_path(unit) for unit in site.agency.units)]


def feed_title(site: Site, unit: Unit | None = None) -> str:
    return f"Tiến độ nhiệm vụ CCHC – {unit.name if unit else site.agency.short}"


def page_feeds(site: Site, page: str) -> list[dict[str, str]]:
    """The feeds a page announces ({title, path}), its own first: a unit's page has its unit's."""
    feeds = [{"title": feed_title(site), "path": feed_path()}]
    unit = next((u for u in site.agency.units if page == unit_path(u)), None)
    if unit is not None:
        feeds.insert(0, {"title": feed_title(site, unit), "path": feed_path(unit)})
    return feeds


def unit_tasks(site: Site, unit: Unit) -> list[Task]:
    """The tasks a unit's feed reads: those it leads or supports, or reported progress on."""
    return [
        t
        for t in site.tasks
        if t.led_by(unit, site.today)
        or t.supported_by(unit, site.today)
        or any(e.unit.id == unit.id for e in t.progress)
    ]


def authority(site: Site) -> str:
    """The tag: authority of every feed's and entry's id and the calendars' UID domain.

    Made from the agency's `id` (agency.yml; by default from its first short name), never from
    its names of the day nor from site_url: a renamed, merged or moved site keeps its ids, so a
    feed reader or a subscribed calendar does not show old entries again.
    """
    return f"{site.agency.id}.chi-so-cchc"


@dataclass(frozen=True)
class _Item:
    task: Task
    entry: ProgressEntry
    number: int  # 1 for the first entry of that task on that day, 2 for the second...


def _items(site: Site) -> list[_Item]:
    """Every progress entry of every task, newest first (same day: by plan, task and order)."""
    found = []
    for task in site.tasks:
        seen: dict[date, int] = {}
        for entry in task.progress:
            seen[entry.date] = seen.get(entry.date, 0) + 1
            found.append(_Item(task, entry, seen[entry.date]))
    found.sort(key=lambda i: (i.task.plan_year, i.task.id, i.entry.date, i.number))
    found.sort(key=lambda i: i.entry.date, reverse=True)  # stable: ties keep the order above
    return found


def stamp(day: date) -> str:
    """An Atom date for a day: its 00:00 in Vietnam."""
    return datetime.combine(day, time(0), clock.VIETNAM).isoformat()


def href(target: str, feed: str, site_url: str | None) -> str:
    """Link to a site path ('don-vi/x/#a'): absolute with site_url, else relative to the feed."""
    if site_url:
        return f"{site_url.rstrip('/')}/{target}"
    page, hash_sign, anchor = target.partition("#")
    link = posixpath.relpath(page or ".", posixpath.dirname(feed) or ".")
    if not page or page.endswith("/"):
        link += "/"
    return link + hash_sign + anchor


def element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """An Atom element added to `parent`, its text without what XML cannot carry."""
    added = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        added.text = fmt.xml_text(text)
    return added


def content_lines(task: Task, entry: ProgressEntry, state: progress.TaskState) -> list[str]:
    """An entry's text as a feed reader shows it: the task, then what was reported that day, with
    the units by their names of that day."""
    day = entry.date
    lines = [
        f"Nhiệm vụ {task.id} (Kế hoạch năm {task.plan_year}): {task.task}",
        f"Đơn vị chủ trì: {task.lead_at(day).name_at(day)}",
        f"Thời hạn hoàn thành: {fmt.deadline(task.deadline)}",
        f"Ngày {fmt.day(day)}, {entry.unit.name_at(day)}: {entry.text}",
    ]
    if entry.evidence:
        lines.append(f"Minh chứng: {entry.evidence}")
    if entry.note:
        lines.append(f"Ghi chú: {entry.note}")
    lines.append(f"Trạng thái ngày {fmt.day(entry.date)}: {state.label}")
    if task.sample:
        lines.append("Dữ liệu minh họa.")
    return lines


def _entry(feed: ET.Element, site: Site, item: _Item, path: str, site_url: str | None) -> None:
    task, entry = item.task, item.entry
    state = progress.state(task, entry.date)
    node = element(feed, "entry")
    element(node, "id", f"tag:{authority(site)},{task.plan_year}:{task.anchor}/{entry.date.isoformat()}/{item.number}")
    change = f" → {progress.LABELS[entry.status]}" if entry.status else ""
    who = entry.unit.short_at(entry.date)
    element(node, "title", f"{task.id} ({who}, {fmt.day(entry.date)}){change}: {entry.text}")
    element(node, "updated", stamp(entry.date))
    element(node, "published", stamp(entry.date))
    author = element(node, "author")
    element(author, "name", entry.unit.name_at(entry.date))
    element(node, "link", rel="alternate", type="text/html", href=href(task_address(task), path, site_url))
    element(node, "category", term=state.key, label=state.label)
    element(node, "content", "\n".join(content_lines(task, entry, state)), type="text")


def _feed(site: Site, unit: Unit | None, items: list[_Item], site_url: str | None) -> bytes:
    path = feed_path(unit)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    element(feed, "id", f"tag:{authority(site)},{site.plans[0].year if site.plans else site.today.year}:{path}")
    element(feed, "title", feed_title(site, unit))
    shown = items[:LIMIT]
    subtitle = "Mỗi mục tiến độ có ngày là một tin, mới nhất trước"
    if len(items) > LIMIT:
        subtitle += f" ({LIMIT} tin mới nhất trong tổng số {len(items)}; các tin cũ hơn xem trên trang)"
    element(feed, "subtitle", subtitle + ".")
    newest = shown[0].entry.date if shown else site.today  # an empty feed: as of the build's today
    element(feed, "updated", stamp(newest))
    author = element(feed, "author")
    element(author, "name", site.agency.name)
    element(feed, "link", rel="self", type="application/atom+xml", href=href(path, path, site_url))
    page = address(unit_path(unit)) if unit else ""
    element(feed, "link", rel="alternate", type="text/html", href=href(page, path, site_url))
    for item in shown:
        _entry(feed, site, item, path, site_url)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _concerns(item: _Item, unit: Unit) -> bool:
    """Whether an entry belongs in the unit's feed: it led or supported the task on the entry's day
    (a successor from the handover on), or reported it."""
    day = item.entry.date
    ids = {item.entry.unit.id, item.task.lead_at(day).id, *(u.id for u in item.task.support_at(day))}
    return unit.id in ids


def feed_files(site: Site, site_url: str | None = None) -> dict[str, bytes]:
    """The feed of all tasks and one per unit (tasks it leads or supports, entries it reported)."""
    ET.register_namespace("", ATOM)  # Atom as the default namespace: <entry>, not <ns0:entry>
    items = _items(site)
    files = {feed_path(): _feed(site, None, items, site_url)}
    for unit in site.agency.units:
        mine = [i for i in items if _concerns(i, unit)]
        files[feed_path(unit)] = _feed(site, unit, mine, site_url)
    return files
