"""Any agency, any year, by data alone (issue 14).

A second complete data set (tests/golden/reorganised-agency: another agency of another
province, eight fields, a methodology change in 2024, two plans, a year with a rank but no
total, a made-up reorganisation, no province.yml) is built with the real mkdocs.yml and
code. Nothing of the real agency may appear anywhere in what is published, and no figure
may exceed the maximum of its own year's methodology.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from helpers import GOLDEN, ROOT, article_text, copy_project, mkdocs_build, page_text
from parsite.fmt import fold
from parsite.outputs.paths import plan_path
from parsite.outputs.render import render_pages
from parsite.problems import DataError
from parsite.site import load_site
from parsite.tools.scaffold import new_plan_files

DATA = GOLDEN / "reorganised-agency" / "data"
TODAY = "2026-02-15"  # the 2025 plan has ended, its year's result is not yet entered


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def real_agency_strings() -> set[str]:
    """Distinctive strings of the real data/: names, province, signer, document numbers, unit ids.

    Unit names and ids the two data sets share (van-phong, "Văn phòng Sở") are not distinctive.
    """
    real, other = _yaml(ROOT / "data" / "agency.yml"), _yaml(DATA / "agency.yml")
    shared = {v for u in other["units"] for v in (u["id"], u["name"], u["short"])}
    found = {v for k, v in real["agency"].items() if isinstance(v, str) and k != "self_name"}
    found |= {v for u in real["units"] for v in (u["id"], u["name"], u["short"]) if v not in shared and len(v) > 4}
    found |= set(real.get("site", {}).values())
    for doc in _yaml(ROOT / "data" / "documents.yml")["documents"]:
        found |= {doc["id"], doc["number"]}
    for folder in sorted((ROOT / "data" / "plans").iterdir()):
        plan = _yaml(folder / "plan.yml")
        found |= {plan["signature"]["name"], plan["number_suffix"], plan["title"]}
    for path in sorted((ROOT / "data" / "results").glob("*.yml")):
        total = _yaml(path)["total"]
        if total is not None:
            found |= {str(total), str(total).replace(".", ",")}
    return found


def published_texts(site: Path) -> Iterator[tuple[str, str]]:
    """(name, text) of every file of the built site, Office files unzipped, compressed ones opened."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if path.suffix == ".gz":
            data, name = gzip.decompress(data), name.removesuffix(".gz")
        if path.suffix == ".br":
            brotli = pytest.importorskip("brotli")
            data, name = brotli.decompress(data), name.removesuffix(".br")
        if name.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    yield f"{name}!{member}", archive.read(member).decode("utf-8", "replace")
        elif name.endswith((".png", ".ico", ".woff", ".woff2", ".ttf", ".jpg", ".webp")):
            continue
        else:
            yield name, data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("other-agency")
    project = copy_project(root / "project", DATA)
    result = mkdocs_build(project, root / "site", SITE_TODAY=TODAY)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_nothing_of_the_real_agency_is_published(other_site: Path) -> None:
    forbidden = real_agency_strings()
    assert {"Đắk Nông", "Hoàng Việt Nam", "151/QĐ-UBND", "phong-khtc", "89,42"} <= forbidden  # the list is real
    folded = {fold(s).lower() for s in forbidden if len(s) > 6}
    checked = 0
    for name, text in published_texts(other_site):
        checked += 1
        for value in forbidden:
            assert value not in text, f"{name} shows '{value}' of the real agency"
        lowered = fold(text).lower()
        for value in folded:
            assert value not in lowered, f"{name} shows '{value}' (without diacritics) of the real agency"
    assert checked > 50  # pages, search index, downloads, schemas, reports, calendars


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


# "13,5/15": points against a maximum (also ranks, 7/20); not dates (15/02/2024, "31/02" in the
# guide: no maximum starts with 0) or document numbers.
FRACTION = re.compile(r"(?<![\d/,.])(\d+(?:,\d+)?)/([1-9]\d*(?:,\d+)?)(?![\d/,])")


