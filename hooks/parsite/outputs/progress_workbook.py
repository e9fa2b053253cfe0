"""Bảng tính báo cáo tiến độ: one Excel workbook per unit for its quarterly progress report.

Units do not edit YAML: each quarter the monitoring office sends every unit its workbook,
the unit fills in what it did, and `scripts/import-progress` (parsite.tools.progress_import) reads
the answers back into tasks.yml. One row per task the unit leads, newest plan first: the
task's facts as they stand today (read-only, grey), then the columns of a new progress entry
(yellow, unlocked), with a drop-down list for the state and date validation. The tasks the unit
supports (đơn vị phối hợp) are on a sheet of their own, "Phối hợp", with the task's lead and
without the state and completion columns: only the lead reports those. A unit that only supports
tasks gets a workbook too. A first sheet explains it in Vietnamese and shows the unit's id.

A last sheet, very hidden (Excel's Unhide does not list it) and protected, binds the workbook to
its unit: the unit's id, the plans' years and a check code (`binding_code`: SHA-256 of a canonical
text of the two, cut to 16 hex digits). The import refuses a workbook whose binding is missing or
does not match its code, or disagrees with the visible "Mã đơn vị" cell or with the file name
(tien-do-UNIT.xlsx), unless the editor names the unit. It guards against a slip or a copied file,
not against a forger: the code has no secret, so whoever reads this module can compute it.
openpyxl and LibreOffice keep the sheet when they save (LibreOffice as hidden).

The column headers are the contract with the import: it finds columns by these titles
(with or without diacritics), wherever a spreadsheet program moved them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from .. import clock, fmt
from ..data_in import progress
from ..data_in.model import Plan, Site, Task, Unit
from . import xlsx
from .xlsx import DATE_FORMAT

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

FOLDER = "bao-cao-tien-do"
GUIDE_SHEET = "Hướng dẫn"
SHEET = "Tiến độ"  # the tasks the unit leads
SUPPORT_SHEET = "Phối hợp"  # the tasks it supports: a sheet of its own, only when there are some
UNIT_LABEL = "Mã đơn vị"  # the import finds the unit's id in the cell right of this label
EXTRA_ROWS = 5  # blank rows for a second entry on a task: id and year typed, not locked
BINDING_SHEET = "Mã bảng tính"  # very hidden: which unit and plans the workbook was made for
# The binding sheet's labels, each with its value in the cell to its right.
BINDING_UNIT, BINDING_PLANS, BINDING_CODE = "Đơn vị", "Kế hoạch", "Mã kiểm tra"


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
# The sheet of supported tasks: the lead's short name after the task; no state or completion date,
# which only the lead reports (the import refuses them from a supporting unit).
SUPPORT_COLUMNS = (
    *COLUMNS[:3],
    Column("lead", "Đơn vị chủ trì", 12, False, "đơn vị chủ trì nhiệm vụ, báo cáo trạng thái và ngày hoàn thành"),
    *(c for c in COLUMNS[3:] if c.key not in ("status", "completed")),
)
HEADER_ROW = 2  # row 1 groups the columns: what the office wrote, what the unit writes
FIRST_ROW = HEADER_ROW + 1
# The states a unit may choose, as labels; "quá hạn" is computed from the deadline, not chosen.
STATE_CHOICES = ("dang-thuc-hien", "hoan-thanh", "tam-dung", "chua-trien-khai")

GUIDE_WIDTHS = (30.0, 95.0)
GREY, YELLOW, BORDER = "#F2F2F2", "#FFF8DC", "#A6A6A6"
# Each sheet is protected without a password (it guards against slips, not against a forger):
# locked cells keep the office's text as sent; formatting, resizing, sorting and filtering stay allowed.
PROTECTION = {"format_cells": True, "format_columns": True, "format_rows": True, "sort": True, "autofilter": True}


def workbook_path(unit: Unit) -> str:
    """Docs-relative path of the unit's workbook (the file name says whose it is)."""
    return f"{FOLDER}/tien-do-{unit.id}.xlsx"


