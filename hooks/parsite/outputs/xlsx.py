"""The site's workbooks (tasks.xlsx, scores.xlsx, the units' progress workbooks), written by the
core: a `Book` of `Sheet`s described as data, turned into SpreadsheetML (ECMA-376) here.

What every workbook shares: dates shown as 25/12/2024 whatever the computer's locale, rows as
tall as their wrapped text, printing on A4 landscape one page wide, and the same bytes for the
same content (the zip entries and the document's dates carry the day given, not the clock).

Only what the site uses is written: text (inline strings), numbers, dates and booleans; fonts,
fills, thin borders, alignment, cell protection and number formats, in named cell styles when
asked; frozen panes, filters, merged cells, data validation, sheet protection, hidden sheets and
print settings. openpyxl, which used to write them, is several times slower (its import alone cost
more than all the rows); it still reads workbooks for the editors' imports, and the tests read
these with it and with LibreOffice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .zipfix import deflate, write_zip

DATE_FORMAT = "DD/MM/YYYY"
# Neither Excel nor LibreOffice fits a row's height to wrapped text in a file it opens, so long
# text would print cut off or over the next row: rows get the height of their lines.
LINE_HEIGHT = 15.0  # points per line of 11 pt text
MAX_HEIGHT = 409.0  # Excel's limit
MAX_TEXT = 32767  # characters in a cell: Excel's limit
A4 = 9  # paperSize


def row_height(cells: list[tuple[str, float]]) -> float:
    """Height (points) for a row holding each text in a column of that width (characters)."""
    lines = 1
    for text, width in cells:
        per_line = max(1, int(width * 0.9) - 1)  # wide letters and word breaks: a little less than the width
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")))
    return min(MAX_HEIGHT, LINE_HEIGHT * lines + 3)


@dataclass(frozen=True)
class Style:
    """How a cell looks and whether it is locked. `name`: shown among Excel's cell styles."""

    bold: bool = False
    size: float = 11
    horizontal: str | None = None
    vertical: str | None = None
    wrap: bool = False
    fill: str | None = None  # background colour, RRGGBB
    border: str | None = None  # a thin line all round in this colour, RRGGBB
    number_format: str | None = None
    locked: bool = True
    name: str | None = None


PLAIN = Style()


@dataclass(frozen=True)
class Validation:
    """A data validation rule over `ranges` ("G3:G40"), with its messages."""

    kind: str  # "list", "date", ...
    ranges: tuple[str, ...]
    formula1: str
    formula2: str | None = None
    operator: str | None = None
    error_style: str = "stop"
    error_title: str = ""
    error: str = ""
    prompt_title: str = ""
    prompt: str = ""


@dataclass
class Sheet:
    """One worksheet. `rows` holds (row number, cells, height or None) in ascending order, each
    cell a (value, style number from `Book.style`) from column A on; a None value with style 0 is
    no cell at all, and so is an empty text."""

    title: str
    widths: list[float]
    rows: list[tuple[int, list[tuple[Any, int]], float | None]] = field(default_factory=list)
    freeze: str | None = None  # the first cell that scrolls ("B2": row 1 and column A stay)
    auto_filter: str | None = None
    merged: list[str] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    protected: bool = False  # locked cells cannot be edited; formatting, sorting and filtering still can
    print_title_rows: tuple[int, int] | None = None  # repeated on every printed page
    margins: tuple[float, float, float, float] = (0.7, 0.7, 0.75, 0.75)  # left, right, top, bottom (inches)
    centered: bool = False  # horizontally on the printed page
    header: str = ""  # printed at the top centre of each page ("&" starts a code there)
    footer: str = ""
    # "hidden" (the spreadsheet's Unhide lists it) or "veryHidden" (Excel lists it nowhere);
    # the first sheet, the one a workbook opens on, must stay visible.
    state: str = "visible"


class Book:
    """A workbook: sheets, the styles their cells use, its creator and title."""

    def __init__(self, creator: str, title: str = "") -> None:
        self.creator, self.title = creator, title
        self.sheets: list[Sheet] = []
        self._styles: dict[Style, int] = {PLAIN: 0}

    def style(self, style: Style) -> int:
        """The number cells give to use `style`."""
        return self._styles.setdefault(style, len(self._styles))

    def to_bytes(self, when: datetime) -> bytes:
        """The .xlsx file, its entries and dates stamped `when`."""
        parts = {
            "[Content_Types].xml": _content_types(len(self.sheets)),
            "_rels/.rels": _ROOT_RELS,
            "docProps/app.xml": _APP,
            "docProps/core.xml": _core(self.creator, self.title, when),
            "xl/workbook.xml": _workbook(self.sheets),
            "xl/_rels/workbook.xml.rels": _workbook_rels(len(self.sheets)),
            "xl/styles.xml": _stylesheet(list(self._styles)),
        }
        for number, sheet in enumerate(self.sheets, start=1):
            parts[f"xl/worksheets/sheet{number}.xml"] = _worksheet(sheet, number == 1)
        return write_zip((deflate(name, content) for name, content in parts.items()), when)


