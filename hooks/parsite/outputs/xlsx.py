"""What every workbook of the site shares (tasks.xlsx, scores.xlsx, the units' progress
workbooks): dates shown as 25/12/2024 whatever the computer's locale, rows as tall as their
wrapped text, and printing on A4 landscape, one page wide.

openpyxl is imported inside the functions: only the process that makes downloads needs it.
"""

from __future__ import annotations

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
