"""The quarterly report as a .docx draft laid out as an administrative document (NĐ 30/2020):
issuing body and number, national motto, place and date, document type and subject, body,
recipients and signature. Number and day are left blank for Văn phòng Sở to fill in and sign.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt
from docx.table import _Cell

from .. import fmt
from ..data_in.model import Agency
from ..data_in.progress import BUCKETS
from .reports import Group, QuarterReport

FONT = "Times New Roman"


class _Body:
    """Appends the report's many paragraphs to the document body, fast.

    python-docx's Document.add_paragraph looks for the section properties among all the body's
    children on every call (quadratic for a long report), and each formatting property costs a
    walk of the XML. The body's paragraphs are few kinds of plain WordprocessingML, so they
    are written as XML and inserted before one sentinel paragraph, removed when done.
    """

    def __init__(self, doc) -> None:
        self.sentinel = doc.add_paragraph()
        self.paragraphs: list[str] = []

    def paragraph(self, text: str, *, bold: bool = False, space_after: int = 3) -> None:
        run_properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
        self.paragraphs.append(
            f'<w:p {nsdecls("w")}><w:pPr><w:spacing w:after="{space_after * 20}"/><w:jc w:val="both"/></w:pPr>'
            f'<w:r>{run_properties}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        )

    def close(self) -> None:
        # Parsed in one go (a parser call per paragraph cost more than the rest of the body); each
        # paragraph keeps its own namespace declaration, as when it was parsed alone.
        element = self.sentinel._p
        for paragraph in parse_xml(f"<body>{''.join(self.paragraphs)}</body>"):
            element.addprevious(paragraph)
        element.getparent().remove(element)


def _paragraph(cell_or_doc, text: str = "", *, bold=False, italic=False, size=13, align=None, space_after=0):
    paragraph = cell_or_doc.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        # Only what differs from the Normal style (Times New Roman 13): python-docx is slow per property.
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if size != 13:
            run.font.size = Pt(size)
    paragraph.paragraph_format.space_after = Pt(space_after)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _first(cell: _Cell, text: str, **style) -> None:
    """Write into the cell's existing empty paragraph, then style it."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold, run.italic = style.get("bold", False), style.get("italic", False)
    run.font.size, run.font.name = Pt(style.get("size", 13)), FONT
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _header(doc, agency: Agency, report: QuarterReport) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _first(left, agency.parent, size=12)
    _paragraph(left, agency.header_name, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(left, f"Số:       /{report.plan.report.number_suffix}", size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _first(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(
        right,
        f"{agency.place}, ngày     tháng     năm {report.end.year}",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )


def _group(body: _Body, group: Group) -> None:
    body.paragraph(group.title, bold=True)
    if group.done:
        for done in group.done:
            evidence = f" (minh chứng: {done.entry.evidence})" if done.entry.evidence else ""
            body.paragraph(
                f"- {done.task.id} ({done.entry.unit.short}, {fmt.day(done.entry.date)}): {done.entry.text}{evidence}"
            )
    else:
        body.paragraph("- Không có kết quả nào được báo cáo trong kỳ.")
    for late in group.late:
        body.paragraph(
            f"- Chậm tiến độ: {late.task.id} ({late.task.lead.short}, thời hạn {fmt.deadline(late.task.deadline)}): "
            f"{late.state.label}. Lý do: {late.reason or 'chưa có giải trình'}"
        )


def report_docx(agency: Agency, report: QuarterReport) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    core = doc.core_properties
    core.title = f"Báo cáo {report.label}"
    core.author = agency.name

    _header(doc, agency, report)
    _paragraph(
        doc, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0
    ).paragraph_format.space_before = Pt(12)
    _paragraph(
        doc,
        f"Tình hình thực hiện {report.plan.short_title}, {report.label}",
        bold=True,
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    sm = report.summary
    counts = ", ".join(f"{label.lower()} {sm.counts[key]}" for key, label in BUCKETS)
    _paragraph(
        doc,
        f"Kỳ báo cáo từ {fmt.day(report.start)} đến {fmt.day(report.end)}. Đến ngày {fmt.day(report.as_of)}, "
        f"trong tổng số {sm.total} nhiệm vụ: {counts}.",
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        space_after=6,
    )
    if report.plan.sample:
        _paragraph(doc, "Lưu ý: các nhiệm vụ là dữ liệu minh họa.", italic=True, space_after=6)
    body = _Body(doc)
    body.paragraph("I. KẾT QUẢ THEO LĨNH VỰC", bold=True, space_after=6)
    for group in report.by_field:
        _group(body, group)
    body.paragraph("II. KẾT QUẢ THEO ĐƠN VỊ CHỦ TRÌ", bold=True, space_after=6)
    for group in report.by_unit:
        _group(body, group)
    body.close()

    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.paragraphs[0].runs[0].italic = True
    for recipient in report.plan.report.recipients:
        _paragraph(left, f"- {recipient}", size=11)
    signature = report.plan.signature
    _first(right, signature.authority or signature.position, bold=True)
    if signature.authority:
        _paragraph(right, signature.position, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
