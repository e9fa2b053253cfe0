"""What the site's workbooks share (tasks.xlsx, scores.xlsx, the units' progress workbooks), over
XlsxWriter, which writes files as Excel itself does (Excel is stricter than openpyxl and
LibreOffice and answers a file it finds malformed with a "repair" dialog).

Dates are shown as 25/12/2024 whatever the computer's locale, rows are as tall as their wrapped
text, pages print on A4 landscape one page wide, and the same content gives the same bytes: the
document's dates are the day given, not the clock, and XlsxWriter dates every zip entry 1/1/1980.
openpyxl reads workbooks for the editors' imports; the tests read these with it and with LibreOffice.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

DATE_FORMAT = "DD/MM/YYYY"
# Neither Excel nor LibreOffice fits a row's height to wrapped text in a file it opens, so long
# text would print cut off or over the next row: rows get the height of their lines.
LINE_HEIGHT = 15.0  # points per line of 11 pt text
MAX_HEIGHT = 409.0  # Excel's limit
MAX_TEXT = 32767  # UTF-16 code units in a cell: Excel's limit
A4 = 9  # Excel's paper size number


def row_height(cells: list[tuple[str, float]]) -> float:
    """Height (points) for a row holding each text in a column of that width (characters)."""
    lines = 1
    for text, width in cells:
        per_line = max(1, int(width * 0.9) - 1)  # wide letters and word breaks: a little less than the width
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in text.split("\n")))
    return min(MAX_HEIGHT, LINE_HEIGHT * lines + 3)


def column_letter(index: int) -> str:
    """The letters of the column `index` (1: A, 27: AA)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def new_workbook(out: io.BytesIO, creator: str, created: datetime, title: str = "") -> Workbook:
    """A workbook written into `out` when closed, dated `created` (its creation and last change)."""
    import xlsxwriter  # imported only where downloads are made

    # Text is written with write_string only; these keep any other path from reading text as a
    # formula, a number or a link all the same.
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(out, options)
    # XlsxWriter writes the time as given, followed by "Z".
    book.set_properties({"author": creator, "created": created.astimezone(UTC)} | ({"title": title} if title else {}))
    return book


def write(sheet: Worksheet, row: int, column: int, value: Any, style: Format | None = None) -> None:
    """One cell (0-based), by its value's type: text always as text (a leading '=' or '#N/A' is
    no formula nor error), a date as a date cell, a number as a number. An empty text is an
    empty cell, as Excel keeps it: written only when it has a style."""
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, column, None, style)
        return
    kind = type(value)
    if kind is str:
        sheet.write_string(row, column, _fit(value), style)
    elif kind is date:
        sheet.write_datetime(row, column, value, style)
    elif kind is int or kind is float:
        sheet.write_number(row, column, value, style)  # refuses NaN and infinities
    else:
        raise TypeError(f"giá trị không ghi được vào bảng tính: {value!r}")


def _fit(text: str) -> str:
    """Text cut visibly at what a cell holds (the site shows the whole text)."""
    if len(text) * 2 <= MAX_TEXT or len(text.encode("utf-16-le")) <= 2 * MAX_TEXT:
        return text
    units = 0
    for index, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1  # a character outside the BMP counts twice
        if units > MAX_TEXT - 1:  # room for the '…'
            return text[:index] + "…"
    return text


def print_on_a4(sheet: Worksheet, title_rows: tuple[int, int] | None = None) -> None:
    """A4 landscape, one page wide, with the rows `title_rows` (first, last; 0-based) on every page."""
    sheet.set_paper(A4)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    if title_rows is not None:
        sheet.repeat_rows(*title_rows)
