"""The task finder's data ("Tra cứu nhiệm vụ"): the order its table starts in and the compact
JSON file its script filters.

The page lists the first PAGE tasks in HTML (what a reader without JavaScript gets, and what the
script starts from, so nothing moves when it takes over); the script filters every task from
`tra-cuu/nhiem-vu.json` and shows the matches a page at a time. At 2,000 tasks the page stays
small and each keystroke filters plain objects instead of thousands of table rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from datetime import date

from .. import fmt
from ..data_in import progress
from ..data_in.model import Site, Task
from .paths import FINDER, address, field_path, unit_path

PAGE = 50  # rows in the table at a time (server-rendered, then per "Hiện thêm"): layout is the cost
DATA = f"{address(FINDER)}nhiem-vu.json"  # beside the finder page: tra-cuu/nhiem-vu.json
# Loaded by the finder page alone (not every page, as extra_javascript would): no other page
# pays for parsing it on a phone.
SCRIPT = "assets/javascripts/task-finder.js"
_NUMBER = re.compile(r"\d+")


def row_key(task: Task) -> str:
    """'2024-NV07' with numbers padded ('2024-NV000007'): the finder's default order (by id).

    The script sorts by the same key (task-finder.js, sortValue), so the server-rendered rows
    are already in the order it shows them.
    """
    return _NUMBER.sub(lambda m: m[0].zfill(6), f"{task.plan_year}-{task.id}")


def first_rows(site: Site) -> list[Task]:
    """The tasks the page lists in HTML: the first PAGE by id."""
    return sorted(site.tasks, key=row_key)[:PAGE]


def finder_json(site: Site, today: date, link: dict[str, str]) -> bytes:
    """The compact data the finder's script filters.

    `link` maps a page's docs path (paths.unit_path, paths.field_path) to its address relative
    to the finder page. Text stays plain: the script writes it with textContent, never as markup.
    """
    units = list(site.agency.units)
    unit_index = {u.id: i for i, u in enumerate(units)}
    fields = site.fields()
    field_index = {f.id: i for i, f in enumerate(fields)}
    tasks = []
    for t in sorted(site.tasks, key=row_key):
        state = progress.state(t, today)
        tasks.append(
            {
                "k": row_key(t),
                "y": t.plan_year,
                "i": t.id,
                "f": field_index[t.field.id],
                # Who leads and supports it today: a merged unit's open tasks under its successor.
                "l": unit_index[t.lead_at(today).id],
                "s": [unit_index[u.id] for u in t.support_at(today)],
                "b": progress.BUCKET_SLUGS[state.bucket],  # what the state filter and sorting use
                "sk": state.key,
                "sl": state.label,
                "d": t.deadline.due.isoformat() if t.deadline.due else "",
                "dl": fmt.deadline(t.deadline),
                "t": " ".join(t.task.split()),
                "x": " ".join(" ".join([t.problem, t.output, t.criterion or ""]).split()),
                "a": t.anchor,
                "m": 1 if t.sample else 0,
            }
        )
    data = {
        "units": [[u.id, u.short_at(today), u.name_at(today), link[unit_path(u)]] for u in units],
        "fields": [[f.id, f.name, link[field_path(f)]] for f in fields],
        "tasks": tasks,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def data_version(site: Site, today: date) -> str:
    """A short hash of the data file's content (links aside, they follow from the ids): the page
    asks for `nhiem-vu.json?v=...`, so a browser never pairs a new page with an old cached file,
    and the same data always gives the same page."""
    content = finder_json(site, today, defaultdict(str))
    return hashlib.sha256(content).hexdigest()[:12]
