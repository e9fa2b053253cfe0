"""Coordinating units (đơn vị phối hợp) in the quarterly round: their workbook lists the tasks they
support, the import keeps their entries as theirs (`unit:`) and leaves the task's state and
completion to the lead, and the lead's page says who reported what."""

from __future__ import annotations

import difflib
import hashlib
import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, TODAY, copy_project, data_file, libreoffice_convert, mkdocs_build, page_text
from openpyxl import load_workbook
from parsite.data_in.model import Site
from parsite.outputs import registry
from parsite.outputs.progress_workbook import workbook_bytes, workbook_tasks, workbook_units
from parsite.site import load_site
from parsite.tools.progress_import import import_progress

TASKS = data_file("plans/2024/tasks.yml")["tasks"]
UNIT = "tt-dvvl"  # Trung tâm Dịch vụ việc làm: leads no task, supports several
SUPPORTED = [t["id"] for t in TASKS if UNIT in t["support"]]
WORKBOOK = f"tien-do-{UNIT}.xlsx"


def site() -> Site:
    return load_site(ROOT / "data", ROOT, date.fromisoformat(TODAY))


def titles(sheet) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {cell.value: cell.column_letter for cell in sheet[2] if cell.value}


def fill(source: Path, target: Path, sheet_name: str, rows: dict[object, dict[str, object]]) -> None:
    """Type into a sheet as a unit would: keys are a task id (its row) or a row number; a title
    not on the sheet is typed as a new column's header after the last one (a unit adding a column)."""
    book = load_workbook(source)
    sheet = book[sheet_name]
    letters = titles(sheet)
    where = {sheet[f"A{n}"].value: n for n in range(sheet.max_row, 2, -1)}
    for row, values in rows.items():
        number = row if isinstance(row, int) else where[row]
        for title, value in values.items():
            if title not in letters:
                letters[title] = chr(ord("A") + sheet.max_column)
                sheet[f"{letters[title]}2"] = title
            sheet[f"{letters[title]}{number}"] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def blank_workbook(folder: Path, unit: str = UNIT) -> Path:
    s = site()
    path = folder / "sent" / f"tien-do-{unit}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(s, s.agency.unit(unit)))
    return path


