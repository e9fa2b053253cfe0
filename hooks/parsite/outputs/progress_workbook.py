"""Bảng tính báo cáo tiến độ: one Excel workbook per unit for its quarterly progress report.

Units do not edit YAML: each quarter the monitoring office sends every unit its workbook,
the unit fills in what it did, and `scripts/import-progress` (parsite.tools.progress_import) reads
the answers back into tasks.yml. One row per task the unit leads, newest plan first: the
task's facts as they stand today (read-only, grey), then the columns of a new progress entry
(yellow, unlocked), with a drop-down list for the state and date validation. A first sheet
explains it in Vietnamese and carries the unit's id, which the import reads back.

The column headers are the contract with the import: it finds columns by these titles
(with or without diacritics), wherever a spreadsheet program moved them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from .. import clock, fmt
from ..data_in import progress
from ..data_in.model import Plan, Site, Task, Unit
from .xlsx import DATE_FORMAT, cell_xml, insert_before, plain, print_on_a4_landscape, row_height, row_start
from .zipfix import fixed_zip

FOLDER = "bao-cao-tien-do"
GUIDE_SHEET = "Hướng dẫn"
SHEET = "Tiến độ"
UNIT_LABEL = "Mã đơn vị"  # the import finds the unit's id in the cell right of this label
EXTRA_ROWS = 5  # blank rows for a second entry on a task: id and year typed, not locked


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: float
    editable: bool
    help: str  # said on the guide sheet and as the cell's input message


COLUMNS = (
    Column("id", "Mã nhiệm vụ", 10, False, "mã của nhiệm vụ trong phụ lục kế hoạch"),
    Column("year", "Năm kế hoạch", 8, False, "năm của kế hoạch giao nhiệm vụ"),
    Column("task", "Nội dung nhiệm vụ", 34, False, "nhiệm vụ được giao"),
    Column("deadline", "Thời hạn", 12, False, "thời hạn hoàn thành"),
    Column("state", "Trạng thái hiện tại", 15, False, "trạng thái đang công bố trên trang"),
    Column("last", "Tiến độ ghi gần nhất", 28, False, "mục tiến độ gần nhất đã được ghi nhận"),
    Column("date", "Ngày", 12, True, "ngày thực hiện hoặc ngày báo cáo, dạng ngày/tháng/năm, ví dụ 06/02/2024"),
    Column("text", "Nội dung đã thực hiện", 36, True, "việc đã làm, kết quả đạt được (bắt buộc khi báo cáo)"),
    Column("evidence", "Minh chứng", 20, True, "số, ngày văn bản hoặc đường dẫn"),
    Column("note", "Khó khăn, vướng mắc, lý do chậm", 22, True, "nếu có"),
    Column("status", "Trạng thái mới", 16, True, "chọn trong danh sách; để trống nếu trạng thái không đổi"),
    Column(
        "completed",
        "Ngày hoàn thành",
        12,
        True,
        "chỉ khi trạng thái mới là Hoàn thành và ngày hoàn thành trước ngày ở cột Ngày",
    ),
)
HEADER_ROW = 2  # row 1 groups the columns: what the office wrote, what the unit writes
FIRST_ROW = HEADER_ROW + 1
# The states a unit may choose, as labels; "quá hạn" is computed from the deadline, not chosen.
STATE_CHOICES = ("dang-thuc-hien", "hoan-thanh", "tam-dung", "chua-trien-khai")

GUIDE_WIDTHS = (30.0, 95.0)
GREY = "F2F2F2"
YELLOW = "FFF8DC"


def workbook_path(unit: Unit) -> str:
    """Docs-relative path of the unit's workbook (the file name says whose it is)."""
    return f"{FOLDER}/tien-do-{unit.id}.xlsx"


def workbook_units(site: Site) -> list[Unit]:
    """Units that lead at least one task: each gets a workbook."""
    leads = {t.lead.id for t in site.tasks}
    return [u for u in site.agency.units if u.id in leads]


def workbook_tasks(site: Site, unit: Unit) -> list[Task]:
    """The unit's tasks in the order of the workbook: newest plan first, then as in the plan."""
    return [t for plan in reversed(site.plans) for t in plan.tasks if t.lead.id == unit.id]


def earliest_day(plan: Plan) -> date:
    """The first day an entry of the plan may carry: the plan year's first day, or the signing
    day when the plan was signed before its year began."""
    return min(plan.issued, date(plan.year, 1, 1))


def last_entry(task: Task, today: date) -> str:
    entries = progress.log_until(task, today)
    if not entries:
        return "Chưa có"
    entry = entries[-1]
    return f"{fmt.day(entry.date)}: {entry.text}"


