"""Gap analysis and target outcome (golden on the seed data), and the charts in the built site."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import GOLDEN, ROOT, page_text
from parsite.data_in.analysis import gaps, target_outcome
from parsite.outputs.render import render_pages
from parsite.site import load_site

SVG = "{http://www.w3.org/2000/svg}"


def test_gaps_on_the_seed_data() -> None:
    site = load_site(ROOT / "data", ROOT)
    result = [(g.field.id, g.lost, g.uncovered, g.untargeted_tasks) for g in gaps(site.current_plan)]
    assert result == [
        (6, Decimal("3.42"), False, False),
        (7, Decimal("3.15"), False, False),
        (1, Decimal("2.0"), False, False),
        (3, Decimal("2.0"), False, False),
        (2, Decimal("0"), False, False),
        (4, Decimal("0"), False, False),
        (5, Decimal("0"), False, False),
    ]


def test_gaps_flag_uncovered_fields_and_untargeted_tasks() -> None:
    site = load_site(GOLDEN / "other-agency" / "data", ROOT)
    by_field = {g.field.id: g for g in gaps(site.current_plan)}
    assert [g.field.id for g in gaps(site.current_plan)] == [3, 1, 2]
    assert by_field[1].lost == Decimal("0.75") and by_field[1].uncovered  # lost points, no task
    assert by_field[2].lost == 0 and by_field[2].untargeted_tasks  # a task where nothing was lost
    assert [t.id for t in by_field[3].tasks] == ["NV1", "NV3"]
    page = render_pages(site)["ket-qua.md"]
    assert "**Bị trừ điểm nhưng chưa có nhiệm vụ khắc phục**" in page
    assert "Có nhiệm vụ nhưng lĩnh vực không bị trừ điểm" in page


def test_target_is_unknown_until_the_year_result_is_entered() -> None:
    site = load_site(ROOT / "data", ROOT)
    outcome = target_outcome(site, site.current_plan)
    assert outcome.target_rank == 10 and outcome.result is None and outcome.met is None
    assert "Kết quả năm 2024:** chưa có số liệu" in render_pages(site)["ket-qua.md"]


@pytest.mark.parametrize(
    ("rank", "met", "margin", "words"),
    [(3, True, 1, "đạt mục tiêu**, vượt 1 bậc"), (7, False, -3, "chưa đạt mục tiêu**, thiếu 3 bậc")],
)
def test_target_outcome_once_the_result_is_entered(
    tmp_path: Path, rank: int, met: bool, margin: int, words: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(GOLDEN / "other-agency" / "data", data)
    result = f"year: 2025\nsource: qd-9-2025\ntotal: 27.5\nrank: {rank}\nranked_count: 19\n"
    (data / "results" / "2025.yml").write_text(result + "fields:\n  1: 10\n  2: 11.5\n  3: 6\n", encoding="utf-8")
    site = load_site(data, tmp_path)
    outcome = target_outcome(site, site.current_plan)
    assert (outcome.target_rank, outcome.met, outcome.margin) == (4, met, margin)
    changes = {c.field.id: c.change for c in outcome.field_changes()}
    assert changes == {1: Decimal("0.75"), 2: Decimal("-1.0"), 3: Decimal("2")}
    page = render_pages(site)["ket-qua.md"]
    assert words in page
    assert "| +0,75 |" in page and "| -1 |" in page and "| +2 |" in page


def svg_charts(html: str) -> dict[str, ET.Element]:
    charts = {}
    for match in re.finditer(r'<figure class="chart[^"]*" id="([^"]+)">\s*(<svg.*?</svg>)', html, re.S):
        charts[match[1]] = ET.fromstring(match[2])
    return charts


def test_charts_in_the_built_pages_hold_the_right_values(built_site: Path) -> None:
    html = (built_site / "ket-qua" / "index.html").read_text(encoding="utf-8")
    charts = svg_charts(html)
    assert set(charts) >= {"bieu-do-tong-diem", "bieu-do-xep-hang", "bieu-do-linh-vuc-nam-2023"}

    total = charts["bieu-do-tong-diem"]
    points = {c.get("data-year"): c.get("data-value") for c in total.iter(f"{SVG}circle")}
    assert points == {"2023": "89.42"}  # 2022's total is unknown: no point, no zero
    texts = [t.text for t in total.iter(f"{SVG}text")]
    assert "89,42" in texts and "chưa có số liệu" in texts
    assert not list(total.iter(f"{SVG}polyline"))  # a single known year draws no line
    assert "2023: 89,42" in total.find(f"{SVG}desc").text

    rank = charts["bieu-do-xep-hang"]
    circles = {c.get("data-year"): c for c in rank.iter(f"{SVG}circle")}
    assert {y: c.get("data-value") for y, c in circles.items()} == {"2022": "9", "2023": "11"}
    assert "chart__point--derived" in circles["2022"].get("class")
    assert float(circles["2022"].get("cy")) < float(circles["2023"].get("cy"))  # 9th is drawn above 11th
    assert "Mục tiêu năm 2024: thứ 10" in [t.text for t in rank.iter(f"{SVG}text")]

    bars = charts["bieu-do-linh-vuc-nam-2023"]
    labels = [t.text for t in bars.iter(f"{SVG}text") if t.text and "/" in t.text]
    assert labels == [
        "13,5/15,5 · bị trừ 2",
        "14/14 · không bị trừ",
        "15,5/17,5 · bị trừ 2",
        "10/10 · không bị trừ",
        "12/12 · không bị trừ",
        "7,58/11 · bị trừ 3,42",
        "16,85/20 · bị trừ 3,15",
    ]
    widths = {(r.get("class"), r.get("data-field")): float(r.get("width")) for r in bars.iter(f"{SVG}rect")}
    assert widths[("chart__earned", "6")] / widths[("chart__max", "6")] == pytest.approx(7.58 / 11, abs=0.01)


def test_field_page_has_its_own_chart(built_site: Path) -> None:
    html = (built_site / "linh-vuc" / "6" / "index.html").read_text(encoding="utf-8")
    chart = svg_charts(html)["bieu-do-linh-vuc-6"]
    assert {c.get("data-year"): c.get("data-value") for c in chart.iter(f"{SVG}circle")} == {"2023": "7.58"}
    assert "Tối đa 11" in [t.text for t in chart.iter(f"{SVG}text")]


def test_province_context_is_shown_with_its_source(built_site: Path) -> None:

    text = page_text(built_site, "ket-qua")
    assert "2023 85,42 51/63" in text and "2022 84,66 37/63" in text
    assert "Nguồn: Kế hoạch số 475/KH-UBND ngày 18/07/2024" in text
