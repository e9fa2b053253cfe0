"""Links that share well: each page's title, description and share image (Open Graph, Twitter).

Readers arrive from links shared on Zalo and Facebook, which show a page's `og:title`,
`og:description` and `og:image`. This module says, for every generated page, what those are
(plain text from the model: the adapter escapes it once where it is printed) and makes the
images (share_image.py) as downloads, in the process that writes the other downloads.

One image per generated page, but the quarterly reports (the only pages whose number grows with
time, four a year) share the card of the reports' page: the number of images grows with plans,
units and fields, never with tasks. Pages written by hand (the editors' guide) and the 404 page
share the site's own card (DEFAULT_IMAGE).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from ..data_in import progress
from ..data_in.model import Site
from ..fmt import html
from . import render
from .paths import HOME, REPORTS, RESULTS, address, directory_url, relative
from .share_image import HEIGHT, WIDTH, Bar, Card

FOLDER = "chia-se"
DEFAULT_IMAGE = f"{FOLDER}/trang.png"
DESCRIPTION_LIMIT = 300  # characters; link previews show two or three lines of it


@dataclass(frozen=True)
class Share:
    """What a shared link to one page shows: plain text, not escaped."""

    title: str
    description: str
    image: str  # site-relative path of the PNG
    image_alt: str
    width: int = WIDTH
    height: int = HEIGHT


def image_path(page: str) -> str:
    """'don-vi/van-phong.md' → 'chia-se/don-vi/van-phong.png'; 'index.md' → 'chia-se/trang-chu.png'."""
    stem = page[: -len(".md")]
    if stem == "index":
        stem = "trang-chu"
    elif stem.endswith("/index"):
        stem = stem[: -len("/index")]
    return f"{FOLDER}/{stem}.png"


def _image_of(job: render.PageJob) -> str:
    """The share image of a page: its own, or the reports' page's for a quarterly report."""
    return image_path(REPORTS if job.template == "report.md.j2" else job.path)


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """One line of at most `limit` characters, cut between words with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def _agency_line(site: Site) -> str:
    agency = site.agency.at(site.today)
    return f"{agency.name} {agency.province}"


def _footer(site: Site) -> str:
    """The site's name, or its portal address once it is set (what a reader would type)."""
    assert site.identity is not None
    if site.identity.url:
        parts = urlsplit(site.identity.url)
        return (parts.netloc + parts.path).rstrip("/")
    return site.identity.name


def _cards(site: Site) -> dict[str, Card]:
    """Every share image's card, keyed by the image's path (DEFAULT_IMAGE: the site's own)."""
    assert site.identity is not None
    agency, footer = _agency_line(site), _footer(site)
    # The site's own card has the site's name as its title: the footer, the same name until
    # the portal address is set, would print it a second time.
    own_footer = "" if footer == site.identity.name else footer
    cards: dict[str, Card] = {DEFAULT_IMAGE: Card(agency, site.identity.name, own_footer)}
    totals = tuple(Bar(str(r.year), r.total, r.methodology.total if r.methodology else None) for r in site.results)
    for job in render.page_jobs(site):
        if _image_of(job) != image_path(job.path):
            continue  # shares another page's card
        title = job.title
        bars: tuple[Bar, ...] = ()
        page_footer = footer
        if job.path == HOME:
            title, page_footer = site.identity.name, own_footer
        elif job.path == RESULTS:
            bars = totals
        elif job.template == "field.md.j2":
            field_id = job.context["field"].id
            scores = [(r.year, r.score(field_id)) for r in site.results]
            bars = tuple(Bar(str(y), s.points if s else None, s.field.max if s else None) for y, s in scores)
        if not any(b.value is not None for b in bars):
            bars = ()  # nothing known to draw: the title card
        cards[image_path(job.path)] = Card(agency, title, page_footer, bars)
    return cards


@dataclass
class Counts:
    """What the descriptions count, worked out in one pass over the tasks (a description per
    unit or plan that went through all tasks would make the build quadratic)."""

    tasks: int = 0
    led: Counter[str] = field(default_factory=Counter)  # unit id → tasks it leads
    supported: Counter[str] = field(default_factory=Counter)  # unit id → tasks it supports
    by_field: Counter[int] = field(default_factory=Counter)  # field id → tasks aimed at it
    unit_buckets: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    plan_buckets: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def count(site: Site) -> Counts:
    """The counts of every description, each task's state taken once, as of `site.today`."""
    counts = Counts()
    for task in site.tasks:
        bucket = progress.state(task, site.today).bucket
        counts.tasks += 1
        for unit in {task.lead, task.lead_at(site.today)}:  # a successor counts what it took over
            counts.led[unit.id] += 1
            counts.unit_buckets[unit.id][bucket] += 1  # led tasks by progress bucket
        for unit in {*task.support, *task.support_at(site.today)} - {task.lead, task.lead_at(site.today)}:
            counts.supported[unit.id] += 1
        counts.by_field[task.field.id] += 1
        counts.plan_buckets[task.plan_year][bucket] += 1
    return counts


def page_shares(site: Site) -> dict[str, Share]:
    """Title, description and image of every generated page, keyed by page path; the site's
    own under DEFAULT_IMAGE (for pages written by hand)."""
    assert site.identity is not None
    template = render.environment().get_template("description.txt.j2")
    cards = _cards(site)
    counts = count(site)

    def alt(image: str) -> str:  # what the image shows, for readers who cannot see it
        return shorten(f"{cards[image].title} – {cards[image].agency}", 250)

    shares: dict[str, Share] = {}
    for job in render.page_jobs(site):
        text = template.render(site=site, counts=counts, template=job.template, **job.context)
        title = site.identity.name if job.path == HOME else job.title
        shares[job.path] = Share(title, shorten(text), _image_of(job), alt(_image_of(job)))
    description = shorten(site.identity.description)
    shares[DEFAULT_IMAGE] = Share(site.identity.name, description, DEFAULT_IMAGE, alt(DEFAULT_IMAGE))
    return shares


def image_files(site: Site) -> dict[str, Callable[[], bytes]]:
    """Every share image: site-relative path → the function that draws it (Pillow, when asked)."""
    from .share_image import render as draw

    return {path: (lambda card=card: draw(card)) for path, card in _cards(site).items()}


def share_meta(
    share: Share, site_name: str, site_url: str | None, page: str | None, title: str | None = None
) -> dict[str, Any]:
    """What hooks/theme/main.html prints for a page's share meta, each text HTML-escaped once here
    (the template prints them as they are); `title` overrides the share's (a hand-written page's).

    The image's address is absolute once the portal address (site_url) is set; before that it
    is a link from the page's address. The page's own address (og:url) is its canonical URL,
    as MkDocs makes it (site_url joined with the page's address). Without a page (404): the
    image path only, the template puts it under the 404 page's base URL.
    """
    if site_url:
        image: str | None = site_url.rstrip("/") + "/" + share.image
    else:
        image = relative(share.image, directory_url(page)) if page is not None else None
    base = site_url if not site_url or site_url.endswith("/") else site_url + "/"
    url = urljoin(base, address(page)) if base and page is not None else None
    return {
        "title": html(title if title is not None else share.title),
        "description": html(share.description),
        "image": html(image) if image else None,
        "image_path": share.image,
        "image_alt": html(share.image_alt),
        "width": share.width,
        "height": share.height,
        "url": html(url) if url else None,
        "site_name": html(site_name),
    }
