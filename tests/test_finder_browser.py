"""Browser tests of the task finder ("Tra cứu nhiệm vụ")."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from helpers import TODAY as BUILD_TODAY
from playwright.sync_api import Browser, Page
from test_exports import TASKS, UNITS, due_date, status_on

pytestmark = pytest.mark.browser

# 2024-11-30 20:00 UTC is already 1 December 2024 in Vietnam.
NOW = "2024-11-30T20:00:00Z"
TODAY = date(2024, 12, 1)


def open_finder(page: Page, site_url: str, query: str = "") -> Page:
    page.clock.set_fixed_time(NOW)
    page.goto(f"{site_url}tra-cuu/{query}")
    page.locator("#finder[data-ready]").wait_for(state="attached")  # the tasks' data file is loaded
    return page


def shown(page: Page) -> list[str]:
    """Task ids of the visible rows, in display order ("2024-NV01" → "NV01")."""
    ids = page.locator("#finder-table tbody tr:not([hidden])").evaluate_all("rows => rows.map(r => r.dataset.id)")
    return [i.split("-", 1)[1] for i in ids]


def ids(tasks: list[dict]) -> list[str]:
    return [t["id"] for t in tasks]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def test_without_javascript_every_task_is_listed(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}tra-cuu/?don-vi=phong-khtc")
    assert page.locator("#finder-table tbody tr").count() == len(TASKS)
    assert page.locator("#finder-table tbody tr:visible").count() == len(TASKS)
    assert not page.locator("#finder").is_visible()  # the filters need JavaScript
    context.close()


@pytest.mark.parametrize(
    ("role", "keep"),
    [
        ("", lambda t, u: t["lead"] == u or u in t.get("support", [])),
        ("chu-tri", lambda t, u: t["lead"] == u),
        ("phoi-hop", lambda t, u: u in t.get("support", [])),
    ],
)
def test_unit_filter_by_role(page: Page, site_url: str, role: str, keep) -> None:
    open_finder(page, site_url)
    page.select_option("select[name=don-vi]", "phong-khtc")
    if role:
        page.select_option("select[name=vai-tro]", role)
    expected = ids([t for t in TASKS if keep(t, "phong-khtc")])
    assert shown(page) == expected
    assert "don-vi=phong-khtc" in page.url
    count = page.locator("#finder-count").inner_text()
    assert count == f"{len(expected)} trên {len(TASKS)} nhiệm vụ khớp với bộ lọc"


def test_text_search_ignores_diacritics_and_case(page: Page, site_url: str) -> None:
    open_finder(page, site_url)
    page.fill("input[name=tu-khoa]", "phong khtc")
    involved = ids([t for t in TASKS if "phong-khtc" in (t["lead"], *t.get("support", []))])
    page.wait_for_function(
        f"document.querySelectorAll('#finder-table tbody tr:not([hidden])').length == {len(involved)}"
    )
    assert shown(page) == involved
    page.fill("input[name=tu-khoa]", "THANH TOAN TRUC TUYEN")
    page.wait_for_url(re.compile(r"tu-khoa=THANH\+TOAN\+TRUC\+TUYEN"))
    assert shown(page) == ids([t for t in TASKS if "thanh toan truc tuyen" in fold(t["task"] + " " + t["problem"])])


def test_field_and_status_filters(page: Page, site_url: str) -> None:
    open_finder(page, site_url, "?linh-vuc=6")
    assert page.locator("select[name=linh-vuc]").input_value() == "6"
    assert shown(page) == ids([t for t in TASKS if t["field"] == 6])
    page.select_option("select[name=trang-thai]", "hoan-thanh")
    assert shown(page) == ids([t for t in TASKS if t["field"] == 6 and status_on(t) == "hoan-thanh"])


@pytest.mark.parametrize(
    ("han", "extra", "keep"),
    [
        ("thang-nay", "", lambda d, t: d is not None and (d.year, d.month) == (2024, 12)),
        ("quy-nay", "", lambda d, t: d is not None and date(2024, 10, 1) <= d <= date(2024, 12, 31)),
        ("khoang", "&tu=2024-09-01&den=2024-09-30", lambda d, t: d is not None and d.month == 9 and d.year == 2024),
    ],
)
def test_deadline_filters_use_vietnam_today(page: Page, site_url: str, han: str, extra: str, keep) -> None:
    open_finder(page, site_url, f"?han={han}{extra}")
    expected = ids([t for t in TASKS if keep(due_date(t["deadline"]), t)])
    assert expected  # the sample data exercises every filter
    assert shown(page) == expected
    assert page.locator("input[name=tu]").is_visible() == (han == "khoang")


BUILT_ON = date.fromisoformat(BUILD_TODAY)  # the states the site shows are those of its build day


def test_overdue_is_a_state_and_old_deadline_links_still_open_it(page: Page, site_url: str) -> None:
    open_finder(page, site_url, "?han=qua-han")  # a link saved when "quá hạn" was a deadline filter
    assert page.locator("select[name=trang-thai]").input_value() == "qua-han"
    assert page.locator("select[name=han]").input_value() == ""
    overdue = ids([t for t in TASKS if (d := due_date(t["deadline"])) and d < BUILT_ON and status_on(t) not in (
        "hoan-thanh", "tam-dung"
    )])  # fmt: skip
    assert overdue and shown(page) == overdue
    # "Đang thực hiện" no longer lists a task the same row calls "Quá hạn".
    page.select_option("select[name=trang-thai]", "dang-thuc-hien")
    badges = page.locator("#finder-table tbody tr:not([hidden]) .task-state").all_inner_texts()
    assert badges and all(b == "Đang thực hiện" for b in badges), badges


def test_state_counts_agree_with_the_home_page(page: Page, site_url: str) -> None:
    """The finder's state filter over the current plan gives the home page's counts, state by state."""
    page.goto(site_url)
    counts = page.locator("figure.progress .progress__count").all_inner_texts()
    assert len(counts) == 5
    options = dict(zip(["Hoàn thành", "Đang thực hiện", "Quá hạn", "Chưa triển khai", "Tạm dừng"], [
        "hoan-thanh", "dang-thuc-hien", "qua-han", "chua-trien-khai", "tam-dung"
    ], strict=True))  # fmt: skip
    for text in counts:
        label, number = text.rsplit(" ", 1)
        open_finder(page, site_url, f"?nam=2024&trang-thai={options[label]}")
        expected = f"{number} trên {len(TASKS)} nhiệm vụ khớp với bộ lọc" if int(number) != len(TASKS) else ""
        assert page.locator("#finder-count").inner_text() == (expected or f"{len(TASKS)} nhiệm vụ"), label
        assert len(shown(page)) == int(number), label
    select = page.locator("select[name=trang-thai] option").all_inner_texts()
    assert select == ["Tất cả", *options], select


def test_url_state_round_trip_and_back_button(page: Page, site_url: str) -> None:
    open_finder(page, site_url, "?don-vi=van-phong&vai-tro=chu-tri")
    led = ids([t for t in TASKS if t["lead"] == "van-phong"])
    assert shown(page) == led
    page.select_option("select[name=linh-vuc]", "7")
    assert re.search(r"don-vi=van-phong&vai-tro=chu-tri&linh-vuc=7$", page.url)
    assert shown(page) == ids([t for t in TASKS if t["lead"] == "van-phong" and t["field"] == 7])
    page.go_back()
    page.wait_for_url(re.compile(r"vai-tro=chu-tri$"))
    assert page.locator("select[name=linh-vuc]").input_value() == ""
    assert shown(page) == led
    page.click("#finder-reset")
    page.wait_for_url(re.compile(r"/tra-cuu/$"))
    assert len(shown(page)) == len(TASKS)


def test_sorting_by_deadline_and_back(page: Page, site_url: str) -> None:
    open_finder(page, site_url)
    page.get_by_role("button", name="Thời hạn").click()
    by_due = sorted(TASKS, key=lambda t: (due_date(t["deadline"]) or date.max, t["id"]))
    assert shown(page) == ids(by_due)
    assert page.locator("th[data-sort=due]").get_attribute("aria-sort") == "ascending"
    page.get_by_role("button", name="Thời hạn").click()
    assert shown(page) == ids(by_due)[::-1]
    assert page.url.endswith("?sap-xep=-due")
    page.go_back()
    assert shown(page) == ids(by_due)


def test_sorting_with_the_keyboard(page: Page, site_url: str) -> None:
    open_finder(page, site_url)
    page.get_by_role("button", name="Đơn vị chủ trì").focus()
    page.keyboard.press("Enter")
    names = [fold(UNITS[t["lead"]]["name"]) for t in TASKS]
    shown_names = [fold(UNITS[next(t["lead"] for t in TASKS if t["id"] == i)]["name"]) for i in shown(page)]
    assert shown_names == sorted(names)


def test_nothing_matches(page: Page, site_url: str) -> None:
    open_finder(page, site_url, "?tu-khoa=xyzzy")
    assert shown(page) == []
    assert page.locator("#finder-empty").is_visible()
    assert "Không có nhiệm vụ nào khớp với bộ lọc" in page.locator("#finder-empty").inner_text()
    assert page.locator("#finder-count").inner_text() == f"0 trên {len(TASKS)} nhiệm vụ khớp với bộ lọc"


def test_links_lead_to_the_task(page: Page, site_url: str) -> None:
    open_finder(page, site_url, "?tu-khoa=NV14")
    page.locator("#finder-table tbody tr:not([hidden]) a").first.click()
    page.wait_for_url(re.compile(r"/don-vi/phong-khtc/#nv-2024-nv14$"))
    assert page.locator("#nv-2024-nv14").is_visible()


def test_fits_a_phone_screen_results_first(browser: Browser, site_url: str) -> None:
    """At 390 × 844 the first result is on the first screen; the filters are folded behind one
    control that says how many are chosen, and the count line names them."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.clock.set_fixed_time(NOW)
    page.goto(f"{site_url}tra-cuu/?nam=2024&trang-thai=qua-han")
    page.locator("#finder[data-ready]").wait_for(state="attached")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator("#finder-table tbody tr:not([hidden])").first.bounding_box()
    assert first is not None and first["y"] + 40 <= 844, first
    assert not page.locator("select[name=nam]").is_visible()  # folded
    summary = page.locator("#finder-filters > summary")
    assert summary.inner_text() == "Bộ lọc (2 đang chọn)"
    assert page.locator(".finder__status").inner_text().startswith(page.locator("#finder-count").inner_text())
    assert page.locator("#finder-chosen").inner_text() == "· Năm 2024 · Quá hạn"
    box = summary.bounding_box()
    assert box is not None and box["height"] >= 24 and box["width"] >= 24
    summary.click()
    assert page.locator("select[name=nam]").is_visible()
    page.click("#finder-reset")
    page.wait_for_url(re.compile(r"/tra-cuu/$"))
    assert summary.inner_text() == "Bộ lọc" and page.locator("#finder-reset").is_hidden()
    context.close()


def test_data_file_is_asked_for_once_while_the_page_loads(page: Page, site_url: str) -> None:
    """The page preloads the tasks' data file and the script's fetch() takes that response over:
    one request, started by the page before its scripts run, and nothing in the console about
    a preload left unused."""
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: "nhiem-vu.json" in request.url and requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{site_url}tra-cuu/")  # the real clock: performance entries are wanted here
    page.locator("#finder[data-ready]").wait_for(state="attached")
    page.wait_for_timeout(3500)  # Chromium warns about an unused preload after about 3 s
    assert len(requests) == 1, requests
    started_by = page.evaluate(
        "performance.getEntriesByType('resource').filter(e => e.name.includes('nhiem-vu.json'))"
        ".map(e => e.initiatorType)"
    )
    assert started_by == ["link"]
    assert not [text for text in console if "preload" in text.lower()]
