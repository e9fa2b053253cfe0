"""Open data downloads built from the same model as the pages: CSV, Excel, JSON, schemas.

`downloads(site)` gives each docs-relative path and how to make its bytes: the MkDocs hook
adds the paths as generated files at once (so links to them are validated) and writes the
bytes in a parallel process while MkDocs converts the pages; `scripts/generate.py` writes
them too.
Keys and columns are documented on the "Dữ liệu mở" page (templates/open-data.md.j2).
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import clock, fmt
from ..data_in import progress
from ..data_in.model import Site, Task
from ..data_in.schema import schema_files
from . import finder, share, xlsx
from .calendars import calendar_files, calendar_paths
from .changes import SNAPSHOT, snapshot_bytes
from .feeds import feed_files, feed_paths
from .paths import FINDER, field_path, html_link, report_path, unit_path
from .progress_workbook import workbook_bytes, workbook_path, workbook_units
from .reports import QuarterReport, quarter_reports
from .xlsx import DATE_FORMAT, row_height

FOLDER = "du-lieu"

# (column title, key in the task record): the CSV and Excel columns, in order.
TASK_COLUMNS = [
    ("Mã nhiệm vụ", "id"),
    ("Năm kế hoạch", "plan_year"),
    ("Lĩnh vực", "field"),
    ("Tên lĩnh vực", "field_name"),
    ("Tiêu chí", "criterion"),
    ("Tồn tại, hạn chế", "problem"),
    ("Nội dung nhiệm vụ", "task"),
    ("Đơn vị chủ trì", "lead_name"),
    ("Đơn vị phối hợp", "support_names"),
    ("Thời hạn hoàn thành", "deadline"),
    ("Hạn cuối (YYYY-MM-DD)", "due"),
    ("Sản phẩm", "output"),
    ("Trạng thái", "state_label"),
    ("Ngày hoàn thành", "completed"),
    ("Dữ liệu minh họa", "sample"),
]

SCORE_COLUMNS = [
    ("Năm", "year"),
    ("Bộ chỉ số áp dụng từ năm", "methodology"),
    ("Lĩnh vực", "field"),
    ("Tên lĩnh vực", "field_name"),
    ("Điểm tối đa", "max"),
    ("Điểm đạt", "points"),
    ("Điểm bị trừ", "lost"),
    ("Nguồn", "source"),
]


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def task_record(task: Task, today: date) -> dict[str, Any]:
    """One task as a flat record with stable keys (tasks.json, CSV, Excel), as it stands `today`."""
    due = task.deadline.due
    finished = progress.finished(task, today)
    status, state = progress.status(task, today), progress.state(task, today)
    return {
        "id": task.id,
        "plan_year": task.plan_year,
        "field": task.field.id,
        "field_name": task.field.name,
        "criterion": task.criterion,
        "problem": task.problem,
        "task": task.task,
        "lead": task.lead.id,
        "lead_name": task.lead.name,
        "support": [u.id for u in task.support],
        "support_names": [u.name for u in task.support],
        "deadline": fmt.deadline(task.deadline),
        "deadline_kind": task.deadline.kind,
        "due": due.isoformat() if due else None,
        "output": task.output,
        "status": status,
        "status_label": fmt.STATUS_LABELS[status],
        "state": state.key,
        "state_label": state.label,
        "completed": finished.isoformat() if finished else None,
        "sample": task.sample,
        "anchor": task.anchor,
    }


def score_records(site: Site) -> list[dict[str, Any]]:
    """One record per year × field of that year's own methodology (its field names and maxima);
    unknown points are null."""
    rows = []
    for result in site.results:
        source = result.source.number if result.source else f"suy ra từ Kế hoạch năm {result.derived_from_plan}"
        if not result.scores:  # no methodology for that year: the year is listed, with no field
            empty = dict.fromkeys(("methodology", "field", "field_name", "max", "points", "lost"))
            rows.append({"year": result.year, **empty, "source": source})
        for score in result.scores:
            rows.append(
                {
                    "year": result.year,
                    "methodology": result.methodology.from_year if result.methodology else None,
                    "field": score.field.id,
                    "field_name": score.field.name,
                    "max": _number(score.field.max),
                    "points": _number(score.points),
                    "lost": _number(score.lost),
                    "source": source,
                }
            )
    return rows


def scores_json(site: Site) -> dict[str, Any]:
    return {
        "agency": site.agency.name,
        "years": [
            {
                "year": r.year,
                "methodology": r.methodology.from_year if r.methodology else None,
                "max_total": _number(r.methodology.total) if r.methodology else None,
                "total": _number(r.total),
                "rank": r.rank,
                "ranked_count": r.ranked_count,
                "rank_derived": r.rank_derived,
                "source": r.source.number if r.source else None,
                "derived_from_plan": r.derived_from_plan,
                "note": r.note,
                "fields": [
                    {
                        "field": s.field.id,
                        "name": s.field.name,
                        "max": _number(s.field.max),
                        "points": _number(s.points),
                        "lost": _number(s.lost),
                    }
                    for s in r.scores
                ],
            }
            for r in site.results
        ],
    }


def _csv(columns: list[tuple[str, str]], records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for title, _ in columns])
    for record in records:
        writer.writerow([_cell(record[key]) for _, key in columns])
    # UTF-8 with BOM so that Excel opens Vietnamese text correctly.
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# A cell starting with one of these is a formula to Excel (and to openpyxl): "=HYPERLINK(...)"
# typed into a task would run when the download is opened. An apostrophe keeps it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        value = "; ".join(value)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


# Excel columns: (title, key in the record, kind). Unlike the CSV (for machines), the workbook
# is for people: dates are date cells (sortable, shown as 25/12/2024 whatever the computer's
# locale), numbers are numbers, and a deadline that is not a day ("Quý III/2024", "Thường
# xuyên") stays text, with its last day in the sortable date column beside it.
TEXT, NUMBER, DATE, DEADLINE = "text", "number", "date", "deadline"
WRAP_WIDTH = 40  # characters: wider text wraps, so a row stays readable on screen and on A4

TASK_SHEET_COLUMNS = [
    ("Mã nhiệm vụ", "id", TEXT),
    ("Năm kế hoạch", "plan_year", NUMBER),
    ("Lĩnh vực", "field", NUMBER),
    ("Tên lĩnh vực", "field_name", TEXT),
    ("Tiêu chí", "criterion", TEXT),
    ("Tồn tại, hạn chế", "problem", TEXT),
    ("Nội dung nhiệm vụ", "task", TEXT),
    ("Đơn vị chủ trì", "lead_name", TEXT),
    ("Đơn vị phối hợp", "support_names", TEXT),
    ("Thời hạn hoàn thành", "deadline", DEADLINE),
    ("Hạn cuối", "due", DATE),
    ("Sản phẩm", "output", TEXT),
    ("Trạng thái", "state_label", TEXT),
    ("Ngày hoàn thành", "completed", DATE),
    ("Dữ liệu minh họa", "sample", TEXT),
]

_SCORE_NUMBERS = ("year", "methodology", "field", "max", "points", "lost")
SCORE_SHEET_COLUMNS = [(title, key, NUMBER if key in _SCORE_NUMBERS else TEXT) for title, key in SCORE_COLUMNS]

TOTAL_SHEET_COLUMNS = [
    ("Năm", "year", NUMBER),
    ("Bộ chỉ số áp dụng từ năm", "methodology", NUMBER),
    ("Tổng điểm", "total", NUMBER),
    ("Điểm tối đa", "max_total", NUMBER),
    ("Xếp hạng", "rank", NUMBER),
    ("Số đơn vị được xếp hạng", "ranked_count", NUMBER),
    ("Thứ hạng suy ra", "rank_derived", TEXT),
    ("Nguồn", "source", TEXT),
    ("Ghi chú", "note", TEXT),
]


def total_records(site: Site) -> list[dict[str, Any]]:
    """One record per year: total, rank and where they come from (scores.xlsx, "Tổng điểm")."""
    return [{**year, "source": year["source"] or _derived(year)} for year in scores_json(site)["years"]]


def _derived(year: dict[str, Any]) -> str | None:
    plan = year["derived_from_plan"]
    return f"suy ra từ Kế hoạch năm {plan}" if plan is not None else None


def _sheet_value(record: dict[str, Any], key: str, kind: str) -> Any:
    """A record's value as an Excel cell holds it: a date, a number or text."""
    value = record[key]
    if value is None:
        return None
    if kind == DATE:
        return date.fromisoformat(value)
    if kind == DEADLINE and record.get("deadline_kind") == "date":
        return date.fromisoformat(record["due"])
    if kind == NUMBER and isinstance(value, int | float):
        return value
    return _cell(value)


