"""The light/dark switch (hooks/theme/partials/palette.html, which replaces Material's palette
component for speed): a first visit follows the system, a click switches and is remembered on
the next page, and the address bar takes the header's colour. Also: only the finder loads the
finder's script."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import page_html
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

STATE = """() => ({
  scheme: document.body.getAttribute("data-md-color-scheme"),
  background: getComputedStyle(document.body).backgroundColor,
  switches: [...document.querySelectorAll("form[data-palette] label")]
    .filter(label => !label.hidden).map(label => label.title),
  themeColor: document.querySelector("meta[name=theme-color]")?.content ?? null,
  header: getComputedStyle(document.querySelector("[data-md-component=header]")).backgroundColor,
})"""


def _state(page: Page) -> dict:
    page.wait_for_function("document.querySelector('meta[name=theme-color]')")
    return page.evaluate(STATE)


def _hex(rgb: str) -> str:
    parts = rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]
    return "#" + "".join(f"{int(part):02x}" for part in parts)


@pytest.mark.parametrize("system", ["light", "dark"])
def test_switch_follows_the_system_then_the_reader(browser: Browser, site_url: str, system: str) -> None:
    other = {"light": "dark", "dark": "light"}[system]
    scheme = {"light": "default", "dark": "slate"}
    ask = {"light": "Chuyển sang giao diện tối", "dark": "Chuyển sang giao diện sáng"}
    context = browser.new_context(color_scheme=system, viewport={"width": 390, "height": 800})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(site_url + "ke-hoach/2024/")
        first = _state(page)
        assert first["scheme"] == scheme[system]
        assert first["switches"] == [ask[system]], "exactly one switch shows, offering the other look"
        assert first["themeColor"] == _hex(first["header"])

        page.locator("form[data-palette] label:visible").click()
        page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{scheme[other]}'")
        switched = page.evaluate(STATE)
        assert switched["switches"] == [ask[other]]
        assert switched["background"] != first["background"], "the page itself changes colour"

        page.goto(site_url + "ket-qua/")
        kept = _state(page)
        assert kept["scheme"] == scheme[other], "the reader's choice holds on the next page"
        assert kept["switches"] == [ask[other]]
        assert kept["background"] == switched["background"]
    finally:
        context.close()
    assert errors == []


def test_only_the_finder_loads_its_script(built_site: Path) -> None:
    finder = page_html(built_site, "tra-cuu/")
    assert '<script src="../assets/javascripts/task-finder.js" defer></script>' in finder
    assert (built_site / "assets" / "javascripts" / "task-finder.js").is_file()
    others = [path for path in built_site.rglob("index.html") if path.parent.name != "tra-cuu"]
    assert len(others) > 10
    assert [str(path) for path in others if "task-finder.js" in path.read_text(encoding="utf-8")] == []


SHIFTS = """() => { window.__shifts = []; new PerformanceObserver(list => {
  for (const entry of list.getEntries())
    window.__shifts.push({
      value: entry.value,
      moved: entry.sources.map(s => (s.node ? s.node.nodeName + "." + s.node.className : "?")),
    })
}).observe({ type: "layout-shift", buffered: true }) }"""


@pytest.mark.parametrize("path", ["", "ke-hoach/2024/", "ket-qua/", "tra-cuu/"])
def test_nothing_moves_while_a_page_loads_on_a_phone(browser: Browser, site_url: str, path: str) -> None:
    """The switch shows once the page is parsed: shown earlier it stood where the search button
    comes and moved when the button appeared (Lighthouse counted it on every page)."""
    context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True)
    try:
        page = context.new_page()
        page.add_init_script(f"({SHIFTS})()")
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(1000)
        assert page.evaluate("window.__shifts") == []
        assert page.locator("form[data-palette] label:visible").count() == 1
    finally:
        context.close()