# --- cells ---------------------------------------------------------------------------------------

# Characters XML 1.0 cannot hold; the data's loader refuses them, so meeting one here is a bug.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_EPOCH = date(1899, 12, 30).toordinal()
_SELECTED = ' tabSelected="1"'


def column_letter(index: int) -> str:
    """The letters of the column `index` (1: A, 27: AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def escape(text: str) -> str:
    """Text as XML character data or an attribute value in double quotes."""
    if _NOT_XML.search(text):
        raise ValueError(f"ký tự không hợp lệ trong bảng tính: {text[:80]!r}")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def serial(day: date) -> int:
    """A day as Excel counts it (1900 date system, with its 29/02/1900 that never was)."""
    days = day.toordinal() - _EPOCH
    return days - 1 if 0 < days <= 60 else days


def _number(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"số không hợp lệ trong bảng tính: {value}")
    return repr(value) if type(value) is float and not value.is_integer() else str(int(value))


def _cell(ref: str, style: int, value: Any) -> str:
    """One `<c>` element; nothing for an empty, unstyled cell."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":  # an empty text is an empty cell, as Excel keeps it
        return f'<c r="{ref}"{s}/>' if style else ""
    kind = type(value)
    if kind is str:
        if len(value) > MAX_TEXT:  # Excel refuses the file otherwise; the site shows the whole text
            value = value[: MAX_TEXT - 1] + "…"
        space = ' xml:space="preserve"' if value != value.strip() or "\n" in value else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if kind is bool:
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if kind is date:
        return f'<c r="{ref}"{s}><v>{serial(value)}</v></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"{s}><v>{_number(value)}</v></c>'
    raise TypeError(f"giá trị không ghi được vào bảng tính: {value!r}")


def _rows(sheet: Sheet) -> str:
    width = max((len(cells) for _, cells, _ in sheet.rows), default=0)
    letters = [column_letter(i + 1) for i in range(width)]
    out = []
    for number, cells, height in sheet.rows:
        height_attributes = f' ht="{_number(height)}" customHeight="1"' if height is not None else ""
        out.append(f'<row r="{number}"{height_attributes}>')
        for letter, (value, style) in zip(letters, cells, strict=False):  # a row may end early
            out.append(_cell(f"{letter}{number}", style, value))
        out.append("</row>")
    return "".join(out)


# --- parts ---------------------------------------------------------------------------------------

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "application/vnd.openxmlformats-officedocument"

_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
).encode()
_APP = (
    f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>parsite</Application></Properties>"
).encode()


def _content_types(sheets: int) -> bytes:
    overrides = [
        ("/xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
        ("/xl/styles.xml", "spreadsheetml.styles+xml"),
        ("/docProps/app.xml", "extended-properties+xml"),
        *((f"/xl/worksheets/sheet{n}.xml", "spreadsheetml.worksheet+xml") for n in range(1, sheets + 1)),
    ]
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{part}" ContentType="{_OFFICE}.{kind}"/>' for part, kind in overrides)
        + '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>'
    ).encode()


def _core(creator: str, title: str, when: datetime) -> bytes:
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    dates = "".join(f'<dcterms:{d} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{d}>' for d in ("created", "modified"))
    return (
        f"{_XML}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(creator)}</dc:creator>"
        + (f"<dc:title>{escape(title)}</dc:title>" if title else "")
        + f"{dates}</cp:coreProperties>"
    ).encode()


