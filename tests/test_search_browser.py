"""Browser tests of the site's search box (Material's own, with Vietnamese folding)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import yaml
from helpers import ROOT
from parsite.fmt import fold as fold_marks
from playwright.sync_api import Page

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Hit:
    href: str
    title: str
    top: bool  # shown as a page heading (h1) rather than a section of that page


def search(page: Page, site_url: str, query: str, *, every: bool = False) -> list[Hit]:
    """Type `query` into the search box as a user would; return the results in display order.

    Material renders the first 10 results; `every` scrolls the list until all are rendered.
    """
    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()
    meta = page.locator(".md-search-result__meta")
    meta.filter(has_text="Nhập để bắt đầu tìm kiếm").wait_for()  # the worker is ready, nothing searched yet
    # One query with the whole text (typing key by key would race intermediate queries).
    box.fill(query)
    box.press("End")
    meta.filter(has_text=re.compile("Tìm thấy|Không tìm thấy")).wait_for()
    page.wait_for_timeout(150)  # let the result list settle after the count appears
    count = re.search(r"Tìm thấy (\d+) kết quả", meta.inner_text())
    expected = int(count[1]) if count else 0
    if not every:
        expected = min(expected, 10)
    items = page.locator("li.md-search-result__item")
    scroller = page.locator(".md-search__scrollwrap")
    for _ in range(50):  # Material renders 10 results, then 4 more each time the list reaches its end
        if items.count() >= expected:
            break
        scroller.evaluate("e => e.scrollTo(0, 0)")
        page.wait_for_timeout(30)
        scroller.evaluate("e => e.scrollTo(0, e.scrollHeight)")
        page.wait_for_timeout(60)
    assert items.count() == expected, f"{query!r}: {items.count()} of {expected} results rendered"
    return shown_hits(page)


def shown_hits(page: Page) -> list[Hit]:
    """The results in the list now, in display order (read at once: the list may be drawn again)."""
    rows = page.evaluate(
        """() => [...document.querySelectorAll("a.md-search-result__link")].map(link => {
          const heading = link.querySelector("h1, h2")
          return [link.getAttribute("href") || "", heading.textContent, heading.tagName === "H1"]
        })"""
    )
    return [Hit(href, " ".join(title.split()), top) for href, title, top in rows]


def fold(text: str) -> str:
    return fold_marks(text).lower()


def locations(hits: list[Hit]) -> list[str]:
    return [re.sub(r"^https?://[^/]+/|\?h=[^#]*", "", h.href) for h in hits]


def tasks() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "plans" / "2024" / "tasks.yml").read_text(encoding="utf-8"))["tasks"]


def task_location(task: dict) -> str:
    return f"don-vi/{task['lead']}/#nv-2024-{task['id'].lower()}"


# (accented query, its unaccented twin, the page that must come first for both)
TWINS = [
    ("cải cách thủ tục hành chính", "cai cach thu tuc hanh chinh", "linh-vuc/3/"),
    ("tài chính công", "tai chinh cong", "linh-vuc/6/"),
    ("chính quyền số", "chinh quyen so", "linh-vuc/7/"),
    ("chính quyền điện tử", "chinh quyen dien tu", "linh-vuc/7/"),
    ("cải cách thể chế", "cai cach the che", "linh-vuc/2/"),
    ("Văn phòng Sở", "van phong so", "don-vi/van-phong/"),
    ("Hoàng Việt Nam", "hoang viet nam", "ke-hoach/2024/"),
]


@pytest.mark.parametrize(("accented", "plain", "first"), TWINS, ids=[t[1] for t in TWINS])
def test_unaccented_query_finds_what_the_accented_one_finds(
    page: Page, site_url: str, accented: str, plain: str, first: str
) -> None:
    with_marks = locations(search(page, site_url, accented, every=True))
    without = locations(search(page, site_url, plain, every=True))
    assert with_marks and with_marks[0] == first
    assert without and without[0] == first
    assert set(with_marks) <= set(without)


def test_d_matches_dj(page: Page, site_url: str) -> None:
    found = locations(search(page, site_url, "don vi"))
    assert "don-vi/" in found  # "Nhiệm vụ theo đơn vị"
    top = search(page, site_url, "Don vi chu tri")[:2]  # a page and its best section
    assert any("don vi chu tri" in fold(hit.title) for hit in top)


def test_word_after_punctuation_is_found(page: Page, site_url: str) -> None:
    # The plan cites "... (SIPAS) tỉnh Đắk Nông"; Material's default separator misses it.
    assert "ke-hoach/2024/" in locations(search(page, site_url, "SIPAS"))


def test_decomposed_query_finds_the_same_as_composed(page: Page, site_url: str) -> None:
    import unicodedata

    composed = locations(search(page, site_url, "thủ tục hành chính"))
    decomposed = locations(search(page, site_url, unicodedata.normalize("NFD", "thủ tục hành chính")))
    assert composed and decomposed == composed


@pytest.mark.parametrize("task_id", ["NV01", "NV14", "NV25"])
def test_task_id_lists_that_task(page: Page, site_url: str, task_id: str) -> None:
    task = next(t for t in tasks() if t["id"] == task_id)
    hits = search(page, site_url, task_id)
    found = locations(hits)
    assert found[0] == f"don-vi/{task['lead']}/"
    assert found[1] == task_location(task)
    assert hits[1].title.startswith(f"{task_id} · ")


@pytest.mark.parametrize(
    "query",
    ["thanh toán trực tuyến phí, lệ phí", "thanh toan truc tuyen phi, le phi"],
)
def test_distinctive_phrase_finds_its_task_first(page: Page, site_url: str, query: str) -> None:
    task = next(t for t in tasks() if "thanh toán trực tuyến phí" in t["task"])
    assert task_location(task) in locations(search(page, site_url, query))[:2]


@pytest.mark.parametrize(
    ("query", "unit"),
    [
        ("Thanh tra Sở", "thanh-tra"),
        ("thanh tra so", "thanh-tra"),
        ("Phòng Người có công", "phong-ncc"),
        ("phong nguoi co cong", "phong-ncc"),
        ("KHTC", "phong-khtc"),
    ],
)
def test_unit_name_lists_its_tasks(page: Page, site_url: str, query: str, unit: str) -> None:
    found = locations(search(page, site_url, query, every=True))
    assert found[0] == f"don-vi/{unit}/"
    led = [task_location(t) for t in tasks() if t["lead"] == unit]
    assert led and set(led) <= set(found)


def test_whole_phrase_ranks_above_some_words(page: Page, site_url: str) -> None:
    # "Kiểm tra" alone is in many tasks; the task holding the whole phrase comes first.
    phrase = "kiểm tra công tác CCHC"
    task = next(t for t in tasks() if "kiểm tra công tác CCHC" in t["task"])
    for query in (phrase, "kiem tra cong tac cchc"):
        sections = [loc for loc in locations(search(page, site_url, query)) if "#nv-" in loc]
        assert sections[0] == task_location(task)


def test_query_that_matches_nothing(page: Page, site_url: str) -> None:
    assert search(page, site_url, "xyzzyq") == []
    assert "Không tìm thấy kết quả nào" in page.locator(".md-search-result__meta").inner_text()


def test_more_results_in_a_page_read_as_vietnamese(page: Page, site_url: str) -> None:
    """Material's "# more on this page" and "Missing" (issue 35): natural Vietnamese, no "từ khác"."""
    search(page, site_url, "cải cách thủ tục")
    meta = page.locator(".md-search-result__meta").inner_text()
    assert re.fullmatch(r"Tìm thấy \d+ kết quả", meta.strip()), meta
    more = page.locator("details.md-search-result__more summary").all_inner_texts()
    assert more, "no page with several results for the query"
    for text in more:
        assert re.fullmatch(r"Xem thêm \d+ kết quả trong trang này", text.strip()), text
    # A result without one of the words names it: "Không có từ: …", not a bare "Không: …".
    search(page, site_url, "cải cách xyzzyq")
    terms = page.locator(".md-search-result__terms").all_inner_texts()
    shown = [t for t in terms if t]  # those of a collapsed "Xem thêm" list are hidden
    assert shown and all(t == "Không có từ: xyzzyq" for t in shown), terms


