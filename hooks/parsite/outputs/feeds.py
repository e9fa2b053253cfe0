"""Atom feeds (RFC 4287) of what changed: one for all tasks and one per unit.

Each dated progress entry is one feed entry, newest first, linking to its task's heading on
the lead unit's page, so staff and journalists can follow progress in a feed reader.

- Entry ids are `tag:` URIs (RFC 4151) built from the agency and the task, never from the
  site's address: they stay the same when the site moves or `site_url` is set later, so a
  reader does not show old entries again. The authority is the one the calendars use for
  their UIDs.
- Links are absolute when `site_url` is set; otherwise they are relative to the feed file
  (Atom allows relative references, resolved against the feed's own address), which works
  wherever the site is published.
- Dates are the entry's day at 00:00 in Vietnam: the feed depends on the data only, and
  `updated` of the feed is its newest entry, so an unchanged log gives an unchanged file.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
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
_NAMESPACE = f' xmlns="{ATOM}"'
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


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


def authority(site: Site) -> str:
    """The tag: authority of ids (the calendars' UID domain): stable, independent of site_url."""
    return f"{fmt.slugify(site.agency.short, '-') or 'co-quan'}.chi-so-cchc"


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


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _stamp(day: date) -> str:
    return datetime.combine(day, time(0), clock.VIETNAM).isoformat()


def _href(target: str, feed: str, site_url: str | None) -> str:
    """Link to a site path ('don-vi/x/#a'): absolute with site_url, else relative to the feed."""
    if site_url:
        return f"{site_url.rstrip('/')}/{target}"
    page, hash_sign, anchor = target.partition("#")
    link = posixpath.relpath(page or ".", posixpath.dirname(feed) or ".")
    if not page or page.endswith("/"):
        link += "/"
    return link + hash_sign + anchor


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = _text(text)
    return element


def content_lines(task: Task, entry: ProgressEntry, state: progress.TaskState) -> list[str]:
    """An entry's text as a feed reader shows it: the task, then what was reported that day."""
    lines = [
        f"Nhiệm vụ {task.id} (Kế hoạch năm {task.plan_year}): {task.task}",
        f"Đơn vị chủ trì: {task.lead.name}",
        f"Thời hạn hoàn thành: {fmt.deadline(task.deadline)}",
        f"Ngày {fmt.day(entry.date)}, {entry.unit.name}: {entry.text}",
    ]
    if entry.evidence:
        lines.append(f"Minh chứng: {entry.evidence}")
    if entry.note:
        lines.append(f"Ghi chú: {entry.note}")
    lines.append(f"Trạng thái ngày {fmt.day(entry.date)}: {state.label}")
    if task.sample:
        lines.append("Dữ liệu minh họa.")
    return lines


def _entry(site: Site, item: _Item, path: str, site_url: str | None) -> bytes:
    """One entry, serialised as it is inside a feed (indented one level): an entry is in the
    feed of all tasks and in the feeds of its units, and is serialised once for all of them."""
    task, entry = item.task, item.entry
    state = progress.state(task, entry.date)
    element = ET.Element(f"{{{ATOM}}}entry")
    _sub(element, "id", f"tag:{authority(site)},{task.plan_year}:{task.anchor}/{entry.date.isoformat()}/{item.number}")
    change = f" → {progress.LABELS[entry.status]}" if entry.status else ""
    _sub(element, "title", f"{task.id} ({entry.unit.short}, {fmt.day(entry.date)}){change}: {entry.text}")
    _sub(element, "updated", _stamp(entry.date))
    _sub(element, "published", _stamp(entry.date))
    author = _sub(element, "author")
    _sub(author, "name", entry.unit.name)
    _sub(element, "link", rel="alternate", type="text/html", href=_href(task_address(task), path, site_url))
    _sub(element, "category", term=state.key, label=state.label)
    _sub(element, "content", "\n".join(content_lines(task, entry, state)), type="text")
    ET.indent(element, level=1)
    # Alone, the entry declares the default namespace the feed declares: dropped, as inside the feed.
    # Serialised to text, then encoded: the same bytes, without a codec call per piece of markup.
    return ET.tostring(element, encoding="unicode").replace(_NAMESPACE, "", 1).encode("utf-8")


def _feed(
    site: Site, unit: Unit | None, items: list[_Item], site_url: str | None, entry: Callable[[_Item, str], bytes]
) -> bytes:
    path = feed_path(unit)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "vi"})
    _sub(feed, "id", f"tag:{authority(site)},{site.plans[0].year if site.plans else site.today.year}:{path}")
    _sub(feed, "title", feed_title(site, unit))
    shown = items[:LIMIT]
    subtitle = "Mỗi mục tiến độ có ngày là một tin, mới nhất trước"
    if len(items) > LIMIT:
        subtitle += f" ({LIMIT} tin mới nhất trong tổng số {len(items)}; các tin cũ hơn xem trên trang)"
    _sub(feed, "subtitle", subtitle + ".")
    newest = shown[0].entry.date if shown else site.today  # an empty feed: as of the build's today
    _sub(feed, "updated", _stamp(newest))
    author = _sub(feed, "author")
    _sub(author, "name", site.agency.name)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=_href(path, path, site_url))
    page = address(unit_path(unit)) if unit else ""
    _sub(feed, "link", rel="alternate", type="text/html", href=_href(page, path, site_url))
    ET.indent(feed)
    head = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    if not shown:
        return head
    # The entries go after the feed's own elements, each on its line, as ET.indent lays them out.
    assert head.endswith(b"\n</feed>")
    return head[: -len(b"</feed>")] + b"".join(b"  " + entry(item, path) + b"\n" for item in shown) + b"</feed>"


def feed_files(site: Site, site_url: str | None = None) -> dict[str, bytes]:
    """The feed of all tasks and one per unit (tasks it leads or supports, entries it reported)."""
    ET.register_namespace("", ATOM)
    items = _items(site)
    made: dict[tuple[int, str], bytes] = {}

    def entry(item: _Item, path: str) -> bytes:
        # A relative link depends on the feed's folder: an entry is shared by feeds in the same one.
        key = (id(item), posixpath.dirname(path))
        if key not in made:
            made[key] = _entry(site, item, path, site_url)
        return made[key]

    files = {feed_path(): _feed(site, None, items, site_url, entry)}
    for unit in site.agency.units:
        mine = [i for i in items if i.task.lead is unit or unit in i.task.support or i.entry.unit is unit]
        files[feed_path(unit)] = _feed(site, unit, mine, site_url, entry)
    return files
