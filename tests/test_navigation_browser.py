"""The menu is never empty: on a phone (390 px) the drawer opened on any page shows links to
follow, and on the desktop every section of the navigation has pages under it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

# A link counts when it is the element a tap at its centre reaches: Material slides a nested
# level over its parent, which stays laid out underneath.
VISIBLE_LINKS = """() => [...document.querySelectorAll('.md-sidebar--primary .md-nav__link')]
  .filter(a => { const r = a.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0 || r.left < 0 || r.right > innerWidth + 1) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (a === hit || a.contains(hit)) && a.textContent.trim() !== '' })
  .map(a => a.textContent.trim())"""


def _pages(built_site: Path) -> list[str]:
    return sorted(
        p.relative_to(built_site).as_posix().removesuffix("index.html") for p in built_site.rglob("index.html")
    )


def test_the_drawer_on_every_page_at_390_px_shows_links(page: Page, site_url: str, built_site: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    empty = []
    for path in _pages(built_site):
        page.goto(site_url + path)
        page.locator("label.md-header__button[for=__drawer]").click()
        page.wait_for_timeout(350)  # the drawer slides in
        links = page.evaluate(VISIBLE_LINKS)
        # The drawer opens on the current page's section: a section title alone is an empty menu.
        if not links:
            empty.append(path)
    assert empty == []


def test_every_section_of_the_desktop_navigation_has_pages(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url + "ke-hoach/")
    sections = page.evaluate(
        """() => [...document.querySelectorAll(
            '.md-sidebar--primary .md-nav--primary > .md-nav__list > .md-nav__item--section')]
          .map(s => [s.querySelector(':scope > .md-nav__link, :scope > label').textContent.trim(),
                     s.querySelectorAll(':scope > nav .md-nav__link').length])"""
    )
    assert sections and all(count > 0 for _, count in sections), sections