def test_no_figure_exceeds_its_own_maximum(other_site: Path) -> None:
    pages = sorted(other_site.rglob("*.html"))
    fractions = 0
    for page in pages:
        text = article_text(page.read_text(encoding="utf-8"))
        assert "chưa có số liệu/" not in text and "/chưa có số liệu" not in text, page
        assert "đạt chưa có số liệu" not in text and "trừ chưa có số liệu" not in text, page
        for left, right in FRACTION.findall(text):
            fractions += 1
            assert _number(left) <= _number(right), f"{page.relative_to(other_site)}: {left}/{right}"
    assert fractions > 100
    # The downloads: each figure under its own year's field name and maximum.
    versions = _yaml(DATA / "methodology.yml")["versions"]

    def field_of(year: int, field: int) -> dict:
        version = [v for v in versions if v["from_year"] <= year][-1]
        return next(f for f in version["fields"] if f["id"] == field)

    rows = list(csv.DictReader(io.StringIO((other_site / "du-lieu" / "scores.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3 * 8
    for row in rows:
        expected = field_of(int(row["Năm"]), int(row["Lĩnh vực"]))
        assert (row["Tên lĩnh vực"], Decimal(row["Điểm tối đa"])) == (expected["name"], Decimal(str(expected["max"])))
        if row["Điểm đạt"]:
            assert Decimal(row["Điểm đạt"]) <= Decimal(row["Điểm tối đa"])
    scores = json.loads((other_site / "du-lieu" / "scores.json").read_text(encoding="utf-8"))
    for year in scores["years"]:
        for field in year["fields"]:
            expected = field_of(year["year"], field["field"])
            assert (field["name"], field["max"]) == (expected["name"], expected["max"])
            assert field["points"] is None or field["points"] <= field["max"]


def test_identity_comes_from_the_data(other_site: Path) -> None:
    home = (other_site / "index.html").read_text(encoding="utf-8")
    assert "<title>Trang chủ - Chỉ số CCHC – Sở NN&amp;MT tỉnh Hòa Lâm</title>" in home
    assert '<link rel="canonical" href="https://cchc.hoalam.example/">' in home
    assert 'content="Kết quả Chỉ số cải cách hành chính và kế hoạch cải thiện của Sở Nông nghiệp' in home
    assert "Sở Nông nghiệp và Môi trường tỉnh Hòa Lâm</div>" in home  # footer
    assert "<loc>https://cchc.hoalam.example/ke-hoach/2024/</loc>" in (other_site / "sitemap.xml").read_text("utf-8")
    calendar = (other_site / "lich" / "tat-ca.ics").read_text(encoding="utf-8")
    assert "https://cchc.hoalam.example/don-vi/" in calendar.replace("\r\n ", "")
    guide = page_text(other_site, "huong-dan")  # the guide's examples come from this data set
    assert "--field 8=" in guide and "lead: van-phong" in guide and "support: [thanh-tra, phong-dat-dai]" in guide
    assert "./scripts/add-result 2025 " in guide and "./scripts/new-plan 2026" in guide


def test_each_page_names_the_agency_as_it_was_then(other_site: Path) -> None:
    plan_2024 = (other_site / "ke-hoach" / "2024" / "index.html").read_text(encoding="utf-8")
    assert "<strong>SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG</strong>" in plan_2024  # issued before the merger
    assert "NÔNG NGHIỆP" not in plan_2024
    assert "[P. ĐĐ]" not in plan_2024 and ">P. ĐĐ</a>" in plan_2024  # the unit's name in 2024
    plan_2025 = (other_site / "ke-hoach" / "2025" / "index.html").read_text(encoding="utf-8")
    assert "<strong>SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG</strong>" in plan_2025 and ">P. QLĐĐ</a>" in plan_2025
    home = page_text(other_site, "")
    assert (
        "Từ ngày 01/03/2025, Sở Tài nguyên và Môi trường được sáp nhập vào Sở Nông nghiệp và Môi trường tỉnh Hòa Lâm"
        in home
    )
    assert "Cơ quan chịu trách nhiệm hiện nay: Sở Nông nghiệp và Môi trường tỉnh Hòa Lâm." in home
    merged = page_text(other_site, "don-vi/chi-cuc-bvmt")
    assert "Từ ngày 01/03/2025, đơn vị được sáp nhập vào Phòng Môi trường (Quyết định số 45/QĐ-UBND" in merged
    assert "Đơn vị không còn báo cáo tiến độ." in merged and "Tải bảng tính" not in merged
    renamed = page_text(other_site, "don-vi/phong-dat-dai")
    assert renamed.startswith("Phòng Quản lý đất đai (P. QLĐĐ)")
    assert "Trước ngày 01/03/2025, đơn vị có tên Phòng Đất đai" in renamed


def test_home_page_says_what_is_current(other_site: Path) -> None:
    home = page_text(other_site, "")
    assert "Tình trạng cập nhật đến ngày 15/02/2026" in home
    assert "Kế hoạch cải thiện Chỉ số CCHC năm 2025 đã hết thời hạn thực hiện ngày 31/12/2025." in home
    assert "Chưa có kế hoạch năm 2026 trên trang." in home
    assert "Kết quả Chỉ số CCHC năm 2025 chưa được cập nhật." in home


def test_unknown_values_are_sentences(tmp_path: Path) -> None:
    """A base year with a rank only, or with nothing: sentences, never 'đạt chưa có số liệu/100 điểm'."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    plan = data / "plans" / "2024" / "plan.yml"
    plan.write_text(
        plan.read_text(encoding="utf-8")
        .replace("base_year: 2023", "base_year: 2022")
        .replace("overview: 2023", "overview: 2022"),
        encoding="utf-8",
    )
    text = render_pages(load_site(data, ROOT))[plan_path(2024)]
    assert (
        "Năm 2022, Sở xếp thứ 12/20 cơ quan chuyên môn thuộc UBND tỉnh; tổng điểm Chỉ số cải cách hành chính "
        "năm 2022 chưa có số liệu. Chưa có số liệu điểm từng lĩnh vực." in text
    )
    assert "Năm 2022, theo bộ chỉ số áp dụng năm đó: chưa có số liệu điểm của lĩnh vực này (tối đa 12 điểm)" in text
    result = data / "results" / "2022.yml"
    result.write_text(result.read_text(encoding="utf-8").replace("rank: 12", "rank: null"), encoding="utf-8")
    text = render_pages(load_site(data, ROOT))[plan_path(2024)]
    assert "Chưa có số liệu về Chỉ số cải cách hành chính của Sở năm 2022." in text
    assert "chưa có số liệu/" not in text and "đạt chưa có số liệu" not in text


def test_comparisons_across_methodologies_say_so(tmp_path: Path) -> None:
    """The 2024 plan (base 2023, old methodology) against the 2024 result: field 4 went from
    9/9 to 8/8, full marks both years; that is not "-1"."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.rmtree(data / "plans" / "2025")
    pages = render_pages(load_site(data, ROOT))
    row = next(line for line in pages["ket-qua.md"].splitlines() if line.startswith("| [Lĩnh vực 4:"))
    assert row.endswith("| 9/9 | 8/8 | khác bộ chỉ số: 100% → 100% điểm tối đa |")
    plan = pages[plan_path(2024)]
    assert "đạt 11/12 điểm, bị trừ 1 điểm (khác bộ chỉ số năm 2024, trong đó lĩnh vực này tối đa 10 điểm)" in plan
    assert "11/10" not in plan


def test_new_plan_names_fields_by_the_plan_years_methodology(tmp_path: Path) -> None:
    """Base year 2023 (methodology of 2021), plan year 2025 (methodology of 2024)."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.rmtree(data / "plans" / "2025")
    (data / "results" / "2024.yml").unlink()
    site = load_site(data, ROOT)
    scaffold = new_plan_files(site, data, 2025)
    tasks = scaffold.files[data / "plans" / "2025" / "tasks.yml"]
    assert "# Lĩnh vực 7: Xây dựng và phát triển chính quyền số — năm 2023 bị trừ 3,5/16 điểm" in tasks
    assert "(theo bộ chỉ số năm 2023: Xây dựng và phát triển chính quyền điện tử)" in tasks
    assert "chính quyền điện tử —" not in tasks
    plan = scaffold.files[data / "plans" / "2025" / "plan.yml"]
    assert 'title: "Cải thiện Chỉ số cải cách hành chính năm [[2024?]] của Sở Tài nguyên và Môi trường"' in plan
    assert 'name: "[[Trần Thị Bình?]]"' in plan


def test_a_plan_gives_no_task_to_a_unit_that_no_longer_exists(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    tasks = data / "plans" / "2025" / "tasks.yml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("lead: tt-cntt", "lead: chi-cuc-bvmt"), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_site(data, tmp_path)
    line = next(i for i, s in enumerate(tasks.read_text(encoding="utf-8").splitlines(), 1) if "chi-cuc-bvmt" in s)
    assert str(error.value).splitlines()[1:] == [
        f"data/plans/2025/tasks.yml:{line}:11: tasks[1].lead: đơn vị 'chi-cuc-bvmt' không còn từ ngày 01/03/2025 "
        "(sáp nhập), trước ngày ký kế hoạch; giao cho đơn vị tiếp nhận 'phong-moi-truong' [unit-inactive]"
    ]
