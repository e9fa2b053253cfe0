"""Cross-file checks that a schema cannot express: references, uniqueness, arithmetic.

Each check reads the raw data of files that passed their schema and returns problems;
files that failed their schema are skipped here (their schema problems are reported).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from ..dates import parse_deadline, parse_iso
from ..fmt import number
from ..problems import Problem, shorten
from .load import Source
from .model import ENDING_KINDS, UNIT_CHANGE_LABELS, task_slug

# Every published figure is rounded to 2 decimals, so each carries up to ±0,005.
# A total compared with the sum of n rounded field points may differ by (n + 1) × 0,005:
# the seed itself shows 89,42 against field points that add up to 89,43.
ROUNDING = Decimal("0.005")


def dec(value: float | int) -> Decimal:
    """A YAML number as an exact decimal (7.58 stays 7.58)."""
    return Decimal(str(value))


@dataclass
class RawData:
    """The loaded files, each already checked against its schema (`ok` lists those that passed)."""

    agency: Source
    methodology: Source
    documents: Source
    results: list[Source]
    plans: list[tuple[Source, Source]]
    province: Source | None = None  # optional file
    ok: set[str] = field(default_factory=set)

    def valid(self, source: Source) -> bool:
        return source.path in self.ok


def _unique(
    source: Source, items: list[dict], list_path: tuple, label: str, same: Callable[[Any], object] = lambda i: i
) -> list[Problem]:
    """Ids that repeat; `same` maps an id to what must be unique (its anchor or file name)."""
    seen: dict[object, int] = {}
    problems = []
    for i, item in enumerate(items):
        key = same(item["id"])
        if key in seen:
            first = items[seen[key]]["id"]
            line = source.position((*list_path, seen[key], "id"))[0]
            if first == item["id"]:
                message = f"{label} '{shorten(item['id'])}' bị trùng (đã dùng ở dòng {line})"
            else:
                message = (
                    f"{label} '{shorten(item['id'])}' trùng với '{shorten(first)}' ở dòng {line} khi không phân biệt "
                    "chữ hoa, chữ thường, dấu chấm và gạch ngang (hai mục sẽ có cùng địa chỉ trên trang và cùng mã "
                    "trong lịch); hãy đặt mã khác"
                )
            problems.append(source.problem((*list_path, i, "id"), message, code="duplicate"))
        else:
            seen[key] = i
    return problems


# Unit ids that would give a unit page or calendar the path of a page or feed of the site.
RESERVED_UNIT_IDS = {"index": "don-vi/index (trang danh sách đơn vị)", "tat-ca": "lich/tat-ca.ics (lịch mọi nhiệm vụ)"}


def _known(names: Iterable[str]) -> str:
    names = sorted(names)
    shown = ", ".join(names[:12])
    return shown + (", ..." if len(names) > 12 else "")


def _document_ids(raw: RawData) -> set[str] | None:
    if not raw.valid(raw.documents):
        return None
    return {d["id"] for d in raw.documents.data["documents"]}


def _check_doc_ref(source: Source, path: tuple, ref: str, doc_ids: set[str] | None) -> list[Problem]:
    if doc_ids is None or ref in doc_ids:
        return []
    return [
        source.problem(
            path, f"văn bản '{ref}' không có trong data/documents.yml (có: {_known(doc_ids)})", code="unknown-reference"
        )
    ]


def check_documents(raw: RawData) -> list[Problem]:
    src = raw.documents
    if not raw.valid(src):
        return []
    docs = src.data["documents"]
    problems = _unique(src, docs, ("documents",), "mã văn bản")
    for i, doc in enumerate(docs):
        try:
            parse_iso(doc["date"])
        except ValueError as exc:
            problems.append(src.problem(("documents", i, "date"), str(exc), code="date"))
    return problems


def _check_history(src: Source, path: tuple, events: list[dict], doc_ids: set[str] | None) -> list[Problem]:
    """Dates real and in order, each change backed by a known document."""
    problems: list[Problem] = []
    previous = None
    for j, event in enumerate(events):
        where = (*path, j)
        try:
            day = parse_iso(event["date"])
        except ValueError as exc:
            problems.append(src.problem((*where, "date"), str(exc), code="date"))
            continue
        if previous is not None and day < previous:
            problems.append(
                src.problem((*where, "date"), "các thay đổi phải xếp theo thứ tự ngày, cũ trước mới sau", code="order")
            )
        previous = day
        problems += _check_doc_ref(src, (*where, "document"), event["document"], doc_ids)
    return problems


def check_agency(raw: RawData) -> list[Problem]:
    src = raw.agency
    if not raw.valid(src):
        return []
    units = src.data["units"]
    problems = _unique(src, units, ("units",), "mã đơn vị")
    for i, unit in enumerate(units):
        if unit["id"] in RESERVED_UNIT_IDS:
            problems.append(
                src.problem(
                    ("units", i, "id"),
                    f"mã đơn vị '{unit['id']}' trùng địa chỉ {RESERVED_UNIT_IDS[unit['id']]}; hãy đặt mã khác",
                    code="duplicate",
                )
            )
    doc_ids = _document_ids(raw)
    problems += _check_history(src, ("agency", "history"), src.data["agency"].get("history", []), doc_ids)
    for i, unit in enumerate(units):
        problems += _check_history(src, ("units", i, "history"), unit.get("history", []), doc_ids)
    problems += _check_unit_changes(src, units)
    return problems


# What each kind of a unit's history needs besides date, kind and document.
_NEEDS_SUCCESSOR = ("sap-nhap", "chia-tach", "chuyen-giao")


def _check_unit_changes(src: Source, units: list[dict]) -> list[Problem]:
    """Each change says what its kind needs; a unit ends once, with nothing after; a successor is
    another unit that exists on the day it takes over."""
    spans = unit_spans(units)
    problems: list[Problem] = []
    for i, unit in enumerate(units):
        ended_on = None
        for j, event in enumerate(unit.get("history", [])):
            path, kind = ("units", i, "history", j), event["kind"]
            for message, key in _unit_change_faults(event, j, ended_on):
                problems.append(src.problem((*path, key) if key else path, message, code="unit-history"))
            if kind in ENDING_KINDS:
                ended_on = f"{UNIT_CHANGE_LABELS[kind]} từ ngày {event['date']}"
                problems += _check_successor(src, (*path, "successor"), unit["id"], event, spans)
    return problems


def _unit_change_faults(event: dict, index: int, ended_on: str | None) -> list[tuple[str, str | None]]:
    """What one change of a unit's history lacks or must not say, as (message, key)."""
    kind = event["kind"]
    faults: list[tuple[str, str | None]] = []
    if ended_on is not None:
        faults.append((f"đơn vị đã {ended_on}; không ghi thêm thay đổi nào sau đó", None))
    if kind == "thanh-lap" and index > 0:
        faults.append(("thành lập (thanh-lap) phải là thay đổi đầu tiên của đơn vị", "kind"))
    if kind == "doi-ten" and not (event.get("name") or event.get("short")):
        faults.append(("lần đổi tên phải ghi tên mới (name hoặc short)", None))
    if kind in _NEEDS_SUCCESSOR and event.get("successor") is None:
        label = UNIT_CHANGE_LABELS[kind]
        faults.append((f"{label} cần ghi successor: mã đơn vị tiếp nhận các nhiệm vụ chưa hoàn thành", None))
    if kind == "tiep-nhan" and event.get("predecessor") is None:
        faults.append(("tiếp nhận chức năng cần ghi predecessor: tên đơn vị đã chuyển chức năng, nhiệm vụ sang", None))
    if kind != "tiep-nhan" and event.get("predecessor") is not None:
        faults.append(("predecessor chỉ dùng khi tiếp nhận chức năng (kind: tiep-nhan)", "predecessor"))
    if kind not in ENDING_KINDS and event.get("successor") is not None:
        faults.append((f"successor chỉ dùng khi {', '.join(ENDING_KINDS)}", "successor"))
    return faults


