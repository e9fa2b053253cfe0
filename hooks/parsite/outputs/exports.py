"""The open-data tables, made from the same model as the pages: tasks and scores as CSV, Excel
and JSON, and the quarterly reports as Word files. Each is declared, with its path and what it
reads, in outputs/registry.py; the columns are described once in outputs/columns.py."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .. import fmt
from ..data_in import progress
from ..data_in.model import Site, Task
from . import xlsx
from .columns import DATE, DEADLINE, NUMBER, SCORE_COLUMNS, TOTAL_COLUMNS, Column, csv_title, shown, task_columns
from .reports import QuarterReport
from .xlsx import DATE_FORMAT, row_height

FOLDER = "du-lieu"


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
        "lead_name": task.lead.name_at(today),
        "support": [u.id for u in task.support],
        "support_names": [u.name_at(today) for u in task.support],
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


def _csv(columns: tuple[Column, ...], records: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    shown_columns = shown(columns)
    writer.writerow([csv_title(c) for c in shown_columns])
    for record in records:
        writer.writerow([_cell(record[c.key]) for c in shown_columns])
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


# Unlike the CSV (for machines), the workbook is for people: dates are date cells (sortable,
# shown as 25/12/2024 whatever the computer's locale), numbers are numbers, and a deadline that
# is not a day ("Quý III/2024", "Thường xuyên") stays text, with its last day in the sortable
# date column beside it (columns.DEADLINE).
WRAP_WIDTH = 40  # characters: wider text wraps, so a row stays readable on screen and on A4


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


Sheet = tuple[str, tuple[Column, ...], list[dict[str, Any]]]


def _xlsx(sheets: list[Sheet], built: datetime) -> bytes:
    """A workbook of one sheet per (title, columns, records): bold header row frozen with the
    first column, a filter on every column, widths that fit the content (long text wrapped),
    printed on A4 landscape one page wide with the header on every page."""
    out = io.BytesIO()
    book = xlsx.new_workbook(out, creator="parsite", created=built)
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    # (wrapped, a date) → the data cells' style: wrapped text at the top, dates as 25/12/2024
    wrap_top = {"text_wrap": True, "valign": "top"}
    styles = {
        (False, False): None,
        (False, True): book.add_format({"num_format": DATE_FORMAT}),
        (True, False): book.add_format(wrap_top),
        (True, True): book.add_format({**wrap_top, "num_format": DATE_FORMAT}),
    }
    for title, all_columns, records in sheets:
        columns = shown(all_columns)
        rows = [[_sheet_value(record, c.key, c.kind) for c in columns] for record in records]
        widths, wrapped = [], []  # columns of long text: at most WRAP_WIDTH wide, their text wrapped
        for index, heading in enumerate(c.title or c.key for c in columns):
            width = max([len(heading), *(_display_width(row[index]) for row in rows)]) + 2
            wrapped.append(width > WRAP_WIDTH)
            widths.append(min(WRAP_WIDTH, max(10, width)))
        long = [i for i, w in enumerate(wrapped) if w]
        one_line = row_height([])
        sheet = book.add_worksheet(title)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        for index, column in enumerate(columns):
            xlsx.write(sheet, 0, index, column.title, header)
        for number, row in enumerate(rows, start=1):
            height = row_height([(str(row[i]), WRAP_WIDTH) for i in long if row[i] is not None])
            if height > one_line:
                sheet.set_row(number, height)
            for index, (value, wrap) in enumerate(zip(row, wrapped, strict=True)):
                xlsx.write(sheet, number, index, value, styles[wrap, type(value) is date])
        sheet.freeze_panes(1, 1)
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)
        xlsx.print_on_a4(sheet, title_rows=(0, 0))
    book.close()
    return out.getvalue()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def tasks_csv(records: list[dict[str, Any]]) -> bytes:
    return _csv(task_columns(), records)


def tasks_xlsx(site: Site, records: list[dict[str, Any]]) -> bytes:
    return _xlsx([("Nhiệm vụ", task_columns(), records)], site.built)


def tasks_json(site: Site, records: list[dict[str, Any]]) -> bytes:
    return _json({"agency": site.agency.name, "tasks": records})


def scores_json_bytes(site: Site) -> bytes:
    return _json(scores_json(site))


def scores_csv(records: list[dict[str, Any]]) -> bytes:
    return _csv(SCORE_COLUMNS, records)


def scores_xlsx(site: Site, records: list[dict[str, Any]]) -> bytes:
    sheets = [("Điểm theo lĩnh vực", SCORE_COLUMNS, records), ("Tổng điểm", TOTAL_COLUMNS, total_records(site))]
    return _xlsx(sheets, site.built)


def report_docx_bytes(site: Site, report: QuarterReport) -> bytes:
    from .report_docx import report_docx  # python-docx, imported only where downloads are made

    # The report's header names the agency as it was named at the end of the quarter reported.
    return report_docx(site.agency.at(report.end), report)