def workbook_units(site: Site) -> list[Unit]:
    """Units that exist today and lead or support at least one task: each gets a workbook (a unit
    merged or dissolved reports no more; its successor reports on the tasks it took over)."""
    return [u for u in site.agency.units if u.exists_on(site.today) and workbook_tasks(site, u)]


def leads(task: Task, unit: Unit, day: date) -> bool:
    """Đơn vị chủ trì: the unit leads the task on `day` (after a merger, the successor does)."""
    return task.lead_at(day).id == unit.id


def supports(task: Task, unit: Unit, day: date) -> bool:
    """Đơn vị phối hợp: the unit supports the task on `day` (and may report its own part of the work)."""
    return any(u.id == unit.id for u in task.support_at(day))


def workbook_tasks(site: Site, unit: Unit) -> list[Task]:
    """The tasks the unit leads or supports today, in the order of the workbook: newest plan
    first, then as in the plan (what the workbook reads; each sheet takes its part)."""
    today = site.today
    return [t for plan in reversed(site.plans) for t in plan.tasks if leads(t, unit, today) or supports(t, unit, today)]


def binding_code(unit_id: str, plan_years: Iterable[int]) -> str:
    """Mã kiểm tra: the check code of a workbook made for `unit_id` and the plans of `plan_years`
    (SHA-256 of a canonical text, its first 16 hex digits)."""
    canonical = f"parsite/tien-do/1\nunit={unit_id}\nplans={plan_text(plan_years)}"
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def plan_text(plan_years: Iterable[int]) -> str:
    """The plans' years as the binding sheet writes them: "2024,2025"."""
    return ",".join(str(year) for year in sorted(set(plan_years)))


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
    if "&G" in text or "&[Picture]" in text:  # XlsxWriter would look for a picture there
        text = text.replace("&&", "＆")
    return text if len(text) <= 200 else text[:200] + "…"


def workbook_bytes(site: Site, unit: Unit) -> bytes:
    """The unit's workbook, the same bytes for the same data and day."""
    out = io.BytesIO()
    # Dated today's first moment: the content depends on the day (the states shown), not on the
    # time of the build, so every build of the same data on a day gives the same file.
    book = xlsx.new_workbook(
        out,
        creator=site.agency.short,
        created=datetime.combine(site.today, time(), clock.VIETNAM),
        title=f"Báo cáo tiến độ – {unit.name}"[:250],
    )
    tasks = workbook_tasks(site, unit)
    _guide_sheet(book, site, unit, tasks)
    _progress_sheet(book, site, unit, [t for t in tasks if leads(t, unit, site.today)], SHEET, COLUMNS, LEAD_GROUPS)
    supported = [t for t in tasks if not leads(t, unit, site.today)]
    if supported:
        _progress_sheet(book, site, unit, supported, SUPPORT_SHEET, SUPPORT_COLUMNS, SUPPORT_GROUPS)
    _binding_sheet(book, unit, tasks)
    book.close()
    return out.getvalue()