def _check_successor(src: Source, path: tuple, unit_id: str, event: dict, spans: dict) -> list[Problem]:
    successor = event.get("successor")
    if successor is None:
        return []
    others = set(spans) - {unit_id}
    if successor not in others:
        message = f"đơn vị tiếp nhận '{shorten(successor)}' phải là một đơn vị khác trong units (có: {_known(others)})"
        return [src.problem(path, message, code="unit-history")]
    try:
        day = parse_iso(event["date"])
    except ValueError:
        return []  # reported with the date
    start, end, _ = spans[successor]
    if (start is not None and start > day) or (end is not None and end <= day):
        if start is not None and start > day:
            when = f"chỉ có từ ngày {number_date(start)}"
        else:
            when = f"không còn từ ngày {number_date(end)}"
        message = f"đơn vị tiếp nhận '{successor}' {when}, nên không thể tiếp nhận nhiệm vụ ngày {number_date(day)}"
        return [src.problem(path, message, code="unit-history")]
    return []


def unit_spans(units: list[dict]) -> dict[str, tuple[date | None, date | None, dict | None]]:
    """Each unit's first and last day as its history says: (established, ended, the ending change);
    None where the history is silent (always there, still there). Unreadable dates are skipped:
    they are reported with the date."""
    spans = {}
    for unit in units:
        start = end = ending = None
        for event in unit.get("history", []):
            try:
                day = parse_iso(event["date"])
            except (ValueError, TypeError):
                continue
            if event.get("kind") == "thanh-lap" and start is None:
                start = day
            elif event.get("kind") in ENDING_KINDS and end is None:
                end, ending = day, event
        spans[unit["id"]] = (start, end, ending)
    return spans


