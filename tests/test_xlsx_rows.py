"""Workbook rows written by the core (parsite.outputs.xlsx.rows_xml) are byte for byte what
openpyxl writes, on the real data, generated data and awkward values; the workbook still opens."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from helpers import ROOT, generate_data
from openpyxl import load_workbook
from parsite.outputs import exports, xlsx
from parsite.site import load_site

AWKWARD = [
    "",
    None,
    " leading and trailing spaces ",
    "two\nlines",
    "ký tự <b>&amp;</b> > < & \" '",
    "😀 four bytes and ẩ three",
    "=1+1",
    '\'=HYPERLINK("x")',
    "#N/A",
    "carriage\rreturn",
    "tab\there",
    "x" * 40_000,
    "Quý III/2024",
    date(2024, 12, 31),
    date(1900, 2, 1),
    0,
    -3,
    89.42,
    1e-7,
    float("nan"),
    True,
]


def _sheets(records: list[dict]) -> list[exports.Sheet]:
    return [("Nhiệm vụ", exports.TASK_SHEET_COLUMNS, records)]


def _same(sheets: list[exports.Sheet]) -> bytes:
    fast, reference = exports._xlsx(sheets), exports._xlsx(sheets, fast=False)
    assert fast == reference
    return fast


@pytest.mark.parametrize("tasks", [25, 400])
def test_the_task_workbook_is_what_openpyxl_writes(tasks: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795892400")
    data = ROOT / "data"
    if tasks != 25:
        data = generate_data(tmp_path / "data", tasks=tasks)
    site = load_site(data, data.parent)
    records = [exports.task_record(t, site.today) for t in site.tasks]
    _same(_sheets(records))
    _same(
        [
            ("Điểm theo lĩnh vực", exports.SCORE_SHEET_COLUMNS, exports.score_records(site)),
            ("Tổng điểm", exports.TOTAL_SHEET_COLUMNS, exports.total_records(site)),
        ]
    )


COLUMNS = [("Mã", "id", exports.TEXT), ("Văn bản dài", "long", exports.TEXT), ("Ngắn", "short", exports.TEXT)]


@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_an_awkward_value_is_written_as_openpyxl_writes_it(value: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a wrapped text column and in a plain one, among ordinary rows (a value the fast writer
    does not handle sends the workbook through openpyxl)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795892400")
    ordinary = [{"id": f"NV{i}", "long": "chữ " * (5 + 10 * i), "short": date(2024, 1, i + 1)} for i in range(4)]
    for key in ("long", "short"):
        records = [dict(r) for r in ordinary]
        records[1][key] = records[3][key] = value
        _same([("Trang", COLUMNS, records)])


def test_the_workbook_reads_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795892400")
    site = load_site(ROOT / "data", ROOT)
    records = [exports.task_record(t, site.today) for t in site.tasks]
    sheet = load_workbook(io.BytesIO(_same(_sheets(records))))["Nhiệm vụ"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã nhiệm vụ" and len(rows) == len(records) + 1
    assert [r[0] for r in rows[1:]] == [r["id"] for r in records]
    assert rows[1][6] == records[0]["task"]


def test_a_value_openpyxl_refuses_is_left_to_openpyxl() -> None:
    """openpyxl raises on control characters: the fast writer does not write them either."""
    assert not xlsx.plain("control\x01character") and not xlsx.plain(True)
    assert xlsx.plain("two\nlines") and xlsx.plain(date(2024, 1, 1))
