"""`scripts/import-appendix FILE.xlsx|FILE.docx`: an appendix table → tasks YAML.

Columns are found by their header text, with or without diacritics ("Đơn vị chủ trì",
"don vi chu tri", "Chủ trì"). A row whose only text is "Lĩnh vực N: ..." (or the name of a
field) sets the field of the rows below it. Unit names are matched to unit ids by their full or
short names, tolerating small differences. No row is dropped silently: every row is imported
or listed in the report with its row number and the reason.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..data_in.model import Site, Unit
from ..dates import parse_deadline
from ..fmt import fold
from .scaffold import TaskDraft
from .untrusted import EXCEL, MB, WORD, Limits, UntrustedFileError, read_checked

# Column → header texts it may have (folded, lowercase).
HEADERS = {
    "number": ["stt", "tt", "so thu tu"],
    "id": ["ma", "ma nhiem vu", "ma so"],
    "field": ["linh vuc", "linh vuc chi so"],
    "criterion": ["tieu chi", "tieu chi thanh phan"],
    "problem": ["ton tai", "ton tai, han che", "diem bi tru", "noi dung bi tru diem", "han che"],
    "task": ["noi dung nhiem vu", "nhiem vu", "nhiem vu, giai phap", "noi dung", "giai phap", "noi dung cong viec"],
    "lead": ["don vi chu tri", "chu tri", "co quan chu tri"],
    "support": ["don vi phoi hop", "phoi hop", "co quan phoi hop"],
    "deadline": ["thoi gian hoan thanh", "thoi han", "thoi han hoan thanh", "thoi gian"],
    "output": ["san pham", "san pham dau ra", "ket qua", "ket qua dau ra"],
}


class AppendixError(Exception):
    """The file cannot be read as an appendix (no table, no header row)."""


@dataclass
class Report:
    imported: list[TaskDraft] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # rows not imported, with the reason
    warnings: list[str] = field(default_factory=list)  # rows imported with a value left to fill in


def _key(text: object) -> str:
    return " ".join(fold(str(text or "")).lower().replace(":", " ").split())


def _cell_text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if value is not None else ""


# Far above any real appendix (a few dozen to a few hundred tasks); reading stops there.
MAX_ROWS = 5000
MAX_COLUMNS = 60
# An appendix is a few hundred KB (a Word file's styles alone are some 25 000 tags); python-docx
# holds the whole document in memory.
LIMITS = Limits(file_bytes=20 * MB, parts=500, part_bytes=20 * MB, total_bytes=60 * MB, markup=500_000, rows=MAX_ROWS)


def read_rows(path: Path) -> list[tuple[str, list[str]]]:
    """(where, cells) of every table row: 'dòng 7' in a sheet, 'bảng 1, dòng 7' in a document.

    The file comes from outside: it is checked (untrusted.read_checked) before a library reads it,
    and every failure is an AppendixError naming it, in one line."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".docx"):
        raise AppendixError("chỉ đọc được tệp .xlsx hoặc .docx")
    try:
        read_checked(path, EXCEL if suffix == ".xlsx" else WORD, LIMITS)
        rows = _sheet_rows(path) if suffix == ".xlsx" else _document_rows(path)
    except UntrustedFileError as exc:
        raise AppendixError(exc.reason) from None
    if len(rows) > MAX_ROWS:
        raise AppendixError(f"có hơn {MAX_ROWS} dòng, quá giới hạn của một phụ lục; không nhập")
    return rows


def _sheet_rows(path: Path) -> list[tuple[str, list[str]]]:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet; the caps stop it at the first row or column past a limit
        # (a sheet may declare its last cell at XFD1048576).
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = []
            sheet = book.active
            for number, row in enumerate(
                sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True), 1
            ):
                if len(row) > MAX_COLUMNS and row[MAX_COLUMNS] is not None:
                    raise AppendixError(f"dòng {number} có hơn {MAX_COLUMNS} cột; không nhập")
                rows.append((f"dòng {number}", [_cell_text(c) for c in row[:MAX_COLUMNS]]))
            return rows
        finally:
            book.close()
    except AppendixError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged file: one line, no traceback
        raise AppendixError(f"không đọc được bảng tính ({type(exc).__name__}); không nhập") from None


def _document_rows(path: Path) -> list[tuple[str, list[str]]]:
    from docx import Document

    try:
        document = Document(str(path))
    except Exception as exc:  # python-docx and lxml raise many kinds on a damaged file
        raise AppendixError(f"không đọc được tệp Word ({type(exc).__name__}); không nhập") from None
    rows = []
    for t, table in enumerate(document.tables, 1):
        for i, row in enumerate(table.rows, 1):
            cells, seen = [], set()
            for cell in row.cells:  # a merged cell repeats: keep it once
                cells.append("" if id(cell._tc) in seen else _cell_text(cell.text))
                seen.add(id(cell._tc))
            rows.append((f"bảng {t}, dòng {i}", cells))
            if len(rows) > MAX_ROWS:
                return rows
    return rows


