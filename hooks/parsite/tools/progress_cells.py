"""Reading a unit's filled progress workbook (parsite.outputs.progress_workbook) as typed.

What Excel or LibreOffice may have done to the file sent is undone here: the unit and the
columns are found by their labels (with or without diacritics, wherever they moved), blank
rows are skipped, and a date may be a date cell, an Excel serial number or text typed in
Vietnamese form. Nothing is checked against the data here: parsite.tools.progress_import does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .. import fmt
from ..data_in import progress
from ..fmt import fold
from ..outputs.progress_workbook import COLUMNS, GUIDE_SHEET, STATE_CHOICES, UNIT_LABEL
from ..problems import shorten

HEADER_SCAN = 20  # rows searched for the header (a unit may add a title above it)
# Columns the import needs to find in a sheet; the others are read when present.
REQUIRED = ("id", "date", "text")


class WorkbookError(Exception):
    """A file that cannot be read as a progress workbook (not .xlsx, no unit, no table)."""


@dataclass(frozen=True)
class Row:
    """One filled row of a workbook, as typed: column key → cell value."""

    file: str
    sheet: str
    number: int  # the row number the spreadsheet shows
    values: dict[str, object]

    @property
    def where(self) -> str:
        task = self.values.get("id")
        shown = f" ({shorten(str(task).strip(), 20)})" if task not in (None, "") else ""
        return f"{self.file}, trang '{self.sheet}', dòng {self.number}{shown}"


@dataclass(frozen=True)
class Workbook:
    file: str
    unit_id: str
    rows: tuple[Row, ...]


def label_key(text: object) -> str:
    """A header or label compared without case, diacritics, punctuation or extra spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(str(text)).lower()).split())


_TITLES = {label_key(c.title): c.key for c in COLUMNS}


def read_workbook(path: Path) -> Workbook:
    """The unit and the filled rows of a workbook; raise WorkbookError if it is not one."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only: a formula a unit typed counts by the value it showed.
        book = load_workbook(path, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, TypeError) as exc:
        raise WorkbookError(f"không đọc được tệp Excel (.xlsx): {shorten(str(exc), 80)}") from None
    except Exception as exc:  # zipfile.BadZipFile and the XML parser's errors
        raise WorkbookError(f"không đọc được tệp Excel (.xlsx): {type(exc).__name__}") from None
    unit_id = _unit_id(book)
    if unit_id is None:
        raise WorkbookError(
            f"không tìm thấy ô '{UNIT_LABEL}' (trang '{GUIDE_SHEET}'): không biết báo cáo của đơn vị nào; "
            "hãy dùng bảng tính tải từ trang của đơn vị"
        )
    rows: list[Row] = []
    tables = 0
    for sheet in book.worksheets:
        header = _header(sheet)
        if header is None:
            continue
        tables += 1
        number, columns = header
        for cells in sheet.iter_rows(min_row=number + 1):
            values = {key: cells[index].value for key, index in columns.items() if index < len(cells)}
            if any(not blank(values.get(c.key)) for c in COLUMNS if c.editable):
                rows.append(Row(path.name, sheet.title, cells[0].row, values))
    if not tables:
        titles = ", ".join(f"'{c.title}'" for c in COLUMNS if c.key in REQUIRED)
        raise WorkbookError(f"không có trang nào có các cột {titles}")
    return Workbook(path.name, unit_id, tuple(rows))


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unit_id(book) -> str | None:  # type: ignore[no-untyped-def]
    wanted = label_key(UNIT_LABEL)
    for sheet in book.worksheets:
        for cells in sheet.iter_rows(max_row=40, max_col=6):
            for index, cell in enumerate(cells):
                if isinstance(cell.value, str) and label_key(cell.value) == wanted:
                    after = [c.value for c in cells[index + 1 :] if not blank(c.value)]
                    return str(after[0]).strip() if after else None
    return None


def _header(sheet) -> tuple[int, dict[str, int]] | None:  # type: ignore[no-untyped-def]
    """The header row's number and the index of each known column in it."""
    for cells in sheet.iter_rows(max_row=HEADER_SCAN):
        columns = {}
        for index, cell in enumerate(cells):
            key = _TITLES.get(label_key(cell.value)) if isinstance(cell.value, str) else None
            if key and key not in columns:
                columns[key] = index
        if all(k in columns for k in REQUIRED):
            return cells[0].row, columns
    return None


def cell_text(value: object) -> str | None:
    """A cell as the text the unit typed (NFC, Windows line breaks made plain)."""
    if blank(value):
        return None
    if isinstance(value, datetime):  # a document's date turned into a date cell by Excel
        value = fmt.day(value.date())
    elif isinstance(value, date):
        value = fmt.day(value)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDS = re.compile(r"(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")


def cell_date(value: object) -> date:
    """A date cell, an Excel serial number, or a date typed as text in Vietnamese form
    (06/02/2024, 6-2-2024, 06.02.2024, ngày 06 tháng 02 năm 2024, 2024-02-06)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:  # 01/01/1900 to 31/12/9999
            found = from_excel(value)
            return found.date() if isinstance(found, datetime) else found  # type: ignore[return-value]
        raise ValueError(f"'{value}' không phải ngày")
    text = cell_text(value) or ""
    plain = " ".join(fold(text).lower().split()).rstrip(".")
    for pattern, order in ((_DMY, (3, 2, 1)), (_ISO, (1, 2, 3)), (_WORDS, (3, 2, 1))):
        match = pattern.fullmatch(plain)
        if match:
            year, month, day = (match[i] for i in order)
            if len(year) != 4:
                raise ValueError(f"ngày '{shorten(text)}': năm phải ghi đủ bốn chữ số, ví dụ 06/02/2024")
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                raise ValueError(f"ngày '{shorten(text)}' không có thật") from None
    raise ValueError(f"ngày '{shorten(text)}' không đọc được; ghi dạng ngày/tháng/năm, ví dụ 06/02/2024")


_STATES = {label_key(fmt.STATUS_LABELS[k]): k for k in STATE_CHOICES} | {label_key(k): k for k in STATE_CHOICES}
# States the site computes from the deadline: the state to choose instead.
_COMPUTED = {
    label_key(progress.LABELS["qua-han"]): fmt.STATUS_LABELS["dang-thuc-hien"],
    label_key(progress.LABELS["hoan-thanh-qua-han"]): fmt.STATUS_LABELS["hoan-thanh"],
}


def cell_state(value: object) -> str | None:
    """The state key of a chosen or typed state; None when blank; ValueError when unknown."""
    text = cell_text(value)
    if text is None:
        return None
    key = label_key(text)
    if key in _STATES:
        return _STATES[key]
    known = ", ".join(fmt.STATUS_LABELS[k] for k in STATE_CHOICES)
    if key in _COMPUTED:
        raise ValueError(f"trạng thái '{shorten(text)}' được tính tự động từ thời hạn; chọn '{_COMPUTED[key]}'")
    raise ValueError(f"trạng thái '{shorten(text)}' không có trong danh sách ({known})")