def _display_width(value: Any) -> int:
    if isinstance(value, date):
        return len("25/12/2024")
    return len(str(value)) if value is not None else 0


Sheet = tuple[str, list[tuple[str, str, str]], list[dict[str, Any]]]


def _xlsx(sheets: list[Sheet]) -> bytes:
    """A workbook of one sheet per (title, columns, records): bold header row frozen with the
    first column, a filter on every column, widths that fit the content (long text wrapped),
    printed on A4 landscape one page wide with the header on every page."""
    book = xlsx.Book(creator="parsite")
    header = book.style(xlsx.Style(bold=True, wrap=True, vertical="top"))
    # (wrapped, a date) → the data cells' style: wrapped text at the top, dates as 25/12/2024
    styles = {
        (wrap, dated): book.style(
            xlsx.Style(wrap=wrap, vertical="top" if wrap else None, number_format=DATE_FORMAT if dated else None)
        )
        for wrap in (False, True)
        for dated in (False, True)
    }
    for title, columns, records in sheets:
        rows = [[_sheet_value(record, key, kind) for _, key, kind in columns] for record in records]
        widths, wrapped = [], []  # columns of long text: at most WRAP_WIDTH wide, their text wrapped
        for index, (heading, _, _) in enumerate(columns):
            width = max([len(heading), *(_display_width(row[index]) for row in rows)]) + 2
            wrapped.append(width > WRAP_WIDTH)
            widths.append(min(WRAP_WIDTH, max(10, width)))
        long = [i for i, w in enumerate(wrapped) if w]
        one_line = row_height([])
        sheet = xlsx.Sheet(
            title,
            widths,
            rows=[(1, [(heading, header) for heading, _, _ in columns], None)],
            freeze="B2",
            auto_filter=f"A1:{xlsx.column_letter(len(columns))}{len(rows) + 1}",
            print_title_rows=(1, 1),
        )
        for number, row in enumerate(rows, start=2):
            height = row_height([(str(row[i]), WRAP_WIDTH) for i in long if row[i] is not None])
            cells = [(value, styles[wrap, type(value) is date]) for value, wrap in zip(row, wrapped, strict=True)]
            sheet.rows.append((number, cells, height if height > one_line else None))
        book.sheets.append(sheet)
    return book.to_bytes(clock.build_time())


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _docx(site: Site, report: QuarterReport) -> bytes:
    from .report_docx import report_docx  # python-docx: see _xlsx

    # The report's header names the agency as it was named at the end of the quarter reported.
    return report_docx(site.agency.at(report.end), report)