def test_clicking_a_task_result_lands_on_the_task(page: Page, site_url: str) -> None:
    search(page, site_url, "NV14")
    page.locator("a.md-search-result__link").nth(1).click()
    page.wait_for_url(re.compile(r"don-vi/phong-khtc/.*#nv-2024-nv14$"))
    heading = page.locator("#nv-2024-nv14")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]  # scrolled to it


def test_search_ui_is_vietnamese(page: Page, site_url: str) -> None:
    page.goto(site_url)
    assert page.locator("input.md-search__input").get_attribute("placeholder") == "Tìm kiếm"


def marked(page: Page, site_url: str, query: str) -> list[str]:
    """Search `query`; the highlighted words of the results shown."""
    search(page, site_url, query)
    return page.locator("li.md-search-result__item mark").all_text_contents()


@pytest.mark.parametrize("query", ["cai cach thu tuc", "cải cách thủ tục"])
def test_highlights_the_words_that_matched(page: Page, site_url: str, query: str) -> None:
    marks = marked(page, site_url, query)
    assert marks
    wanted = query.split()
    accented = query != fold(query)
    for word in marks:
        lower = word.lower()
        assert any((lower if accented else fold(word)).startswith(w) for w in wanted), (query, word)
    if accented:  # typed with diacritics: only those accents
        assert not [m for m in marks if m.lower() in ("các", "cai", "cái")]
    assert {"cải", "cách", "thủ", "tục"} <= {m.lower() for m in marks}


