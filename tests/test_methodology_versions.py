"""Charts and tables never join figures of two methodology versions (issue 34).

The reorganised agency's data (tests/golden/reorganised-agency: a methodology from 2021 and a
new one from 2024, field 7 renamed, other maxima) with two known totals under each version:
2022 and 2023 under the 2021 version, 2024 and 2025 under the 2024 version. Built with the real
mkdocs.yml; the assertions read the HTML a reader gets.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import serve
from helpers import GOLDEN, article_text, copy_project, mkdocs_build

SVG = "{http://www.w3.org/2000/svg}"
LABEL = "Bộ chỉ số mới từ năm 2024"
TODAY = "2026-02-15"


def version_of(year: int) -> int:
    return 2024 if year >= 2024 else 2021


@pytest.fixture(scope="module")
def versions_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("versions")
    data = root / "data"
    shutil.copytree(GOLDEN / "reorganised-agency" / "data", data)
    results = data / "results"
    (results / "2022.yml").write_text(
        (results / "2022.yml")
        .read_text(encoding="utf-8")
        .replace("total: null", "total: 83.25\nfields: {1: 10, 2: 8, 3: 12, 4: 8, 5: 11, 6: 8, 7: 13.25, 8: 13}"),
        encoding="utf-8",
    )
    (results / "2025.yml").write_text(
        "year: 2025\nsource: qd-28-2025\ntotal: 91.5\nrank: 5\nranked_count: 20\n"
        "fields: {1: 10, 2: 8.5, 3: 14, 4: 8, 5: 11, 6: 8.5, 7: 17, 8: 14.5}\n",
        encoding="utf-8",
    )
    project = copy_project(root / "project", data)
    result = mkdocs_build(project, root / "site", SITE_TODAY=TODAY)
    assert result.returncode == 0, result.stderr
    return root / "site"


def charts(html: str) -> dict[str, ET.Element]:
    """Each figure's SVG drawings by id (the narrow drawing under '<id>-hep')."""
    found = {}
    for svg in re.findall(r"<svg class=\"chart__svg.*?</svg>", html, re.S):
        element = ET.fromstring(svg)
        found[element.get("aria-labelledby", "").split()[0].removesuffix("-title")] = element
    return found


def polylines(svg: ET.Element) -> list[list[float]]:
    """The x of each point of each drawn line."""
    return [[float(p.split(",")[0]) for p in line.get("points", "").split()] for line in svg.iter(f"{SVG}polyline")]


