"""Workbooks written by the core (parsite.outputs.xlsx): every kind of value reads back as it was
written, what a workbook cannot hold is refused, and LibreOffice reads the site's workbooks as
openpyxl does (values, locked cells, validation, frozen panes, merged cells, print titles)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers import ROOT, TODAY, generate_data, libreoffice_convert
from openpyxl import load_workbook
from parsite.outputs import exports, xlsx
from parsite.outputs.progress_workbook import workbook_bytes, workbook_units
from parsite.site import load_site

WHEN = datetime.fromisoformat("2025-06-30T08:00:00+07:00")

AWKWARD = [
    " leading and trailing spaces ",
    "two\nlines",
    "ký tự <b>&amp;</b> > < & \" '",
    "😀 four bytes and ẩ three",
    "=1+1",
    '\'=HYPERLINK("x")',
    "#N/A",
    "tab\there",
    "carriage\rreturn",
    "Quý III/2024",
    date(2024, 12, 31),
    date(1900, 2, 1),
    date(1900, 3, 1),
    0,
    -3,
    89.42,
    1e-7,
    12345678901234,
    True,
    False,
]


def _one_cell(value: object) -> bytes:
    book = xlsx.Book(creator="test")
    style = book.style(xlsx.Style(wrap=True, number_format=xlsx.DATE_FORMAT if isinstance(value, date) else None))
    sheet = xlsx.Sheet("Trang", [20, 20], rows=[(1, [("trước", 0), (value, style)], None), (2, [(value, 0)], None)])
    book.sheets.append(sheet)
    return book.to_bytes(WHEN)


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


def test_text_longer_than_a_cell_holds_is_cut_visibly() -> None:
    cell = load_workbook(io.BytesIO(_one_cell("x" * 40_000)))["Trang"]["A2"]
    assert len(cell.value) == xlsx.MAX_TEXT and cell.value.endswith("x…")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "control\x01character", "\ufffe", object()], ids=repr)
def test_a_value_no_workbook_can_hold_is_refused(value: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        _one_cell(value)


def test_the_same_content_gives_the_same_bytes() -> None:
    assert _one_cell("Nội dung") == _one_cell("Nội dung")
    assert _one_cell("Nội dung") != _one_cell("Nội dung khác")


def _facts(data: bytes) -> dict[str, object]:
    """What a reader of the workbook sees, as openpyxl reads it. Not the frozen panes: they are
    view settings, which LibreOffice without a screen does not save (nor did it for openpyxl's)."""
    book = load_workbook(io.BytesIO(data))
    facts: dict[str, object] = {"sheets": book.sheetnames}
    for sheet in book.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value.date() if isinstance(cell.value, datetime) else cell.value
                if value is not None:
                    cells[cell.coordinate] = [str(value), cell.font.b, cell.protection.locked]
        facts[sheet.title] = {
            "cells": cells,
            "merged": sorted(str(m) for m in sheet.merged_cells.ranges),
            "validations": sorted((v.type, str(v.sqref)) for v in sheet.data_validations.dataValidation),
            "protected": sheet.protection.sheet,
            "print titles": sheet.print_title_rows,
            "landscape": sheet.page_setup.orientation,
        }
    return facts


def test_libreoffice_reads_the_site_workbooks_as_openpyxl_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each workbook as the site publishes it, opened and saved again by LibreOffice Calc."""
    monkeypatch.setenv("SITE_TODAY", TODAY)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795892400")
    site = load_site(ROOT / "data", ROOT)
    files = exports.export_files(site)
    unit = workbook_units(site)[0]
    sent = {name: files[name] for name in ("du-lieu/tasks.xlsx", "du-lieu/scores.xlsx")}
    sent[f"tien-do-{unit.id}.xlsx"] = workbook_bytes(site, unit)
    for name, data in sent.items():
        source = tmp_path / "sent" / Path(name).name
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(data)
        back = libreoffice_convert(source, "xlsx", tmp_path / "back", tmp_path / "lo-profile")
        with zipfile.ZipFile(back) as saved:  # written by LibreOffice, not a copy of the file sent
            assert "LibreOffice" in saved.read("docProps/app.xml").decode()
        assert _facts(back.read_bytes()) == _facts(data), name


@pytest.mark.parametrize("tasks", [0, 400])
def test_every_task_is_in_the_workbooks(tasks: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_TODAY", "2025-06-30")
    data = generate_data(tmp_path / "data", tasks=tasks) if tasks else ROOT / "data"
    site = load_site(data, data.parent)
    sheet = load_workbook(io.BytesIO(exports.export_files(site)["du-lieu/tasks.xlsx"]))["Nhiệm vụ"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [t.id for t in site.tasks]
    for unit in workbook_units(site):
        progress = load_workbook(io.BytesIO(workbook_bytes(site, unit)))["Tiến độ"]
        ids = [row[0] for row in progress.iter_rows(min_row=3, values_only=True) if row[0]]
        assert ids == [t.id for plan in reversed(site.plans) for t in plan.tasks if t.lead.id == unit.id]


@pytest.mark.parametrize("text", AWKWARD[:8], ids=lambda text: repr(text[:30]))
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
    sheet = load_workbook(io.BytesIO(workbook_bytes(site, workbook_units(site)[0])))["Tiến độ"]
    assert sheet["C4"].value == text and sheet["C4"].data_type == "s"
    assert sheet["F4"].value.endswith(f": {text}")
