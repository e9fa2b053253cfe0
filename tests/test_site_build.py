"""End to end: build the real mkdocs.yml and data/ and read the HTML a reader gets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import GOLDEN, article_text, copy_project, data_file, mkdocs_build, page_html, page_text


def test_home_shows_latest_result_and_target(built_site: Path) -> None:
    home = page_text(built_site, "index.html")
    assert "89,42/100 điểm" in home
    assert "thứ 11/22 đơn vị sở ngành trên địa bàn tỉnh, giảm 02 bậc so với năm 2022" in home
    assert "tăng ít nhất 01 bậc so với năm 2023" in home
    assert "xếp thứ 10 trở lên" in home
    assert "Quyết định số 151/QĐ-UBND ngày 06/02/2024" in home
    html = page_html(built_site, "index.html")
    for link in ('href="ke-hoach/2024/"', 'href="ket-qua/"', 'href="don-vi/"', 'href="linh-vuc/"'):
        assert link in html


def test_plan_page_is_faithful_to_the_seed(built_site: Path) -> None:
    plan = page_text(built_site, "ke-hoach/2024")
    assert "UBND TỈNH ĐẮK NÔNG" in plan
    assert "SỞ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI" in plan
    assert "Số: /KH-SLĐTBXH" in plan  # the number is blank in the seed
    assert "Đắk Nông, ngày tháng 8 năm 2024" in plan  # so is the day
    assert "KẾ HOẠCH Cải thiện, nâng cao chỉ số cải cách hành chính năm 2024 của Sở Lao động" in plan
    for citation in (
        "Căn cứ Quyết định số 151/QĐ-UBND ngày 06/02/2024 của UBND tỉnh Đắk Nông về việc công bố chỉ số",
        "Kế hoạch số 475/KH-UBND ngày 18/07/2024 của UBND tỉnh Đắk Nông về Cải thiện, nâng cao Chỉ số",
        "Quyết định số 1794/QĐ-UBND ngày 27/12/2023 của UBND tỉnh Đắk Nông về việc ban hành Kế hoạch",
        "Kế hoạch số 02/KH-SLĐTBXH ngày 09/01/2024 về Kế hoạch cải cách hành chính năm 2024",
    ):
        assert citation in plan
    assert "đạt 89,42/100 điểm, xếp thứ 11/22 đơn vị sở ngành trên địa bàn tỉnh, giảm 02 bậc so với năm 2022" in plan
    for line in (
        "Lĩnh vực 1: Công tác chỉ đạo, điều hành CCHC đạt 13,5/15,5 điểm",
        "Lĩnh vực 2: Cải cách thể chế đạt 14/14 điểm",
        "Lĩnh vực 3: Cải cách thủ tục hành chính (TTHC) đạt 15,5/17,5 điểm",
        "Lĩnh vực 4: Cải cách tổ chức bộ máy hành chính nhà nước đạt 10/10 điểm",
        "Lĩnh vực 5: Cải cách chế độ công vụ đạt 12/12 điểm",
        "Lĩnh vực 6: Cải cách tài chính công đạt 7,58/11 điểm",
        "Lĩnh vực 7: Xây dựng và phát triển chính quyền điện tử, chính quyền số đạt 16,85/20 điểm",
    ):
        assert line in plan
    for heading in (
        "2.1. Mục đích",
        "2.2. Yêu cầu",
        "3. Nhiệm vụ, giải pháp: (Có Phụ lục kèm theo).",
        "4. Tổ chức thực hiện",
    ):
        assert heading in plan
    assert "tại kỳ báo cáo Quý III, năm 2024" in plan
    assert (
        "Nơi nhận: Sở Nội vụ (theo dõi); Ban Giám đốc Sở ; Các PCM, ĐVTT (thực hiện); Trang TTĐT Sở; Lưu: VT, VP."
        in plan
    )
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Hoàng Việt Nam" in plan
    assert "\\" not in plan  # Markdown escapes never show


def test_plan_appendix_lists_every_task(built_site: Path) -> None:
    plan = page_text(built_site, "ke-hoach/2024")
    assert "Dữ liệu minh họa" in plan
    units = {u["id"]: u for u in data_file("agency.yml")["units"]}
    for task in data_file("plans/2024/tasks.yml")["tasks"]:
        assert task["id"] in plan
        assert " ".join(task["task"].split()) in plan
        assert units[task["lead"]]["short"] in plan
        assert " ".join(task["output"].split()) in plan


def test_unit_page_lists_led_and_supported_tasks(built_site: Path) -> None:
    tasks = data_file("plans/2024/tasks.yml")["tasks"]
    for unit in data_file("agency.yml")["units"]:
        html = page_html(built_site, f"don-vi/{unit['id']}")
        body = article_text(html)
        assert unit["name"] in body
        led = [t for t in tasks if t["lead"] == unit["id"]]
        supported = [t for t in tasks if unit["id"] in t.get("support", [])]
        assert f"Nhiệm vụ chủ trì ({len(led)})" in body or not (led or supported)
        for t in led:
            assert f'id="nv-2024-{t["id"].lower()}"' in html
            assert " ".join(t["task"].split()) in body
            assert " ".join(t["output"].split()) in body
        for t in supported:
            assert f'href="../{t["lead"]}/#nv-2024-{t["id"].lower()}"' in html


def test_unit_page_shows_deadlines_in_vietnamese_format(built_site: Path) -> None:
    body = page_text(built_site, "don-vi/phong-khtc")
    assert "Thời hạn hoàn thành: 31/12/2024" in body  # written 2024-12-31 in the data
    assert "Thời hạn hoàn thành: 30/06/2024" in body
    assert "Thời hạn hoàn thành: Quý III/2024" in body
    assert "Thời hạn hoàn thành: Tháng 10/2024" in body
    assert "Thời hạn hoàn thành: Thường xuyên" in body


def test_score_history_keeps_unknown_values_unknown(built_site: Path) -> None:
    html = page_html(built_site, "ket-qua")
    rows: dict[str, str] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):  # the first table is the score history
        cells = article_text(f"<article>{row}</article>")
        rows.setdefault(cells.split(" ", 1)[0], cells)
    assert rows["2023"] == "2023 89,42/100 11/22 13,5/15,5 14/14 15,5/17,5 10/10 12/12 7,58/11 16,85/20"
    unknown = "chưa có số liệu"
    assert rows["2022"] == f"2022 {unknown} 9 (suy ra) " + " ".join([unknown] * 7)  # no "9/chưa có số liệu"
    # In the table the words wrap at one place only: two lines at most on a phone.
    assert '<td style="text-align: right;">chưa\u00a0có số\u00a0liệu</td>' in html
    body = article_text(html)
    assert "Năm 2023: Quyết định số 151/QĐ-UBND ngày 06/02/2024" in body
    assert "Năm 2022: suy ra từ Kế hoạch năm 2024" in body


def test_field_page_shows_points_lost_and_tasks(built_site: Path) -> None:
    body = page_text(built_site, "linh-vuc/6")
    assert "Lĩnh vực 6: Cải cách tài chính công" in body
    assert "Điểm tối đa: 11 điểm" in body
    assert "2023 7,58 11 3,42" in body
    assert "2022 chưa có số liệu chưa có số liệu chưa có số liệu" in body
    for task in data_file("plans/2024/tasks.yml")["tasks"]:
        assert (task["id"] in body) == (task["field"] == 6)
    assert "không có nhiệm vụ hướng tới lĩnh vực này" in page_text(built_site, "linh-vuc/2")


def test_site_is_vietnamese_and_works_offline(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 20
    for html_file in pages:
        html = html_file.read_text(encoding="utf-8")
        assert '<html lang="vi"' in html
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", html):
            assert not re.search(r"(src|href)=\"(https?:)?//", tag), f"{html_file}: external resource {tag}"


def test_another_agency_publishes_by_replacing_data(tmp_path: Path) -> None:
    """The fictional agency under tests/golden builds with the same config and code,
    and its hostile text is shown as text, never as markup."""
    project = copy_project(tmp_path / "project", GOLDEN / "other-agency" / "data")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    home = page_text(site, "index.html")
    assert "Ban Quản lý các khu công nghiệp" in home and "Đắk Nông" not in home
    unit_html = page_html(site, "don-vi/van-phong")
    assert "<script>alert" not in unit_html
    assert "Tăng tỷ lệ hồ sơ trực tuyến <script>alert('x')</script>" in article_text(unit_html)
    plan_html = page_html(site, "ke-hoach/2025")
    assert 'href="javascript:' not in plan_html and "<b>không đậm</b>" not in plan_html
    assert "*không in nghiêng*, <b>không đậm</b> & [không phải liên kết](javascript:alert(1))" in article_text(
        plan_html
    )
    assert "Dữ liệu minh họa" not in article_text(plan_html)  # these tasks are not marked as sample
    assert "Số: 31/KH-BQL" in article_text(plan_html)


@pytest.mark.parametrize("keep_old_site", [False, True])
def test_bad_data_stops_the_build_and_publishes_nothing(tmp_path: Path, keep_old_site: bool) -> None:
    project = copy_project(tmp_path / "project")
    tasks = project / "data" / "plans" / "2024" / "tasks.yml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("lead: thanh-tra", "lead: thanh-traa"), encoding="utf-8")
    site = tmp_path / "site"
    if keep_old_site:
        site.mkdir()
        (site / "index.html").write_text("trang cũ", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    line = next(i for i, s in enumerate(tasks.read_text(encoding="utf-8").splitlines(), 1) if "thanh-traa" in s)
    assert (
        f"data/plans/2024/tasks.yml:{line}:11: tasks[2].lead: đơn vị 'thanh-traa' không có trong data/agency.yml"
        in (result.stderr)
    )
    if keep_old_site:
        assert [p.name for p in site.iterdir()] == ["index.html"]
        assert (site / "index.html").read_text(encoding="utf-8") == "trang cũ"
    else:
        assert not site.exists()


def test_editors_guide_is_linked_from_the_footer_not_the_navigation(built_site: Path) -> None:
    for path in ("index.html", "don-vi/van-phong/index.html", "ke-hoach/2024/index.html"):
        html = (built_site / path).read_text(encoding="utf-8")
        header_navigation_and_article = html.split("<footer", 1)[0]
        assert "huong-dan" not in header_navigation_and_article
        assert "Hướng dẫn cập nhật dữ liệu" not in header_navigation_and_article
        footer = html.split('<div class="md-copyright">', 1)[1]
        assert "Dành cho cán bộ:" in footer and "huong-dan/" in footer
    guide = page_text(built_site, "huong-dan")
    assert "bản xem trước chạy trên máy của bạn" in guide


def test_the_404_page_links_within_the_site(built_site: Path) -> None:
    """The 404 page is served at any depth, so its links are absolute paths; none may start with
    "//", which a browser reads as another host (http://thay-doi/)."""
    html = (built_site / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert links and not [link for link in links if link.startswith("//")]
    assert 'href="/thay-doi/"' in html
