"""Reading a unit's filled progress workbook (parsite.outputs.progress_workbook) as typed.

What Excel or LibreOffice may have done to the file sent is undone here: the unit and the
columns are found by their labels (with or without diacritics, wherever they moved), blank
rows are skipped, and a date may be a date cell, an Excel serial number or text typed in
Vietnamese form. Nothing is checked against the data here: parsite.tools.progress_import does,
and judges the workbook's binding (its very hidden sheet, read here as it is).

The file comes from outside, so it is read within limits, and refused with one line naming
the limit when it goes past one (never cut short in silence): parsite.tools.untrusted checks the
bytes first (size, the archive's directory, every part scanned for a DTD, rows and tags, within
LIMITS); openpyxl then reads them in read-only (streaming) mode, parsing with defusedxml (a
second guard against entities: `openpyxl.DEFUSEDXML`), every sheet once, up to MAX_COLUMNS
columns and LIMITS.rows rows. The rows are counted here, since read-only mode trusts the sheet's
declared dimension and fills the gap up to a lone cell at XFD1048576 with empty rows. The
table's sheet may not go past LIMITS.rows; another sheet is read only as far as the unit's id is
looked for.

Read-only mode gives no merged cells and no protection, which the import does not need.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .. import fmt
from ..data_in import progress
from ..fmt import fold
from ..outputs.progress_workbook import (
    BINDING_CODE,
    BINDING_PLANS,
    BINDING_SHEET,
    BINDING_UNIT,
    COLUMNS,
    STATE_CHOICES,
    UNIT_LABEL,
    binding_code,
)
from ..problems import shorten
from .untrusted import EXCEL, MB, Limits, UntrustedFileError, read_checked

# A unit's real workbook is about 10 KB, a dozen parts, a few dozen rows and about 2 000 tags;
# each limit is far above what a unit can send, and together they keep the worst file within them
# to about 2 s and 100 MB here (200 000 empty cells in one row: the XML parsing dominates).
LIMITS = Limits(
    file_bytes=20 * MB,
    parts=500,  # a few hundred with pictures
    part_bytes=20 * MB,
    total_bytes=50 * MB,
    markup=200_000,
    rows=5000,  # in a sheet: a unit leads tens of tasks, a row or a few for each
)
MAX_SHEETS = 50
MAX_COLUMNS = 30  # the 12 columns sent, with room for columns a unit inserts
HEADER_SCAN = 20  # rows searched for the header (a unit may add a title above it)
UNIT_SCAN = (40, 6)  # rows and columns searched for the unit's id
# Columns the import needs to find in a sheet; the others are read when present.
REQUIRED = ("id", "date", "text")


class WorkbookError(Exception):
    """A file that cannot be read as a progress workbook (not .xlsx, past a limit, no table)."""


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
        return f"{self.file}, trang '{shorten(self.sheet)}', dòng {self.number}{shown}"


@dataclass(frozen=True)
class Binding:
    """The very hidden sheet 'Mã bảng tính': which unit and plans the office made the workbook
    for, and their check code, as read (None where a value is missing)."""

    unit_id: str | None
    plans: str | None
    code: str | None

    @property
    def intact(self) -> bool:
        """The values are all there and match their check code."""
        if not (self.unit_id and self.plans and self.code):
            return False
        years = [part.strip() for part in self.plans.split(",")]
        if not all(re.fullmatch(r"\d{4}", year) for year in years):
            return False
        return self.code.strip().lower() == binding_code(self.unit_id, map(int, years))


@dataclass(frozen=True)
class Workbook:
    file: str  # the file's name, without its folder
    unit_id: str | None  # the visible "Mã đơn vị" cell; None when there is none
    rows: tuple[Row, ...]
    binding: Binding | None = None  # None: no binding sheet
    sha256: str = ""  # of the file's bytes, as read


def label_key(text: object) -> str:
    """A header or label compared without case, diacritics, punctuation or extra spaces."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(str(text)).lower()).split())


_TITLES = {label_key(c.title): c.key for c in COLUMNS}
_BINDING = {label_key(BINDING_UNIT): "unit", label_key(BINDING_PLANS): "plans", label_key(BINDING_CODE): "code"}
_UNIT = label_key(UNIT_LABEL)


def read_workbook(path: Path, name: str | None = None) -> Workbook:
    """The unit, binding and filled rows of a workbook; raise WorkbookError if it is not one or
    goes past a limit. `name`: the file's name in rows and messages (by default its own)."""
    try:
        data = read_checked(path, EXCEL, LIMITS)  # once: the digest recorded is of the bytes read
    except UntrustedFileError as exc:
        raise WorkbookError(exc.reason) from None
    digest = hashlib.sha256(data).hexdigest()
    return _read(name or path.name, data, digest)


