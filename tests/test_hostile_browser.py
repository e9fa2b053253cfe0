"""Hostile text in every data field, checked in Chromium on every page of the built site.

Each free-text value of the data (names, titles, short names, prose, progress logs) starts
with PAYLOAD: the attacks of issue 18 (a title closing <title>, HTML with event handlers,
YAML escapes and tags that front matter would decode, a `javascript:` link, an attribute
list, an admonition, a `: ` that breaks front matter, a `#`). The plan gets extra
paragraphs and items that are Markdown block syntax. A reader must see all of it as text:
no dialog, no `javascript:` URL, no `on*` attribute, the payload shown literally in the
title, header, menu, headings and search results.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import serve
from helpers import GOLDEN, copy_project, mkdocs_build
from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PAYLOAD = (
    '!!! x </title><script>alert(1)</script><img src=x onerror=alert(2)> "\\x3cimg src=x onerror=alert(3)\\x3e" '
    "!!binary PGI+ [a](javascript:alert(4)) {: autofocus onfocus=alert(5)} P: #2 &amp; | tukhoadocla"
)
# Paragraphs and items that are whole Markdown blocks if pasted: rule, heading, list, quote...
BLOCKS = ["---", "# Tiêu đề giả", "1. mục giả", "- mục giả", "> trích dẫn giả", "===", "!!! danger"]

# Values that are references, codes, dates or addresses: they keep their form (the schema checks them).
NOT_FREE_TEXT = {
    "id", "lead", "support", "status", "date", "completed", "deadline", "document", "source",
    "legal_basis", "cites", "unit", "successor", "url",
}  # fmt: skip
# Codes chosen from a list: kinds of unit and of reorganisation (history `kind`).
CODES = {
    "van-phong", "thanh-tra", "phong-chuyen-mon", "chi-cuc", "don-vi-su-nghiep",
    "doi-ten", "sap-nhap", "hop-nhat", "giai-the", "chuyen-giao",
}  # fmt: skip

# The site's identity and a renaming of the agency, added to the base data so that they are
# poisoned too: the site name, description and footer line are printed by the theme on every
# page, the agency's names in force on each date and the history note on the home page.
SITE = {
    "name": "Chỉ số CCHC – Ban QLKCN tỉnh Bình Minh",
    "description": "Kết quả và kế hoạch cải thiện Chỉ số CCHC",
    "copyright": "Ban Quản lý các khu công nghiệp tỉnh Bình Minh",
}
RENAMED = {
    "date": "2025-03-01",
    "kind": "doi-ten",
    "document": "qd-12-2025",
    "name": "Ban Quản lý khu kinh tế",
    "short": "Ban QLKKT",
    "header_name": "BAN QUẢN LÝ KHU KINH TẾ",
    "note": "Ban tiếp tục thực hiện nhiệm vụ cải cách hành chính",
}


def poison(value: Any, key: str = "") -> Any:
    """Every free-text string of the data starts with PAYLOAD."""
    if isinstance(value, dict):
        return {k: poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, key) for v in value]
    if isinstance(value, str) and key not in NOT_FREE_TEXT and value not in CODES:
        return f"{PAYLOAD} {value}"
    return value


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("hostile-browser")
    project = copy_project(root / "project", GOLDEN / "other-agency" / "data")
    for path in (project / "data").rglob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "agency.yml":
            data["site"] = {**data.get("site", {}), **SITE}
            data["agency"]["history"] = [RENAMED]
        data = poison(data)
        if path.name == "plan.yml":
            data["number"] = PAYLOAD
            section = data["sections"][1]
            section["paragraphs"] = section.get("paragraphs", []) + BLOCKS
            section["items"] = BLOCKS
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = root / "site"
    result = mkdocs_build(project, site, SITE_TODAY="2025-12-31")
    assert result.returncode == 0, result.stderr
    with serve(site) as url:
        yield url, site


@pytest.fixture
def tab(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page that records (and dismisses) every dialog a script opens."""
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield page, dialogs
    context.close()


# What data could have turned into code: event handler attributes, javascript: URLs in any
# attribute, script elements that are not the site's own, elements the payload names.
INJECTED = """() => {
  const found = []
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.trim().toLowerCase()
      if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}`)
      if (value.startsWith("javascript:")) found.push(`${el.tagName} ${attr.name}=${attr.value}`)
      if (attr.name === "autofocus") found.push(`${el.tagName} autofocus`)
    }
  }
  for (const s of document.querySelectorAll("script")) {
    if (!s.src && /alert\\(/.test(s.textContent)) found.push("inline script from data")
  }
  for (const img of document.querySelectorAll("img")) {
    if (img.getAttribute("src") === "x") found.push("img src=x")
  }
  for (const el of document.querySelectorAll(".md-content hr, .md-content blockquote, .admonition.danger")) {
    found.push(`${el.tagName}.${el.className} in content`)
  }
  return found
}"""


def test_every_page_shows_hostile_text_as_text(hostile: tuple[str, Path], tab: tuple[Page, list[str]]) -> None:
    url, site = hostile
    page, dialogs = tab
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 15
    for path in pages:
        page.goto(url + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)  # autofocus handlers fire right after load
        assert page.evaluate(INJECTED) == [], path
        text = collapse(page.evaluate("document.documentElement.textContent"))
        assert PAYLOAD in text, path  # menu, headings and content show what the editor typed
        title = collapse(page.title())
        assert "tukhoadocla" not in title or PAYLOAD in title, path  # a data title is shown whole
    assert dialogs == []