def test_supporting_units_get_a_workbook_listing_the_tasks_they_support() -> None:
    s = site()
    unit = s.agency.unit(UNIT)
    assert not s.tasks_led_by(unit) and SUPPORTED
    assert unit in workbook_units(s)
    # The registry reads for the workbook what the maker lists: the same selection.
    reads = registry.catalog(s).reads()[f"bao-cao-tien-do/{WORKBOOK}"]
    assert [t.id for t in reads] == [t.id for t in workbook_tasks(s, unit)] == SUPPORTED

    book = load_workbook(io.BytesIO(workbook_bytes(s, unit)))
    assert book.sheetnames == ["Hướng dẫn", "Tiến độ", "Phối hợp", "Mã bảng tính"]
    guide = {row[0]: row[1] for row in book["Hướng dẫn"].iter_rows(values_only=True) if row[0]}
    assert guide["Số nhiệm vụ"] == f"0 chủ trì, {len(SUPPORTED)} phối hợp"
    assert any('Trang "Phối hợp": mỗi dòng là một nhiệm vụ đơn vị phối hợp' in str(v) for v in guide.values())
    assert any("trạng thái và ngày hoàn thành của nhiệm vụ do đơn vị chủ trì" in str(v) for v in guide.values())
    lead_sheet = book["Tiến độ"]
    assert [r[0] for r in lead_sheet.iter_rows(min_row=3, values_only=True) if r[0]] == []  # leads nothing

    sheet = book["Phối hợp"]
    assert sheet["A1"].value == "NHIỆM VỤ ĐƠN VỊ PHỐI HỢP THỰC HIỆN (không sửa)"
    assert list(titles(sheet)) == [
        "Mã nhiệm vụ",
        "Năm kế hoạch",
        "Nội dung nhiệm vụ",
        "Đơn vị chủ trì",
        "Thời hạn",
        "Trạng thái hiện tại",
        "Tiến độ ghi gần nhất",
        "Ngày",
        "Nội dung đã thực hiện",
        "Minh chứng",
        "Khó khăn, vướng mắc, lý do chậm",
    ]  # fmt: skip  (no new state, no completion date: the lead's to report)
    shorts = {u["id"]: u["short"] for u in data_file("agency.yml")["units"]}
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]
    by_id = {t["id"]: t for t in TASKS}
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (i, 2024, by_id[i]["task"], shorts[by_id[i]["lead"]]) for i in SUPPORTED
    ]
    for number in range(3, 3 + len(rows)):
        locked = [sheet.cell(row=number, column=c).protection.locked for c in range(1, 12)]
        assert locked == [True] * 7 + [False] * 4
    assert sheet.protection.sheet and sheet.print_title_rows == "$1:$2"
    assert [dv.type for dv in sheet.data_validations.dataValidation] == ["date"]

    # A unit that leads and supports: both sheets, each with its own tasks.
    vp = s.agency.unit("van-phong")
    book = load_workbook(io.BytesIO(workbook_bytes(s, vp)))
    led = [r[0] for r in book["Tiến độ"].iter_rows(min_row=3, values_only=True) if r[0]]
    supported = [r[0] for r in book["Phối hợp"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert led == [t.id for t in s.tasks_led_by(vp)] and supported == [t.id for t in s.tasks_supported_by(vp)]


def test_a_supporting_units_row_is_its_entry_on_the_leads_page(tmp_path: Path) -> None:
    """The issue's test: filled, imported with `unit:` and `source:`, shown with the unit's name."""
    project = copy_project(tmp_path / "project")
    first = mkdocs_build(project, tmp_path / "site1")
    assert first.returncode == 0, first.stderr
    html = (tmp_path / "site1" / "don-vi" / UNIT / "index.html").read_text(encoding="utf-8")
    assert f'href="../../bao-cao-tien-do/{WORKBOOK}"' in html  # the page links to its workbook
    filled = tmp_path / "gui" / WORKBOOK
    text = "Giới thiệu 02 sáng kiến về kết nối cung cầu lao động."
    fill(
        tmp_path / "site1" / "bao-cao-tien-do" / WORKBOOK,
        filled,
        "Phối hợp",
        {"NV05": {"Ngày": "10/02/2025", "Nội dung đã thực hiện": text, "Minh chứng": "Công văn số 12/TTDVVL"}},
    )
    tasks = project / "data" / "plans" / "2024" / "tasks.yml"
    before = tasks.read_text(encoding="utf-8")
    env = {**os.environ, "SITE_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        ["./scripts/import-progress", str(filled)], cwd=project, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Đã thêm 1 mục tiến độ:" in result.stdout
    after = tasks.read_text(encoding="utf-8")
    digest = hashlib.sha256(filled.read_bytes()).hexdigest()
    changes = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    assert changes == [
        "+       - date: 2025-02-10",
        f"+         unit: {UNIT}",
        f'+         text: "{text}"',
        '+         evidence: "Công văn số 12/TTDVVL"',
        "+         source:",
        f'+           file: "{WORKBOOK}"',
        f'+           sha256: "{digest}"',
        "+           imported: 2025-03-31",
    ]
    nv05 = next(t for t in yaml.safe_load(after)["tasks"] if t["id"] == "NV05")
    assert nv05["progress"][-1]["unit"] == UNIT and "status" not in nv05["progress"][-1]

    second = mkdocs_build(project, tmp_path / "site2")
    assert second.returncode == 0, second.stderr
    page = page_text(tmp_path / "site2", "don-vi/van-phong")
    nv05_text = page[page.index("NV05 ·") : page.index("NV06 ·")]
    assert f"10/02/2025 (TT DVVL): {text}" in nv05_text
    assert "28/11/2024 (VP): Nhận 02 đăng ký sáng kiến" in nv05_text  # the lead's own entry, its name too
    assert "Quá hạn" in nv05_text  # the state is still the lead's


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return shutil.copytree(ROOT / "data", tmp_path / "data")


def test_a_supporting_unit_may_not_set_the_state_or_completion(data: Path, tmp_path: Path) -> None:
    blank = blank_workbook(tmp_path)
    book = load_workbook(blank)
    extra = 3 + len([r for r in book["Tiến độ"].iter_rows(min_row=3, values_only=True) if r[0]])
    good = {"Nội dung đã thực hiện": "Việc đã làm."}
    # On "Tiến độ" (blank rows: a state column there), then on "Phối hợp" with a column added.
    fill(
        blank,
        tmp_path / "step" / WORKBOOK,
        "Tiến độ",
        {
            extra: {"Mã nhiệm vụ": "NV05", "Ngày": "05/03/2025", **good, "Trạng thái mới": "Hoàn thành"},
            extra + 1: {"Mã nhiệm vụ": "NV01", "Ngày": "05/03/2025", **good},
        },
    )
    filled = tmp_path / "gui" / WORKBOOK
    nv = next(i for i in SUPPORTED if i != "NV05")
    fill(
        tmp_path / "step" / WORKBOOK,
        filled,
        "Phối hợp",
        {
            nv: {"Ngày": "05/03/2025", **good, "Ngày hoàn thành": "01/03/2025"},
            SUPPORTED[-1]: {"Ngày": "06/03/2025", **good},
        },
    )
    tasks = data / "plans" / "2024" / "tasks.yml"
    outcome = import_progress(data, [filled], data.parent, date.fromisoformat(TODAY))
    prefix = f"{WORKBOOK}, trang"
    assert outcome.refused == [
        f"{prefix} 'Tiến độ', dòng {extra} (NV05): cột 'Trạng thái mới': TT DVVL (tt-dvvl) phối hợp, không chủ trì "
        "nhiệm vụ NV05; trạng thái của nhiệm vụ do đơn vị chủ trì, VP (van-phong), báo cáo; để trống cột này",
        f"{prefix} 'Tiến độ', dòng {extra + 1} (NV01): nhiệm vụ NV01 (kế hoạch năm 2024) do VP (van-phong) chủ trì, "
        "không phải đơn vị của bảng tính, TT DVVL (tt-dvvl); đơn vị cũng không phối hợp nhiệm vụ này",
        f"{prefix} 'Phối hợp', dòng {3 + SUPPORTED.index(nv)} ({nv}): cột 'Ngày hoàn thành': TT DVVL (tt-dvvl) "
        f"phối hợp, không chủ trì nhiệm vụ {nv}; ngày hoàn thành nhiệm vụ do đơn vị chủ trì, "
        f"{_short_lead(nv)}, báo cáo; để trống cột này",
    ]
    # The other row is imported, as the supporting unit's.
    assert [(e.task.id, e.unit.id if e.unit else None, e.status) for e in outcome.added] == [
        (SUPPORTED[-1], UNIT, None)
    ]
    entry = next(t for t in yaml.safe_load(tasks.read_text("utf-8"))["tasks"] if t["id"] == SUPPORTED[-1])
    assert entry["progress"][-1]["unit"] == UNIT and entry["progress"][-1]["source"]["file"] == WORKBOOK


def _short_lead(task_id: str) -> str:
    lead = next(t["lead"] for t in TASKS if t["id"] == task_id)
    short = next(u["short"] for u in data_file("agency.yml")["units"] if u["id"] == lead)
    return f"{short} ({lead})"


def test_libreoffice_round_trip_of_a_supporting_units_workbook(data: Path, tmp_path: Path) -> None:
    blank = blank_workbook(tmp_path)
    filled = tmp_path / "gui" / WORKBOOK
    fill(blank, filled, "Phối hợp", {"NV05": {"Ngày": "ngày 3 tháng 3 năm 2025", "Nội dung đã thực hiện": "Góp ý."}})
    profile = tmp_path / "lo-profile"
    ods = libreoffice_convert(filled, "ods", tmp_path / "ods", profile)
    back = libreoffice_convert(ods, "xlsx", tmp_path / "back", profile)
    outcome = import_progress(data, [back], data.parent, date.fromisoformat(TODAY))
    assert not outcome.refused and not outcome.refused_files and not outcome.notes
    assert [(e.task.id, e.date, e.unit.id if e.unit else None) for e in outcome.added] == [
        ("NV05", date(2025, 3, 3), UNIT)
    ]