def test_each_task_is_its_own_result_with_a_clean_snippet(page: Page, site_url: str) -> None:
    task = next(t for t in tasks() if t["id"] == "NV14")
    hits = search(page, site_url, "giai ngan von dau tu cong")
    assert task_location(task) in locations(hits)[:2]  # right under its unit page's own entry
    item = page.locator("a.md-search-result__link[href$='#nv-2024-nv14']").first
    snippet = " ".join((item.text_content() or "").split())
    assert snippet.startswith("NV14 · ")  # the task's own heading, then its details
    assert "Tồn tại, hạn chế: " in snippet and "Thời hạn hoàn thành: " in snippet
    assert "STT" not in snippet and "NV14NV" not in snippet  # no table row flattened into words


def test_nothing_of_the_index_is_downloaded_until_the_search_opens(page: Page, site_url: str) -> None:
    fetched: list[str] = []
    page.context.on("request", lambda request: fetched.append(request.url))
    page.goto(site_url)
    page.wait_for_load_state("networkidle")
    assert not [url for url in fetched if "/search/vi/" in url]
    page.locator("input.md-search__input").click()
    page.locator(".md-search-result__meta").filter(has_text="Nhập để bắt đầu tìm kiếm").wait_for()
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/search/vi/index.json") for url in fetched)  # fetched on opening, not on load


def test_typing_key_by_key_ends_on_the_last_querys_results(page: Page, site_url: str) -> None:
    """Each key sends a query; those made stale by the next key are dropped, the last one is shown."""
    query = "giai ngan von dau tu cong"
    expected = locations(search(page, site_url, query))
    page.goto(site_url)
    box = page.locator("input.md-search__input")
    box.click()
    page.locator(".md-search-result__meta").filter(has_text="Nhập để bắt đầu tìm kiếm").wait_for()
    box.press_sequentially(query)
    shown: list[str] = []
    for _ in range(50):  # the list is drawn again for each answer that arrives
        shown = locations(shown_hits(page))
        if shown == expected:
            break
        page.wait_for_timeout(100)
    assert shown == expected