def _sheet_ref(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _absolute(cells: str) -> str:
    """'A1:O26' as '$A$1:$O$26'."""
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", cells)


def _workbook(sheets: list[Sheet]) -> bytes:
    if sheets and sheets[0].state != "visible":
        raise ValueError(f"trang đầu của bảng tính phải hiện: {sheets[0].title!r}")
    listed = "".join(
        f'<sheet name="{escape(s.title)}" sheetId="{n}"{_state(s.state)} r:id="rId{n}"/>'
        for n, s in enumerate(sheets, start=1)
    )
    names = []
    for index, sheet in enumerate(sheets):
        where = escape(_sheet_ref(sheet.title))
        if sheet.auto_filter:
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                f"{where}!{_absolute(sheet.auto_filter)}</definedName>"
            )
        if sheet.print_title_rows:
            first, last = sheet.print_title_rows
            names.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{where}!${first}:${last}</definedName>'
            )
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    return (
        f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
        f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{listed}</sheets>{defined}'
        '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>'
    ).encode()


def _state(state: str) -> str:
    if state not in ("visible", "hidden", "veryHidden"):
        raise ValueError(f"trạng thái trang không hợp lệ: {state!r}")
    return "" if state == "visible" else f' state="{state}"'


def _workbook_rels(sheets: int) -> bytes:
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, sheets + 1)
    )
    styles = f'<Relationship Id="rId{sheets + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'{_XML}<Relationships xmlns="{_PACKAGE_REL}">{links}{styles}</Relationships>'.encode()


def _pane(freeze: str) -> str:
    column, row = re.fullmatch(r"([A-Z]+)(\d+)", freeze).groups()  # type: ignore[union-attr]
    x = sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(column))) - 1
    y = int(row) - 1
    if not x and not y:
        return ""
    active = "bottomRight" if x and y else ("topRight" if x else "bottomLeft")
    split = (f' xSplit="{x}"' if x else "") + (f' ySplit="{y}"' if y else "")
    return (
        f'<pane{split} topLeftCell="{freeze}" activePane="{active}" state="frozen"/>'
        f'<selection pane="{active}" activeCell="{freeze}" sqref="{freeze}"/>'
    )


def _validation(rule: Validation) -> str:
    attributes = [f'type="{rule.kind}"', f'errorStyle="{rule.error_style}"']
    if rule.operator:
        attributes.append(f'operator="{rule.operator}"')
    attributes += ['allowBlank="1"', 'showInputMessage="1"', 'showErrorMessage="1"']
    for name, text in (
        ("errorTitle", rule.error_title),
        ("error", rule.error),
        ("promptTitle", rule.prompt_title),
        ("prompt", rule.prompt),
    ):
        if text:
            attributes.append(f'{name}="{escape(text)}"')
    attributes.append(f'sqref="{" ".join(rule.ranges)}"')
    formulas = f"<formula1>{escape(rule.formula1)}</formula1>"
    if rule.formula2 is not None:
        formulas += f"<formula2>{escape(rule.formula2)}</formula2>"
    return f"<dataValidation {' '.join(attributes)}>{formulas}</dataValidation>"


