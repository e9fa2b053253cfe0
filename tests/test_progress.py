"""Progress tracking: states against a pinned "today", progress bars, quarterly reports, footer stamp."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from helpers import ROOT, article_text, mkdocs_build, page_text
from parsite.data_in.progress import state, summary
from parsite.outputs.reports import quarter_report
from parsite.site import load_site


def task(site, task_id: str):
    return next(t for t in site.tasks if t.id == task_id)


@pytest.fixture(scope="module")
def site():
    return load_site(ROOT / "data", ROOT, today=date(2025, 3, 31))


@pytest.mark.parametrize(
    ("task_id", "day", "label"),
    [
        ("NV05", date(2024, 11, 30), "Đang thực hiện"),  # due 30/11/2024: not late on the day itself
        ("NV05", date(2024, 12, 1), "Quá hạn 1 ngày"),
        ("NV05", date(2025, 3, 31), "Quá hạn 121 ngày"),
        ("NV07", date(2024, 9, 30), "Đang thực hiện"),  # due end of Quý III, finished 10/10/2024
        ("NV07", date(2024, 10, 5), "Quá hạn 5 ngày"),
        ("NV07", date(2024, 10, 10), "Hoàn thành quá hạn 10 ngày"),
        ("NV17", date(2024, 6, 1), "Chưa triển khai"),  # finished 25/06/2024, nothing logged before
        ("NV17", date(2024, 7, 1), "Hoàn thành"),
        ("NV24", date(2025, 3, 31), "Tạm dừng"),  # paused tasks are not counted late
        ("NV02", date(2030, 1, 1), "Đang thực hiện"),  # ongoing (thường xuyên): never late
        ("NV25", date(2024, 1, 10), "Chưa triển khai"),  # finished later, nothing logged yet
    ],
)
def test_task_state_on_a_day(site, task_id: str, day: date, label: str) -> None:
    assert state(task(site, task_id), day).label == label


def test_summary_counts(site) -> None:
    assert summary(site.current_plan.tasks, date(2025, 3, 31)).counts == {
        "done": 12, "in-progress": 9, "overdue": 3, "not-started": 0, "paused": 1
    }  # fmt: skip


def test_quarter_report_lists_work_and_delays(site) -> None:
    q4 = quarter_report(site, site.current_plan, 4)
    assert (q4.start, q4.end, q4.as_of, q4.label) == (date(2024, 10, 1), date(2024, 12, 31), q4.end, "Quý IV/2024")
    finance = next(g for g in q4.by_field if g.title.startswith("Lĩnh vực 6"))
    assert [d.task.id for d in finance.done] == ["NV18", "NV14"]
    late = {item.task.id: item for g in q4.by_field for item in g.late}
    assert set(late) == {"NV05", "NV07", "NV20"}  # NV12 is due on the quarter's last day: not late yet
    assert late["NV05"].state.label == "Quá hạn 31 ngày"
    assert late["NV05"].reason.startswith("Các sáng kiến chưa đủ điều kiện")
    assert late["NV07"].state.label == "Hoàn thành quá hạn 10 ngày"


def test_report_docx_reads_back(site) -> None:
    from parsite.outputs.report_docx import report_docx

    report = quarter_report(site, site.current_plan, 3)
    doc = Document(io.BytesIO(report_docx(site.agency, report)))
    text = "\n".join(p.text for p in doc.paragraphs)
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert "UBND TỈNH ĐẮK NÔNG" in header[0] and "Số:       /BC-SLĐTBXH" in header[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1] and "Đắk Nông, ngày" in header[1]
    assert "BÁO CÁO" in text and "Quý III/2024" in text
    assert "NV03 (TTr, 25/09/2024): Hoàn thành kiểm tra 4/10 đơn vị" in text
    # Between them, the tasks by state and by lead unit: a header, a row per unit, the total.
    states = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert states[0][0] == "Đơn vị chủ trì" and states[0][-1] == "Tổng số" and states[-1][0] == "Cộng"
    assert states[-1][-1] == str(len(site.current_plan.tasks))
    assert "III. KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT" in text and "IV. NHIỆM VỤ TRỌNG TÂM QUÝ IV/2024" in text
    footer = [c.text for c in doc.tables[2].rows[0].cells]
    assert footer[0].startswith("Nơi nhận:") and "- Sở Nội vụ (b/c);" in footer[0]
    assert footer[1] == "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


@pytest.mark.parametrize(("today", "nv05"), [("2024-11-15", "Đang thực hiện"), ("2024-12-10", "Quá hạn 10 ngày")])
def test_built_pages_follow_site_today(tmp_path: Path, today: str, nv05: str) -> None:
    result = mkdocs_build(ROOT, tmp_path / "site", SITE_TODAY=today)
    assert result.returncode == 0, result.stderr
    unit = page_text(tmp_path / "site", "don-vi/van-phong")
    block = unit.split("NV05 · ", 1)[1].split("NV06 · ", 1)[0]
    assert f"Trạng thái: {nv05}" in block
    finder = (tmp_path / "site" / "tra-cuu" / "index.html").read_text(encoding="utf-8")
    assert f">{nv05}</span></td>" in finder
    reports = sorted(p.name for p in (tmp_path / "site" / "bao-cao").glob("*.docx"))
    assert reports == ["2024-quy-1.docx", "2024-quy-2.docx", "2024-quy-3.docx", "2024-quy-4.docx"]


def test_home_shows_progress_and_footer_shows_build_time(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    text = article_text(html)
    assert (
        "Tiến độ thực hiện: Hoàn thành 12 · Đang thực hiện 9 · Quá hạn 3 · Chưa triển khai 0 · Tạm dừng 1 "
        "(trên 25 nhiệm vụ, tính đến ngày 31/03/2025)."
    ) in text
    # 2026-11-28T19:00Z is 02:00 on 29/11/2026 in Vietnam.
    assert '<div class="md-copyright__stamp">Cập nhật lúc 02:00 ngày 29/11/2026</div>' in html


def test_report_page(built_site: Path) -> None:
    text = page_text(built_site, "bao-cao/2024-quy-4")
    assert "Báo cáo tiến độ Quý IV/2024" in text
    assert "NV05 (VP, thời hạn 30/11/2024): Quá hạn 31 ngày. Lý do: Các sáng kiến chưa đủ điều kiện" in text
    assert "Chậm tiến độ:" in text
    html = (built_site / "bao-cao" / "2024-quy-4" / "index.html").read_text(encoding="utf-8")
    assert 'href="../2024-quy-4.docx"' in html