def test_total_line_breaks_where_the_new_version_starts(versions_site: Path) -> None:
    html = (versions_site / "ket-qua" / "index.html").read_text(encoding="utf-8")
    drawn = charts(html)
    for chart_id in ("bieu-do-tong-diem", "bieu-do-tong-diem-hep"):
        svg = drawn[chart_id]
        years = {c.get("data-year"): float(c.get("cx", 0)) for c in svg.iter(f"{SVG}circle")}
        assert sorted(years) == ["2022", "2023", "2024", "2025"]
        (change,) = [line for line in svg.iter(f"{SVG}line") if line.get("class") == "chart__version"]
        x = float(change.get("x1", 0))
        assert years["2023"] < x < years["2024"]
        # Two separate lines: 2022–2023 and 2024–2025, none crossing the change.
        assert polylines(svg) == [[years["2022"], years["2023"]], [years["2024"], years["2025"]]]
        assert [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart__version-label"] == [LABEL]
        tooltips = {c.get("data-year"): c.findtext(f"{SVG}title") for c in svg.iter(f"{SVG}circle")}
        assert tooltips["2023"] == "2023: 85,5 điểm, bộ chỉ số áp dụng từ năm 2021"
        assert tooltips["2025"] == "2025: 91,5 điểm, bộ chỉ số áp dụng từ năm 2024"
    caption = re.search(r'id="bieu-do-tong-diem">.*?<figcaption>(.*?)</figcaption>', html, re.S)
    assert caption and "Bộ chỉ số mới từ năm 2024: đường được ngắt tại đó" in caption[1]
    # A rank is a place among the same agencies in the same year, whatever the scoring: one line.
    rank = drawn["bieu-do-xep-hang"]
    assert len(polylines(rank)) == 1 and len(polylines(rank)[0]) == 4
    assert not [line for line in rank.iter(f"{SVG}line") if line.get("class") == "chart__version"]


def _text(fragment: str) -> str:
    return article_text(f"<article>{fragment}</article>")


def score_tables(html: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(the paragraph before, header cells, rows of cells) of each table of the article."""
    found = []
    pattern = r"(?:<p>((?:(?!<p>).)*?)</p>\s*)?<table>(.*?)</table>"
    for before, table in re.findall(pattern, html.split("<article", 1)[1], re.S):
        rows = [
            [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        ]
        found.append((_text(before), rows[0], rows[1:]))
    return found


def test_results_tables_hold_one_version_each(versions_site: Path) -> None:
    html = (versions_site / "ket-qua" / "index.html").read_text(encoding="utf-8")
    tables = [t for t in score_tables(html) if t[1][:3] == ["Năm", "Tổng điểm", "Xếp hạng"]]
    assert [before.split(" (")[0] for before, _, _ in tables] == [
        "Bộ chỉ số áp dụng từ năm 2024",
        "Bộ chỉ số áp dụng từ năm 2021",
    ]
    for before, head, rows in tables:
        versions = {version_of(int(row[0])) for row in rows}
        assert versions == {int(before.split(" (")[0][-4:])}, before  # no column holds two versions
        assert head[3:] == [f"LV{i}" for i in range(1, 9)]
    assert [[r[0] for r in rows] for _, _, rows in tables] == [["2025", "2024"], ["2023", "2022"]]
    # Old field 7 (another field, "chính quyền điện tử") does not link to the page of the new field 7.
    old = re.search(r"từ năm 2021</strong>.*?<thead>(.*?)</thead>", html, re.S)
    assert old and "linh-vuc/7/" not in old[1] and "linh-vuc/8/" in old[1]


def test_field_pages_show_only_their_own_field(versions_site: Path) -> None:
    renamed = (versions_site / "linh-vuc" / "7" / "index.html").read_text(encoding="utf-8")
    text = article_text(renamed)
    assert "13,25" not in text and "12,5" not in text  # the old field 7's points
    assert (
        "Năm 2022, 2023 được chấm theo bộ chỉ số áp dụng từ năm 2021, trong đó lĩnh vực 7 là một lĩnh vực khác: "
        "Xây dựng và phát triển chính quyền điện tử (tối đa 16 điểm)." in text
    )
    chart = charts(renamed)["bieu-do-linh-vuc-7"]
    assert {c.get("data-year") for c in chart.iter(f"{SVG}circle")} == {"2024", "2025"}
    assert len(polylines(chart)) == 1
    # Field 1: same field, another maximum: a table per version and a broken line.
    same = (versions_site / "linh-vuc" / "1" / "index.html").read_text(encoding="utf-8")
    tables = [t for t in score_tables(same) if t[1][0] == "Năm"]
    assert [(before, [r[0] for r in rows]) for before, _, rows in tables] == [
        ("Bộ chỉ số áp dụng từ năm 2024 (lĩnh vực này tối đa 10 điểm):", ["2025", "2024"]),
        ("Bộ chỉ số áp dụng từ năm 2021 (lĩnh vực này tối đa 12 điểm):", ["2023", "2022"]),
    ]
    chart = charts(same)["bieu-do-linh-vuc-1"]
    assert len(polylines(chart)) == 2
    assert [t.text for t in chart.iter(f"{SVG}text") if t.get("class") == "chart__version-label"] == [LABEL]


def test_score_downloads_carry_each_rows_version(versions_site: Path) -> None:
    """The open data are one row per year and field, each with its methodology: nothing is joined."""
    text = (versions_site / "du-lieu" / "scores.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4 * 8
    for row in rows:
        assert int(row["Bộ chỉ số áp dụng từ năm"]) == version_of(int(row["Năm"]))


# Every text of each visible chart drawing: its box on screen, and whether it is the version label.
TEXT_BOXES = """() => [...document.querySelectorAll("article figure.chart svg")]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => ({
    id: svg.getAttribute("aria-labelledby").split(" ")[0],
    svg: svg.getBoundingClientRect().toJSON(),
    texts: [...svg.querySelectorAll("text")].map(t => ({
      text: t.textContent, label: t.classList.contains("chart__version-label"), box: t.getBoundingClientRect().toJSON(),
    })),
  }))"""


@pytest.fixture(scope="module")
def versions_url(versions_site: Path) -> Iterator[str]:
    with serve(versions_site) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", ["ket-qua/", "linh-vuc/1/", "linh-vuc/8/"])
def test_version_label_overlaps_no_other_chart_text(browser, versions_url: str, path: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.goto(versions_url + path)
    page.wait_for_load_state("load")
    drawings = page.evaluate(TEXT_BOXES)
    context.close()
    labelled = [d for d in drawings if any(t["label"] for t in d["texts"])]
    assert labelled, "no chart shows the version change"
    for drawing in labelled:
        svg = drawing["svg"]
        for label in (t for t in drawing["texts"] if t["label"]):
            box = label["box"]
            assert box["left"] >= svg["left"] - 1 and box["right"] <= svg["right"] + 1, (drawing["id"], box, svg)
            for other in drawing["texts"]:
                if other is label:
                    continue
                o = other["box"]
                apart = (
                    box["right"] <= o["left"]
                    or o["right"] <= box["left"]
                    or box["bottom"] <= o["top"]
                    or o["bottom"] <= box["top"]
                )
                assert apart, f"{path} at {width} px, {drawing['id']}: '{label['text']}' overlaps '{other['text']}'"