def _header(rows: list[tuple[str, list[str]]]) -> tuple[int, dict[str, int]]:
    for index, (_, cells) in enumerate(rows):
        columns = {}
        for position, cell in enumerate(cells):
            key = _key(cell)
            for name, aliases in HEADERS.items():
                if key in aliases and name not in columns:
                    columns[name] = position
        if "task" in columns and len(columns) >= 3:
            return index, columns
    raise AppendixError(
        "không tìm thấy dòng tiêu đề (cần các cột như: Nội dung nhiệm vụ, Đơn vị chủ trì, Thời gian hoàn thành)"
    )


class UnitMatcher:
    """Unit names as written in an appendix → unit ids."""

    def __init__(self, units: tuple[Unit, ...]) -> None:
        self.names: dict[str, str] = {}
        for unit in units:
            for name in (unit.name, unit.short, unit.id):
                self.names[_key(name)] = unit.id
                self.names[_key(name).replace(".", "").replace("-", " ")] = unit.id

    def one(self, text: str) -> str | None:
        key = _key(text).strip(" .;,")
        if key in self.names:
            return self.names[key]
        close = difflib.get_close_matches(key, list(self.names), n=1, cutoff=0.8)
        return self.names[close[0]] if close else None

    def many(self, text: str) -> tuple[list[str], list[str]]:
        """Unit ids found in a list of names, and the names that matched no unit."""
        found, unknown = [], []
        for part in re.split(r"[;\n]+", text):
            if not part.strip():
                continue
            unit = self.one(part)
            pieces = [(part, unit)] if unit else [(p, self.one(p)) for p in part.split(",") if p.strip()]
            for name, unit_id in pieces:
                if unit_id and unit_id not in found:
                    found.append(unit_id)
                elif not unit_id:
                    unknown.append(name.strip())
        return found, unknown


def _field_heading(cells: list[str], site: Site) -> int | None:
    texts = [c for c in cells if c]
    if len(set(texts)) != 1:
        return None
    key = _key(texts[0])
    match = re.match(r"^(?:[ivx]+[.)]\s*)?linh vuc (\d+)\b", key)
    if match:
        return int(match[1])
    for f in site.fields():
        if _key(f.name) in key:
            return f.id
    return None


def import_rows(rows: list[tuple[str, list[str]]], site: Site, year: int) -> Report:
    header_index, columns = _header(rows)
    units = UnitMatcher(site.agency.units)
    fields = {f.id for f in site.fields()}
    report = Report()
    current_field: int | None = None

    def cell(cells: list[str], name: str) -> str:
        position = columns.get(name)
        return cells[position] if position is not None and position < len(cells) else ""

    for where, cells in rows[header_index + 1 :]:
        if not any(cells):
            continue
        heading = _field_heading(cells, site)
        if heading is not None:
            current_field = heading
            continue
        task_text = cell(cells, "task")
        if not task_text:
            report.skipped.append(
                f"{where}: bỏ qua vì không có nội dung nhiệm vụ ({' | '.join(c for c in cells if c)})"
            )
            continue
        number = len(report.imported) + 1
        draft = TaskDraft(id=cell(cells, "id") or f"NV{number:02d}", field=None, task=task_text)
        field_text = cell(cells, "field")
        field_match = re.search(r"\d+", field_text)
        draft.field = int(field_match[0]) if field_match else current_field
        if draft.field not in fields:
            report.warnings.append(f"{where} ({draft.id}): chưa xác định lĩnh vực; điền field")
            draft.field = None
        draft.criterion = cell(cells, "criterion") or None
        draft.problem = cell(cells, "problem")
        if not draft.problem:
            report.warnings.append(f"{where} ({draft.id}): không có tồn tại, hạn chế; điền problem")
        lead = cell(cells, "lead")
        lead_ids, lead_unknown = units.many(lead)
        draft.lead = lead_ids[0] if lead_ids else ""
        if not lead_ids:
            report.warnings.append(f"{where} ({draft.id}): không nhận ra đơn vị chủ trì '{lead}'; điền lead")
        support_ids, unknown = units.many(cell(cells, "support"))
        draft.support = [u for u in lead_ids[1:] + support_ids if u != draft.lead]
        for name in lead_unknown + unknown:
            report.warnings.append(f"{where} ({draft.id}): không nhận ra đơn vị '{name}'; thêm vào support nếu cần")
        draft.deadline = cell(cells, "deadline")
        try:
            deadline = parse_deadline(draft.deadline)
            if deadline.due and deadline.due.year != year:
                report.warnings.append(f"{where} ({draft.id}): thời hạn '{draft.deadline}' ngoài năm {year}")
        except ValueError:
            report.warnings.append(f"{where} ({draft.id}): thời hạn '{draft.deadline}' chưa đúng dạng; sửa deadline")
        draft.output = cell(cells, "output")
        if not draft.output:
            report.warnings.append(f"{where} ({draft.id}): không có sản phẩm; điền output")
        report.imported.append(draft)
    return report