def _header_text(text: str) -> str:
    """Text for a printed page header: '&' starts a code there, and Excel keeps 255 characters."""
    text = text.replace("&", "&&")
    return text if len(text) <= 200 else text[:200] + "…"


def workbook_bytes(site: Site, unit: Unit, fast: bool = True) -> bytes:
    """The unit's workbook, the same bytes for the same data and day.

    openpyxl writes the workbook; the task rows between the first and the last are written by
    `_middle_rows`, byte for byte as openpyxl writes them but several times faster (`fast=False`:
    by openpyxl, for the tests that compare the two, and whenever a value needs openpyxl).
    """
    # openpyxl is imported here, as in exports: only the process that makes downloads needs it.
    from openpyxl import Workbook

    book = Workbook()
    tasks = workbook_tasks(site, unit)
    _guide_sheet(book.active, site, unit, tasks)
    sheet = book.create_sheet(SHEET)
    middle = _progress_sheet(sheet, site, unit, tasks, fast)
    book.active = 0
    book.properties.creator = site.agency.short
    book.properties.title = f"Báo cáo tiến độ – {unit.name}"[:250]
    out = io.BytesIO()
    book.save(out)
    edits = {sheet.path.lstrip("/"): middle} if middle is not None else None
    # Stamped with today's first moment: the content depends on the day (the states shown),
    # not on the time of the build, so every build of the same data on a day gives the same file.
    return fixed_zip(out.getvalue(), datetime.combine(site.today, time(), clock.VIETNAM), edits)


def _text_cell(sheet, row: int, column: int, value: str | int | date | None):  # type: ignore[no-untyped-def]
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # a task that starts with '=' is text, never a formula
    return cell


def guide_lines(site: Site, unit: Unit, tasks: list[Task]) -> list[tuple[str, str, str | None]]:
    """The guide sheet, line by line: (kind, first column, second column); kind is one of
    title, fact, heading, step, detail."""
    labels = ", ".join(fmt.STATUS_LABELS[key] for key in STATE_CHOICES)
    years = {t.plan_year for t in tasks}
    plans = "; ".join(p.short_title for p in reversed(site.plans) if p.year in years)
    editable = [c for c in COLUMNS if c.editable]
    fixed = [c for c in COLUMNS if not c.editable]
    letter = {c.key: chr(ord("A") + i) for i, c in enumerate(COLUMNS)}
    return [
        ("title", "BẢNG BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ CẢI THIỆN CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", None),
        ("fact", "Cơ quan", site.agency.name),
        ("fact", "Đơn vị", unit.name),
        ("fact", UNIT_LABEL, unit.id),
        ("fact", "Kế hoạch", plans),
        ("fact", "Số nhiệm vụ chủ trì", str(len(tasks))),
        ("fact", "Trạng thái tính đến ngày", fmt.day(site.today)),
        ("heading", "Cách điền", None),
        (
            "step",
            "1.",
            f'Mở trang "{SHEET}": mỗi dòng là một nhiệm vụ đơn vị chủ trì. Các cột '
            f"{letter[fixed[0].key]}–{letter[fixed[-1].key]} (nền xám) là thông tin của nhiệm vụ, không sửa được.",
        ),
        (
            "step",
            "2.",
            f"Nhiệm vụ nào có việc mới trong kỳ báo cáo thì điền các cột {letter[editable[0].key]}–"
            f"{letter[editable[-1].key]} (nền vàng) trên dòng của nhiệm vụ đó. Nhiệm vụ không có gì mới thì để trống.",
        ),
        *(("detail", f"{letter[c.key]}. {c.title}", c.help[0].upper() + c.help[1:] + ".") for c in editable),
        (
            "step",
            "3.",
            f'Trạng thái mới chọn một trong: {labels}. "Quá hạn" được tính tự động từ thời hạn, không cần chọn.',
        ),
        ("step", "4.", "Ngày ghi dạng ngày/tháng/năm, ví dụ 06/02/2024; không ghi ngày sau ngày gửi báo cáo."),
        (
            "step",
            "5.",
            "Một nhiệm vụ có hai việc cần báo cáo riêng: dùng các dòng trống cuối bảng, ghi mã nhiệm vụ và năm "
            f"kế hoạch (cột {letter['id']}, {letter['year']}) rồi điền như trên.",
        ),
        (
            "step",
            "6.",
            "Lưu tệp dạng Excel (.xlsx) và gửi lại cho bộ phận theo dõi kế hoạch. Không xóa trang "
            f'"{GUIDE_SHEET}": ô {UNIT_LABEL} cho biết báo cáo của đơn vị nào.',
        ),
        (
            "step",
            "",
            "Các mục được nhập lên trang công khai đúng như đơn vị ghi; mục trùng với mục đã nhập trước đó được bỏ "
            "qua; dòng chưa đúng được báo lại kèm số dòng và lý do.",
        ),
    ]


