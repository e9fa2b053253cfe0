"""The site's workbooks, written with XlsxWriter (parsite.outputs.xlsx, exports, progress_workbook):
every kind of value reads back as it was written, every published workbook reads back with
openpyxl as the site means it (values, date cells, number formats, frozen panes, filter,
validation, protection, the binding sheet's state, merged cells, print titles), the same content
gives the same bytes, and LibreOffice Calc opens and saves each one and reads back the same."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from helpers import BUILD_EPOCH, ROOT, TODAY, generate_data, libreoffice_convert
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from parsite.data_in.model import Site
from parsite.outputs import exports, xlsx
from parsite.outputs.progress_workbook import (
    BINDING_SHEET,
    GUIDE_SHEET,
    SHEET,
    SUPPORT_SHEET,
    workbook_bytes,
    workbook_path,
    workbook_units,
)
from parsite.site import load_site

WHEN = datetime.fromisoformat("2025-06-30T08:00:00+07:00")

# What data may hold (its loader refuses control characters other than tab and line break).
AWKWARD = [
    " leading and trailing spaces ",
    "two\nlines",
    "ký tự <b>&amp;</b> > < & \" '",
    "😀 four bytes and ẩ three",
    "=1+1",
    '\'=HYPERLINK("x")',
    "#N/A",
    "tab\there",
    "_x0041_ is no escape",
    "Quý III/2024",
    date(2024, 12, 31),
    date(1900, 2, 1),
    date(1900, 3, 1),
    0,
    -3,
    89.42,
    1e-7,
    12345678901234,
]


def _one_cell(value: object) -> bytes:
    """`value` in B1, styled (wrapped, a date format for a day), and in A2, unstyled."""
    out = io.BytesIO()
    book = xlsx.new_workbook(out, creator="test", created=WHEN)
    style = book.add_format({"text_wrap": True} | ({"num_format": xlsx.DATE_FORMAT} if isinstance(value, date) else {}))
    sheet = book.add_worksheet("Trang")
    xlsx.write(sheet, 0, 0, "trước")
    xlsx.write(sheet, 0, 1, value, style)
    xlsx.write(sheet, 1, 0, value)
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_a_value_reads_back_as_it_was_written(value: object) -> None:
    """Styled and unstyled (a day is a day only in a date format); text stays text, whatever it
    looks like."""
    sheet = load_workbook(io.BytesIO(_one_cell(value)))["Trang"]
    for cell in (sheet["B1"],) if isinstance(value, date) else (sheet["B1"], sheet["A2"]):
        read = cell.value.date() if isinstance(cell.value, datetime) else cell.value
        assert read == value and type(read) is type(value)
        if isinstance(value, str):
            assert cell.data_type == "s"
    if isinstance(value, date):
        assert sheet["B1"].number_format == xlsx.DATE_FORMAT


@pytest.mark.parametrize("text", ["x" * 40_000, "😀" * 20_000], ids=["ascii", "astral"])
def test_text_longer_than_a_cell_holds_is_cut_visibly(text: str) -> None:
    """Excel counts UTF-16 code units: an emoji counts twice."""
    cell = load_workbook(io.BytesIO(_one_cell(text)))["Trang"]["A2"]
    assert cell.value.endswith(text[0] + "…") and text.startswith(cell.value[:-1])
    assert xlsx.MAX_TEXT - 1 <= len(cell.value.encode("utf-16-le")) // 2 <= xlsx.MAX_TEXT


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, object()], ids=repr)
def test_a_value_no_workbook_can_hold_is_refused(value: object) -> None:
    with pytest.raises(TypeError):
        _one_cell(value)


def test_the_same_content_gives_the_same_bytes_dated_as_asked() -> None:
    assert _one_cell("Nội dung") == _one_cell("Nội dung")
    assert _one_cell("Nội dung") != _one_cell("Nội dung khác")
    with zipfile.ZipFile(io.BytesIO(_one_cell("Nội dung"))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count(">2025-06-30T01:00:00Z<") == 2  # created and modified, in UTC


# --- every published workbook ---------------------------------------------------------------------


def published_workbooks(site: Site) -> dict[str, bytes]:
    """Every workbook the site publishes (outputs/registry.py declares them), made as it makes them."""
    records = [exports.task_record(t, site.today) for t in site.tasks]
    files = {
        f"{exports.FOLDER}/tasks.xlsx": exports.tasks_xlsx(site, records),
        f"{exports.FOLDER}/scores.xlsx": exports.scores_xlsx(site, exports.score_records(site)),
    }
    return files | {workbook_path(unit): workbook_bytes(site, unit) for unit in workbook_units(site)}


@pytest.fixture(scope="module")
def published() -> dict[str, bytes]:
    """The published workbooks of the real data, today and the build time pinned as in a test build."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_TODAY", TODAY)
        patch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
        files = published_workbooks(load_site(ROOT / "data", ROOT))
    assert len(files) >= 4  # the two tables and a workbook for each unit that leads a task
    return files