def check_methodology(raw: RawData) -> list[Problem]:
    src = raw.methodology
    if not raw.valid(src):
        return []
    problems = []
    versions = src.data["versions"]
    years = [v["from_year"] for v in versions]
    if years != sorted(set(years)):
        problems.append(
            src.problem(("versions",), "các phiên bản phải xếp theo from_year tăng dần, không trùng năm", code="order")
        )
    for i, version in enumerate(versions):
        fields = version["fields"]
        problems += _unique(src, fields, ("versions", i, "fields"), "lĩnh vực")
        total = sum((dec(f["max"]) for f in fields), Decimal(0))
        if abs(total - dec(version["total"])) > ROUNDING:
            problems.append(
                src.problem(
                    ("versions", i, "total"),
                    f"tổng điểm tối đa các lĩnh vực là {number(total)}, khác tổng điểm {number(dec(version['total']))}",
                    code="mismatch",
                )
            )
    return problems


def methodology_for(raw: RawData, year: int) -> dict | None:
    """The raw methodology version that applies to `year`, if any."""
    if not raw.valid(raw.methodology):
        return None
    applicable = [v for v in raw.methodology.data["versions"] if v["from_year"] <= year]
    return applicable[-1] if applicable else None


def _year_of(source: Source) -> str:
    return PurePosixPath(source.path).stem


def check_result(raw: RawData, src: Source, plan_years: set[int]) -> list[Problem]:
    if not raw.valid(src):
        return []
    data = src.data
    year = data["year"]
    problems = []
    if _year_of(src) != str(year):
        problems.append(
            src.problem(
                ("year",), f"năm {year} không khớp tên tệp (tệp này phải ghi year: {_year_of(src)})", code="mismatch"
            )
        )
    if ("source" in data) == ("derived_from_plan" in data):
        problems.append(
            src.problem(
                (), "cần đúng một trong hai khóa: 'source' (văn bản công bố) hoặc 'derived_from_plan'", code="required"
            )
        )
    if "source" in data:
        problems += _check_doc_ref(src, ("source",), data["source"], _document_ids(raw))
    plan_year = data.get("derived_from_plan")
    if plan_year is not None and plan_year not in plan_years:
        problems.append(
            src.problem(
                ("derived_from_plan",), f"không có kế hoạch năm {plan_year} trong data/plans/", code="unknown-reference"
            )
        )
    if data["rank"] is not None and data["ranked_count"] is not None and data["rank"] > data["ranked_count"]:
        problems.append(
            src.problem(
                ("rank",),
                f"xếp hạng {data['rank']} lớn hơn số đơn vị được xếp hạng {data['ranked_count']}",
                code="out-of-range",
            )
        )
    version = methodology_for(raw, year)
    points = data.get("fields")
    if points is None or version is None:
        if points is not None and raw.valid(raw.methodology):
            problems.append(
                src.problem(
                    ("fields",),
                    f"không có bộ chỉ số nào áp dụng cho năm {year} trong data/methodology.yml",
                    code="unknown-reference",
                )
            )
        if version is not None and data["total"] is not None and dec(data["total"]) > dec(version["total"]):
            problems.append(
                src.problem(
                    ("total",),
                    f"tổng điểm {number(dec(data['total']))} vượt điểm tối đa {number(dec(version['total']))}",
                    code="out-of-range",
                )
            )
        return problems
    maxima = {str(f["id"]): dec(f["max"]) for f in version["fields"]}
    for key, value in points.items():
        if key not in maxima:
            problems.append(
                src.problem(
                    ("fields", key),
                    f"lĩnh vực {key} không có trong bộ chỉ số năm {year} (có: {', '.join(maxima)})",
                    key=True,
                    code="unknown-reference",
                )
            )
        elif value is not None and dec(value) > maxima[key]:
            problems.append(
                src.problem(
                    ("fields", key),
                    f"điểm {number(dec(value))} vượt điểm tối đa {number(maxima[key])} của lĩnh vực {key}",
                    code="out-of-range",
                )
            )
    for key in maxima:
        if key not in points:
            problems.append(
                src.problem(("fields",), f"thiếu điểm lĩnh vực {key} (ghi null nếu chưa có số liệu)", code="required")
            )
    known = [dec(v) for k, v in points.items() if k in maxima and v is not None]
    if data["total"] is not None and len(known) == len(maxima) == len(points):
        total, added = dec(data["total"]), sum(known, Decimal(0))
        if abs(added - total) > ROUNDING * (len(known) + 1):
            problems.append(
                src.problem(
                    ("total",),
                    f"tổng điểm {number(total)} khác tổng điểm các lĩnh vực {number(added)}",
                    code="mismatch",
                )
            )
    return problems


