"""The quarterly report's .docx (parsite.outputs.report_docx writes its XML as text) is byte
for byte the file python-docx makes through its own API, on the real data, generated data and
awkward text in every field the report prints; and Word's reader, python-docx, reads it back."""

from __future__ import annotations

import dataclasses
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Emu, Mm, Pt
from helpers import ROOT, generate_data
from parsite import fmt
from parsite.data_in.progress import BUCKETS
from parsite.outputs.report_docx import grid_widths, report_docx
from parsite.outputs.reports import quarter_reports
from parsite.outputs.zipfix import fixed_zip
from parsite.site import load_site

AWKWARD = ["  leading and trailing  ", "two\nlines", "tab\there", "<b>&amp;</b> > < & \" '", "😀 ẩ", "", "x" * 3000]


def _run(paragraph, text: str, *, bold=False, italic=False, size=13):
    if text:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if size != 13:
            run.font.size = Pt(size)


def _paragraph(parent, text="", *, bold=False, italic=False, size=13, align=None, after=0):
    paragraph = parent.add_paragraph()
    _run(paragraph, text, bold=bold, italic=italic, size=size)
    paragraph.paragraph_format.space_after = Pt(after)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _first(cell, text: str, *, bold=False, italic=False, size=13) -> None:
    run = cell.paragraphs[0].add_run(text)
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), "Times New Roman"
    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _body(doc, text: str, *, bold=False, after=3) -> None:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run()
    if bold:
        run.bold = True
    run._r.add_t(text).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def python_docx_report(agency, report) -> bytes:
    """The report made with python-docx's API (what the site published before it wrote the XML)."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = (
        Mm(20),
        Mm(15),
        Mm(20),
        Mm(30),
    )
    doc.styles["Normal"].font.name, doc.styles["Normal"].font.size = "Times New Roman", Pt(13)
    doc.core_properties.title, doc.core_properties.author = f"Báo cáo {report.label}", agency.name
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _first(left, agency.parent, size=12)
    _paragraph(left, agency.header_name, bold=True, size=12, align=center)
    _paragraph(left, f"Số:       /{report.plan.report.number_suffix}", align=center)
    _first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=center)
    _paragraph(right, f"{agency.place}, ngày     tháng     năm {report.end.year}", italic=True, align=center)
    _paragraph(doc, "BÁO CÁO", bold=True, size=14, align=center).paragraph_format.space_before = Pt(12)
    _paragraph(
        doc,
        f"Tình hình thực hiện {report.plan.short_title}, {report.label}",
        bold=True,
        size=14,
        align=center,
        after=12,
    )
    counts = ", ".join(f"{label.lower()} {report.summary.counts[key]}" for key, label in BUCKETS)
    _paragraph(
        doc,
        f"Kỳ báo cáo từ {report.start:%d/%m/%Y} đến {report.end:%d/%m/%Y}. Đến ngày {report.as_of:%d/%m/%Y}, "
        f"trong tổng số {report.summary.total} nhiệm vụ: {counts}.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        after=6,
    )
    if report.plan.sample:
        _paragraph(doc, "Lưu ý: các nhiệm vụ là dữ liệu minh họa.", italic=True, after=6)
    _body(doc, f"Số nhiệm vụ theo trạng thái và đơn vị chủ trì, đến ngày {report.as_of:%d/%m/%Y}:")
    rows = [["Đơn vị chủ trì", *(label for _, label in BUCKETS), "Tổng số"]]
    rows += [[r.unit, *(str(r.summary.counts[k]) for k, _ in BUCKETS), str(r.summary.total)] for r in report.by_state]
    grid = doc.add_table(rows=len(rows), cols=len(rows[0]))
    grid.style = "Table Grid"
    for column, width in zip(grid.columns, grid_widths(len(rows[0])), strict=True):
        column.width = Emu(width)
        for cell in column.cells:
            cell.width = Emu(width)
    for index, values in enumerate(rows):
        for cell, value in zip(grid.rows[index].cells, values, strict=True):
            cell.text = value
            if index in (0, len(rows) - 1):
                cell.paragraphs[0].runs[0].bold = True
    for heading, groups in (
        ("I. KẾT QUẢ THEO LĨNH VỰC", report.by_field),
        ("II. KẾT QUẢ THEO ĐƠN VỊ CHỦ TRÌ", report.by_unit),
    ):
        _body(doc, heading, bold=True, after=6)
        for group in groups:
            _body(doc, group.title, bold=True)
            for done in group.done:
                evidence = f" (minh chứng: {done.entry.evidence})" if done.entry.evidence else ""
                entry = done.entry
                _body(doc, f"- {done.task.id} ({entry.unit.short}, {entry.date:%d/%m/%Y}): {entry.text}{evidence}")
            if not group.done:
                _body(doc, "- Không có kết quả nào được báo cáo trong kỳ.")
            for late in group.late:
                deadline = late.task.deadline
                _body(
                    doc,
                    f"- Chậm tiến độ: {late.task.id} ({late.task.lead.short}, thời hạn {fmt.deadline(deadline)}): "
                    f"{late.state.label}. Lý do: {late.reason or 'chưa có giải trình'}",
                )
    _body(doc, "III. KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT", bold=True, after=6)
    for d in report.difficulties:
        _body(doc, f"- {d.task.id} ({d.entry.unit.short_at(d.entry.date)}, {d.entry.date:%d/%m/%Y}): {d.entry.note}")
    if not report.difficulties:
        _body(doc, "- Các đơn vị không báo cáo khó khăn, vướng mắc nào trong kỳ.")
    _body(doc, f"IV. NHIỆM VỤ TRỌNG TÂM {report.next_label.upper()}", bold=True, after=6)
    for u in report.upcoming:
        deadline = fmt.deadline(u.task.deadline)
        _body(
            doc,
            f"- {u.task.id} ({u.task.lead_at(report.as_of).short_at(report.as_of)}, thời hạn {deadline}): "
            f"{u.task.task} {u.state.label}.",
        )
    if not report.upcoming:
        _body(doc, f"- Không có nhiệm vụ nào chưa hoàn thành có thời hạn đến hết ngày {report.next_end:%d/%m/%Y}.")
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.paragraphs[0].runs[0].italic = True
    for recipient in report.plan.report.recipients:
        _paragraph(left, f"- {recipient}", size=11)
    signature = report.plan.signature
    _first(right, signature.authority or signature.position, bold=True)
    if signature.authority:
        _paragraph(right, signature.position, bold=True, align=center)
    out = io.BytesIO()
    doc.save(out)
    return fixed_zip(out.getvalue(), report.stamp)


def _same(agency, report) -> bytes:
    made = report_docx(agency, report)
    assert made == python_docx_report(agency, report)
    return made


@pytest.mark.parametrize("tasks", [25, 300])
def test_reports_are_what_python_docx_writes(tasks: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795892400")
    data = ROOT / "data" if tasks == 25 else generate_data(tmp_path / "data", tasks=tasks)
    site = load_site(data, data.parent, today=date(2025, 3, 31))
    reports = quarter_reports(site)
    assert len(reports) >= 4
    for report in reports:
        _same(site.agency.at(report.end), report)


def test_awkward_text_in_every_printed_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795892400")
    site = load_site(ROOT / "data", ROOT, today=date(2025, 3, 31))
    report = quarter_reports(site)[-1]
    for text in AWKWARD:
        # python-docx refuses core properties (the author) longer than 255 characters
        agency = dataclasses.replace(site.agency, name=text[:255], parent=text, header_name=text, place=text)
        plan = dataclasses.replace(
            report.plan,
            report=dataclasses.replace(report.plan.report, number_suffix=text, recipients=(text, f"{text} 2")),
            signature=dataclasses.replace(report.plan.signature, authority=text or None, position=text or "P"),
        )
        made = _same(agency, dataclasses.replace(report, plan=plan))
        doc = Document(io.BytesIO(made))
        header = doc.tables[0].rows[0].cells[0].text
        assert header.startswith(text)  # python-docx reads the tabs and line breaks back
        assert doc.core_properties.author == text[:255]


def test_a_pause_reason_is_not_given_once_the_task_has_resumed(tmp_path: Path) -> None:
    """NV24 (due Tháng 10/2024) was paused on 25/10/2024 with a reason; resumed in November, it
    is late at the end of Q4 without a reason that still applies, so the report gives none."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    tasks = data / "plans" / "2024" / "tasks.yml"
    pause = "        status: tam-dung  # chuyển đổi từ 'status: tam-dung': tạm dừng từ mục tiến độ cuối cùng\n"
    resume = '      - date: 2024-11-20\n        text: "Tiếp tục kết nối thanh toán."\n        status: dang-thuc-hien\n'
    text = tasks.read_text(encoding="utf-8")
    assert text.count(pause) == 1
    tasks.write_text(text.replace(pause, pause + resume), encoding="utf-8")
    site = load_site(data, tmp_path, today=date(2025, 3, 31))

    def nv24_line(quarter: str) -> str:
        report = next(r for r in quarter_reports(site) if r.slug == quarter)
        doc = Document(io.BytesIO(report_docx(site.agency, report)))
        return next(p.text for p in doc.paragraphs if "NV24" in p.text and "Lý do:" in p.text)

    line = nv24_line("2024-quy-4")
    assert "Nền tảng thanh toán" not in line and line.endswith("Lý do: chưa có giải trình")
