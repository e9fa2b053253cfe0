"""Every string a reader sees is Vietnamese, Material's own included (404 page too).

The visible text and the attributes a reader meets (title tooltips, aria-label, placeholder,
alt) of every built page, and the interface strings Material's scripts show (the translations
in the page's configuration), are checked against the English interface strings of Material's
own English translation file.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import material
from helpers import page_html, page_text

SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "value")
# English a reader could meet that is not in Material's translation file.
EXTRA_ENGLISH = ["Permanent link", "Not found", "Made with", "Material for MkDocs", "Skip to content"]
# Keys of Material's translation file that are settings, not text a reader sees.
NOT_SHOWN = ("language", "direction", "search.config.")


def english_strings() -> list[str]:
    """Material's English interface strings (partials/languages/en.html of the installed version)."""
    en = Path(material.__file__).parent / "templates" / "partials" / "languages" / "en.html"
    pairs = re.findall(r'^\s*"([a-z.]+)": "(.*)",?$', en.read_text(encoding="utf-8"), re.M)
    assert len(pairs) > 40, "Material's English translation file has changed shape"
    strings = [value.replace("# ", "") for key, value in pairs if not key.startswith(NOT_SHOWN)]
    # Words of three letters or fewer ("in") are also Vietnamese words ("in" = print).
    return sorted({s for s in strings + EXTRA_ENGLISH if len(s) > 3})


class _Shown(HTMLParser):
    """What a reader can see or hear: text outside scripts and styles, shown attributes,
    and the interface strings in Material's configuration."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.config = False
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
            self.config = ("id", "__config") in attrs
        self.pieces += [value for name, value in attrs if name in SHOWN_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip -= 1
            self.config = False

    def handle_data(self, data: str) -> None:
        if self.config:
            self.pieces += json.loads(data).get("translations", {}).values()
        elif not self.skip:
            self.pieces.append(data)


def shown_strings(html: str) -> list[str]:
    parser = _Shown()
    parser.feed(html)
    return [" ".join(p.split()) for p in parser.pieces if p.strip()]


def test_the_checker_catches_materials_english() -> None:
    html = (
        '<h2>Mục<a class="headerlink" title="Permanent link">¶</a></h2><h1>404 - Not found</h1>'
        '<script id="__config" type="application/json">{"translations": {"search.result.none": '
        '"No matching documents"}}</script><input placeholder="Search">'
    )
    found = [s for s in english_strings() if any(re.search(rf"\b{re.escape(s)}\b", p) for p in shown_strings(html))]
    assert found == ["No matching documents", "Not found", "Permanent link", "Search", "matching documents"]


def test_no_english_interface_string_on_any_page(built_site: Path) -> None:
    english = english_strings()
    pattern = re.compile("|".join(rf"\b{re.escape(s)}\b" for s in english))
    pages = sorted(built_site.rglob("*.html"))
    assert built_site / "404.html" in pages and len(pages) > 20
    problems = []
    for path in pages:
        for piece in shown_strings(path.read_text(encoding="utf-8")):
            if match := pattern.search(piece):
                problems.append(f"{path.relative_to(built_site)}: {match[0]!r} in {piece[:80]!r}")
    assert not problems, "English interface strings:\n" + "\n".join(problems[:40])


def test_search_initializer_and_404_in_vietnamese(built_site: Path) -> None:
    page_404 = (built_site / "404.html").read_text(encoding="utf-8")
    assert "<h1>Không tìm thấy trang (lỗi 404)</h1>" in page_404
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert "Đang chuẩn bị tìm kiếm" in home
    assert 'title="Liên kết đến mục này"' in home


# --- Words a reader understands (issue 35, parts 9 and 10) ----------------------------------------


def test_feeds_are_offered_in_plain_words(built_site: Path) -> None:
    unit = page_text(built_site, "don-vi/van-phong")
    assert "Nhận tin tiến độ mới (nguồn tin cho ứng dụng đọc tin)" in unit
    open_data = page_html(built_site, "du-lieu")
    headings = [
        " ".join(re.sub(r"<[^>]+>|&para;", "", h).split()) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", open_data)
    ]
    assert "Nhận tin tiến độ mới (nguồn tin cho ứng dụng đọc tin)" in headings
    assert "Nhận tin nhiệm vụ quá hạn (nguồn tin cho ứng dụng đọc tin)" in headings
    for text in (unit, page_text(built_site, "du-lieu")):
        assert "(Atom)" not in text


def test_report_download_says_what_it_is(built_site: Path) -> None:
    for path in ("bao-cao", "bao-cao/2024-quy-1"):
        links = re.findall(r'<a href="[^"]*\.docx">([^<]*)</a>', page_html(built_site, path))
        assert links, path
        assert all("Word (.docx)" in text and text.startswith("Tải") for text in links), (path, links)


def test_finished_task_says_its_day_once(built_site: Path) -> None:
    html = page_html(built_site, "don-vi/phong-khtc")
    assert '<span class="task-state task-state--hoan-thanh">Hoàn thành ngày ' in html
    text = page_text(built_site, "don-vi/phong-khtc")
    assert re.search(r"Trạng thái: Hoàn thành ngày \d\d/\d\d/\d{4}", text)
    assert "(hoàn thành ngày" not in text


def test_field_links_name_the_field(built_site: Path) -> None:
    """No link reads only a field's number ("Lĩnh vực: 1" in a phone's card layout)."""
    for path in ("tra-cuu", "ke-hoach/2024", "don-vi/van-phong", "linh-vuc/1"):
        html = page_html(built_site, path)
        assert not re.search(r'<a href="[^"]*linh-vuc/\d+/"[^>]*>\s*\d+\s*</a>', html), path
    finder = page_html(built_site, "tra-cuu")
    assert '<a href="../linh-vuc/1/">1. Công tác chỉ đạo, điều hành CCHC</a>' in finder
    script = (built_site / "assets" / "javascripts" / "task-finder.js").read_text(encoding="utf-8")
    assert 't.field[0] + ". " + t.field[1]' in script  # rows drawn in the browser say the same


def test_a_year_with_no_known_value_cites_no_source(built_site: Path) -> None:
    html = page_html(built_site, "linh-vuc/1")
    rows = re.findall(r"<tr>\s*(.*?)</tr>", html, re.S)
    cells = {
        r[0]: r
        for r in (
            [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows
        )
        if r
    }
    assert cells["2022"][1:] == ["chưa có số liệu", "chưa có số liệu", "chưa có số liệu", ""]
    assert cells["2023"][4].startswith("Quyết định số 151/QĐ-UBND")