def _guide_sheet(sheet, site: Site, unit: Unit, tasks: list[Task]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Alignment, Font

    sheet.title = GUIDE_SHEET
    fonts = {"title": Font(bold=True, size=13), "fact": Font(bold=True), "heading": Font(bold=True, size=12)}
    row = 0
    for kind, label, value in guide_lines(site, unit, tasks):
        row += 2 if kind in ("heading",) or (kind == "fact" and row == 1) else 1  # a blank line before groups
        first = _text_cell(sheet, row, 1, label)
        first.alignment = Alignment(vertical="top", wrap_text=kind != "title")
        if kind in fonts:
            first.font = fonts[kind]
        if value is not None:
            _text_cell(sheet, row, 2, value).alignment = Alignment(vertical="top", wrap_text=True)
            sheet.row_dimensions[row].height = row_height([(label, GUIDE_WIDTHS[0]), (value, GUIDE_WIDTHS[1])])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = GUIDE_WIDTHS
    sheet.protection.sheet = True  # no password: it guards against slips, not people
    print_on_a4_landscape(sheet)


def _progress_sheet(sheet, site: Site, unit: Unit, tasks: list[Task], fast: bool):  # type: ignore[no-untyped-def]
    """Fill the progress sheet; give the function that adds the rows left to the core (see
    `_middle_rows`) to the sheet's XML once openpyxl wrote it, or None when openpyxl wrote all."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey, yellow = (PatternFill("solid", fgColor=c) for c in (GREY, YELLOW))
    top = Alignment(vertical="top", wrap_text=True)
    # One named style per kind of cell, applied in one step: styling each cell attribute by
    # attribute took 6 of the 8 s of a 10 000-task unit. The names show in Excel's cell styles.
    styles = {
        "fixed": NamedStyle("Thông tin nhiệm vụ", fill=grey, border=border, alignment=top),
        "open": NamedStyle(
            "Đơn vị điền", fill=yellow, border=border, alignment=top, protection=Protection(locked=False)
        ),
        "date": NamedStyle(
            "Đơn vị điền ngày",
            fill=yellow,
            border=border,
            alignment=top,
            protection=Protection(locked=False),
            number_format=DATE_FORMAT,
        ),
    }
    for style in styles.values():
        sheet.parent.add_named_style(style)
    last_col = len(COLUMNS)
    first_edit = next(i for i, c in enumerate(COLUMNS, start=1) if c.editable)

    # Row 1: which columns are the plan's, which the unit's.
    _text_cell(sheet, 1, 1, "THÔNG TIN NHIỆM VỤ (không sửa)")
    _text_cell(sheet, 1, first_edit, "BÁO CÁO TIẾN ĐỘ MỚI (đơn vị điền)")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=first_edit - 1)
    sheet.merge_cells(start_row=1, start_column=first_edit, end_row=1, end_column=last_col)
    for index, column in enumerate(COLUMNS, start=1):
        group = sheet.cell(row=1, column=index)
        group.font = Font(bold=True)
        group.fill = yellow if column.editable else grey
        group.alignment = Alignment(horizontal="center")
        head = _text_cell(sheet, HEADER_ROW, index, column.title)
        head.font = Font(bold=True)
        head.fill = yellow if column.editable else grey
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = border
        sheet.column_dimensions[get_column_letter(index)].width = column.width

    rows: list[dict[str, str | int | None]] = [
        {
            "id": t.id,
            "year": t.plan_year,
            "task": t.task,
            "deadline": fmt.deadline(t.deadline),
            "state": progress.state(t, site.today).label,
            "last": last_entry(t, site.today),
        }
        for t in tasks
    ]
    newest = tasks[0].plan_year if tasks else site.today.year
    rows += [{"year": newest} for _ in range(EXTRA_ROWS)]
    last_row = FIRST_ROW + len(rows) - 1
    # The first and last rows are openpyxl's: the first numbers the three styles where openpyxl
    # would, the last keeps the sheet's dimension; the core writes the others between them.
    by_core = fast and len(rows) > 2 and all(plain(v) for values in rows[1:-1] for v in values.values())
    middle: list[tuple[int, list[tuple[str, str | int | None]], float]] = []
    for offset, values in enumerate(rows):
        row = FIRST_ROW + offset
        extra = offset >= len(tasks)
        texts = [(str(values[c.key]), c.width) for c in COLUMNS if values.get(c.key) is not None]
        if by_core and 0 < offset < len(rows) - 1:
            kinds = [(_style_kind(column, extra), values.get(column.key)) for column in COLUMNS]
            middle.append((row, kinds, row_height(texts)))
            continue
        for index, column in enumerate(COLUMNS, start=1):
            _text_cell(sheet, row, index, values.get(column.key)).style = styles[_style_kind(column, extra)].name
        sheet.row_dimensions[row].height = row_height(texts)

    letters = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    # The state: a list of the labels (an inline list: short, no hidden sheet to lose).
    states = DataValidation(
        type="list",
        formula1='"' + ",".join(fmt.STATUS_LABELS[k] for k in STATE_CHOICES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Trạng thái không hợp lệ",
        error="Chọn trạng thái trong danh sách, hoặc để trống nếu trạng thái không đổi.",
        showInputMessage=True,
        promptTitle="Trạng thái mới",
        prompt="Chọn trong danh sách; để trống nếu không đổi. Quá hạn được tính tự động.",
    )
    states.add(f"{letters['status']}{FIRST_ROW}:{letters['status']}{last_row}")
    sheet.add_data_validation(states)
    # Dates: from the plan's first day to today. A warning, not a stop: a date typed as text in
    # Vietnamese form (06/02/2024) on a computer set to another language is still read by the import.
    by_year: dict[int, list[int]] = {}
    for offset, values in enumerate(rows):
        by_year.setdefault(int(values["year"] or newest), []).append(FIRST_ROW + offset)
    plans = {p.year: p for p in site.plans}
    for year, numbers in sorted(by_year.items()):
        start = earliest_day(plans[year]) if year in plans else date(year, 1, 1)
        dates = DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({start.year},{start.month},{start.day})",
            formula2="TODAY()",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Ngày chưa đúng",
            error=f"Ghi ngày dạng ngày/tháng/năm, từ {fmt.day(start)} đến hôm nay.",
            showInputMessage=True,
            promptTitle="Ngày",
            prompt="Dạng ngày/tháng/năm, ví dụ 06/02/2024.",
        )
        for first, last in _runs(numbers):
            dates.add(f"{letters['date']}{first}:{letters['date']}{last}")
            dates.add(f"{letters['completed']}{first}:{letters['completed']}{last}")
        sheet.add_data_validation(dates)

    sheet.freeze_panes = f"{letters['task']}{FIRST_ROW}"  # header rows and the task's id stay in view
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last_col)}{last_row}"
    sheet.row_dimensions[HEADER_ROW].height = 32
    # Locked cells keep the office's columns as sent; resizing, filtering and sorting stay allowed.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False
    sheet.protection.autoFilter = False
    sheet.protection.sort = False
    print_on_a4_landscape(sheet, f"1:{HEADER_ROW}")  # the header rows on every page
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_options.horizontalCentered = True
    sheet.oddHeader.center.text = _header_text(f"Báo cáo tiến độ – {unit.name}")
    sheet.oddFooter.center.text = "Trang &P/&N"
    return _middle_rows(sheet, middle, last_row) if middle else None


def _style_kind(column: Column, extra: bool) -> str:
    """The named style of a task row's cell: the unit's date, the unit's text, or the office's."""
    if column.key in ("date", "completed"):
        return "date"
    if column.editable or (extra and column.key in ("id", "year")):
        return "open"
    return "fixed"


def _middle_rows(sheet, rows: list, last_row: int) -> Callable[[bytes], bytes]:  # type: ignore[no-untyped-def]
    """The function that inserts `rows` (number, (style kind, value) per column, height) before
    the last row of the sheet's XML, each cell as openpyxl writes it (`xlsx.cell_xml`).

    openpyxl numbers a cell style when it writes the first cell that has it; the first task row
    has all three, so once the workbook is saved its cells give the numbers (asking again adds
    nothing). A row's height is written as openpyxl writes the row's dimension.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.dimensions import RowDimension

    letters = [get_column_letter(i) for i in range(1, len(COLUMNS) + 1)]

    def insert(xml: bytes) -> bytes:
        style = {}
        for index, column in enumerate(COLUMNS, start=1):
            style.setdefault(_style_kind(column, False), f' s="{sheet.cell(FIRST_ROW, index).style_id}"')
        out = []
        for number, cells, height in rows:
            dimension = RowDimension(sheet, index=number)
            dimension.height = height
            out.append(row_start(number, dimension))
            for letter, (kind, value) in zip(letters, cells, strict=True):
                out.append(cell_xml(f"{letter}{number}", style[kind], value))
            out.append("</row>")
        return insert_before(xml, f'<row r="{last_row}"'.encode("ascii"), "".join(out).encode("ascii"))

    return insert


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) ranges."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
