"""Automated accessibility checks (axe-core in Chromium) and keyboard use of the task finder."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

AXE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")

PAGES = ["", "ke-hoach/2024/", "don-vi/phong-khtc/", "ket-qua/", "tra-cuu/", "linh-vuc/6/", "bao-cao/2024-quy-4/"]


def serious_violations(page: Page) -> list[str]:
    page.evaluate(AXE)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_violations(page: Page, site_url: str, path: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + path)
    assert serious_violations(page) == []


def test_no_serious_violations_in_search_results(page: Page, site_url: str) -> None:
    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()
    page.locator(".md-search-result__meta").filter(has_text="Nhập để bắt đầu tìm kiếm").wait_for()
    box.fill("tai chinh cong")
    box.press("End")
    page.locator(".md-search-result__meta").filter(has_text=re.compile(r"Tìm thấy \d+ kết quả")).wait_for()
    assert serious_violations(page) == []


def test_task_finder_with_the_keyboard_only(page: Page, site_url: str) -> None:
    page.goto(site_url + "tra-cuu/")
    page.locator("#finder[data-ready]").wait_for(state="attached")  # the tasks' data file is loaded
    page.locator("input[name=tu-khoa]").focus()
    page.keyboard.type("khtc")
    page.keyboard.press("Tab")  # to the filters' control ("Bộ lọc"), open on a wide screen
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Tab")  # to "Kế hoạch"
    page.keyboard.press("Tab")  # to "Đơn vị"
    assert page.evaluate("document.activeElement.name") == "don-vi"
    page.keyboard.press("Tab")  # to "Vai trò"
    page.keyboard.press("ArrowDown")  # "Chủ trì"
    page.wait_for_url(re.compile(r"vai-tro=chu-tri"))
    rows = page.locator("#finder-table tbody tr:not([hidden])")
    assert rows.count() > 0
    for text in rows.evaluate_all("rows => rows.map(r => r.textContent)"):
        assert "khtc" in text.lower()  # P. KHTC leads or supports each task shown
    # Sort buttons are reachable and work with Enter.
    sort = page.get_by_role("button", name="Thời hạn")
    sort.focus()
    page.keyboard.press("Enter")
    assert page.locator("th[data-sort=due]").get_attribute("aria-sort") == "ascending"