def guide_lines(site: Site, unit: Unit, tasks: list[Task]) -> list[tuple[str, str, str | None]]:
    """The guide sheet, line by line: (kind, first column, second column); kind is one of
    title, fact, heading, step, detail."""
    labels = ", ".join(fmt.STATUS_LABELS[key] for key in STATE_CHOICES)
    years = {t.plan_year for t in tasks}
    plans = "; ".join(p.short_title for p in reversed(site.plans) if p.year in years)
    led = sum(leads(t, unit, site.today) for t in tasks)
    supported = len(tasks) - led
    editable = [c for c in COLUMNS if c.editable]
    fixed = [c for c in COLUMNS if not c.editable]
    letter = {c.key: xlsx.column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    sheet_text = (
        f'Mở trang "{SHEET}": mỗi dòng là một nhiệm vụ đơn vị chủ trì.'
        if led
        else f'Trang "{SHEET}" dành cho nhiệm vụ đơn vị chủ trì; đơn vị chưa chủ trì nhiệm vụ nào nên trang chỉ '
        "có các dòng trống."
    )
    # The supporting sheet's own letters: it has the lead's column, not the state's and completion's.
    other = {c.key: xlsx.column_letter(i) for i, c in enumerate(SUPPORT_COLUMNS, start=1)}
    other_fixed = [c for c in SUPPORT_COLUMNS if not c.editable]
    other_open = [c for c in SUPPORT_COLUMNS if c.editable]
    steps = [
        f"{sheet_text} Các cột {letter[fixed[0].key]}–{letter[fixed[-1].key]} (nền xám) là thông tin của nhiệm "
        "vụ, không sửa được."
        + (
            f' Trang "{SUPPORT_SHEET}": mỗi dòng là một nhiệm vụ đơn vị phối hợp thực hiện, có cột "Đơn vị chủ '
            f'trì" (nền xám: các cột {other[other_fixed[0].key]}–{other[other_fixed[-1].key]}).'
            if supported
            else ""
        ),
        f"Nhiệm vụ nào có việc mới trong kỳ báo cáo thì điền các cột {letter[editable[0].key]}–"
        f"{letter[editable[-1].key]} (nền vàng) trên dòng của nhiệm vụ đó. Nhiệm vụ không có gì mới thì để trống."
        + (
            f' Trên trang "{SUPPORT_SHEET}", điền phần việc đơn vị đã làm vào các cột '
            f"{other[other_open[0].key]}–{other[other_open[-1].key]}."
            if supported
            else ""
        ),
        f'Trạng thái mới chọn một trong: {labels}. "Quá hạn" được tính tự động từ thời hạn, không cần chọn.'
        + (
            f' Trang "{SUPPORT_SHEET}" không có cột trạng thái mới và ngày hoàn thành: trạng thái và ngày hoàn '
            "thành của nhiệm vụ do đơn vị chủ trì báo cáo; dòng ghi trạng thái hay ngày hoàn thành cho nhiệm vụ "
            "đơn vị phối hợp không được nhập."
            if supported
            else ""
        ),
        "Ngày ghi dạng ngày/tháng/năm, ví dụ 06/02/2024; không ghi ngày sau ngày gửi báo cáo.",
        "Một nhiệm vụ có hai việc cần báo cáo riêng: dùng các dòng trống cuối bảng, ghi mã nhiệm vụ và năm "
        f"kế hoạch (cột {letter['id']}, {letter['year']}) rồi điền như trên.",
        "Lưu tệp dạng Excel (.xlsx) và gửi lại cho bộ phận theo dõi kế hoạch. Không xóa trang "
        f'"{GUIDE_SHEET}": ô {UNIT_LABEL} cho biết báo cáo của đơn vị nào.',
    ]
    details = [("detail", f"{letter[c.key]}. {c.title}", c.help[0].upper() + c.help[1:] + ".") for c in editable]
    numbered = [("step", f"{n}.", text) for n, text in enumerate(steps, start=1)]
    return [
        ("title", "BẢNG BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ CẢI THIỆN CHỈ SỐ CẢI CÁCH HÀNH CHÍNH", None),
        ("fact", "Cơ quan", site.agency.name),
        ("fact", "Đơn vị", unit.name),
        ("fact", UNIT_LABEL, unit.id),
        ("fact", "Kế hoạch", plans),
        ("fact", "Số nhiệm vụ", f"{led} chủ trì" + (f", {supported} phối hợp" if supported else "")),
        ("fact", "Trạng thái tính đến ngày", fmt.day(site.today)),
        ("heading", "Cách điền", None),
        *numbered[:2],
        *details,
        *numbered[2:],
        (
            "step",
            "",
            "Các mục được nhập lên trang công khai đúng như đơn vị ghi; mục trùng với mục đã nhập trước đó được bỏ "
            "qua; dòng chưa đúng được báo lại kèm số dòng và lý do.",
        ),
    ]


def _guide_sheet(book: Workbook, site: Site, unit: Unit, tasks: list[Task]) -> None:
    top = {"valign": "top", "text_wrap": True}
    value_style = book.add_format(top)
    styles = {  # the title on one line; the other labels' and every value's text wrapped
        "title": book.add_format({"bold": True, "font_size": 13, "valign": "top"}),
        "fact": book.add_format({**top, "bold": True}),
        "heading": book.add_format({**top, "bold": True, "font_size": 12}),
    }
    sheet = book.add_worksheet(GUIDE_SHEET)
    for column, width in enumerate(GUIDE_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.protect(options=PROTECTION)  # no password: it guards against slips
    xlsx.print_on_a4(sheet)
    row = 0
    for kind, label, value in guide_lines(site, unit, tasks):
        row += 2 if kind == "heading" or (kind == "fact" and row == 1) else 1  # a blank line before groups
        xlsx.write(sheet, row - 1, 0, label, styles.get(kind, value_style))
        if value is not None:
            xlsx.write(sheet, row - 1, 1, value, value_style)
            sheet.set_row(row - 1, xlsx.row_height([(label, GUIDE_WIDTHS[0]), (value, GUIDE_WIDTHS[1])]))


def _binding_sheet(book: Workbook, unit: Unit, tasks: list[Task]) -> None:
    """Which unit and plans the workbook was made for, with their check code (very hidden)."""
    years = [t.plan_year for t in tasks]
    text = book.add_format({"valign": "top"})
    note = (
        "Trang này cho biết bảng tính được lập cho đơn vị nào; lệnh nhập báo cáo đọc trang này. Không sửa, không xóa."
    )
    lines = [
        (note, None),
        (BINDING_UNIT, unit.id),
        (BINDING_PLANS, plan_text(years)),
        (BINDING_CODE, binding_code(unit.id, years)),
    ]
    sheet = book.add_worksheet(BINDING_SHEET)
    sheet.very_hidden()
    sheet.protect(options=PROTECTION)
    xlsx.print_on_a4(sheet)
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 24)
    for row, (label, value) in enumerate(lines):
        xlsx.write(sheet, row, 0, label, text)
        xlsx.write(sheet, row, 1, value, text if value else None)


# Row 1 of a sheet to fill in: what the office wrote, what the unit writes.
LEAD_GROUPS = ("THÔNG TIN NHIỆM VỤ (không sửa)", "BÁO CÁO TIẾN ĐỘ MỚI (đơn vị điền)")
SUPPORT_GROUPS = ("NHIỆM VỤ ĐƠN VỊ PHỐI HỢP THỰC HIỆN (không sửa)", "PHẦN VIỆC PHỐI HỢP ĐÃ LÀM (đơn vị điền)")


def _progress_sheet(
    book: Workbook,
    site: Site,
    unit: Unit,
    tasks: list[Task],
    name: str,
    columns: tuple[Column, ...],
    groups: tuple[str, str],
) -> None:
    """A sheet the unit fills in: one row per task, then blank rows for second entries."""
    cell = {"valign": "top", "text_wrap": True, "border": 1, "border_color": BORDER}
    styles = {
        "fixed": book.add_format({**cell, "bg_color": GREY}),
        "open": book.add_format({**cell, "bg_color": YELLOW, "locked": False}),
        "date": book.add_format({**cell, "bg_color": YELLOW, "locked": False, "num_format": DATE_FORMAT}),
    }
    last_col = len(columns)
    first_edit = next(i for i, c in enumerate(columns, start=1) if c.editable)
    letters = {c.key: xlsx.column_letter(i) for i, c in enumerate(columns, start=1)}
    colour = {False: GREY, True: YELLOW}
    sheet = book.add_worksheet(name)
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)

    # Row 1: which columns are the plan's, which the unit's; row 2: the column titles.
    for editable, first, last, label in (
        (False, 1, first_edit - 1, groups[0]),
        (True, first_edit, last_col, groups[1]),
    ):
        group = book.add_format({"bold": True, "bg_color": colour[editable], "align": "center"})
        sheet.merge_range(0, first - 1, 0, last - 1, "", group)
        xlsx.write(sheet, 0, first - 1, label, group)
    head = {
        e: book.add_format(
            {"bold": True, "bg_color": colour[e], "border": 1, "border_color": BORDER}
            | {"align": "center", "valign": "vcenter", "text_wrap": True}
        )
        for e in (False, True)
    }
    sheet.set_row(HEADER_ROW - 1, 32)
    for index, column in enumerate(columns):
        xlsx.write(sheet, HEADER_ROW - 1, index, column.title, head[column.editable])

    rows: list[dict[str, str | int | None]] = [
        {
            "id": t.id,
            "year": t.plan_year,
            "task": t.task,
            "deadline": fmt.deadline(t.deadline),
            "state": progress.state(t, site.today).label,
            "last": last_entry(t, site.today),
            "lead": t.lead_at(site.today).short_at(site.today),
        }
        for t in tasks
    ]
    # The blank rows' year: the newest plan's (a unit that leads nothing yet may be given a task in it).
    newest = tasks[0].plan_year if tasks else max((p.year for p in site.plans), default=site.today.year)
    rows += [{"year": newest} for _ in range(EXTRA_ROWS)]
    last_row = FIRST_ROW + len(rows) - 1
    kinds = {extra: [styles[_style_kind(c, extra)] for c in columns] for extra in (False, True)}
    for offset, values in enumerate(rows):
        row = FIRST_ROW - 1 + offset
        texts = [(str(values[c.key]), c.width) for c in columns if values.get(c.key) is not None]
        sheet.set_row(row, xlsx.row_height(texts))
        for index, (column, style) in enumerate(zip(columns, kinds[offset >= len(tasks)], strict=True)):
            xlsx.write(sheet, row, index, values.get(column.key), style)

    # The state: a list of the labels (an inline list: short, no hidden sheet to lose).
    if "status" in letters:
        sheet.data_validation(
            f"{letters['status']}{FIRST_ROW}:{letters['status']}{last_row}",
            {
                "validate": "list",
                "source": [fmt.STATUS_LABELS[k] for k in STATE_CHOICES],
                "error_title": "Trạng thái không hợp lệ",
                "error_message": "Chọn trạng thái trong danh sách, hoặc để trống nếu trạng thái không đổi.",
                "input_title": "Trạng thái mới",
                "input_message": "Chọn trong danh sách; để trống nếu không đổi. Quá hạn được tính tự động.",
            },
        )
    # Dates: from the plan's first day to today. A warning, not a stop: a date typed as text in
    # Vietnamese form (06/02/2024) on a computer set to another language is still read by the import.
    by_year: dict[int, list[int]] = {}
    for offset, values in enumerate(rows):
        by_year.setdefault(int(values["year"] or newest), []).append(FIRST_ROW + offset)
    plans = {p.year: p for p in site.plans}
    for year, numbers in sorted(by_year.items()):
        start = earliest_day(plans[year]) if year in plans else date(year, 1, 1)
        dated = [letters[key] for key in ("date", "completed") if key in letters]
        ranges = [f"{column}{first}:{column}{last}" for first, last in _runs(numbers) for column in dated]
        sheet.data_validation(
            ranges[0],
            {
                "validate": "date",
                "criteria": "between",
                "minimum": f"=DATE({start.year},{start.month},{start.day})",
                "maximum": "=TODAY()",
                "multi_range": " ".join(ranges),
                "error_type": "warning",
                "error_title": "Ngày chưa đúng",
                "error_message": f"Ghi ngày dạng ngày/tháng/năm, từ {fmt.day(start)} đến hôm nay.",
                "input_title": "Ngày",
                "input_message": "Dạng ngày/tháng/năm, ví dụ 06/02/2024.",
            },
        )

    sheet.freeze_panes(f"{letters['task']}{FIRST_ROW}")  # header rows and the task's id stay in view
    sheet.autofilter(f"A{HEADER_ROW}:{xlsx.column_letter(last_col)}{last_row}")
    sheet.protect(options=PROTECTION)
    xlsx.print_on_a4(sheet, title_rows=(0, HEADER_ROW - 1))  # the header rows on every page
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_header("&C" + _header_text(f"Báo cáo tiến độ – {unit.name}"))
    sheet.set_footer("&CTrang &P/&N")


def _style_kind(column: Column, extra: bool) -> str:
    """The named style of a task row's cell: the unit's date, the unit's text, or the office's."""
    if column.key in ("date", "completed"):
        return "date"
    if column.editable or (extra and column.key in ("id", "year")):
        return "open"
    return "fixed"


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) ranges."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