def _worksheet(sheet: Sheet, selected: bool) -> bytes:
    last_column = max([1, len(sheet.widths), *(len(cells) for _, cells, _ in sheet.rows)])
    last_row = sheet.rows[-1][0] if sheet.rows else 1
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{_number(w)}" customWidth="1"/>' for i, w in enumerate(sheet.widths, 1)
    )
    parts = [
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">',
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
        f'<dimension ref="A1:{column_letter(last_column)}{last_row}"/>',
        f'<sheetViews><sheetView{_SELECTED if selected else ""} workbookViewId="0">'
        f"{_pane(sheet.freeze) if sheet.freeze else ''}</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
        f"<cols>{cols}</cols>" if cols else "",
        f"<sheetData>{_rows(sheet)}</sheetData>",
    ]
    if sheet.protected:  # "0": not protected, i.e. allowed
        parts.append(
            '<sheetProtection sheet="1" objects="1" scenarios="1" formatCells="0" formatColumns="0" '
            'formatRows="0" sort="0" autoFilter="0"/>'
        )
    if sheet.auto_filter:
        parts.append(f'<autoFilter ref="{sheet.auto_filter}"/>')
    if sheet.merged:
        parts.append(
            f'<mergeCells count="{len(sheet.merged)}">'
            + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merged)
            + "</mergeCells>"
        )
    if sheet.validations:
        parts.append(
            f'<dataValidations count="{len(sheet.validations)}">'
            + "".join(_validation(v) for v in sheet.validations)
            + "</dataValidations>"
        )
    if sheet.centered:
        parts.append('<printOptions horizontalCentered="1"/>')
    left, right, top, bottom = (_number(m) for m in sheet.margins)
    margins = f'left="{left}" right="{right}" top="{top}" bottom="{bottom}" header="0.3" footer="0.3"'
    parts.append(f"<pageMargins {margins}/>")
    parts.append(f'<pageSetup paperSize="{A4}" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
    if sheet.header or sheet.footer:
        parts.append(
            "<headerFooter>"
            + (f"<oddHeader>{escape('&C' + sheet.header)}</oddHeader>" if sheet.header else "")
            + (f"<oddFooter>{escape('&C' + sheet.footer)}</oddFooter>" if sheet.footer else "")
            + "</headerFooter>"
        )
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")


# --- styles --------------------------------------------------------------------------------------

_GRAY125 = '<fill><patternFill patternType="gray125"/></fill>'  # the second fill, which Excel expects


def _font(style: Style) -> str:
    bold = "<b/>" if style.bold else ""
    return f'<font>{bold}<sz val="{_number(style.size)}"/><name val="Calibri"/><family val="2"/></font>'


def _fill(style: Style) -> str:
    if style.fill is None:
        return '<fill><patternFill patternType="none"/></fill>'
    colour = f'<fgColor rgb="FF{style.fill}"/><bgColor indexed="64"/>'
    return f'<fill><patternFill patternType="solid">{colour}</patternFill></fill>'


def _border(style: Style) -> str:
    if style.border is None:
        return "<border><left/><right/><top/><bottom/><diagonal/></border>"
    side = f'style="thin"><color rgb="FF{style.border}"/>'
    sides = "".join(f"<{edge} {side}</{edge}>" for edge in ("left", "right", "top", "bottom"))
    return f"<border>{sides}<diagonal/></border>"


def _xf(style: Style, font: int, fill: int, border: int, number_format: int, parent: int | None) -> str:
    alignment = "".join(
        f' {name}="{value}"'
        for name, value in (
            ("horizontal", style.horizontal),
            ("vertical", style.vertical),
            ("wrapText", "1" if style.wrap else None),
        )
        if value
    )
    inner = (f"<alignment{alignment}/>" if alignment else "") + ("" if style.locked else '<protection locked="0"/>')
    attributes = f'numFmtId="{number_format}" fontId="{font}" fillId="{fill}" borderId="{border}"'
    if parent is not None:
        attributes += f' xfId="{parent}"'
        applied = (
            ("applyNumberFormat", number_format),
            ("applyFont", font),
            ("applyFill", fill),
            ("applyBorder", border),
            ("applyAlignment", alignment),
            ("applyProtection", not style.locked),
        )
        attributes += "".join(f' {name}="1"' for name, used in applied if used)
    return f"<xf {attributes}>{inner}</xf>" if inner else f"<xf {attributes}/>"


def _stylesheet(styles: list[Style]) -> bytes:
    fonts, fills, borders, formats = {_font(PLAIN): 0}, {_fill(PLAIN): 0, _GRAY125: 1}, {_border(PLAIN): 0}, {}
    named = {None: 0}  # name → its cellStyleXfs entry (0: Normal)
    named_xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>']
    cell_xfs = []
    for style in styles:
        font = fonts.setdefault(_font(style), len(fonts))
        fill = fills.setdefault(_fill(style), len(fills))
        border = borders.setdefault(_border(style), len(borders))
        number_format = formats.setdefault(style.number_format, 164 + len(formats)) if style.number_format else 0
        if style.name not in named:
            named[style.name] = len(named_xfs)
            named_xfs.append(_xf(style, font, fill, border, number_format, None))
        cell_xfs.append(_xf(style, font, fill, border, number_format, named[style.name]))
    number_formats = "".join(f'<numFmt numFmtId="{n}" formatCode="{escape(code)}"/>' for code, n in formats.items())
    cell_styles = '<cellStyle name="Normal" xfId="0" builtinId="0"/>' + "".join(
        f'<cellStyle name="{escape(name)}" xfId="{n}"/>' for name, n in named.items() if name is not None
    )
    return (
        f'{_XML}<styleSheet xmlns="{_MAIN}">'
        + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
        + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
        + f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
        + f'<borders count="{len(borders)}">{"".join(borders)}</borders>'
        + f'<cellStyleXfs count="{len(named_xfs)}">{"".join(named_xfs)}</cellStyleXfs>'
        + f'<cellXfs count="{len(cell_xfs)}">{"".join(cell_xfs)}</cellXfs>'
        + f'<cellStyles count="{len(named)}">{cell_styles}</cellStyles>'
        + "</styleSheet>"
    ).encode("utf-8")
