"""The quarterly report as a .docx draft laid out as an administrative document (NĐ 30/2020):
issuing body and number, national motto, place and date, document type and subject, body,
recipients and signature. Number and day are left blank for Văn phòng Sở to fill in and sign.

python-docx makes the package once per process: its default template with the page (A4,
margins) and the Normal style (Times New Roman 13) set. Each report reuses those parts as they
are (compressed once) and gets its own `word/document.xml` and `docProps/core.xml`, written
here as text: the few kinds of paragraph and table a report has, in the WordprocessingML
python-docx writes for them (tests/test_report_docx.py builds the same report with
python-docx's API and compares the XML). Loading, editing and saving the 0,9 MB template with
python-docx for every report cost about a tenth of a second each.
"""

from __future__ import annotations

import functools
import io
import zipfile
from xml.sax.saxutils import escape

from .. import fmt
from ..data_in.model import Agency
from ..data_in.progress import BUCKETS
from .reports import Group, QuarterReport
from .zipfix import CORE_PROPERTIES, Entry, core_dates, deflate, entries, write_zip

FONT = "Times New Roman"
SIZE = 13  # points: the Normal style's size
PAGE_MM, MARGINS_MM = (210, 297), (20, 15, 20, 30)  # A4; top, right, bottom, left
DOCUMENT, CORE = "word/document.xml", CORE_PROPERTIES
_EMU_PER_MM, _EMU_PER_TWIP = 36000, 635


@functools.cache
def _package() -> tuple[list[Entry | str], str, str]:
    """The template's parts (document and core properties as their names), and the document
    XML before and after the body's content."""
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = map(Mm, MARGINS_MM)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(SIZE)
    out = io.BytesIO()
    doc.save(out)
    parts: list[Entry | str] = [e.name if e.name in (DOCUMENT, CORE) else e for e in entries(out.getvalue())]
    with zipfile.ZipFile(out) as archive:
        xml = archive.read(DOCUMENT).decode("utf-8")
    head, tail = xml.split("<w:body>", 1)
    assert tail.startswith("<w:sectPr"), "python-docx's template has content in its body"
    return parts, head + "<w:body>", tail


def _column_twips(columns: int) -> int:
    """A column's width in a table as wide as the text block (python-docx's integer arithmetic)."""
    width = (PAGE_MM[0] - MARGINS_MM[1] - MARGINS_MM[3]) * _EMU_PER_MM
    return width // columns // _EMU_PER_TWIP


def _text(text: str) -> str:
    """A run's content as python-docx writes it: a tab is `<w:tab/>`, a line break `<w:br/>`,
    the text between in `<w:t>`, which keeps its spaces when it starts or ends with one."""
    out = []
    for index, line in enumerate(text.replace("\r", "\n").split("\n")):
        if index:
            out.append("<w:br/>")
        for position, piece in enumerate(line.split("\t")):
            if position:
                out.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
                out.append(f"<w:t{space}>{escape(fmt.xml_text(piece))}</w:t>")
    return "".join(out)


def _run(
    text: str, *, bold: bool | None = None, italic: bool | None = None, size: int = SIZE, font: bool = False
) -> str:
    """A run; `bold`/`italic` None leave the style's, False writes it off (as python-docx does)."""
    properties = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/>' if font else ""
    for tag, value in (("b", bold), ("i", italic)):
        if value is not None:
            properties += f"<w:{tag}/>" if value else f'<w:{tag} w:val="0"/>'
    if size != SIZE or font:
        properties += f'<w:sz w:val="{size * 2}"/>'
    return f"<w:r>{f'<w:rPr>{properties}</w:rPr>' if properties else ''}{_text(text)}</w:r>"


def _paragraph(
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = SIZE,
    align: str | None = None,
    after: int = 0,
    before: int | None = None,
) -> str:
    """A paragraph of one run, spaced `after` (and `before`) points, aligned `align`."""
    spacing = f'<w:spacing w:after="{after * 20}"' + (f' w:before="{before * 20}"' if before is not None else "") + "/>"
    justify = f'<w:jc w:val="{align}"/>' if align else ""
    run = _run(text, bold=bold or None, italic=italic or None, size=size) if text else ""
    return f"<w:p><w:pPr>{spacing}{justify}</w:pPr>{run}</w:p>"


def _first(text: str, *, bold: bool = False, italic: bool = False, size: int = SIZE) -> str:
    """A cell's first paragraph: centred, its run's font, size and emphasis all written out."""
    return (
        f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{_run(text, bold=bold, italic=italic, size=size, font=True)}</w:p>'
    )