def _sections(sections: list[dict], path: tuple) -> Iterable[tuple[tuple, dict]]:
    for i, section in enumerate(sections):
        yield (*path, i), section
        yield from _sections(section.get("sections", []), (*path, i, "sections"))


def check_plan(raw: RawData, plan: Source, tasks: Source, result_years: set[int]) -> list[Problem]:
    problems: list[Problem] = []
    doc_ids = _document_ids(raw)
    year = None
    if raw.valid(plan):
        data = plan.data
        year = data["year"]
        folder = PurePosixPath(plan.path).parent.name
        if folder != str(year):
            problems.append(plan.problem(("year",), f"năm {year} không khớp tên thư mục '{folder}'", code="mismatch"))
        if data["date"]["year"] not in (year - 1, year):
            problems.append(
                plan.problem(
                    ("date", "year"),
                    f"năm ban hành {data['date']['year']} không hợp với kế hoạch năm {year}",
                    code="mismatch",
                )
            )
        if data["base_year"] not in result_years:
            problems.append(
                plan.problem(
                    ("base_year",),
                    f"chưa có kết quả năm {data['base_year']} trong data/results/",
                    code="unknown-reference",
                )
            )
        # A reference still marked by scripts/new-plan ([[qd-151-2024?]]) is reported by its mark only.
        for i, ref in enumerate(data["legal_basis"]):
            if not _MARK.search(ref):
                problems += _check_doc_ref(plan, ("legal_basis", i), ref, doc_ids)
        for path, section in _sections(data["sections"], ("sections",)):
            for i, ref in enumerate(section.get("cites", [])):
                if not _MARK.search(ref):
                    problems += _check_doc_ref(plan, (*path, "cites", i), ref, doc_ids)
            if "overview" in section and section["overview"] not in result_years:
                problems.append(
                    plan.problem(
                        (*path, "overview"),
                        f"chưa có kết quả năm {section['overview']} trong data/results/",
                        code="unknown-reference",
                    )
                )
        if methodology_for(raw, year) is None and raw.valid(raw.methodology):
            problems.append(
                plan.problem(("year",), f"không có bộ chỉ số nào áp dụng cho năm {year}", code="unknown-reference")
            )
        problems += check_marks(plan, data)
        if raw.valid(tasks) and raw.valid(raw.agency):
            problems += _check_units_in_force(raw, tasks, data)
    problems += _check_tasks(raw, tasks, year)
    return problems


# What scripts/new-plan leaves for the editor to check, never published: a year or date of the old
# plan ([[2024?]]), its signer, each document it cites ([[qd-151-2024?]]) and its paragraphs on the
# old results ([[đoạn về kết quả năm 2023?]] before the copied text).
_MARK = re.compile(r"\[\[[^\]]*\?\]\]")


def check_marks(src: Source, value: object, path: tuple = ()) -> list[Problem]:
    """Every text still holding a `[[...?]]` mark of scripts/new-plan, all its marks named."""
    if isinstance(value, str):
        found = list(dict.fromkeys(_MARK.findall(value)))  # each mark once, in order
        if not found:
            return []
        return [
            src.problem(
                path,
                f"còn chỗ đánh dấu {', '.join(found)} chép từ kế hoạch cũ: ghi giá trị đúng rồi xóa dấu [[ ?]]",
                code="draft-mark",
            )
        ]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in check_marks(src, item, (*path, key))]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in check_marks(src, item, (*path, i))]
    return []