def test_data_titles_are_shown_literally(hostile: tuple[str, Path], tab: tuple[Page, list[str]]) -> None:
    url, _ = hostile
    page, dialogs = tab
    # A unit, a field and the plan: their titles come from the data.
    for path, title in [
        ("don-vi/phong-dau-tu/", f"{PAYLOAD} Phòng Quản lý đầu tư"),
        ("linh-vuc/2/", f"Lĩnh vực 2: {PAYLOAD} Thủ tục hành chính"),
        ("ke-hoach/2025/", f"{PAYLOAD} Kế hoạch nâng cao Chỉ số CCHC năm 2025"),
    ]:
        page.goto(url + path)
        assert collapse(page.title()).startswith(title + " - "), path
        topic = page.locator(".md-header__topic[data-md-component=header-topic] .md-ellipsis")
        assert collapse(topic.text_content() or "") == title, path
        if not path.startswith("ke-hoach"):  # the plan is "Năm 2025" in the menu; its heading is its kind
            active = collapse(page.locator(".md-nav__link--active").first.text_content() or "")
            assert PAYLOAD in active, path
            assert PAYLOAD in collapse(page.locator(".md-content h1").first.text_content() or ""), path
    plan = collapse(page.locator(".md-content").text_content() or "")
    for block in BLOCKS:
        assert f" {block} " in f" {plan} ", block  # shown as typed, not turned into a rule or heading
    assert f"Số: {PAYLOAD}/" in plan
    assert dialogs == []


def test_search_results_show_hostile_titles_as_text(hostile: tuple[str, Path], tab: tuple[Page, list[str]]) -> None:
    url, _ = hostile
    page, dialogs = tab
    page.goto(url)
    box = page.locator("input.md-search__input")
    box.click()
    meta = page.locator(".md-search-result__meta")
    meta.filter(has_text="Nhập để bắt đầu tìm kiếm").wait_for()  # index loaded
    box.fill("tukhoadocla")
    box.press("End")
    meta.filter(has_text=re.compile("Tìm thấy|Không tìm thấy")).wait_for()
    page.wait_for_timeout(150)
    results = page.locator(".md-search-result__item")
    assert results.count() > 3
    titles = [
        collapse(t) for t in page.locator(".md-search-result__item h1, .md-search-result__item h2").all_text_contents()
    ]
    assert any(PAYLOAD in t for t in titles), titles
    assert page.evaluate(INJECTED) == []
    assert dialogs == []


def test_site_identity_and_history_are_shown_literally(hostile: tuple[str, Path], tab: tuple[Page, list[str]]) -> None:
    """Site name, description and footer come from data/agency.yml; the theme prints them raw."""
    url, _ = hostile
    page, dialogs = tab
    name, description, copyright = (f"{PAYLOAD} {SITE[key]}" for key in ("name", "description", "copyright"))
    for path in ("", "don-vi/phong-dau-tu/", "ke-hoach/2025/"):
        page.goto(url + path)
        assert collapse(page.title()).endswith(f" - {name}"), path
        header = page.locator(".md-header__title .md-header__topic").first
        assert collapse(header.text_content() or "") == name, path
        # The home page is described by the site's description, other pages by what they show
        # (a unit's or the plan's name from the data among it): shown literally in both.
        shown = collapse(page.locator('meta[name="description"]').get_attribute("content") or "")
        assert shown == description if path == "" else shown.startswith(PAYLOAD), path
        assert collapse(page.locator('meta[property="og:description"]').get_attribute("content") or "") == shown
        og_title = collapse(page.locator('meta[property="og:title"]').get_attribute("content") or "")
        assert og_title == (name if path == "" else collapse(page.title()).removesuffix(f" - {name}")), path
        assert copyright in collapse(page.locator(".md-copyright").text_content() or ""), path
    page.goto(url)
    home = collapse(page.locator(".md-content").text_content() or "")
    assert f"{PAYLOAD} {RENAMED['name']}" in home  # who is responsible now
    assert f"{PAYLOAD} {RENAMED['note']}" in home
    page.goto(url + "don-vi/phong-dau-tu/")
    unit = collapse(page.locator(".md-content").text_content() or "")
    assert f"{PAYLOAD} Phòng Quản lý doanh nghiệp" in unit  # its former name, from its history
    assert page.evaluate(INJECTED) == []
    assert dialogs == []


def test_hovering_truncated_names_runs_nothing(hostile: tuple[str, Path], tab: tuple[Page, list[str]]) -> None:
    """On a phone the theme cuts long names short and gives them their full text as a [title];
    Material's own tooltips (content.tooltips) would render that text as HTML on hover."""
    url, _ = hostile
    page, dialogs = tab
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("", "don-vi/phong-dau-tu/", "ke-hoach/2025/"):
        page.goto(url + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(100)  # the theme adds [title] to names it has cut short
        hovered = 0
        for element in page.locator("[title]").all():
            box = element.bounding_box() if element.is_visible() else None
            if box is None or box["x"] < 0 or box["x"] + box["width"] > 390 or box["y"] < 0:
                continue  # menu entries in the closed drawer: a reader cannot point at them
            element.hover(force=True)  # the header stacks its two titles; point at each
            hovered += 1
            page.wait_for_timeout(50)
        assert hovered > 0, path  # at least the cut-short header name
        assert page.evaluate(INJECTED) == [], path
    assert dialogs == []