# --- reading -------------------------------------------------------------------------------------


def _read(name: str, data: bytes, digest: str) -> Workbook:
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    book = None
    try:
        # data_only: a formula a unit typed counts by the value it showed.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return _sheets(name, book, digest)  # sheets are parsed here, as they are read
    except WorkbookError:
        raise
    except Exception as exc:  # the XML parser's, zipfile's and openpyxl's own errors
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__  # openpyxl wraps what its parser raised
        if cause is not None:
            raise WorkbookError("tệp khai báo DTD hoặc thực thể XML (có thể là tệp độc hại); không đọc") from None
        raise WorkbookError(
            f"không đọc được tệp Excel (.xlsx): {shorten(str(exc) or type(exc).__name__, 80)}"
        ) from None
    finally:
        if book is not None:
            book.close()


def _sheets(name: str, book, digest: str) -> Workbook:  # type: ignore[no-untyped-def]
    """Every sheet read once: the unit's id, the binding, the header and the rows under it."""
    sheets = book.worksheets
    if len(sheets) > MAX_SHEETS:
        raise WorkbookError(f"tệp có {len(sheets)} trang, quá giới hạn {MAX_SHEETS}; không đọc")
    unit_id: str | None = None
    binding: Binding | None = None
    rows: list[Row] = []
    tables = 0
    editable = [c.key for c in COLUMNS if c.editable]
    for sheet in sheets:
        if sheet.title == BINDING_SHEET:
            binding = _binding(sheet)
            continue
        columns: dict[str, int] | None = None
        cells_by_row = sheet.iter_rows(min_row=1, max_row=LIMITS.rows + 1, max_col=MAX_COLUMNS)
        for number, cells in enumerate(cells_by_row, start=1):  # read-only cells do not all know their row
            if unit_id is None and number <= UNIT_SCAN[0]:
                unit_id = _unit_id(cells[: UNIT_SCAN[1]])
            if columns is None:
                if number <= HEADER_SCAN:
                    columns = _header(cells)
                    tables += columns is not None
                elif unit_id is not None or number > UNIT_SCAN[0]:
                    break  # not a table: nothing more to read on this sheet
                continue
            if number > LIMITS.rows:
                raise WorkbookError(
                    f"trang '{shorten(sheet.title)}' có dòng sau dòng {fmt.number(LIMITS.rows)} (giới hạn "
                    f"{fmt.number(LIMITS.rows)} dòng một trang); hãy xóa các dòng thừa ở cuối trang, kể cả dòng "
                    "trống đã định dạng, rồi gửi lại"
                )
            values = {key: cells[index].value for key, index in columns.items()}
            if any(not blank(values.get(key)) for key in editable):
                rows.append(Row(name, sheet.title, number, values))
    if not tables:
        titles = ", ".join(f"'{c.title}'" for c in COLUMNS if c.key in REQUIRED)
        raise WorkbookError(f"không có trang nào có các cột {titles}")
    return Workbook(name, unit_id or None, tuple(rows), binding, digest)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _unit_id(cells: tuple) -> str | None:  # type: ignore[type-arg]
    """The value right of the "Mã đơn vị" label in a row, if the label is there."""
    for index, cell in enumerate(cells):
        if isinstance(cell.value, str) and label_key(cell.value) == _UNIT:
            after = [c.value for c in cells[index + 1 :] if not blank(c.value)]
            return str(after[0]).strip() if after else ""
    return None


def _header(cells: tuple) -> dict[str, int] | None:  # type: ignore[type-arg]
    """The index of each known column, if the row is the header."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = _TITLES.get(label_key(cell.value)) if isinstance(cell.value, str) else None
        if key and key not in columns:
            columns[key] = index
    return columns if all(k in columns for k in REQUIRED) else None


def _binding(sheet) -> Binding:  # type: ignore[no-untyped-def]
    found: dict[str, str | None] = {}
    for cells in sheet.iter_rows(min_row=1, max_row=10, max_col=3):
        for index, cell in enumerate(cells[:-1]):
            key = _BINDING.get(label_key(cell.value)) if isinstance(cell.value, str) else None
            if key and key not in found:
                found[key] = cell_text(cells[index + 1].value)
    return Binding(found.get("unit"), found.get("plans"), found.get("code"))


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