def _check_tasks(raw: RawData, src: Source, year: int | None) -> list[Problem]:
    """Checks of each task. Written defensively: it also runs on a file that failed its
    schema, so an editor sees an unknown unit and a mistyped key in the same run."""
    items = [t for t in src.data.get("tasks", []) if isinstance(t, dict)] if isinstance(src.data, dict) else []
    if len(items) != len(src.data.get("tasks", []) if isinstance(src.data, dict) else []):
        return []  # positions would not match; the schema problems are enough
    with_ids = [t for t in items if isinstance(t.get("id"), str)]
    problems = _unique(src, with_ids, ("tasks",), "mã nhiệm vụ", task_slug) if len(with_ids) == len(items) else []
    units = {u["id"] for u in raw.agency.data["units"]} if raw.valid(raw.agency) else None
    version = methodology_for(raw, year) if year is not None else None
    fields = {f["id"] for f in version["fields"]} if version else None
    for i, task in enumerate(items):
        path = ("tasks", i)
        field = task.get("field")
        if fields is not None and type(field) is int and field not in fields:
            problems.append(
                src.problem(
                    (*path, "field"),
                    f"lĩnh vực {field} không có trong bộ chỉ số năm {year} (có: {_known(map(str, fields))})",
                    code="unknown-reference",
                )
            )
        lead = task.get("lead")
        support = task.get("support") if isinstance(task.get("support"), list) else []
        refs = [((*path, "lead"), lead)] + [((*path, "support", j), ref) for j, ref in enumerate(support)]
        for ref_path, ref in refs:
            if units is not None and isinstance(ref, str) and ref not in units:
                problems.append(
                    src.problem(
                        ref_path,
                        f"đơn vị '{shorten(ref)}' không có trong data/agency.yml (có: {_known(units)})",
                        code="unknown-reference",
                    )
                )
        if isinstance(lead, str) and lead in support:
            problems.append(
                src.problem(
                    (*path, "support"),
                    f"đơn vị chủ trì '{shorten(lead)}' không đồng thời là đơn vị phối hợp",
                    code="mismatch",
                )
            )
        if isinstance(task.get("deadline"), str):
            problems += _check_deadline(src, (*path, "deadline"), task["deadline"], year)
        problems += _check_progress(src, path, task, units)
    return problems


def _check_progress(src: Source, path: tuple, task: dict, units: set[str] | None) -> list[Problem]:
    problems = []
    if isinstance(task.get("completed"), str):
        try:
            parse_iso(task["completed"])
        except ValueError as exc:
            problems.append(src.problem((*path, "completed"), str(exc), code="date"))
    entries = task.get("progress") if isinstance(task.get("progress"), list) else []
    done_days = [e.get("date") for e in entries if isinstance(e, dict) and e.get("status") == "hoan-thanh"]
    if isinstance(task.get("completed"), str) and done_days and task["completed"] not in done_days:
        # Two different completion dates: the editor must say which one is true.
        problems.append(
            src.problem(
                (*path, "completed"),
                f"ngày hoàn thành {task['completed']} khác ngày của mục tiến độ ghi status: hoan-thanh "
                f"({', '.join(map(str, done_days))}); giữ một ngày hoàn thành (xóa completed hoặc sửa cho trùng)",
                code="mismatch",
            )
        )
    for j, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("date"), str):
            try:
                parse_iso(entry["date"])
            except ValueError as exc:
                problems.append(src.problem((*path, "progress", j, "date"), str(exc), code="date"))
        unit = entry.get("unit")
        if units is not None and isinstance(unit, str) and unit not in units:
            problems.append(
                src.problem(
                    (*path, "progress", j, "unit"),
                    f"đơn vị '{shorten(unit)}' không có trong data/agency.yml (có: {_known(units)})",
                    code="unknown-reference",
                )
            )
    return problems


def number_date(day: object) -> str:
    """dd/mm/yyyy for a message."""
    return f"{day:%d/%m/%Y}"