def downloads(site: Site, site_url: str | None = None) -> dict[str, Callable[[], bytes]]:
    """Every download of the site: docs-relative path → the function that makes its bytes.

    The paths are known at once (pages link to them); the bytes are made when asked for,
    each shared computation once (the task records, the calendar events).
    """
    tasks = functools.cache(lambda: [task_record(t, site.today) for t in site.tasks])
    scores = functools.cache(lambda: score_records(site))
    calendars = functools.cache(lambda: calendar_files(site, site_url))
    files: dict[str, Callable[[], bytes]] = {
        f"{FOLDER}/tasks.csv": lambda: _csv(TASK_COLUMNS, tasks()),
        f"{FOLDER}/tasks.xlsx": lambda: _xlsx([("Nhiệm vụ", TASK_SHEET_COLUMNS, tasks())]),
        f"{FOLDER}/tasks.json": lambda: _json({"agency": site.agency.name, "tasks": tasks()}),
        f"{FOLDER}/scores.json": lambda: _json(scores_json(site)),
        f"{FOLDER}/scores.csv": lambda: _csv(SCORE_COLUMNS, scores()),
        f"{FOLDER}/scores.xlsx": lambda: _xlsx(
            [
                ("Điểm theo lĩnh vực", SCORE_SHEET_COLUMNS, scores()),
                ("Tổng điểm", TOTAL_SHEET_COLUMNS, total_records(site)),
            ]
        ),
    }
    for path in schema_files():
        files[f"{FOLDER}/schemas/{path.name}"] = path.read_bytes
    files[finder.DATA] = lambda: finder.finder_json(site, site.today, _finder_links(site))
    for path in calendar_paths(site):
        files[path] = lambda path=path: calendars()[path]
    feeds = functools.cache(lambda: feed_files(site, site_url))
    for path in feed_paths(site):
        files[path] = lambda path=path: feeds()[path]
    files[SNAPSHOT] = lambda: snapshot_bytes(site)
    for unit in workbook_units(site):
        files[workbook_path(unit)] = lambda unit=unit: workbook_bytes(site, unit)
    for report in quarter_reports(site):
        files[report_path(report, "docx")] = lambda report=report: _docx(site, report)
    files.update(share.image_files(site))
    return files


def _finder_links(site: Site) -> dict[str, str]:
    """Addresses of unit and field pages, relative to the finder page (for its data file)."""
    targets = [unit_path(u) for u in site.agency.units] + [field_path(f) for f in site.fields()]
    return {target: html_link(FINDER, target) for target in targets}


def export_files(site: Site, site_url: str | None = None) -> dict[str, bytes]:
    """Every download of the site, keyed by docs-relative path."""
    return {path: make() for path, make in downloads(site, site_url).items()}


def write_downloads(made: dict[str, Callable[[], bytes]], folder: Path) -> None:
    """Make every download of `downloads()` and write it under `folder`."""
    for path, make in made.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(make())
