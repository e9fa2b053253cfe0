"""Every download parsed back and compared with the data it comes from."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import ROOT, TODAY, data_file, page_text
from icalendar import Calendar
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

TASKS = data_file("plans/2024/tasks.yml")["tasks"]
UNITS = {u["id"]: u for u in data_file("agency.yml")["units"]}


def status_on(task: dict, day: str = TODAY) -> str:
    """The status recorded by `day` (the built site's today): the last dated change up to then."""
    changes = [e for e in task.get("progress", []) if "status" in e and str(e["date"]) <= day]
    if "completed" in task and str(task["completed"]) <= day:
        changes.append({"date": task["completed"], "status": "hoan-thanh"})
    changes.sort(key=lambda e: str(e["date"]))
    return changes[-1]["status"] if changes else "chua-trien-khai"


def due_date(deadline: object) -> date | None:
    """The expected last day, computed here independently of the core."""
    text = str(deadline)
    if text == "Thường xuyên":
        return None
    if "/" in text and text.count("/") == 2:
        d, m, y = map(int, text.split("/"))
        return date(y, m, d)
    if text.startswith("Quý"):
        quarter = {"I": 1, "II": 2, "III": 3, "IV": 4}[text.split()[1].split("/")[0]]
        year = int(text.split("/")[1])
        return date(year + (quarter == 4), 1 if quarter == 4 else quarter * 3 + 1, 1) - timedelta(days=1)
    if text.startswith("Tháng"):
        month, year = map(int, text.split()[1].split("/"))
        return date(year + (month == 12), 1 if month == 12 else month + 1, 1) - timedelta(days=1)
    return date.fromisoformat(text)


def test_tasks_csv_opens_in_excel_and_holds_every_task(built_site: Path) -> None:
    raw = (built_site / "du-lieu" / "tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(TASKS)
    for row, task in zip(rows, TASKS, strict=True):
        assert row["Mã nhiệm vụ"] == task["id"]
        assert row["Nội dung nhiệm vụ"] == task["task"]
        assert row["Đơn vị chủ trì"] == UNITS[task["lead"]]["name"]
        assert row["Đơn vị phối hợp"] == "; ".join(UNITS[u]["name"] for u in task.get("support", []))
        assert row["Sản phẩm"] == task["output"]
        assert row["Tồn tại, hạn chế"] == task["problem"]
        due = due_date(task["deadline"])
        assert row["Hạn cuối (YYYY-MM-DD)"] == (due.isoformat() if due else "")


def test_tasks_xlsx_has_dates_numbers_filter_and_frozen_header(built_site: Path) -> None:
    book = load_workbook(built_site / "du-lieu" / "tasks.xlsx")
    assert book.sheetnames == ["Nhiệm vụ"]
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Mã nhiệm vụ", "Năm kế hoạch", "Lĩnh vực"]
    column = {title: index for index, title in enumerate(header)}
    assert sheet.freeze_panes == "B2"  # header row and task id stay in view
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{len(TASKS) + 1}"
    assert all(sheet.column_dimensions[get_column_letter(i + 1)].width >= 10 for i in range(len(header)))
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(TASKS)
    kinds = set()
    for row, task in zip(rows, TASKS, strict=True):
        deadline, due = row[column["Thời hạn hoàn thành"]], row[column["Hạn cuối"]]
        expected = due_date(task["deadline"])
        if str(task["deadline"]).count("/") == 2 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(task["deadline"])):
            kinds.add("date")
            assert deadline.is_date and deadline.value.date() == expected, task["id"]
            assert deadline.number_format == "DD/MM/YYYY"
        else:  # "Quý III/2024", "Tháng 9/2024", "Thường xuyên": text as the plan writes it
            kinds.add("text")
            assert deadline.data_type == "s" and deadline.value == str(task["deadline"]), task["id"]
        if expected is None:
            assert due.value is None
        else:  # every deadline that has a last day sorts by it
            assert due.is_date and due.value.date() == expected and due.number_format == "DD/MM/YYYY"
        assert row[column["Năm kế hoạch"]].value == 2024 and row[column["Năm kế hoạch"]].data_type == "n"
        assert row[column["Lĩnh vực"]].value == task["field"] and row[column["Lĩnh vực"]].data_type == "n"
        completed = row[column["Ngày hoàn thành"]]
        assert completed.value is None or completed.is_date
    assert kinds == {"date", "text"}  # the real data has both


def test_tasks_xlsx_text_matches_the_csv(built_site: Path) -> None:
    """Same rows and text as the CSV; only how dates and numbers are stored differs."""
    sheet = load_workbook(built_site / "du-lieu" / "tasks.xlsx").active
    raw = (built_site / "du-lieu" / "tasks.csv").read_text(encoding="utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(raw)))
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert len(xlsx_rows) == len(csv_rows)
    assert [h.replace(" (YYYY-MM-DD)", "") for h in csv_rows[0]] == list(xlsx_rows[0])
    for mine, theirs in zip(xlsx_rows[1:], csv_rows[1:], strict=True):
        as_text = [v.strftime("%d/%m/%Y") if isinstance(v, datetime) else ("" if v is None else str(v)) for v in mine]
        for index, (value, expected) in enumerate(zip(as_text, theirs, strict=True)):
            if index in (10, 13):  # Hạn cuối, Ngày hoàn thành: date cells here, YYYY-MM-DD in the CSV
                assert value == (date.fromisoformat(expected).strftime("%d/%m/%Y") if expected else "")
            else:
                assert value == expected


def test_scores_xlsx_holds_numbers(built_site: Path) -> None:
    book = load_workbook(built_site / "du-lieu" / "scores.xlsx")
    assert book.sheetnames == ["Điểm theo lĩnh vực", "Tổng điểm"]
    fields, totals = book["Điểm theo lĩnh vực"], book["Tổng điểm"]
    for sheet in (fields, totals):
        assert sheet.freeze_panes == "B2"
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    rows = list(fields.iter_rows(values_only=True))
    csv_rows = list(csv.reader(io.StringIO((built_site / "du-lieu" / "scores.csv").read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == csv_rows[0] and len(rows) == len(csv_rows)
    six = next(r for r in rows[1:] if r[0] == 2023 and r[2] == 6)
    assert six[4:7] == (11, 7.58, 3.42)  # numbers, not text: Excel shows 7,58 in a Vietnamese locale
    assert all(r[5] is None for r in rows[1:] if r[0] == 2022)  # unknown, not zero
    seed = data_file("results/2023.yml")
    by_year = {r[0]: r for r in totals.iter_rows(min_row=2, values_only=True)}
    assert by_year[2023][2:6] == (seed["total"], 100, seed["rank"], seed["ranked_count"])
    assert by_year[2022][2] is None and by_year[2022][4] == 9 and by_year[2022][6] == "có"


def test_open_data_page_documents_every_column_and_sends_spreadsheet_users_to_the_workbook(
    built_site: Path,
) -> None:
    from parsite.outputs.columns import SCORE_COLUMNS, TOTAL_COLUMNS, task_columns

    text = page_text(built_site, "du-lieu")
    for column in (*task_columns(), *SCORE_COLUMNS, *TOTAL_COLUMNS):
        assert column.title is None or column.title in text, column.title
        assert column.meaning.replace("`", "").split(" ngày cập nhật")[0][:30] in text, column.key
    assert "Tệp CSV dành cho máy đọc" in text and "dấu chấm" in text
    assert "người dùng bảng tính hãy tải tệp .xlsx" in text
    html = (built_site / "du-lieu" / "index.html").read_text(encoding="utf-8")
    assert 'href="scores.xlsx"' in html


def test_tasks_json_has_stable_keys(built_site: Path) -> None:
    exported = json.loads((built_site / "du-lieu" / "tasks.json").read_text(encoding="utf-8"))
    assert exported["agency"] == data_file("agency.yml")["agency"]["name"]
    assert [t["id"] for t in exported["tasks"]] == [t["id"] for t in TASKS]
    keys = {
        "id", "plan_year", "field", "field_name", "criterion", "problem", "task", "lead", "lead_name", "support",
        "support_names", "deadline", "deadline_kind", "due", "output", "status", "status_label", "state",
        "state_label", "completed", "sample", "anchor",
    }  # fmt: skip
    for record, task in zip(exported["tasks"], TASKS, strict=True):
        assert set(record) == keys
        assert (record["field"], record["lead"], record["support"]) == (
            task["field"], task["lead"], task.get("support", [])
        )  # fmt: skip
        assert record["status"] == status_on(task)
        assert record["sample"] is True
        changes = [e for e in task.get("progress", []) if "status" in e and str(e["date"]) <= TODAY]
        done = [str(e["date"]) for e in changes if e["status"] == "hoan-thanh"]
        assert record["completed"] == (done[-1] if record["status"] == "hoan-thanh" else None)


def test_scores_json_and_csv(built_site: Path) -> None:
    scores = json.loads((built_site / "du-lieu" / "scores.json").read_text(encoding="utf-8"))
    years = {y["year"]: y for y in scores["years"]}
    seed = data_file("results/2023.yml")
    assert years[2023]["total"] == seed["total"] and years[2023]["rank"] == seed["rank"]
    assert {f["field"]: f["points"] for f in years[2023]["fields"]} == {int(k): v for k, v in seed["fields"].items()}
    assert years[2022]["total"] is None and years[2022]["rank"] == 9 and years[2022]["rank_derived"] is True
    rows = list(csv.DictReader(io.StringIO((built_site / "du-lieu" / "scores.csv").read_text(encoding="utf-8-sig"))))
    # One row per year × field of that year's methodology; 2022 predates the methodology in
    # data/ (from 2023): one row with no field rather than another year's field names.
    assert len(rows) == 7 + 1
    assert [(r["Lĩnh vực"], r["Tên lĩnh vực"], r["Điểm tối đa"]) for r in rows if r["Năm"] == "2022"] == [("", "", "")]
    assert all(r["Bộ chỉ số áp dụng từ năm"] == "2023" for r in rows if r["Năm"] == "2023")
    six = next(r for r in rows if r["Năm"] == "2023" and r["Lĩnh vực"] == "6")
    assert (six["Điểm tối đa"], six["Điểm đạt"], six["Điểm bị trừ"]) == ("11", "7.58", "3.42")
    assert all(r["Điểm đạt"] == "" for r in rows if r["Năm"] == "2022")  # unknown, not zero


def test_schemas_are_published(built_site: Path) -> None:
    for name in ("agency", "methodology", "documents", "result", "province", "plan", "tasks"):
        schema = json.loads((built_site / "du-lieu" / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert schema["$schema"].startswith("https://json-schema.org/")


def events(path: Path) -> list:
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


@pytest.mark.parametrize("unit", sorted(UNITS))
def test_unit_calendar_has_one_event_per_dated_task(built_site: Path, unit: str) -> None:
    mine = [t for t in TASKS if t["lead"] == unit or unit in t.get("support", [])]
    expected = {t["id"]: due_date(t["deadline"]) for t in mine if due_date(t["deadline"])}
    found = {str(e["summary"]).split(" · ")[0]: e for e in events(built_site / "lich" / f"{unit}.ics")}
    assert set(found) == set(expected)  # ongoing tasks are left out
    for task_id, event in found.items():
        assert event["dtstart"].dt == expected[task_id]  # all-day, on the last day
        assert event["dtend"].dt == expected[task_id] + timedelta(days=1)
        assert "Đơn vị chủ trì: " in str(event["description"])


def test_calendar_uids_are_stable_and_unique(built_site: Path, tmp_path: Path) -> None:
    everything = events(built_site / "lich" / "tat-ca.ics")
    uids = [str(e["uid"]) for e in everything]
    assert len(uids) == len(set(uids)) == sum(1 for t in TASKS if due_date(t["deadline"]))
    from helpers import mkdocs_build

    again = tmp_path / "again"
    assert mkdocs_build(ROOT, again).returncode == 0
    assert [str(e["uid"]) for e in events(again / "lich" / "tat-ca.ics")] == uids
    by_uid = {str(e["uid"]): e for e in everything}
    assert str(by_uid["nv-2024-nv03@so-ld-tbxh.chi-so-cchc"]["summary"]).startswith("NV03 · ")


def test_unit_page_links_its_calendar(built_site: Path) -> None:
    html = (built_site / "don-vi" / "thanh-tra" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../lich/thanh-tra.ics">Đăng ký lịch hạn hoàn thành</a>' in html


def test_every_property_of_the_task_schema_reaches_the_downloads_or_is_listed_as_internal() -> None:
    from parsite.outputs.columns import INTERNAL, task_columns, task_property_names

    shown = {c.source for c in task_columns() if c.source}
    assert task_property_names() - shown == set(INTERNAL), "a task property is neither a column nor INTERNAL"
    assert not set(INTERNAL) & shown


def test_column_titles_are_the_schemas_titles(built_site: Path) -> None:
    from parsite.outputs.columns import task_columns

    schema = json.loads((built_site / "du-lieu" / "schemas" / "tasks.schema.json").read_text(encoding="utf-8"))
    titles = {**schema["properties"], **schema["properties"]["tasks"]["items"]["properties"]}
    header = next(csv.reader(io.StringIO((built_site / "du-lieu" / "tasks.csv").read_text(encoding="utf-8-sig"))))
    for column in task_columns():
        if column.source and column.title:
            assert column.title == titles[column.source]["title"]
            assert column.title in header