def _printed_on_a4(sheet, titles: str | None) -> None:  # type: ignore[no-untyped-def]
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9, sheet.title
    assert (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == titles, sheet.title


@pytest.mark.parametrize("name", ["tasks", "scores"])
def test_a_table_workbook_reads_back_with_its_layout(published: dict[str, bytes], name: str) -> None:
    """Bold wrapped header frozen with the first column, a filter on every column, dates as date
    cells shown 25/12/2024, numbers as numbers, long text wrapped in rows tall enough for it."""
    data = published[f"du-lieu/{name}.xlsx"]
    book = load_workbook(io.BytesIO(data))
    assert book.properties.created == datetime.fromtimestamp(int(BUILD_EPOCH), UTC).replace(tzinfo=None)
    kinds = set()
    for sheet in book.worksheets:
        last = get_column_letter(sheet.max_column)
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"
        _printed_on_a4(sheet, "$1:$1")
        assert all(c.font.b and c.alignment.wrap_text and c.data_type == "s" for c in sheet[1])
        widths = [sheet.column_dimensions[c.column_letter].width for c in sheet[1]]
        assert all(10 <= width <= exports.WRAP_WIDTH + 1 for width in widths)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.value is None:
                    continue
                kinds.add(cell.data_type)
                if cell.is_date:
                    assert cell.number_format == xlsx.DATE_FORMAT and isinstance(cell.value, datetime)
                elif cell.data_type == "s" and len(cell.value) > exports.WRAP_WIDTH:
                    assert cell.alignment.wrap_text and sheet.row_dimensions[cell.row].height > xlsx.LINE_HEIGHT + 3
    assert kinds == ({"s", "n", "d"} if name == "tasks" else {"s", "n"})


def test_a_unit_workbook_reads_back_with_its_guards(published: dict[str, bytes]) -> None:
    """The guide, the sheet to fill in and the very hidden binding sheet, each protected without a
    password; the unit's cells open, validated and dated as the import reads them."""
    for path, data in published.items():
        if not path.startswith("bao-cao-tien-do/"):
            continue
        book = load_workbook(io.BytesIO(data))
        assert [(s.title, s.sheet_state) for s in book.worksheets] == [
            (GUIDE_SHEET, "visible"),
            (SHEET, "visible"),
            (SUPPORT_SHEET, "visible"),
            (BINDING_SHEET, "veryHidden"),
        ]
        assert book.active.title == GUIDE_SHEET
        assert book.properties.created == datetime(2025, 3, 30, 17)  # today's first moment in Vietnam, in UTC
        for sheet in book.worksheets:
            protection = sheet.protection
            assert protection.sheet and not protection.password, path
            assert not (protection.formatCells or protection.sort or protection.autoFilter)  # allowed
            _printed_on_a4(sheet, "$1:$2" if sheet.title in (SHEET, SUPPORT_SHEET) else None)
        sheet = book[SHEET]
        last = sheet.max_row
        assert sheet.freeze_panes == "C3" and sheet.auto_filter.ref == f"A2:L{last}"
        assert sorted(str(m) for m in sheet.merged_cells.ranges) == ["A1:F1", "G1:L1"]
        rules = {v.type: v for v in sheet.data_validations.dataValidation}
        assert str(rules["list"].sqref) == f"K3:K{last}" and rules["list"].showInputMessage and rules["list"].prompt
        assert rules["date"].formula1 == "DATE(2024,1,1)" and rules["date"].formula2 == "TODAY()"
        assert rules["date"].errorStyle == "warning" and str(rules["date"].sqref) == f"G3:G{last} L3:L{last}"
        for number in range(3, last + 1):
            locked = [sheet.cell(row=number, column=c).protection.locked for c in range(1, 13)]
            assert locked[6:] == [False] * 6 and sheet.cell(row=number, column=7).number_format == xlsx.DATE_FORMAT
            assert sheet.row_dimensions[number].height >= xlsx.LINE_HEIGHT
        # A task the unit leads is grey and locked; a unit that only supports tasks has only the
        # blank rows a unit types in.
        first = "FFF2F2F2" if sheet["A3"].protection.locked else "FFFFF8DC"
        assert sheet["A3"].fill.fgColor.rgb == first and sheet["G3"].fill.fgColor.rgb == "FFFFF8DC"
        assert sheet.oddHeader.center.text.startswith("Báo cáo tiến độ – ") and sheet.oddFooter.center.text


def test_the_workbooks_are_the_same_bytes_in_another_process(published: dict[str, bytes], tmp_path: Path) -> None:
    """No hash order or clock in the files: another interpreter, another hash seed, the same bytes."""
    import os
    import subprocess
    import sys

    script = (
        "import sys; sys.path[:0] = sys.argv[1:3]; from pathlib import Path\n"
        "from parsite.site import load_site; from test_xlsx import published_workbooks\n"
        "site = load_site(Path(sys.argv[3]), Path(sys.argv[3]).parent)\n"
        "for path, data in published_workbooks(site).items():\n"
        "    (Path(sys.argv[4]) / path.replace('/', '_')).write_bytes(data)\n"
    )
    env = {**os.environ, "SITE_TODAY": TODAY, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONHASHSEED": "12345"}
    args = [str(ROOT / "hooks"), str(ROOT / "tests"), str(ROOT / "data"), str(tmp_path)]
    subprocess.run([sys.executable, "-c", script, *args], env=env, check=True)
    assert {path: (tmp_path / path.replace("/", "_")).read_bytes() for path in published} == published


def _facts(data: bytes) -> dict[str, object]:
    """What a reader of the workbook sees, as openpyxl reads it. Not the frozen panes: they are
    view settings, which LibreOffice without a screen does not save."""
    book = load_workbook(io.BytesIO(data))
    facts: dict[str, object] = {"sheets": [(s.title, s.sheet_state != "visible") for s in book.worksheets]}
    for sheet in book.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value.date() if isinstance(cell.value, datetime) else cell.value
                if value is not None:
                    shown_as = cell.number_format.upper() if cell.is_date else None  # LibreOffice writes dd/mm/yyyy
                    cells[cell.coordinate] = [str(value), cell.data_type, shown_as, cell.font.b, cell.protection.locked]
        facts[sheet.title] = {
            "cells": cells,
            "merged": sorted(str(m) for m in sheet.merged_cells.ranges),
            "validations": sorted((v.type, str(v.sqref)) for v in sheet.data_validations.dataValidation),
            "protected": sheet.protection.sheet,
            "filter": sheet.auto_filter.ref,
            "print titles": sheet.print_title_rows,
            "landscape": sheet.page_setup.orientation,
        }
    return facts


def test_libreoffice_reads_every_published_workbook_as_openpyxl_does(
    published: dict[str, bytes], tmp_path: Path
) -> None:
    """Each workbook as the site publishes it, opened and saved again by LibreOffice Calc."""
    for name, data in published.items():
        source = tmp_path / "sent" / Path(name).name
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(data)
        back = libreoffice_convert(source, "xlsx", tmp_path / "back", tmp_path / "lo-profile")
        with zipfile.ZipFile(back) as saved:  # written by LibreOffice, not a copy of the file sent
            assert "LibreOffice" in saved.read("docProps/app.xml").decode()
        assert _facts(back.read_bytes()) == _facts(data), name


# --- the data's text and size -----------------------------------------------------------------------


@pytest.mark.parametrize("tasks", [0, 400])
def test_every_task_is_in_the_workbooks(tasks: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_TODAY", "2025-06-30")
    data = generate_data(tmp_path / "data", tasks=tasks) if tasks else ROOT / "data"
    site = load_site(data, data.parent)
    records = [exports.task_record(t, site.today) for t in site.tasks]
    sheet = load_workbook(io.BytesIO(exports.tasks_xlsx(site, records)))["Nhiệm vụ"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [t.id for t in site.tasks]
    for unit in workbook_units(site):
        progress = load_workbook(io.BytesIO(workbook_bytes(site, unit)))[SHEET]
        ids = [row[0] for row in progress.iter_rows(min_row=3, values_only=True) if row[0]]
        assert ids == [t.id for plan in reversed(site.plans) for t in plan.tasks if t.lead.id == unit.id]


@pytest.mark.parametrize("text", AWKWARD[:9], ids=lambda text: repr(text[:30]))
def test_awkward_task_text_stays_text_in_a_unit_workbook(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text of every task of a plan and of every progress entry (the last one is shown)."""
    monkeypatch.setenv("SITE_TODAY", "2025-06-30")
    data = generate_data(tmp_path / "data", tasks=60)
    for tasks in (data / "plans").glob("*/tasks.yml"):
        lines = tasks.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            for start in ("    task: ", "        text: "):
                if line.startswith(start):
                    lines[i] = start + json.dumps(text, ensure_ascii=False)
        tasks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    site = load_site(data, data.parent)
    sheet = load_workbook(io.BytesIO(workbook_bytes(site, workbook_units(site)[0])))[SHEET]
    assert sheet["C4"].value == text and sheet["C4"].data_type == "s"
    assert sheet["F4"].value.endswith(f": {text}")