def _table(cells: list[str], *, centred: bool = False) -> str:
    """A one-row table without borders (no style), one cell per item of `cells` (its paragraphs)."""
    width = _column_twips(len(cells))
    justify = '<w:jc w:val="center"/>' if centred else ""
    look = (
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1"'
        ' w:val="04A0"/>'
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in cells)
    row = "".join(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>{cell}</w:tc>' for cell in cells)
    properties = f'<w:tblPr><w:tblW w:type="auto" w:w="0"/>{justify}{look}</w:tblPr>'
    return f"<w:tbl>{properties}<w:tblGrid>{grid}</w:tblGrid><w:tr>{row}</w:tr></w:tbl>"


# The table of states: the unit's name in a column of its own width, the counts sharing the rest
# (equal columns left a long unit name one word a line, the table two pages long).
FIRST_COLUMN_MM = 52


def grid_widths(columns: int) -> list[int]:
    """Each column's width in EMU: the first FIRST_COLUMN_MM, the others the rest of the text block."""
    block = (PAGE_MM[0] - MARGINS_MM[1] - MARGINS_MM[3]) * _EMU_PER_MM
    first = FIRST_COLUMN_MM * _EMU_PER_MM
    return [first, *([(block - first) // (columns - 1)] * (columns - 1))]


def _grid(rows: list[list[str]]) -> str:
    """A table with borders (Word's "Table Grid"), one cell a text; the first row and the last
    (the header and the total) in bold, as python-docx writes `cell.text` and a bold run."""
    widths = [round(w / _EMU_PER_TWIP) for w in grid_widths(len(rows[0]))]  # twips, as python-docx rounds
    look = (
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1"'
        ' w:val="04A0"/>'
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    body = []
    for index, row in enumerate(rows):
        bold = index in (0, len(rows) - 1)
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p>{_run(text, bold=bold or None)}</w:p>'
            "</w:tc>"
            for width, text in zip(widths, row, strict=True)
        )
        body.append(f"<w:tr>{cells}</w:tr>")
    properties = f'<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>{look}</w:tblPr>'
    return f"<w:tbl>{properties}<w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"


def state_rows(report: QuarterReport) -> list[list[str]]:
    """The table of tasks by state and by lead unit: a header, a row per unit, the total."""
    header = ["Đơn vị chủ trì", *(label for _, label in BUCKETS), "Tổng số"]
    rows = [
        [r.unit, *(str(r.summary.counts[key]) for key, _ in BUCKETS), str(r.summary.total)] for r in report.by_state
    ]
    return [header, *rows]


def _body(text: str, *, bold: bool = False, after: int = 3) -> str:
    """A justified paragraph of the report's body."""
    properties = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return (
        f'<w:p><w:pPr><w:spacing w:after="{after * 20}"/><w:jc w:val="both"/></w:pPr>'
        f'<w:r>{properties}<w:t xml:space="preserve">{escape(fmt.xml_text(text))}</w:t></w:r></w:p>'
    )


def _header(agency: Agency, report: QuarterReport) -> str:
    left = (
        _first(agency.parent, size=12)
        + _paragraph(agency.header_name, bold=True, size=12, align="center")
        + _paragraph(f"Số:       /{report.plan.report.number_suffix}", align="center")
    )
    right = (
        _first("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
        + _paragraph("Độc lập - Tự do - Hạnh phúc", bold=True, align="center")
        + _paragraph(f"{agency.place}, ngày     tháng     năm {report.end.year}", italic=True, align="center")
    )
    return _table([left, right], centred=True)


def _group(group: Group) -> list[str]:
    out = [_body(group.title, bold=True)]
    if group.done:
        for done in group.done:
            entry = done.entry
            evidence = f" (minh chứng: {entry.evidence})" if entry.evidence else ""
            who = entry.unit.short_at(entry.date)
            out.append(_body(f"- {done.task.id} ({who}, {fmt.day(entry.date)}): {entry.text}{evidence}"))
    else:
        out.append(_body("- Không có kết quả nào được báo cáo trong kỳ."))
    for late in group.late:
        task = late.task
        out.append(
            _body(
                f"- Chậm tiến độ: {task.id} ({late.lead}, thời hạn {fmt.deadline(task.deadline)}): "
                f"{late.state.label}. Lý do: {late.reason or 'chưa có giải trình'}"
            )
        )
    return out


def _footer(report: QuarterReport) -> str:
    left = "<w:p><w:r><w:rPr><w:b/><w:i/></w:rPr><w:t>Nơi nhận:</w:t></w:r></w:p>"
    left += "".join(_paragraph(f"- {recipient}", size=11) for recipient in report.plan.report.recipients)
    signature = report.plan.signature
    right = _first(signature.authority or signature.position, bold=True)
    if signature.authority:
        right += _paragraph(signature.position, bold=True, align="center")
    return _table([left, right])


def closing_lines(report: QuarterReport) -> list[str]:
    """Parts III and IV: the difficulties reported in the quarter, the tasks due next quarter."""
    lines = ["III. KHÓ KHĂN, VƯỚNG MẮC, ĐỀ XUẤT"]
    lines += [f"- {d.task.id} ({d.unit}, {fmt.day(d.entry.date)}): {d.entry.note}" for d in report.difficulties]
    if not report.difficulties:
        lines.append("- Các đơn vị không báo cáo khó khăn, vướng mắc nào trong kỳ.")
    lines.append(f"IV. NHIỆM VỤ TRỌNG TÂM {report.next_label.upper()}")
    lines += [
        f"- {u.task.id} ({u.lead}, thời hạn {fmt.deadline(u.task.deadline)}): {u.task.task} {u.state.label}."
        for u in report.upcoming
    ]
    if not report.upcoming:
        lines.append(f"- Không có nhiệm vụ nào chưa hoàn thành có thời hạn đến hết ngày {fmt.day(report.next_end)}.")
    return lines


def document_xml(agency: Agency, report: QuarterReport) -> str:
    """The report's `word/document.xml`."""
    sm = report.summary
    counts = ", ".join(f"{label.lower()} {sm.counts[key]}" for key, label in BUCKETS)
    parts = [
        _header(agency, report),
        _paragraph("BÁO CÁO", bold=True, size=14, align="center", before=12),
        _paragraph(
            f"Tình hình thực hiện {report.plan.short_title}, {report.label}",
            bold=True,
            size=14,
            align="center",
            after=12,
        ),
        _paragraph(
            f"Kỳ báo cáo từ {fmt.day(report.start)} đến {fmt.day(report.end)}. Đến ngày {fmt.day(report.as_of)}, "
            f"trong tổng số {sm.total} nhiệm vụ: {counts}.",
            align="both",
            after=6,
        ),
    ]
    if report.plan.sample:
        parts.append(_paragraph("Lưu ý: các nhiệm vụ là dữ liệu minh họa.", italic=True, after=6))
    parts.append(_body(f"Số nhiệm vụ theo trạng thái và đơn vị chủ trì, đến ngày {fmt.day(report.as_of)}:"))
    parts.append(_grid(state_rows(report)))
    parts.append(_body("I. KẾT QUẢ THEO LĨNH VỰC", bold=True, after=6))
    for group in report.by_field:
        parts += _group(group)
    parts.append(_body("II. KẾT QUẢ THEO ĐƠN VỊ CHỦ TRÌ", bold=True, after=6))
    for group in report.by_unit:
        parts += _group(group)
    for line in closing_lines(report):
        heading = not line.startswith("- ")
        parts.append(_body(line, bold=heading, after=6 if heading else 3))
    parts.append(_footer(report))
    _, head, tail = _package()
    return head + "".join(parts) + tail


def core_xml(agency: Agency, report: QuarterReport) -> str:
    """The report's `docProps/core.xml` (title and author; the dates are set when it is zipped)."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(f'Báo cáo {report.label}')}</dc:title><dc:subject/>"
        f"<dc:creator>{escape(agency.name)}</dc:creator>"
        "<cp:keywords/><dc:description>generated by python-docx</dc:description><cp:lastModifiedBy/>"
        '<cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF"></dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF"></dcterms:modified><cp:category/></cp:coreProperties>'
    )


def report_docx(agency: Agency, report: QuarterReport) -> bytes:
    """The report as .docx bytes, every entry and the document's dates stamped `report.stamp`."""
    when = report.stamp
    made = {
        DOCUMENT: document_xml(agency, report).encode("utf-8"),
        CORE: core_dates(core_xml(agency, report).encode("utf-8"), when),
    }
    parts, _, _ = _package()
    return write_zip([deflate(p, made[p]) if isinstance(p, str) else p for p in parts], when)
