"""Where each page lives: its docs path ('don-vi/x/index.md') and the address it is served at
('don-vi/x/', directory URLs as MkDocs serves them).

The site's layout in one place: pages, feeds, calendars, the finder and the downloads all
link through these functions, so a page moved here is moved everywhere.
"""

from __future__ import annotations

import functools
import posixpath
from typing import TYPE_CHECKING

from ..data_in.model import Field, Plan, Task, Unit

if TYPE_CHECKING:
    from .reports import QuarterReport

HOME = "index.md"
RESULTS = "ket-qua.md"
UNITS = "don-vi/index.md"
FIELDS = "linh-vuc/index.md"
# Pages with raw-HTML links (the finder, plans, units, fields: their task tables) are index
# pages (`x/index.md`, served as `x/`, the same address as `x.md` had): see html_link.
FINDER = "tra-cuu/index.md"
REPORTS = "bao-cao/index.md"
PLANS = "ke-hoach/index.md"
OPEN_DATA = "du-lieu.md"
CHANGES = "thay-doi.md"  # linked from the footer, not from the navigation
CHANGES_URL = "thay-doi/"


def plan_path(plan: Plan | int) -> str:
    return f"ke-hoach/{plan if isinstance(plan, int) else plan.year}/index.md"


def report_path(report: QuarterReport, extension: str = "md") -> str:
    """A quarterly report's page, or its .docx."""
    return f"bao-cao/{report.slug}.{extension}"


def unit_path(unit: Unit) -> str:
    return f"don-vi/{unit.id}/index.md"


def field_path(field: Field | int) -> str:
    return f"linh-vuc/{field if isinstance(field, int) else field.id}/index.md"


def directory_url(path: str) -> str:
    """'don-vi/x.md' → 'don-vi/x', 'don-vi/index.md' → 'don-vi', 'index.md' → '.' (as MkDocs serves them)."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return stem or "."


def address(path: str) -> str:
    """A page's address from the site's root: 'don-vi/x.md' → 'don-vi/x/', 'index.md' → ''."""
    url = directory_url(path)
    return "" if url == "." else url + "/"


def task_address(task: Task) -> str:
    """A task's heading on its lead unit's page, from the site's root: 'don-vi/x/#nv-2024-1-1'."""
    return f"{address(unit_path(task.lead))}#{task.anchor}"


def html_link(page: str, target: str, anchor: str = "") -> str:
    """Link from a page's URL to another page or file, for raw HTML (directory URLs).

    MkDocs leaves raw HTML alone, so the link is read relative to the page's URL; Zensical
    reads it relative to the page's source file, like a Markdown link, and rewrites it. The two
    agree only on an index page (`x/index.md` is served as `x/`), so raw-HTML links are made
    only there, and every engine resolves them under any sub-path.
    """
    if posixpath.basename(page) != "index.md":
        raise ValueError(f"raw-HTML links need an index page (x/index.md), not {page}")
    link = relative(directory_url(target), directory_url(page))
    link = "" if link == "." else link + ("/" if target.endswith(".md") else "")
    return f"{link}#{anchor}" if anchor else link or "./"


@functools.lru_cache(maxsize=65536)
def relative(target: str, start: str) -> str:
    """posixpath.relpath, cached: pages link to the same few hundred targets thousands of times."""
    return posixpath.relpath(target, start)
