"""The units' progress workbooks with their middle rows written by the core
(parsite.outputs.progress_workbook._middle_rows, xlsx.cell_xml) are byte for byte the workbooks
openpyxl writes alone, on the real data, generated data and awkward text; the rows are the core's."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import ROOT, generate_data
from openpyxl import load_workbook
from parsite.outputs import progress_workbook
from parsite.outputs.progress_workbook import workbook_bytes, workbook_units
from parsite.site import load_site

AWKWARD = [
    " leading and trailing spaces ",
    "two\nlines",
    "ký tự <b>&amp;</b> > < & \" '",
    "😀 four bytes and ẩ three",
    "=1+1",  # a formula to openpyxl: the workbook goes through openpyxl, as text
    "#N/A",
    "x" * 5000,
    "tab\there",
]


def _generated(tmp_path: Path, tasks: int) -> Path:
    return generate_data(tmp_path / "data", tasks=tasks)


def _by_core(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The cells the core writes from now on (their references)."""
    written: list[str] = []
    original = progress_workbook.cell_xml

    def counted(ref: str, style: str, value: object) -> str:
        written.append(ref)
        return original(ref, style, value)

    monkeypatch.setattr(progress_workbook, "cell_xml", counted)
    return written


def _same(data: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    site = load_site(data, data.parent)
    made = {}
    for unit in workbook_units(site):
        fast, reference = workbook_bytes(site, unit), workbook_bytes(site, unit, fast=False)
        assert fast == reference, unit.id
        made[unit.id] = fast
    return made


@pytest.mark.parametrize("tasks", [0, 400])
def test_the_workbooks_are_what_openpyxl_writes(tasks: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_TODAY", "2025-06-30")
    data = _generated(tmp_path, tasks) if tasks else ROOT / "data"
    written = _by_core(monkeypatch)
    made = _same(data, monkeypatch)
    site = load_site(data, data.parent)
    # Every row but the first and the last (five blank rows follow the tasks) is the core's.
    middle = sum(
        len(progress_workbook.workbook_tasks(site, u)) + progress_workbook.EXTRA_ROWS - 2 for u in workbook_units(site)
    )
    assert len(written) == len(progress_workbook.COLUMNS) * middle
    book = load_workbook(io.BytesIO(next(iter(made.values()))))
    sheet = book["Tiến độ"]
    assert sheet["A4"].value and sheet["A4"].protection.locked and not sheet["H4"].protection.locked


@pytest.mark.parametrize("text", AWKWARD, ids=lambda text: repr(text[:30]))
def test_awkward_text_is_written_as_openpyxl_writes_it(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text of every task of a plan and of every progress entry (the last one is shown)."""
    monkeypatch.setenv("SITE_TODAY", "2025-06-30")
    data = _generated(tmp_path, 60)
    for tasks in (data / "plans").glob("*/tasks.yml"):
        lines = tasks.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            for start in ("    task: ", "        text: "):
                if line.startswith(start):
                    lines[i] = start + json.dumps(text, ensure_ascii=False)
        tasks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written = _by_core(monkeypatch)
    made = _same(data, monkeypatch)
    # A text openpyxl reads as a formula or an error code, or a control character, sends the
    # workbook through openpyxl.
    assert bool(written) == (text not in ("=1+1", "#N/A", "tab\there"))
    sheet = load_workbook(io.BytesIO(next(iter(made.values()))))["Tiến độ"]
    assert sheet["C4"].value == text and sheet["F4"].value.endswith(f": {text}")


def test_a_unit_with_one_or_two_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_TODAY", "2025-06-30")
    data = _generated(tmp_path, 3)  # one task in each plan
    made = _same(data, monkeypatch)
    assert made
