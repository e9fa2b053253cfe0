"""Units' progress workbooks: what a unit opens (the download of its page), and the office's
import of the filled workbooks into tasks.yml (scripts/import-progress), through the built
site and through a round trip in LibreOffice."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, TODAY, copy_project, data_file, libreoffice_convert, mkdocs_build, page_text
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from parsite.outputs.progress_workbook import workbook_bytes
from parsite.problems import DataError
from parsite.site import load_site
from parsite.tools import progress_import
from parsite.tools.progress_import import import_progress

TASKS = data_file("plans/2024/tasks.yml")["tasks"]
UNITS = {u["id"]: u for u in data_file("agency.yml")["units"]}
WORKBOOKS = "bao-cao-tien-do"
STATES = ["Đang thực hiện", "Hoàn thành", "Tạm dừng", "Chưa triển khai"]


def env() -> dict[str, str]:
    return {**os.environ, "SITE_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}


def columns(sheet) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Column letter of each header title (row 2), as a unit reads them."""
    return {cell.value: cell.column_letter for cell in sheet[2] if cell.value}


def task_rows(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Row number of each task id on the progress sheet."""
    col = columns(sheet)["Mã nhiệm vụ"]
    found: dict[str, int] = {}
    for number in range(3, sheet.max_row + 1):
        found.setdefault(sheet[f"{col}{number}"].value, number)
    return found


def fill(source: Path, target: Path, rows: dict[object, dict[str, object]]) -> None:
    """Type values into the workbook as a unit would: keys are a task id (its row) or a row
    number, values map column titles to what is typed."""
    book = load_workbook(source)
    sheet = book["Tiến độ"]
    letters, where = columns(sheet), task_rows(sheet)
    for row, values in rows.items():
        number = row if isinstance(row, int) else where[row]
        for title, value in values.items():
            sheet[f"{letters[title]}{number}"] = value
    book.save(target)


# --- what a unit opens -----------------------------------------------------------------------


def test_unit_workbook_holds_the_units_tasks_and_guards_its_columns(built_site: Path) -> None:
    book = load_workbook(built_site / WORKBOOKS / "tien-do-van-phong.xlsx")
    assert book.sheetnames == ["Hướng dẫn", "Tiến độ", "Phối hợp", "Mã bảng tính"]
    # The binding: very hidden (Excel's Unhide does not list it), protected, its code over unit and plans.
    binding = book["Mã bảng tính"]
    assert [s.sheet_state for s in book.worksheets] == ["visible", "visible", "visible", "veryHidden"]
    assert binding.protection.sheet
    canonical = "parsite/tien-do/1\nunit=van-phong\nplans=2024"
    assert [row[:2] for row in binding.iter_rows(min_row=2, values_only=True)] == [
        ("Đơn vị", "van-phong"),
        ("Kế hoạch", "2024"),
        ("Mã kiểm tra", hashlib.sha256(canonical.encode()).hexdigest()[:16]),
    ]
    guide = {row[0]: row[1] for row in book["Hướng dẫn"].iter_rows(values_only=True) if row[0]}
    assert guide["Mã đơn vị"] == "van-phong" and guide["Đơn vị"] == UNITS["van-phong"]["name"]
    assert guide["Trạng thái tính đến ngày"] == "31/03/2025"
    assert any("Đang thực hiện, Hoàn thành, Tạm dừng, Chưa triển khai" in str(v) for v in guide.values())

    sheet = book["Tiến độ"]
    titles = list(columns(sheet))
    assert titles == [
        "Mã nhiệm vụ", "Năm kế hoạch", "Nội dung nhiệm vụ", "Thời hạn", "Trạng thái hiện tại",
        "Tiến độ ghi gần nhất", "Ngày", "Nội dung đã thực hiện", "Minh chứng",
        "Khó khăn, vướng mắc, lý do chậm", "Trạng thái mới", "Ngày hoàn thành",
    ]  # fmt: skip
    led = [t for t in TASKS if t["lead"] == "van-phong"]
    rows = list(sheet.iter_rows(min_row=3, max_row=2 + len(led), values_only=True))
    assert [(r[0], r[1], r[2]) for r in rows] == [(t["id"], 2024, t["task"]) for t in led]
    for row, task in zip(rows, led, strict=True):
        last = task["progress"][-1]
        assert row[5] == f"{last['date']:%d/%m/%Y}: {last['text']}"
        deadline = task["deadline"]
        assert row[3] == (f"{deadline:%d/%m/%Y}" if isinstance(deadline, date) else deadline)
    assert rows[0][4] == "Hoàn thành"  # NV01: finished on 20/12/2024
    # Blank rows under the tasks for a second entry on a task: id and year open, year filled in.
    extra = list(sheet.iter_rows(min_row=3 + len(led), max_row=sheet.max_row, values_only=True))
    assert len(extra) == 5 and all(r[0] is None and r[1] == 2024 for r in extra)

    # The office's columns are locked, the unit's are open; the sheet is protected.
    assert sheet.protection.sheet
    last_row = sheet.max_row
    for number in range(3, 3 + len(led)):
        locked = [sheet.cell(row=number, column=c).protection.locked for c in range(1, 13)]
        assert locked == [True] * 6 + [False] * 6
    assert not sheet[f"A{last_row}"].protection.locked
    # Drop-down of the four states on the new state, dates checked on the date columns.
    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert validations["list"].formula1 == '"' + ",".join(STATES) + '"'
    assert str(validations["list"].sqref) == f"K3:K{last_row}"
    assert validations["date"].formula1 == "DATE(2024,1,1)" and validations["date"].formula2 == "TODAY()"
    assert str(validations["date"].sqref) == f"G3:G{last_row} L3:L{last_row}"
    for dv in validations.values():  # Excel refuses longer titles and messages
        assert len(dv.errorTitle) <= 32 and len(dv.promptTitle) <= 32 and len(dv.prompt) <= 255
    assert sheet["G3"].number_format == "DD/MM/YYYY"
    # Header frozen with the ids, widths set, A4 landscape as wide as the page, headers on every page.
    assert sheet.freeze_panes == "C3"
    assert all(sheet.column_dimensions[chr(ord("A") + i)].width >= 8 for i in range(12))
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9  # A4
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0  # Excel omits a 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$2"


def test_every_leading_or_supporting_unit_page_links_to_its_workbook(built_site: Path) -> None:
    given = {t["lead"] for t in TASKS} | {u for t in TASKS for u in t["support"]}
    assert given - {t["lead"] for t in TASKS}  # units that only support tasks have one too
    for unit in UNITS:
        html = (built_site / "don-vi" / unit / "index.html").read_text(encoding="utf-8")
        link = f'href="../../{WORKBOOKS}/tien-do-{unit}.xlsx"'
        assert (link in html) == (unit in given), unit
        assert (built_site / WORKBOOKS / f"tien-do-{unit}.xlsx").is_file() == (unit in given)


def test_workbook_bytes_depend_on_the_data_and_day_not_the_build_time(
    built_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # another build time than the built site's
    site = load_site(ROOT / "data", ROOT, date.fromisoformat(TODAY))
    unit = site.agency.unit("phong-khtc")
    made = workbook_bytes(site, unit)
    assert made == (built_site / WORKBOOKS / "tien-do-phong-khtc.xlsx").read_bytes()
    later = load_site(ROOT / "data", ROOT, date(2025, 4, 1))
    assert workbook_bytes(later, later.agency.unit("phong-khtc")) != made  # states are as of the day


def test_hostile_text_stays_text_in_the_workbook(tmp_path: Path) -> None:
    data = shutil.copytree(ROOT / "data", tmp_path / "data")
    tasks = data / "plans" / "2024" / "tasks.yml"
    text = tasks.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("    task: Ban hành Kế hoạch CCHC năm 2025"))
    tasks.write_text(text.replace(line, '    task: "=HYPERLINK(1)&Ban hành"', 1), encoding="utf-8")
    site = load_site(data, tmp_path, date.fromisoformat(TODAY))
    (tmp_path / "w.xlsx").write_bytes(workbook_bytes(site, site.agency.unit("van-phong")))
    cell = load_workbook(tmp_path / "w.xlsx")["Tiến độ"]["C3"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK(1)&Ban hành")


# --- the import, as the test: good row in tasks.yml and on the page, bad row reported -----


def test_filled_workbook_imports_once_and_shows_on_the_unit_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    first = mkdocs_build(project, tmp_path / "site1")
    assert first.returncode == 0, first.stderr
    filled = tmp_path / "tien-do-van-phong.xlsx"
    fill(
        tmp_path / "site1" / WORKBOOKS / "tien-do-van-phong.xlsx",
        filled,
        {
            "NV05": {
                "Ngày": "06/02/2025",  # typed as text, Vietnamese order
                "Nội dung đã thực hiện": "Hội đồng sáng kiến công nhận 01 sáng kiến CCHC.",
                "Minh chứng": "Quyết định số 15/QĐ-HĐSK ngày 06/02/2025",
                "Trạng thái mới": "Hoàn thành",
            },
            "NV04": {
                "Ngày": datetime(2025, 3, 20),
                "Nội dung đã thực hiện": "Đăng 6 tin, bài.",
                "Trạng thái mới": "Xong",
            },
        },
    )
    tasks = project / "data" / "plans" / "2024" / "tasks.yml"
    before = tasks.read_text(encoding="utf-8")
    result = subprocess.run(
        ["./scripts/import-progress", str(filled)], cwd=project, capture_output=True, text=True, env=env()
    )
    assert result.returncode == 1, result.stderr  # a row was refused
    lines = result.stdout.splitlines()
    assert "Đã thêm 1 mục tiến độ:" in lines and "  VP (van-phong): 1 mục" in lines
    row = task_rows(load_workbook(filled)["Tiến độ"])["NV04"]
    assert (
        f"  tien-do-van-phong.xlsx, trang 'Tiến độ', dòng {row} (NV04): trạng thái 'Xong' không có trong danh sách "
        "(Đang thực hiện, Hoàn thành, Tạm dừng, Chưa triển khai)"
    ) in lines
    after = tasks.read_text(encoding="utf-8")
    nv05 = next(t for t in yaml.safe_load(after)["tasks"] if t["id"] == "NV05")
    digest = hashlib.sha256(filled.read_bytes()).hexdigest()
    assert nv05["progress"][-1] == {
        "date": date(2025, 2, 6),
        "text": "Hội đồng sáng kiến công nhận 01 sáng kiến CCHC.",
        "evidence": "Quyết định số 15/QĐ-HĐSK ngày 06/02/2025",
        "status": "hoan-thanh",
        "source": {"file": "tien-do-van-phong.xlsx", "sha256": digest, "imported": date(2025, 3, 31)},
    }
    nv04 = next(t for t in yaml.safe_load(after)["tasks"] if t["id"] == "NV04")
    assert nv04["progress"] == next(t for t in TASKS if t["id"] == "NV04")["progress"]
    # Comments and layout kept: the only change is the added lines.
    changes = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert changes == [
        "+       - date: 2025-02-06",
        '+         text: "Hội đồng sáng kiến công nhận 01 sáng kiến CCHC."',
        '+         evidence: "Quyết định số 15/QĐ-HĐSK ngày 06/02/2025"',
        "+         status: hoan-thanh",
        "+         source:",
        '+           file: "tien-do-van-phong.xlsx"',
        f'+           sha256: "{digest}"',
        "+           imported: 2025-03-31",
    ]

    second = mkdocs_build(project, tmp_path / "site2")
    assert second.returncode == 0, second.stderr
    page = page_text(tmp_path / "site2", "don-vi/van-phong")
    heading = page.index("NV05 ·")
    nv05_text = page[heading : page.index("NV06 ·")]
    assert "06/02/2025" in nv05_text and "Hội đồng sáng kiến công nhận 01 sáng kiến CCHC." in nv05_text
    assert "Hoàn thành ngày 06/02/2025, quá hạn 68 ngày" in nv05_text  # deadline 30/11/2024

    again = subprocess.run(
        ["./scripts/import-progress", str(filled)], cwd=project, capture_output=True, text=True, env=env()
    )
    assert tasks.read_text(encoding="utf-8") == after
    assert "Không có mục tiến độ mới nào được thêm." in again.stdout
    assert "Đã có từ trước, bỏ qua 1 dòng:" in again.stdout and f"dòng {row} (NV04)" in again.stdout


# --- LibreOffice round trip ----------------------------------------------------------------------


def messy_rows(first_blank: int) -> dict[object, dict[str, object]]:
    """What a unit types: real dates and dates as text, line breaks, blank rows left between,
    a row of its own under the tasks (`first_blank`: the first blank row there)."""
    return {
        "NV06": {"Ngày": datetime(2025, 1, 15), "Nội dung đã thực hiện": "Cập nhật danh mục nhiệm vụ.\nCảnh báo."},
        "NV21": {
            "Ngày": "ngày 3 tháng 3 năm 2025",
            "Nội dung đã thực hiện": "Rà soát xong quy trình nội bộ.",
            "Khó khăn, vướng mắc, lý do chậm": "Thiếu cán bộ chuyên trách.",
            "Trạng thái mới": "Tạm dừng",
        },
        "NV20": {
            "Ngày": "20.3.2025",
            "Nội dung đã thực hiện": "Giải ngân đủ kế hoạch vốn.",
            "Trạng thái mới": "Hoàn thành",
            "Ngày hoàn thành": "15/03/2025",
        },
        first_blank + 2: {"Mã nhiệm vụ": "NV06", "Ngày": "2025-03-28", "Nội dung đã thực hiện": "Báo cáo quý I."},
    }


def led_by(unit: str) -> list[str]:
    return [t["id"] for t in TASKS if t["lead"] == unit]


def without_sources(text: str) -> str:
    """A tasks file without the `source:` of imported entries."""
    return re.sub(r"\n +source:\n +file: .*\n +sha256: .*\n +imported: .*(?=\n)", "", text)


def test_libreoffice_round_trip_imports_the_same_entries(tmp_path: Path) -> None:
    site = load_site(ROOT / "data", ROOT, date.fromisoformat(TODAY))
    blank = tmp_path / "tien-do-van-phong.xlsx"
    blank.write_bytes(workbook_bytes(site, site.agency.unit("van-phong")))
    rows = messy_rows(3 + len(led_by("van-phong")))
    filled = tmp_path / "filled" / blank.name
    filled.parent.mkdir()
    fill(blank, filled, rows)
    profile = tmp_path / "lo-profile"
    ods = libreoffice_convert(filled, "ods", tmp_path / "ods", profile)
    back = libreoffice_convert(ods, "xlsx", tmp_path / "back", profile)
    with zipfile.ZipFile(back) as saved:  # written by LibreOffice, not a copy of the file sent
        assert "LibreOffice" in saved.read("docProps/app.xml").decode()

    def imported(workbook: Path, name: str) -> tuple[str, progress_import.Outcome]:
        data = shutil.copytree(ROOT / "data", tmp_path / name / "data")
        outcome = import_progress(data, [workbook], tmp_path / name, date.fromisoformat(TODAY))
        return (data / "plans" / "2024" / "tasks.yml").read_text(encoding="utf-8"), outcome

    direct, direct_outcome = imported(filled, "direct")
    round_trip, trip_outcome = imported(back, "round-trip")
    # The binding survives LibreOffice (its very hidden sheet comes back hidden).
    assert not direct_outcome.refused and not trip_outcome.refused, trip_outcome.refused
    assert not direct_outcome.notes and not trip_outcome.notes
    assert len(direct_outcome.added) == len(rows)
    # The same entries; each names the file it came from, which LibreOffice wrote anew.
    for text, path in ((direct, filled), (round_trip, back)):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        sources = re.findall(r'file: "(.*)"\n +sha256: "(.*)"\n +imported: (.*)\n', text)
        assert sources == [("tien-do-van-phong.xlsx", digest, "2025-03-31")] * len(rows)
    assert without_sources(round_trip) == without_sources(direct)
    tasks = {t["id"]: t for t in yaml.safe_load(without_sources(direct))["tasks"]}
    assert tasks["NV06"]["progress"][-2:] == [
        {"date": date(2025, 1, 15), "text": "Cập nhật danh mục nhiệm vụ.\nCảnh báo."},
        {"date": date(2025, 3, 28), "text": "Báo cáo quý I."},
    ]
    assert tasks["NV21"]["progress"][-1] == {
        "date": date(2025, 3, 3),
        "text": "Rà soát xong quy trình nội bộ.",
        "note": "Thiếu cán bộ chuyên trách.",
        "status": "tam-dung",
    }
    # Finished on 15/03, reported on 20/03: the task's completion date, the entry on its own day.
    assert tasks["NV20"]["completed"] == date(2025, 3, 15)
    assert tasks["NV20"]["progress"][-1] == {"date": date(2025, 3, 20), "text": "Giải ngân đủ kế hoạch vốn."}


# --- the import's rules, in-process ----------------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return shutil.copytree(ROOT / "data", tmp_path / "data")


def workbook(data: Path, unit: str, folder: Path, rows: dict[object, dict[str, object]]) -> Path:
    site = load_site(data, data.parent, date.fromisoformat(TODAY))
    blank = folder / f"blank-{unit}.xlsx"
    blank.write_bytes(workbook_bytes(site, site.agency.unit(unit)))
    filled = folder / f"tien-do-{unit}.xlsx"
    fill(blank, filled, rows)
    return filled


def run_import(data: Path, *files: Path) -> progress_import.Outcome:
    return import_progress(data, list(files), data.parent, date.fromisoformat(TODAY))


def test_every_refused_row_is_reported_with_its_row_and_reason(data: Path, tmp_path: Path) -> None:
    good = {"Nội dung đã thực hiện": "Việc đã làm."}
    rows = {
        "NV01": {"Ngày": "05/03/2025", **good, "Trạng thái mới": "Quá hạn"},
        "NV02": {"Ngày": "01/04/2025", **good},
        "NV04": {"Ngày": "31/12/2023", **good},
        "NV05": {"Ngày": "31/02/2025", **good},
        "NV06": {"Ngày": "5/3/25", **good},
        "NV10": {"Ngày": "05/03/2025"},
        "NV11": {**good, "Minh chứng": "Văn bản số 1"},
        "NV13": {"Ngày": "05/03/2025", **good, "Trạng thái mới": "Tạm dừng", "Ngày hoàn thành": "01/03/2025"},
        "NV20": {"Ngày": "05/03/2025", **good, "Trạng thái mới": "Hoàn thành", "Ngày hoàn thành": "06/03/2025"},
        "NV21": {"Ngày": "05/03/2025", "Nội dung đã thực hiện": "Đã \u202egửi", "Minh chứng": "x" * 5001},
        1: {"Mã nhiệm vụ": "NV99", "Ngày": "05/03/2025", **good},
        2: {"Mã nhiệm vụ": "NV12", "Ngày": "05/03/2025", **good},  # neither led nor supported by VP
        3: {"Mã nhiệm vụ": None, "Ngày": "05/03/2025", **good},
        4: {"Mã nhiệm vụ": "NV02", "Năm kế hoạch": 2023, "Ngày": "05/03/2025", **good},
    }
    led = led_by("van-phong")
    assert {"NV01", "NV02", "NV04", "NV05", "NV06", "NV10", "NV11", "NV13", "NV20", "NV21"} <= set(led)
    first_extra = 3 + len(led)
    extra = {first_extra + i: values for i, values in enumerate(v for k, v in rows.items() if isinstance(k, int))}
    path = workbook(data, "van-phong", tmp_path, {k: v for k, v in rows.items() if isinstance(k, str)} | extra)
    before = (data / "plans" / "2024" / "tasks.yml").read_bytes()
    outcome = run_import(data, path)
    assert outcome.added == [] and outcome.written == []
    assert (data / "plans" / "2024" / "tasks.yml").read_bytes() == before
    where = task_rows(load_workbook(path)["Tiến độ"])
    prefix = "tien-do-van-phong.xlsx, trang 'Tiến độ', dòng"
    assert outcome.refused == [
        f"{prefix} {where['NV01']} (NV01): trạng thái 'Quá hạn' được tính tự động từ thời hạn; chọn 'Đang thực hiện'",
        f"{prefix} {where['NV02']} (NV02): ngày 01/04/2025 sau hôm nay (31/03/2025)",
        f"{prefix} {where['NV04']} (NV04): ngày 31/12/2023 trước kế hoạch (tính từ 01/01/2024)",
        f"{prefix} {where['NV05']} (NV05): ngày '31/02/2025' không có thật",
        f"{prefix} {where['NV06']} (NV06): ngày '5/3/25': năm phải ghi đủ bốn chữ số, ví dụ 06/02/2024",
        f"{prefix} {where['NV10']} (NV10): thiếu nội dung đã thực hiện",
        f"{prefix} {where['NV11']} (NV11): thiếu ngày",
        f"{prefix} {where['NV13']} (NV13): có ngày hoàn thành nhưng trạng thái mới là 'Tạm dừng'; chọn 'Hoàn thành'",
        f"{prefix} {where['NV20']} (NV20): ngày hoàn thành 06/03/2025 sau ngày báo cáo 05/03/2025; "
        "ghi ngày hoàn thành vào cột Ngày",
        f"{prefix} {where['NV21']} (NV21): nội dung: có ký tự không in được U+202E; hãy gõ lại; "
        "minh chứng: dài 5001 ký tự, quá giới hạn 5000",
        f"{prefix} {first_extra} (NV99): không có nhiệm vụ mã 'NV99' trong kế hoạch năm 2024",
        f"{prefix} {first_extra + 1} (NV12): nhiệm vụ NV12 (kế hoạch năm 2024) do P. LĐ-VL-GDNN (phong-ldvl) chủ trì, "
        "không phải đơn vị của bảng tính, VP (van-phong); đơn vị cũng không phối hợp nhiệm vụ này",
        f"{prefix} {first_extra + 2}: thiếu mã nhiệm vụ",
        f"{prefix} {first_extra + 3} (NV02): không có kế hoạch năm 2023 (có: 2024)",
    ]


def test_dates_as_units_type_them_and_entries_in_date_order(data: Path, tmp_path: Path) -> None:
    typed = ["6/2/2025", "06-02-2025", " 06.02.2025 ", "2025-02-06", "Ngày 06 tháng 02 năm 2025", 45694]
    led = led_by("van-phong")
    rows = {
        3 + len(led) + i: {"Mã nhiệm vụ": "NV04", "Ngày": value, "Nội dung đã thực hiện": f"Bài số {i}."}
        for i, value in enumerate(typed[:5])
    }
    rows["NV04"] = {"Ngày": typed[5], "Nội dung đã thực hiện": "Bài số 5."}  # an Excel serial number
    rows["NV02"] = {"Ngày": "15/10/2024", "Nội dung đã thực hiện": "Gửi báo cáo quý III bổ sung."}
    outcome = run_import(data, workbook(data, "van-phong", tmp_path, rows))
    assert not outcome.refused and len(outcome.added) == 7
    site = load_site(data, data.parent, date.fromisoformat(TODAY))
    nv04 = next(t for t in site.tasks if t.id == "NV04")
    # Same day: in the order of the rows (the task's own row first).
    assert [(e.date, e.text) for e in nv04.progress[3:]] == [
        (date(2025, 2, 6), f"Bài số {i}.") for i in (5, 0, 1, 2, 3, 4)
    ]
    nv02 = next(t for t in site.tasks if t.id == "NV02")
    assert [e.date for e in nv02.progress] == sorted(e.date for e in nv02.progress)  # filed by date
    assert nv02.progress[3].text == "Gửi báo cáo quý III bổ sung."


def test_new_progress_lists_and_windows_line_ends(data: Path, tmp_path: Path) -> None:
    tasks = data / "plans" / "2024" / "tasks.yml"
    text = tasks.read_text(encoding="utf-8")
    nv10 = text.index("  - id: NV10")
    nv11 = text.index("  - id: NV11")
    nv12 = text.index("  - id: NV12")
    nv13 = text.index("  - id: NV13")
    # NV10 with no progress key (a task just added), NV13 with an empty flow list.
    text = (
        text[:nv10] + text[nv10:nv11].split("    progress:")[0] + text[nv11:nv12]
        + text[nv12:nv13] + text[nv13:].replace("    progress:\n", "    progress: []  # chưa có\n    old:\n", 1)
    )  # fmt: skip
    old = text[nv13:].split("    old:\n", 1)[1].split("  - id: NV14")[0]
    text = text.replace("    old:\n" + old, "")
    tasks.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    load_site(data, data.parent, date.fromisoformat(TODAY))  # the edited file is valid
    rows = {
        "NV10": {"Ngày": "10/01/2025", "Nội dung đã thực hiện": "Bắt đầu.", "Trạng thái mới": "Đang thực hiện"},
        "NV13": {"Ngày": "11/01/2025", "Nội dung đã thực hiện": "Tiếp tục.", "Trạng thái mới": "Đang thực hiện"},
    }
    outcome = run_import(data, workbook(data, "van-phong", tmp_path, rows))
    assert not outcome.refused and len(outcome.added) == 2
    raw = tasks.read_bytes()
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line still ends in CRLF
    assert b"    progress:  # ch\xc6\xb0a c\xc3\xb3\r\n      - date: 2025-01-11\r\n" in raw
    site = load_site(data, data.parent, date.fromisoformat(TODAY))
    by_id = {t.id: t for t in site.tasks}
    assert [(e.date, e.status) for e in by_id["NV10"].progress] == [(date(2025, 1, 10), "dang-thuc-hien")]
    assert [(e.date, e.text) for e in by_id["NV13"].progress] == [(date(2025, 1, 11), "Tiếp tục.")]


def test_files_that_are_not_workbooks_are_reported_and_the_others_imported(data: Path, tmp_path: Path) -> None:
    good = workbook(data, "thanh-tra", tmp_path, {"NV03": {"Ngày": "01/03/2025", "Nội dung đã thực hiện": "Rà soát."}})
    no_unit = tmp_path / "khong-ma.xlsx"
    book = load_workbook(good)
    del book["Hướng dẫn"], book["Mã bảng tính"]
    book.save(no_unit)
    text = tmp_path / "ghi-chu.xlsx"
    text.write_text("không phải bảng tính", encoding="utf-8")
    other = Workbook()
    other.active["A1"] = "Mã đơn vị"
    other.active["B1"] = "thanh-tra"
    no_table = tmp_path / "khong-bang.xlsx"
    other.save(no_table)
    outcome = run_import(data, text, no_unit, no_table, good, good)
    assert [e.task.id for e in outcome.added] == ["NV03"]
    assert outcome.refused == []
    assert outcome.refused_files[0] == (
        "ghi-chu.xlsx: không đọc được tệp Excel (.xlsx): tệp không có dạng .xlsx (có thể là tệp .xls cũ, "
        "tệp đặt mật khẩu, tệp .csv hoặc tệp hỏng); hãy mở bằng Excel và lưu lại dạng Sổ làm việc Excel (.xlsx)"
    )
    assert outcome.refused_files[2] == (  # judged after every file is read
        "khong-ma.xlsx: không có trang ẩn 'Mã bảng tính' cho biết bảng tính được lập cho đơn vị nào (không phải "
        "bảng tính tải từ trang của đơn vị, hoặc trang đó đã bị xóa); không nhập 1 dòng (nếu chắc chắn tệp là báo "
        "cáo của một đơn vị, nhập riêng tệp đó với --unit MÃ-ĐƠN-VỊ)"
    )
    assert outcome.refused_files[1] == (
        "khong-bang.xlsx: không có trang nào có các cột 'Mã nhiệm vụ', 'Ngày', 'Nội dung đã thực hiện'"
    )
    # The same file twice: its row is added once.
    assert outcome.duplicates == [
        "tien-do-thanh-tra.xlsx, trang 'Tiến độ', dòng 3 (NV03): đã có mục ngày 01/03/2025 cùng nội dung"
    ]


def test_nothing_is_written_unless_the_data_still_validates(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workbook(data, "van-phong", tmp_path, {"NV02": {"Ngày": "01/03/2025", "Nội dung đã thực hiện": "Gửi."}})
    before = (data / "plans" / "2024" / "tasks.yml").read_bytes()
    real = progress_import.add_entries
    # An entry that breaks the file (what a faulty edit would do): the import must notice.
    monkeypatch.setattr(progress_import, "add_entries", lambda text, entries: real(text, entries) + "status: x\n")
    outcome = run_import(data, path)
    assert outcome.added == [] and outcome.written == []
    assert any(re.match(r"data/plans/2024/tasks\.yml:\d+:\d+: status: ", p) for p in outcome.problems), outcome.problems
    assert (data / "plans" / "2024" / "tasks.yml").read_bytes() == before


def test_a_state_already_in_force_is_not_written_again(data: Path, tmp_path: Path) -> None:
    """NV01 was finished on 20/12/2024; a later report saying "Hoàn thành" changes no state."""
    tasks = data / "plans" / "2024" / "tasks.yml"
    text = tasks.read_text(encoding="utf-8")
    # The same finish written as the task's completion date instead of the entry's state.
    tasks.write_text(
        text.replace("        status: hoan-thanh\n  - id: NV02", "  - id: NV02", 1).replace(
            "    deadline: 2024-12-25\n", "    deadline: 2024-12-25\n    completed: 2024-12-20\n", 1
        ),
        encoding="utf-8",
    )
    rows = {"NV01": {"Ngày": "10/01/2025", "Nội dung đã thực hiện": "Gửi kế hoạch.", "Trạng thái mới": "Hoàn thành"}}
    outcome = run_import(data, workbook(data, "van-phong", tmp_path, rows))
    assert not outcome.refused and [e.status for e in outcome.added] == [None]
    nv01 = next(t for t in load_site(data, data.parent, date.fromisoformat(TODAY)).tasks if t.id == "NV01")
    assert nv01.completed == date(2024, 12, 20) and nv01.progress[-1].status is None


# --- a workbook speaks for the unit it was made for, and every entry says which file it came from ---


def set_cell(source: Path, target: Path, sheet: str, label: str, value: str) -> Path:
    """The workbook with the value right of `label` on `sheet` changed, as a clerk would (openpyxl
    ignores the sheet's protection, as unprotecting it without a password in Excel does)."""
    book = load_workbook(source)
    cell = next(row[1] for row in book[sheet].iter_rows(max_col=2) if row[0].value == label)
    cell.value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def spoofed(data: Path, folder: Path) -> Path:
    """Văn phòng's workbook claiming to be Thanh tra's: a row on Thanh tra's task NV03 ("Hoàn
    thành") and one on its own NV05, the "Mã đơn vị" cell changed and the file renamed."""
    first_extra = 3 + len(led_by("van-phong"))
    rows = {
        "NV05": {"Ngày": "05/03/2025", "Nội dung đã thực hiện": "Công nhận 01 sáng kiến."},
        first_extra: {
            "Mã nhiệm vụ": "NV03",
            "Ngày": "05/03/2025",
            "Nội dung đã thực hiện": "Xong.",
            "Trạng thái mới": "Hoàn thành",
        },
    }
    filled = workbook(data, "van-phong", folder, rows)
    return set_cell(filled, folder / "gui" / "tien-do-thanh-tra.xlsx", "Hướng dẫn", "Mã đơn vị", "thanh-tra")


def import_script(data: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "import_progress.py"), "--data", str(data), *map(str, args)],
        capture_output=True,
        text=True,
        env=env(),
        check=False,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_workbook_changed_to_speak_for_another_unit_is_refused_whole(data: Path, tmp_path: Path) -> None:
    path = spoofed(data, tmp_path)
    before = snapshot(data)
    result = import_script(data, path)
    assert result.returncode == 1 and snapshot(data) == before
    assert result.stdout.splitlines() == [
        "Không có mục tiến độ mới nào được thêm.",
        "Không nhập 1 tệp:",
        "  tien-do-thanh-tra.xlsx: ô 'Mã đơn vị' (trang 'Hướng dẫn') ghi 'thanh-tra' (TTr) nhưng bảng tính được "
        "lập cho VP (van-phong); tên tệp chỉ TTr (thanh-tra) nhưng bảng tính được lập cho VP (van-phong); không "
        "nhập 2 dòng (nếu chắc chắn tệp là báo cáo của một đơn vị, nhập riêng tệp đó với --unit MÃ-ĐƠN-VỊ)",
    ]
    # The cell alone, or the name alone, is enough to refuse it.
    outcome = run_import(data, path.rename(path.with_name("tien-do-van-phong.xlsx")))
    assert not outcome.added and outcome.refused_files == [
        "tien-do-van-phong.xlsx: ô 'Mã đơn vị' (trang 'Hướng dẫn') ghi 'thanh-tra' (TTr) nhưng bảng tính được lập "
        "cho VP (van-phong); không nhập 2 dòng (nếu chắc chắn tệp là báo cáo của một đơn vị, nhập riêng tệp đó với "
        "--unit MÃ-ĐƠN-VỊ)"
    ]
    (tmp_path / "named").mkdir()
    renamed = workbook(
        data, "van-phong", tmp_path / "named", {"NV05": {"Ngày": "05/03/2025", "Nội dung đã thực hiện": "X."}}
    )
    outcome = run_import(data, renamed.rename(renamed.with_name("tien-do-phong-khtc (1).xlsx")))
    assert outcome.refused_files == [
        "tien-do-phong-khtc (1).xlsx: tên tệp chỉ P. KHTC (phong-khtc) nhưng bảng tính được lập cho VP (van-phong); "
        "không nhập 1 dòng (nếu chắc chắn tệp là báo cáo của một đơn vị, nhập riêng tệp đó với --unit MÃ-ĐƠN-VỊ)"
    ]
    assert snapshot(data) == before
    # A copy's name around the unit's is no disagreement.
    copy = shutil.copy(
        renamed.with_name("tien-do-phong-khtc (1).xlsx"), tmp_path / "Bản sao tien-do-van-phong (2).xlsx"
    )
    outcome = run_import(data, Path(copy))
    assert not outcome.refused_files and [e.task.id for e in outcome.added] == ["NV05"]


def test_the_unit_named_by_the_editor_judges_every_row(data: Path, tmp_path: Path) -> None:
    path = spoofed(data, tmp_path)
    result = import_script(data, "--unit", "van-phong", path)
    assert result.returncode == 1, result.stderr  # NV03's row refused
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Lưu ý: tien-do-thanh-tra.xlsx: ô 'Mã đơn vị' (trang 'Hướng dẫn') ghi 'thanh-tra' (TTr); tên tệp chỉ TTr "
        "(thanh-tra); nhập như báo cáo của VP (van-phong) theo --unit"
    )
    assert lines[1:3] == ["Đã thêm 1 mục tiến độ:", "  VP (van-phong): 1 mục"]
    row = 3 + len(led_by("van-phong"))
    assert lines[-2:] == [
        "Không nhập 1 dòng:",
        # Văn phòng supports NV03: as Văn phòng's, the row may not finish Thanh tra's task.
        f"  tien-do-thanh-tra.xlsx, trang 'Tiến độ', dòng {row} (NV03): cột 'Trạng thái mới': VP (van-phong) phối "
        "hợp, không chủ trì nhiệm vụ NV03; trạng thái của nhiệm vụ do đơn vị chủ trì, TTr (thanh-tra), báo cáo; để "
        "trống cột này",
    ]
    tasks = {t["id"]: t for t in yaml.safe_load((data / "plans" / "2024" / "tasks.yml").read_text("utf-8"))["tasks"]}
    assert tasks["NV05"]["progress"][-1]["source"] == {
        "file": "tien-do-thanh-tra.xlsx",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "imported": date(2025, 3, 31),
    }
    assert tasks["NV03"]["progress"] == next(t for t in TASKS if t["id"] == "NV03")["progress"]

    # Named as Thanh tra's, the same file may speak for Thanh tra only: its row on Văn phòng's task is refused.
    again = shutil.copytree(ROOT / "data", tmp_path / "again" / "data")
    outcome = import_progress(again, [path], again.parent, date.fromisoformat(TODAY), unit="thanh-tra")
    assert outcome.notes == [
        "tien-do-thanh-tra.xlsx: bảng tính được lập cho VP (van-phong); nhập như báo cáo của TTr (thanh-tra) "
        "theo --unit"
    ]
    assert [e.task.id for e in outcome.added] == ["NV03"]
    assert len(outcome.refused) == 1 and "(NV05): nhiệm vụ NV05 (kế hoạch năm 2024) do VP" in outcome.refused[0]


