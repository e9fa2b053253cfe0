"""The columns of the open-data tables: each column's key, title, kind and meaning, in one place.

A task's record (tasks.json, tasks.csv, tasks.xlsx) and a score's (scores.*) are described here
once: the CSV and the workbook take their column titles from here, the "Dữ liệu mở" page its
table of keys and columns. A column that shows a property of the data files takes that
property's title from its schema (`source`), so the editors' guide, the schema and the
downloads name it alike. `INTERNAL` lists the task properties no column shows, and why;
tests/test_exports.py checks that every property of the task schema is one or the other.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from ..data_in.schema import SCHEMAS, SUFFIX

# How a workbook holds a column: text, a number, a date cell, or a deadline (a date cell when
# the deadline is a day, else its text, "Quý III/2024").
TEXT, NUMBER, DATE, DEADLINE = "text", "number", "date", "deadline"


@dataclass(frozen=True)
class Column:
    """One key of a record and the column that shows it (`title` None: JSON only)."""

    key: str
    title: str | None
    kind: str
    meaning: str  # for the open-data page, Markdown
    source: str | None = None  # the task schema's property it shows
    csv_title: str | None = None  # the CSV's title when it differs (a date written as text)


@functools.cache
def _task_properties() -> dict[str, dict]:
    schema = json.loads((SCHEMAS / f"tasks{SUFFIX}").read_text(encoding="utf-8"))
    return {**schema["properties"], **schema["properties"]["tasks"]["items"]["properties"]}


def task_property_names() -> set[str]:
    """The properties of a task (and of its tasks file: `sample`) in the schema."""
    return set(_task_properties()) - {"tasks", "$schema"}


def _from_schema(key: str, prop: str, kind: str, meaning: str) -> Column:
    return Column(key, _task_properties()[prop]["title"], kind, meaning, source=prop)


@functools.cache
def task_columns() -> tuple[Column, ...]:
    """A task's record, in order; the CSV and the workbook show the columns with a title."""
    return (
        _from_schema("id", "id", TEXT, "mã nhiệm vụ trong kế hoạch"),
        Column("plan_year", "Năm kế hoạch", NUMBER, "năm của kế hoạch (Excel: số)"),
        _from_schema("field", "field", NUMBER, "số lĩnh vực Chỉ số CCHC mà nhiệm vụ hướng tới (Excel: số)"),
        Column("field_name", "Tên lĩnh vực", TEXT, "tên lĩnh vực đó"),
        _from_schema("criterion", "criterion", TEXT, "tiêu chí (nếu có), `null` nếu không ghi"),
        _from_schema("problem", "problem", TEXT, "tồn tại, hạn chế, điểm bị trừ cần khắc phục"),
        _from_schema("task", "task", TEXT, "nhiệm vụ, giải pháp"),
        Column("lead", None, TEXT, "mã đơn vị chủ trì", source="lead"),
        _from_schema("lead_name", "lead", TEXT, "tên đầy đủ của đơn vị chủ trì"),
        Column("support", None, TEXT, "mã các đơn vị phối hợp", source="support"),
        _from_schema("support_names", "support", TEXT, 'tên đầy đủ các đơn vị phối hợp (CSV: cách nhau bằng "; ")'),
        _from_schema(
            "deadline",
            "deadline",
            DEADLINE,
            "thời hạn như ghi trong kế hoạch; Excel: ô ngày khi thời hạn là một ngày, chữ khi là tháng, quý"
            ' hoặc thường xuyên ("Quý III/2024", "Thường xuyên")',
        ),
        Column(
            "deadline_kind", None, TEXT, "`date` (ngày), `month` (tháng), `quarter` (quý), `ongoing` (thường xuyên)"
        ),
        Column(
            "due",
            "Hạn cuối",
            DATE,
            "ngày cuối cùng của thời hạn (Excel: ô ngày, để sắp xếp và lọc mọi loại thời hạn);"
            " `null`, ô trống với nhiệm vụ thường xuyên",
            csv_title="Hạn cuối (YYYY-MM-DD)",
        ),
        _from_schema("output", "output", TEXT, "sản phẩm đầu ra"),
        Column(
            "status",
            None,
            TEXT,
            "trạng thái được ghi (`chua-trien-khai`, `dang-thuc-hien`, `hoan-thanh`, `tam-dung`) tính đến ngày"
            " cập nhật, theo các thay đổi trạng thái có ngày trong nhật ký tiến độ",
        ),
        Column("status_label", None, TEXT, "tên của trạng thái được ghi"),
        Column("state", None, TEXT, "trạng thái ngày cập nhật, có tính quá hạn (`qua-han`, `hoan-thanh-qua-han`)"),
        Column("state_label", "Trạng thái", TEXT, "tên của trạng thái đó"),
        _from_schema(
            "completed",
            "completed",
            DATE,
            "ngày hoàn thành (JSON, CSV: YYYY-MM-DD; Excel: ô ngày), `null` nếu chưa hoàn thành",
        ),
        _from_schema("sample", "sample", TEXT, '`true` nếu nhiệm vụ là dữ liệu minh họa (CSV, Excel: "có", "không")'),
        Column("anchor", None, TEXT, "mã neo của nhiệm vụ trên trang đơn vị chủ trì"),
    )


# Task properties that no column of the task table shows, and where they are published instead.
INTERNAL = {
    "progress": "nhật ký tiến độ: trong snapshot.json, các nguồn tin Atom và báo cáo quý",
    "status": "không còn dùng (trạng thái được ghi theo ngày trong nhật ký tiến độ)",
}

_YEAR = Column("year", "Năm", NUMBER, "năm được đánh giá")
_METHODOLOGY = Column("methodology", "Bộ chỉ số áp dụng từ năm", NUMBER, "năm bắt đầu áp dụng bộ chỉ số của năm đó")
_SOURCE = Column("source", "Nguồn", TEXT, "số văn bản công bố, hoặc kế hoạch mà kết quả được suy ra từ đó")

SCORE_COLUMNS = (
    _YEAR,
    _METHODOLOGY,
    Column("field", "Lĩnh vực", NUMBER, "số lĩnh vực"),
    Column("field_name", "Tên lĩnh vực", TEXT, "tên lĩnh vực theo bộ chỉ số của năm đó"),
    Column("max", "Điểm tối đa", NUMBER, "điểm tối đa của lĩnh vực"),
    Column("points", "Điểm đạt", NUMBER, "điểm đạt"),
    Column("lost", "Điểm bị trừ", NUMBER, "điểm bị trừ"),
    _SOURCE,
)

TOTAL_COLUMNS = (
    _YEAR,
    _METHODOLOGY,
    Column("total", "Tổng điểm", NUMBER, "tổng điểm"),
    Column("max_total", "Điểm tối đa", NUMBER, "điểm tối đa của bộ chỉ số"),
    Column("rank", "Xếp hạng", NUMBER, "thứ hạng"),
    Column("ranked_count", "Số đơn vị được xếp hạng", NUMBER, "số đơn vị được xếp hạng"),
    Column("rank_derived", "Thứ hạng suy ra", TEXT, '"có" khi thứ hạng được suy ra'),
    _SOURCE,
    Column("note", "Ghi chú", TEXT, "ghi chú"),
)


def shown(columns: tuple[Column, ...]) -> list[Column]:
    """The columns a CSV or a workbook shows, in order."""
    return [c for c in columns if c.title is not None]


def csv_title(column: Column) -> str:
    """The column's title in a CSV (a workbook's is `title`)."""
    return column.csv_title or column.title or column.key
