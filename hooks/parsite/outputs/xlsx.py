"""What every workbook of the site shares (tasks.xlsx, scores.xlsx, the units' progress
workbooks): dates shown as 25/12/2024 whatever the computer's locale, rows as tall as their
wrapped text, and printing on A4 landscape, one page wide.

openpyxl is imported inside the functions: only the process that makes downloads needs it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

DATE_FORMAT = "DD/MM/YYYY"
# Neither Excel nor LibreOffice fits a row's height to wrapped text in a file it opens, so long
# text would print cut off or over the next row: rows get the height of their lines.
LINE_HEIGHT = 15.0  # points per line of 11 pt text
MAX_HEIGHT = 409.0  # Excel's limit


def row_height(cells: list[tuple[str, float]]) -> float:
    """Height (points) for a row holding each text in a column of that width (characters)."""
    lines = 1
    for text, width in cells:
        per_line = max(1, int(width * 0.9) - 1)  # wide letters and word breaks: a little less than the width
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")))
    return min(MAX_HEIGHT, LINE_HEIGHT * lines + 3)


def print_on_a4_landscape(sheet: Any, title_rows: str | None = None) -> None:
    """A4 landscape, as wide as the page and as long as it takes, `title_rows` ("1:2") repeated."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4 (Worksheet.PAPERSIZE_A4; write-only sheets lack the name)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if title_rows:
        sheet.print_title_rows = title_rows


# Values the fast row writer writes as openpyxl would; anything else (a formula, an error code,
# a control character, a very long text, a boolean...) makes the workbook go through openpyxl.
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
_PLAIN_TEXT_MAX = 32767
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\n"}


def plain(value: Any) -> bool:
    """Whether `value` is a cell value `rows_xml` and `cell_xml` write exactly as openpyxl does."""
    kind = type(value)
    if value is None or kind is int or kind is float or kind is date:
        return kind is not float or (value == value and abs(value) != float("inf"))
    if kind is not str:
        return False
    return (
        len(value) <= _PLAIN_TEXT_MAX
        and not (len(value) > 1 and value.startswith("="))
        and value not in _ERROR_CODES
        and not any(c in _CONTROL for c in value)
    )


def _escape(text: str) -> str:
    """Text as openpyxl's lxml writer prints it: &, < and > escaped, every non-ASCII character
    as a decimal character reference."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text if text.isascii() else text.encode("ascii", "xmlcharrefreplace").decode("ascii")


def rows_xml(sheet: Any, rows: list[list[Any]], styles: list[list[Any]], first_row: int) -> bytes | None:
    """The `<row>` elements of `rows` (from row number `first_row` on), byte for byte as
    openpyxl's write-only sheet writes them, or None when a value needs openpyxl itself.

    `styles[r][c]` is a function that styles a new WriteOnlyCell the way the caller styles that
    cell, from the type of its value only (None: never styled). openpyxl numbers a cell style
    when a cell first uses it: each new style is registered here in the order openpyxl would
    meet it, so the numbers are the same.
    The workbook's other parts are still written by openpyxl; `tests/test_xlsx_rows.py` checks
    both against openpyxl on the real data, generated data and awkward text.
    """
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    if not all(plain(value) for row in rows for value in row):
        return None
    letters = [get_column_letter(i + 1) for i in range(max((len(r) for r in rows), default=0))]
    numbers: dict[tuple[Any, type], str] = {}  # (styler, value type) → ' s="N"', or "" for no style
    out: list[str] = []
    for offset, (row, stylers) in enumerate(zip(rows, styles, strict=True)):
        number = first_row + offset
        out.append(row_start(number, sheet.row_dimensions.get(number)))
        for index, (value, styler) in enumerate(zip(row, stylers, strict=True)):
            if styler is None and value is None:
                continue
            ref = f"{letters[index]}{number}"
            style = ""
            if styler is not None:
                style = numbers.get((styler, type(value)), "-")
                if style == "-":  # as openpyxl would make this cell: the value, then the style
                    cell = WriteOnlyCell(sheet, value=value)
                    styler(cell)
                    style = numbers[(styler, type(value))] = f' s="{cell.style_id}"' if cell.has_style else ""
                if not style and value is None:
                    continue
            out.append(cell_xml(ref, style, value))
        out.append("</row>")
    return "".join(out).encode("ascii")


def row_start(number: int, dimension: Any) -> str:
    """A `<row>` start tag as openpyxl writes it, with the row's dimension (height) if it has one."""
    attributes = "".join(f' {k}="{v}"' for k, v in (dimension or {}))
    return f'<row r="{number}"{attributes}>'


def insert_before(xml: bytes, marker: bytes, rows: bytes) -> bytes:
    """A sheet's XML with `rows` inserted before the first `marker` openpyxl wrote."""
    head, mark, tail = xml.partition(marker)
    assert mark, f"openpyxl wrote no {marker!r}"
    return head + rows + mark + tail


def cell_xml(ref: str, style: str, value: Any) -> str:
    """One `<c>` element as openpyxl writes a cell holding a value `plain` accepts (a string as
    an inline string), `style` being its ' s="N"' attribute or ""."""
    from openpyxl.compat import safe_string
    from openpyxl.utils.datetime import to_excel

    if value is None:
        return f'<c r="{ref}"{style} t="n"></c>'
    if value == "":
        return f'<c r="{ref}"{style} t="inlineStr"></c>'
    if type(value) is str:
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    if type(value) is date:
        return f'<c r="{ref}"{style} t="n"><v>{safe_string(to_excel(value))}</v></c>'
    return f'<c r="{ref}"{style} t="n"><v>{safe_string(value)}</v></c>'