def test_unit_must_be_known_and_name_one_file(data: Path, tmp_path: Path) -> None:
    path = spoofed(data, tmp_path)
    before = snapshot(data)
    two = import_script(data, "--unit", "van-phong", path, path)
    assert two.returncode == 2 and "--unit chỉ dùng với một tệp (đã cho 2 tệp)" in two.stderr
    unknown = import_script(data, "--unit", "phong-xyz", path)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith(
        "import-progress: --unit 'phong-xyz': không có đơn vị này trong data/agency.yml (có: van-phong, thanh-tra,"
    )
    assert snapshot(data) == before


def test_a_binding_altered_or_missing_refuses_the_workbook(data: Path, tmp_path: Path) -> None:
    rows = {"NV05": {"Ngày": "05/03/2025", "Nội dung đã thực hiện": "Công nhận 01 sáng kiến."}}
    filled = workbook(data, "van-phong", tmp_path, rows)
    altered = "trang ẩn 'Mã bảng tính' đã bị sửa (mã kiểm tra không khớp)"
    cases = {
        "code": (set_cell(filled, tmp_path / "code" / filled.name, "Mã bảng tính", "Mã kiểm tra", "0" * 16), altered),
        "unit": (set_cell(filled, tmp_path / "unit" / filled.name, "Mã bảng tính", "Đơn vị", "thanh-tra"), altered),
        "plans": (set_cell(filled, tmp_path / "plans" / filled.name, "Mã bảng tính", "Kế hoạch", "2025"), altered),
    }
    book = load_workbook(filled)
    del book["Mã bảng tính"]
    (tmp_path / "gone").mkdir()
    book.save(tmp_path / "gone" / filled.name)
    cases["gone"] = (tmp_path / "gone" / filled.name, "không có trang ẩn 'Mã bảng tính' cho biết bảng tính")
    before = snapshot(data)
    for name, (path, message) in cases.items():
        outcome = run_import(data, path)
        assert not outcome.added and len(outcome.refused_files) == 1, name
        assert outcome.refused_files[0].startswith(f"tien-do-van-phong.xlsx: {message}"), outcome.refused_files
    assert snapshot(data) == before
    assert [e.task.id for e in run_import(data, filled).added] == ["NV05"]  # the workbook as sent