def _check_units_in_force(raw: RawData, src: Source, plan: dict) -> list[Problem]:
    """A plan gives tasks only to units that exist on the day it was signed (not yet established,
    or merged, split, dissolved or transferred before, is refused), and a progress entry names a
    unit that exists on the entry's day."""
    date = plan["date"]
    try:
        issued = parse_iso(f"{date['year']:04d}-{date['month'] or 1:02d}-{date['day'] or 1:02d}")
    except ValueError:
        return []  # reported with the date
    spans = unit_spans(raw.agency.data["units"])
    problems = []
    for i, task in enumerate(src.data["tasks"]):
        refs = [(("tasks", i, "lead"), task["lead"])]
        refs += [(("tasks", i, "support", j), ref) for j, ref in enumerate(task.get("support", []))]
        for path, ref in refs:
            why, successor = _absent(spans, ref, issued, "ngày ký kế hoạch")
            if why:
                hint = f"; giao cho đơn vị tiếp nhận '{successor}'" if successor else ""
                problems.append(src.problem(path, why + hint, code="unit-inactive"))
        for j, entry in enumerate(task.get("progress", [])):
            if not isinstance(entry.get("unit"), str) or not isinstance(entry.get("date"), str):
                continue
            try:
                day = parse_iso(entry["date"])
            except ValueError:
                continue  # reported with the date
            why, successor = _absent(spans, entry["unit"], day, "ngày của mục tiến độ")
            if why:
                path = ("tasks", i, "progress", j, "unit")
                hint = f"; từ ngày đó đơn vị tiếp nhận '{successor}' báo cáo" if successor else ""
                problems.append(src.problem(path, why + hint, code="unit-inactive"))
    return problems


def _absent(spans: dict, ref: str, day: date, what: str) -> tuple[str | None, str | None]:
    """Why unit `ref` does not exist on `day` (`what` names that day), if it does not, and who took
    its tasks over. Unknown ids are reported elsewhere."""
    if ref not in spans:
        return None, None
    start, end, ending = spans[ref]
    if start is not None and day < start:
        return f"đơn vị '{ref}' thành lập từ ngày {number_date(start)}, sau {what}", None
    if end is not None and end <= day:
        label = UNIT_CHANGE_LABELS[ending["kind"]]
        return f"đơn vị '{ref}' không còn từ ngày {number_date(end)} ({label}), trước {what}", ending.get("successor")
    return None, None


def _check_deadline(src: Source, path: tuple, text: str, year: int | None) -> list[Problem]:
    folder = PurePosixPath(src.path).parent.name
    examples = year or (int(folder) if folder.isdigit() else None)  # plan.yml may be the broken one
    try:
        deadline = parse_deadline(text, examples)
    except ValueError as exc:
        return [src.problem(path, str(exc), code="date")]
    if year is not None and deadline.due is not None and deadline.due.year != year:
        return [src.problem(path, f"thời hạn {text} nằm ngoài năm kế hoạch {year}", code="out-of-range")]
    return []


def _years(sources: list[Source]) -> set[int]:
    return {s.data["year"] for s in sources if isinstance(s.data, dict) and type(s.data.get("year")) is int}


def check_province(raw: RawData) -> list[Problem]:
    src = raw.province
    if src is None or not raw.valid(src):
        return []
    problems = _check_doc_ref(src, ("source",), src.data["source"], _document_ids(raw))
    seen: dict[int, int] = {}
    for i, result in enumerate(src.data["results"]):
        if result["year"] in seen:
            problems.append(src.problem(("results", i, "year"), f"năm {result['year']} bị lặp", code="duplicate"))
        seen[result["year"]] = i
        if (
            result["rank"] is not None
            and result["ranked_count"] is not None
            and result["rank"] > result["ranked_count"]
        ):
            problems.append(
                src.problem(
                    ("results", i, "rank"),
                    f"xếp hạng {result['rank']} lớn hơn số tỉnh được xếp hạng {result['ranked_count']}",
                    code="out-of-range",
                )
            )
    return problems


def check_all(raw: RawData) -> list[Problem]:
    """Every cross-file problem of the data."""
    # Years are taken from every file that states one, valid or not, so that one broken
    # file does not also report every reference to it as missing.
    result_years = _years(raw.results)
    plan_years = _years([p for p, _ in raw.plans])
    problems = check_documents(raw) + check_agency(raw) + check_methodology(raw) + check_province(raw)
    for src in raw.results:
        problems += check_result(raw, src, plan_years)
    for plan, tasks in raw.plans:
        problems += check_plan(raw, plan, tasks, result_years)
    return problems
