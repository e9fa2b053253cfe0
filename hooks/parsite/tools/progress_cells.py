"""Reading a unit's filled progress workbook (parsite.outputs.progress_workbook) as typed.

What Excel or LibreOffice may have done to the file sent is undone here: the unit and the
columns are found by their labels (with or without diacritics, wherever they moved), blank
rows are skipped, and a date may be a date cell, an Excel serial number or text typed in
Vietnamese form. Nothing is checked against the data here: parsite.tools.progress_import does,
and judges the workbook's binding (its very hidden sheet, read here as it is).

The file comes from outside, so it is read within limits, and refused with one line naming
the limit when it goes past one (never cut short in silence):

- its size, then the ZIP archive's directory: how many parts, how large each claims to be once
  inflated and how far it claims to inflate (zipfile stops inflating a part at its declared
  size, so these bound what any reader can be made to inflate);
- then every part, inflated once in chunks before any XML parser sees it: no DTD (only a DTD
  declares entities; Office never writes one), no UTF-16 XML, at most MAX_ROWS row elements in a
  part, and at most MAX_MARKUP tags ('<') in all parts together, which bounds the time and
  memory of the XML parsing that follows (openpyxl parses a sheet without a dimension whole
  when it opens it, and builds a whole row before it yields it);
- openpyxl then reads in read-only (streaming) mode, parsing with defusedxml (a second guard
  against entities: `openpyxl.DEFUSEDXML`), every sheet once, up to MAX_COLUMNS columns and
  MAX_ROWS rows; the rows are counted here, since read-only mode trusts the sheet's declared
  dimension and fills the gap up to a lone cell at XFD1048576 with empty rows. The table's
  sheet may not go past MAX_ROWS; another sheet is read only as far as the unit's id is looked for.

Read-only mode gives no merged cells and no protection, which the import does not need.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
import zipfile
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

# A unit's real workbook is about 9 KB, a few dozen rows and about 1 300 tags; each limit is
# far above what a unit can send, and together they keep the worst file within them to about
# 2 s and 100 MB here (200 000 empty cells in one row: the XML parsing dominates).
MB = 1024 * 1024
MAX_FILE_BYTES = 20 * MB
MAX_PARTS = 500  # a workbook has about 10 parts; a few hundred with pictures
MAX_PART_BYTES = 20 * MB  # one part, inflated
MAX_TOTAL_BYTES = 50 * MB  # all parts, inflated
MAX_RATIO, RATIO_FROM = 100, 1 * MB  # XML deflates 5 to 20 times; a part past 1 MB may not claim more
MAX_MARKUP = 200_000  # tags in all XML parts together
MAX_SHEETS = 50
MAX_ROWS = 5000  # rows in a sheet: a unit leads tens of tasks, a row or a few for each
MAX_COLUMNS = 30  # the 12 columns sent, with room for columns a unit inserts
HEADER_SCAN = 20  # rows searched for the header (a unit may add a title above it)
UNIT_SCAN = (40, 6)  # rows and columns searched for the unit's id
# Columns the import needs to find in a sheet; the others are read when present.
REQUIRED = ("id", "date", "text")
_CHUNK = 1 * MB


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
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"tệp lớn {_size(size)}, quá giới hạn {_size(MAX_FILE_BYTES)}; không đọc")
    data = path.read_bytes()  # once: the digest recorded is of the bytes read
    _check_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
        raise _not_xlsx() from None
    with archive:
        _check_parts(archive)
    digest = hashlib.sha256(data).hexdigest()
    return _read(name or path.name, data, digest)


# --- limits ------------------------------------------------------------------------------------


def _size(number: int) -> str:
    return f"{fmt.number(round(number / MB, 1))} MB" if number >= MB else f"{fmt.number(number)} byte"


def _not_xlsx() -> WorkbookError:
    return WorkbookError(
        "không đọc được tệp Excel (.xlsx): tệp không có dạng .xlsx (có thể là tệp .xls cũ, tệp đặt mật khẩu, "
        "tệp .csv hoặc tệp hỏng); hãy mở bằng Excel và lưu lại dạng Sổ làm việc Excel (.xlsx)"
    )


def _check_directory(data: bytes) -> None:
    """The archive's end record, before zipfile reads its directory into memory: a 20 MB file
    could otherwise list a few hundred thousand parts."""
    if not data.startswith(b"PK\x03\x04"):
        raise _not_xlsx()
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 0 or end + 22 > len(data):
        raise _not_xlsx()
    parts, directory_size = struct.unpack_from("<HI", data, end + 10)
    if end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07":  # ZIP64: for files of gigabytes
        raise WorkbookError("tệp nén dạng ZIP64, không phải bảng tính của đơn vị; không đọc")
    if parts > MAX_PARTS or directory_size > MAX_PARTS * 1024:
        raise WorkbookError(f"tệp có quá nhiều phần (giới hạn {fmt.number(MAX_PARTS)}); không đọc")


def _check_parts(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise WorkbookError(f"tệp có {fmt.number(len(members))} phần, quá giới hạn {fmt.number(MAX_PARTS)}; không đọc")
    total = 0
    for member in members:
        name = shorten(member.filename, 60)
        inflated = member.file_size
        total += inflated
        if inflated > MAX_PART_BYTES:
            raise WorkbookError(
                f"phần '{name}' khi giải nén lớn {_size(inflated)}, quá giới hạn {_size(MAX_PART_BYTES)}; không đọc"
            )
        if inflated > RATIO_FROM and inflated > MAX_RATIO * max(member.compress_size, 1):
            raise WorkbookError(
                f"phần '{name}' nén hơn {MAX_RATIO} lần ({_size(member.compress_size)} giải nén thành "
                f"{_size(inflated)}): dấu hiệu của tệp nén độc hại (zip bomb); không đọc"
            )
    if total > MAX_TOTAL_BYTES:
        raise WorkbookError(f"tệp khi giải nén lớn {_size(total)}, quá giới hạn {_size(MAX_TOTAL_BYTES)}; không đọc")
    markup = 0
    for member in members:
        tags, rows = _scan_part(archive, member)
        if rows > MAX_ROWS:
            raise WorkbookError(
                f"{_sheet_title(archive, member.filename)} có {fmt.number(rows)} dòng, quá giới hạn "
                f"{fmt.number(MAX_ROWS)} dòng một trang; không đọc"
            )
        markup += tags
        if markup > MAX_MARKUP:
            raise WorkbookError(
                f"tệp có hơn {fmt.number(MAX_MARKUP)} thẻ XML (giới hạn; một bảng tính tiến độ có vài nghìn); không đọc"
            )


def _sheet_title(archive: zipfile.ZipFile, part: str) -> str:
    """The sheet stored in `part`, named for a message ("trang 'Tiến độ'"), or the part itself
    when the workbook's list of sheets cannot tell (it is read only if small, without a DTD)."""
    from defusedxml.ElementTree import fromstring

    try:
        book, links = archive.getinfo("xl/workbook.xml"), archive.getinfo("xl/_rels/workbook.xml.rels")
        if book.file_size + links.file_size <= RATIO_FROM:
            targets = {}
            for link in fromstring(archive.read(links)):
                target = link.get("Target", "")
                targets[link.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            for sheet in fromstring(archive.read(book)).iter():
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                if sheet.tag.endswith("}sheet") and targets.get(rid) == part:
                    return f"trang '{shorten(sheet.get('name', ''))}'"
    except Exception:  # only the message's wording depends on it
        pass
    return f"một trang (phần '{shorten(part, 60)}')"


_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_TAG_TAIL = 64  # bytes after a chunk's last '<' enough to see which tag it starts
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int]:
    """Tags and row elements in one part, inflated in chunks; refuse a DTD or UTF-16 XML.
    A part that is not XML (a picture) counts nothing: no XML parser will read it."""
    name = shorten(member.filename, 60)
    tags = rows = 0
    pending = b""  # a tag cut by the end of a chunk, read again with the next one
    try:
        with archive.open(member) as stream:
            chunk = stream.read(_CHUNK)
            if chunk.startswith(_UTF16):
                raise WorkbookError(f"phần '{name}' là XML dạng UTF-16, Excel không ghi như vậy; không đọc")
            if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                return 0, 0
            while chunk or pending:
                window = pending + chunk
                cut = window.rfind(b"<")
                done = window[:cut] if chunk and cut >= 0 and len(window) - cut < _TAG_TAIL else window
                pending = window[len(done) :]
                if any(marker in done for marker in _DTD):
                    raise WorkbookError(
                        f"phần '{name}' khai báo DTD hoặc thực thể XML, Excel không bao giờ ghi như vậy "
                        "(có thể là tệp độc hại); không đọc"
                    )
                tags += done.count(b"<")
                rows += len(_ROW_TAG.findall(done))
                chunk = stream.read(_CHUNK) if chunk else b""
    except WorkbookError:
        raise
    except Exception as exc:  # a CRC mismatch, zlib.error, an encrypted part, an unknown compression
        raise WorkbookError(f"phần '{name}' hỏng, không giải nén được ({type(exc).__name__}); không đọc") from None
    return tags, rows


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
        cells_by_row = sheet.iter_rows(min_row=1, max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS)
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
            if number > MAX_ROWS:
                raise WorkbookError(
                    f"trang '{shorten(sheet.title)}' có dòng sau dòng {fmt.number(MAX_ROWS)} (giới hạn "
                    f"{fmt.number(MAX_ROWS)} dòng một trang); hãy xóa các dòng thừa ở cuối trang, kể cả dòng "
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