def test_a_file_name_that_cannot_be_recorded_is_refused(data: Path, tmp_path: Path) -> None:
    filled = workbook(data, "van-phong", tmp_path, {"NV05": {"Ngày": "05/03/2025", "Nội dung đã thực hiện": "X."}})
    odd = filled.rename(filled.with_name("tien-do-van-phong\x1b[2J.xlsx"))
    outcome = run_import(data, odd)
    assert not outcome.added
    assert outcome.refused_files == [
        "tien-do-van-phong\\u001b[2J.xlsx: tên tệp có ký tự không in được U+001B; hãy đổi tên tệp rồi nhập lại"
    ]


def test_the_schema_checks_a_source_written_by_hand(data: Path) -> None:
    tasks = data / "plans" / "2024" / "tasks.yml"
    text = tasks.read_text(encoding="utf-8")
    entry = '        text: "Dự thảo Kế hoạch CCHC năm 2025, lấy ý kiến các phòng, đơn vị."\n'
    good = (
        '          file: "tien-do-van-phong.xlsx"\n          sha256: "'
        + "a" * 64
        + '"\n          imported: 2025-01-06\n'
    )
    tasks.write_text(text.replace(entry, entry + "        source:\n" + good, 1), encoding="utf-8")
    load_site(data, data.parent, date.fromisoformat(TODAY))  # valid
    tasks.write_text(text.replace(entry, entry + "        source:\n" + good.replace("a" * 64, "xyz"), 1), "utf-8")
    with pytest.raises(DataError) as error:
        load_site(data, data.parent, date.fromisoformat(TODAY))
    assert "progress[0].source.sha256" in str(error.value), str(error.value)
