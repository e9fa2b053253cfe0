"""`scripts/import-progress`: the units' filled progress workbooks back into tasks.yml.

Each workbook (parsite.outputs.progress_workbook) is made for one unit, and says so on a very
hidden sheet with a check code (its binding). A workbook is refused whole, with its file and what
disagrees, when the binding is missing or does not match its code, or when the visible
"Mã đơn vị" cell or the file name (tien-do-UNIT.xlsx) names another unit: a workbook speaks only
for the unit it was made for. An editor who knows better names the unit (`unit=`, the script's
`--unit`, for one file at a time): the workbook is then read as that unit's, and what disagreed
is reported as a note.

Every filled row becomes a dated progress entry of the task it names, in the form editors write
by hand (`- date:`, `text`, `evidence`, `note`, `status` when the state changes; `completed:` on
the task for a completion day before the entry's day), with a `source:` saying which file
(its name and SHA-256) and on which day it was imported, for whoever reviews the data change;
or is refused with its file, sheet and row number and the reason. A row about a task the unit
supports (đơn vị phối hợp) is the supporting unit's entry, written with `unit:` (the lead's own
entries carry none); it may not set the task's state or completion date, which only the lead
reports: such a row is refused whole, naming the column. A row about a task the unit neither
leads nor supports is refused. A row already imported (same task, day and text) is reported and left
alone, so importing a file twice changes nothing. The file itself is read within limits
(parsite.tools.progress_cells).

The tasks files are edited line by line, like status_migration: new entries go into the
task's `progress:` list in date order, and every other line, comment and layout stays as it
was. Nothing is written unless the whole data set, with the new entries, still validates.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .. import fmt
from ..data_in import progress
from ..data_in.load import _CONTROL
from ..data_in.model import UNIT_CHANGE_LABELS, Site, Task, Unit, UnitEvent
from ..fmt import fold
from ..outputs.progress_workbook import (
    BINDING_SHEET,
    COLUMNS,
    GUIDE_SHEET,
    UNIT_LABEL,
    earliest_day,
    leads,
    supports,
)
from ..problems import DataError, shorten
from ..site import load_site
from .progress_cells import Row, Workbook, WorkbookError, blank, cell_date, cell_state, cell_text, read_workbook
from .yamlout import quote

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_TEXT = 5000  # the schema's limit for progress text, evidence and note
MAX_FILE_NAME = 255  # the schema's limit for source.file


class UsageError(Exception):
    """The import was asked for something it cannot do (an unknown unit, `unit` with several files)."""


@dataclass(frozen=True)
class Source:
    """Where an entry came from: the workbook's file name and SHA-256, and the day of the import."""

    file: str
    sha256: str
    imported: date


@dataclass(frozen=True)
class NewEntry:
    """A progress entry to add to `task`, from `row`."""

    row: Row
    task: Task
    date: date
    text: str
    evidence: str | None
    note: str | None
    status: str | None
    completed: date | None  # a completion day before `date`: written as the task's `completed:`
    source: Source
    unit: Unit | None = None  # the supporting unit that reported it (`unit:`); None: the lead


@dataclass
class Outcome:
    """What an import did: entries added (per unit), rows refused or already there."""

    added: list[NewEntry] = field(default_factory=list)
    refused_files: list[str] = field(default_factory=list)  # "file: why", nothing of it imported
    refused: list[str] = field(default_factory=list)  # "where: why", a row
    notes: list[str] = field(default_factory=list)  # a workbook read as the unit named, and what disagreed
    duplicates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the data set did not validate: nothing written
    written: list[Path] = field(default_factory=list)


def _prose(value: object, title: str, reasons: list[str]) -> str | None:
    text = cell_text(value)
    if text is None:
        return None
    control = _CONTROL.search(text)
    if control:
        reasons.append(f"{title}: có ký tự không in được U+{ord(control[0]):04X}; hãy gõ lại")
    if len(text) > MAX_TEXT:
        reasons.append(f"{title}: dài {len(text)} ký tự, quá giới hạn {MAX_TEXT}")
    return text


# --- checking rows against the data ---------------------------------------------------------


def _task_key(text: str) -> str:
    """Task ids compared as the data compares them: without case, '.' or '-'."""
    return re.sub(r"[.\-]", "", text.strip().lower())


def _same(text: str) -> str:
    return " ".join(text.split())


class _Index:
    """Tasks by plan year and id; what is already recorded, for duplicates."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.plans = {p.year: p for p in site.plans}
        self.tasks = {(t.plan_year, _task_key(t.id)): t for t in site.tasks}
        self.seen = {(t.plan_year, t.id, e.date, _same(e.text)) for t in site.tasks for e in t.progress}

    def find(self, row: Row, reasons: list[str]) -> Task | None:
        raw_id, raw_year = cell_text(row.values.get("id")), row.values.get("year")
        if raw_id is None:
            reasons.append("thiếu mã nhiệm vụ")
            return None
        year_text = cell_text(raw_year)
        if year_text is None:  # a row added by the unit without a year: the newest plan having that id
            found = [t for (y, k), t in self.tasks.items() if k == _task_key(raw_id)]
            if not found:
                reasons.append(f"không có nhiệm vụ mã '{shorten(raw_id)}' trong kế hoạch nào")
                return None
            return max(found, key=lambda t: t.plan_year)
        if not re.fullmatch(r"\d{4}", year_text):
            reasons.append(f"năm kế hoạch '{shorten(year_text)}' không đọc được")
            return None
        year = int(year_text)
        if year not in self.plans:
            known = ", ".join(map(str, self.plans))
            reasons.append(f"không có kế hoạch năm {year} (có: {known})")
            return None
        task = self.tasks.get((year, _task_key(raw_id)))
        if task is None:
            reasons.append(f"không có nhiệm vụ mã '{shorten(raw_id)}' trong kế hoạch năm {year}")
        return task


def _day(value: object, title: str, plan_start: date, today: date, reasons: list[str]) -> date | None:
    """The day in a cell; what is wrong with it goes into `reasons` (`title` names the column)."""
    if blank(value):
        return None
    try:
        day = cell_date(value)
    except ValueError as exc:
        reasons.append(str(exc) if title == "ngày" else f"{title}: {exc}")
        return None
    if day > today:
        reasons.append(f"{title} {fmt.day(day)} sau hôm nay ({fmt.day(today)})")
    elif day < plan_start:
        reasons.append(f"{title} {fmt.day(day)} trước kế hoạch (tính từ {fmt.day(plan_start)})")
    return day


def check_row(row: Row, unit: Unit, index: _Index, today: date, source: Source) -> tuple[NewEntry | None, list[str]]:
    """The entry a row makes, or the reasons it is refused (every one found)."""
    reasons: list[str] = []
    task = index.find(row, reasons)
    start = earliest_day(index.plans[task.plan_year]) if task else date.min
    day = _day(row.values.get("date"), "ngày", start, today, reasons)
    if day is None and blank(row.values.get("date")):
        reasons.append("thiếu ngày")
    when = day or today  # whose task it is on the entry's day (a successor's after a merger)
    ended = unit.ended(when)
    if task is not None and ended is not None:
        reasons.append(_ended_reason(task, unit, ended, when))
        task = None  # nothing more to say about a row its unit could not write
    supporting = task is not None and not leads(task, unit, when) and supports(task, unit, when)
    if task is not None and not leads(task, unit, when) and not supporting:
        lead = task.lead_at(when)
        reasons.append(
            f"nhiệm vụ {task.id} (kế hoạch năm {task.plan_year}) do {lead.short_at(when)} ({lead.id}) chủ trì, "
            f"không phải đơn vị của bảng tính, {unit.short_at(when)} ({unit.id}); "
            "đơn vị cũng không phối hợp nhiệm vụ này"
        )
    state_cell, completed_cell = row.values.get("status"), row.values.get("completed")
    if task is not None and supporting:
        # The task's state and completion are the lead's to report: a supporting unit's row saying
        # either is refused whole, rather than imported without what it says.
        lead = task.lead_at(when)
        for key in ("status", "completed"):
            if not blank(row.values.get(key)):
                reasons.append(
                    f"cột '{_TITLES[key]}': {unit.short_at(when)} ({unit.id}) phối hợp, "
                    f"không chủ trì nhiệm vụ {task.id}; "
                    f"{_LEAD_ONLY[key]} do đơn vị chủ trì, {lead.short_at(when)} ({lead.id}), báo cáo; "
                    "để trống cột này"
                )
        state_cell = completed_cell = None  # said once, as above
    text = _prose(row.values.get("text"), "nội dung", reasons)
    if text is None:
        reasons.append("thiếu nội dung đã thực hiện")
    evidence = _prose(row.values.get("evidence"), "minh chứng", reasons)
    note = _prose(row.values.get("note"), "khó khăn, lý do", reasons)
    try:
        status = cell_state(state_cell)
    except ValueError as exc:
        reasons.append(str(exc))
        status = None
    completed = _day(completed_cell, "ngày hoàn thành", start, today, reasons)
    if completed is not None:
        if status not in (None, "hoan-thanh"):
            label = fmt.STATUS_LABELS[status]
            reasons.append(f"có ngày hoàn thành nhưng trạng thái mới là '{label}'; chọn 'Hoàn thành'")
        elif day is not None and completed > day:
            reasons.append(
                f"ngày hoàn thành {fmt.day(completed)} sau ngày báo cáo {fmt.day(day)}; "
                "ghi ngày hoàn thành vào cột Ngày"
            )
        elif completed == day:  # finished on the entry's own day: written as the entry's status
            status, completed = "hoan-thanh", None
        elif day is not None:  # finished before the entry's day: the task's `completed:` says so
            status = None
            done = sorted({c.date for c in task.changes if c.status == "hoan-thanh"} - {completed}) if task else []
            if done:
                reasons.append(f"nhiệm vụ đã ghi hoàn thành ngày {fmt.day(done[-1])}; sửa trực tiếp trong tasks.yml")
    if task is not None and day is not None and status is not None and status == progress.status(task, day):
        status = None  # no change of state: written without `status`, as editors do
    if task is not None and day is not None and status == "hoan-thanh" and task.completed not in (None, day):
        reasons.append(
            f"nhiệm vụ đã ghi ngày hoàn thành {fmt.day(task.completed)} (completed); "
            "báo hoàn thành ngày khác thì sửa trực tiếp trong tasks.yml"
        )
    if reasons or task is None or day is None or text is None:
        return None, reasons
    reporter = unit if supporting else None
    return NewEntry(row, task, day, text, evidence, note, status, completed, source, reporter), []


def _ended_reason(task: Task, unit: Unit, ended: UnitEvent, day: date) -> str:
    """Why a unit that no longer exists on `day` cannot report then, naming who does."""
    label = UNIT_CHANGE_LABELS[ended.kind]
    holders = [u for u in (task.lead_at(day), *task.support_at(day)) if u.id == ended.successor]
    if holders:
        who = f"nhiệm vụ {task.id} do {holders[0].name_at(day)} ({holders[0].id}) thực hiện"
        who += ": báo cáo bằng bảng tính của đơn vị này"
    elif ended.successor:
        who = f"đơn vị tiếp nhận là '{ended.successor}'"
    else:
        who = "đơn vị không còn báo cáo tiến độ"
    return (
        f"ngày {fmt.day(day)}: {unit.short_at(day)} ({unit.id}) không còn từ ngày {fmt.day(ended.date)} "
        f"({label}); từ ngày đó {who}"
    )


_TITLES = {c.key: c.title for c in COLUMNS}
_LEAD_ONLY = {"status": "trạng thái của nhiệm vụ", "completed": "ngày hoàn thành nhiệm vụ"}


# --- whose workbook -------------------------------------------------------------------------


def _named_unit(file: str, units: dict[str, Unit]) -> Unit | None:
    """The unit a file name names as the office names the workbooks (tien-do-UNIT.xlsx), if any;
    what a copy adds around it ("Bản sao tien-do-van-phong (1).xlsx", "-quy-1") is allowed."""
    name = fold(file).lower()
    found = [
        u for u in units.values() if re.search(rf"(?<![a-z0-9])tien[-_ ]do[-_ ]{re.escape(u.id)}(?![a-z0-9])", name)
    ]
    return max(found, key=lambda u: len(u.id)) if found else None


def _unit_text(unit_id: str, units: dict[str, Unit]) -> str:
    known = units.get(unit_id)
    return f"'{shorten(unit_id)}' " + (f"({known.short})" if known else "(không có trong data/agency.yml)")


def whose(book: Workbook, units: dict[str, Unit], named: Unit | None = None) -> tuple[Unit | None, list[str]]:
    """The unit a workbook is read as (`named`, or the one its binding names), and what
    disagrees: a missing or altered binding, or a "Mã đơn vị" cell or file name naming another."""
    facts: list[str] = []
    bound = None
    binding = book.binding
    if binding is None:
        facts.append(
            f"không có trang ẩn '{BINDING_SHEET}' cho biết bảng tính được lập cho đơn vị nào (không phải bảng tính "
            "tải từ trang của đơn vị, hoặc trang đó đã bị xóa)"
        )
    elif not binding.intact:
        facts.append(f"trang ẩn '{BINDING_SHEET}' đã bị sửa (mã kiểm tra không khớp)")
    elif binding.unit_id not in units:
        facts.append(f"bảng tính được lập cho đơn vị {_unit_text(binding.unit_id or '', units)}")
    else:
        bound = units[binding.unit_id]
    unit = named or bound
    if unit is None:
        return None, facts
    if named is not None and bound is not None and bound.id != named.id:
        facts.append(f"bảng tính được lập cho {bound.short} ({bound.id})")
    against = "" if named else f" nhưng bảng tính được lập cho {unit.short} ({unit.id})"
    if book.unit_id is not None and book.unit_id != unit.id:
        facts.append(f"ô '{UNIT_LABEL}' (trang '{GUIDE_SHEET}') ghi {_unit_text(book.unit_id, units)}{against}")
    in_name = _named_unit(book.file, units)
    if in_name is not None and in_name.id != unit.id:
        facts.append(f"tên tệp chỉ {in_name.short} ({in_name.id}){against}")
    return unit, facts


def plan_import(
    site: Site, books: list[Workbook], today: date, outcome: Outcome, unit: str | None = None
) -> list[NewEntry]:
    """The entries to add from every workbook, each read as the unit it was made for, or as
    `unit` when the editor names one; refusals, notes and duplicates go into `outcome`."""
    index = _Index(site)
    units = {u.id: u for u in site.agency.units}
    named = units[unit] if unit is not None else None
    entries: list[NewEntry] = []
    for book in books:
        book_unit, facts = whose(book, units, named)
        if named is None and (book_unit is None or facts):
            outcome.refused_files.append(
                f"{book.file}: {'; '.join(facts)}; không nhập {len(book.rows)} dòng (nếu chắc chắn tệp là báo cáo "
                "của một đơn vị, nhập riêng tệp đó với --unit MÃ-ĐƠN-VỊ)"
            )
            continue
        assert book_unit is not None
        if facts:
            outcome.notes.append(
                f"{book.file}: {'; '.join(facts)}; nhập như báo cáo của {book_unit.short} ({book_unit.id}) theo --unit"
            )
        source = Source(book.file, book.sha256, today)
        for row in book.rows:
            entry, reasons = check_row(row, book_unit, index, today, source)
            if entry is None:
                outcome.refused.append(f"{row.where}: {'; '.join(reasons)}")
                continue
            seen = (entry.task.plan_year, entry.task.id, entry.date, _same(entry.text))
            if seen in index.seen:
                outcome.duplicates.append(f"{row.where}: đã có mục ngày {fmt.day(entry.date)} cùng nội dung")
                continue
            index.seen.add(seen)
            entries.append(entry)
    return entries


# --- writing tasks.yml ----------------------------------------------------------------------


def _entry_lines(entry: NewEntry, dash: int, newline: str) -> list[str]:
    pad = " " * (dash + 2)
    lines = [f"{' ' * dash}- date: {entry.date.isoformat()}"]
    if entry.unit is not None:
        lines.append(f"{pad}unit: {entry.unit.id}")
    lines.append(f"{pad}text: {quote(entry.text)}")
    if entry.evidence:
        lines.append(f"{pad}evidence: {quote(entry.evidence)}")
    if entry.note:
        lines.append(f"{pad}note: {quote(entry.note)}")
    if entry.status:
        lines.append(f"{pad}status: {entry.status}")
    source = entry.source
    lines += [
        f"{pad}source:",
        f"{pad}  file: {quote(source.file)}",
        f"{pad}  sha256: {quote(source.sha256)}",
        f"{pad}  imported: {source.imported.isoformat()}",
    ]
    return [line + newline for line in lines]


def _end_line(node: yaml.Node) -> int:
    """The last line (0-based) holding the node's own text. A block collection's end mark is
    where the next token starts, after any comments that belong to what follows: its last
    child's end is used instead."""
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style and node.value:
        children = [v for _, v in node.value] if isinstance(node, yaml.MappingNode) else node.value
        return max(_end_line(child) for child in children)
    end = node.end_mark
    return end.line if end.column > 0 else end.line - 1


def _dash_column(lines: list[str], item: yaml.Node) -> int:
    """Where the '- ' of a block sequence item is (its first key starts after it)."""
    line = lines[item.start_mark.line][: item.start_mark.column].rstrip()
    return len(line) - 1 if line.endswith("-") else max(item.start_mark.column - 2, 0)


# Lines inserted before the same line go in this order: the task's `completed:`, a new
# `progress:` key, then the entries by date.
_COMPLETED, _PROGRESS, _ENTRY = range(3)


def add_entries(text: str, entries: list[NewEntry]) -> str:
    """The tasks file `text` with `entries` added into their tasks' progress lists, by date."""
    root = yaml.compose(text, Loader=Loader)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    tasks = next(v for k, v in root.value if k.value == "tasks")
    nodes = {}
    for node in tasks.value:
        keys = {k.value: (k, v) for k, v in node.value}
        nodes[_task_key(keys["id"][1].value)] = (node, keys)
    before: dict[int, list[tuple[int, str]]] = {}  # line index → (order, line) inserted before it
    replaced: dict[int, str] = {}
    started: set[str] = set()  # tasks given a `progress:` key or `completed:` in this import
    for entry in sorted(entries, key=lambda e: (e.date, e.row.file, e.row.sheet, e.row.number)):
        task_key = _task_key(entry.task.id)
        node, keys = nodes[task_key]
        indent = " " * keys["id"][0].start_mark.column
        task_end = _end_line(node) + 1
        if entry.completed and "completed" not in keys and f"{task_key}:completed" not in started:
            at = keys["progress"][0].start_mark.line if "progress" in keys else task_end
            before.setdefault(at, []).append((_COMPLETED, f"{indent}completed: {entry.completed.isoformat()}{newline}"))
            started.add(f"{task_key}:completed")
        progress_node = keys["progress"][1] if "progress" in keys else None
        items = progress_node.value if isinstance(progress_node, yaml.SequenceNode) else []
        if progress_node is None:
            if task_key not in started:
                before.setdefault(task_end, []).append((_PROGRESS, f"{indent}progress:{newline}"))
                started.add(task_key)
            at, dash = task_end, len(indent) + 2
        elif progress_node.flow_style and not items:  # progress: [] becomes a block list
            line = progress_node.start_mark.line
            source = replaced.get(line, lines[line])
            start, end = progress_node.start_mark.column, progress_node.end_mark.column
            replaced[line] = source[:start].rstrip() + source[end:]
            at, dash = line + 1, len(indent) + 2
        else:
            earlier = [i for i in items if _entry_date(i) <= entry.date]
            at = _end_line(earlier[-1]) + 1 if earlier else items[0].start_mark.line
            dash = _dash_column(lines, items[0])
        before.setdefault(at, []).extend((_ENTRY, line) for line in _entry_lines(entry, dash, newline))
    out: list[str] = []
    for number in range(len(lines) + 1):
        inserted = [line for _, line in sorted(before.get(number, []), key=lambda item: item[0])]
        if inserted and out and not out[-1].endswith("\n"):
            out[-1] += newline
        out.extend(inserted)
        if number < len(lines):
            out.append(replaced.get(number, lines[number]))
    return "".join(out)


def _entry_date(item: yaml.Node) -> date:
    keys = {k.value: v for k, v in item.value} if isinstance(item, yaml.MappingNode) else {}
    try:
        return date.fromisoformat(str(keys["date"].value).strip())
    except (KeyError, ValueError, AttributeError):
        return date.min


def flow_progress(text: str, entries: list[NewEntry]) -> set[str]:
    """Tasks (by key) whose progress list is written on one line with items in it: the line
    editor cannot add to those without rewriting the editor's text."""
    root = yaml.compose(text, Loader=Loader)
    tasks = next((v for k, v in root.value if k.value == "tasks"), None)
    wanted = {_task_key(e.task.id) for e in entries}
    found = set()
    for node in tasks.value:
        keys = {k.value: v for k, v in node.value}
        value = keys.get("progress")
        flow = isinstance(value, yaml.SequenceNode) and value.flow_style and value.value
        if flow and _task_key(keys["id"].value) in wanted:
            found.add(_task_key(keys["id"].value))
    return found


def _file_name(path: Path) -> str:
    """The file's name as recorded in `source.file` (NFC, without its folder); WorkbookError for
    a name that cannot be recorded."""
    name = unicodedata.normalize("NFC", path.name)
    bad = _CONTROL.search(name) or re.search(r"[\t\n]", name)
    if bad:
        raise WorkbookError(f"tên tệp có ký tự không in được U+{ord(bad[0]):04X}; hãy đổi tên tệp rồi nhập lại")
    if len(name) > MAX_FILE_NAME:
        raise WorkbookError(f"tên tệp dài {len(name)} ký tự, quá giới hạn {MAX_FILE_NAME}; hãy đổi tên tệp")
    return name


def _shown(path: Path) -> str:
    """A file's name fit for a message: what cannot be printed escaped, cut short."""
    name = "".join(f"\\u{ord(c):04x}" if _CONTROL.match(c) or c in "\t\n" else c for c in path.name)
    return shorten(name, 80)


def import_progress(data_dir: Path, files: list[Path], root: Path, today: date, unit: str | None = None) -> Outcome:
    """Read `files`, add their entries to the tasks files under `data_dir` if the whole data set
    still validates with them; what was done, refused or already there is in the outcome.
    `unit`: the one file is read as that unit's, whatever its binding says (UsageError for an
    unknown unit or several files)."""
    outcome = Outcome()
    site = load_site(data_dir, root, today)
    if unit is not None:
        known = [u.id for u in site.agency.units]
        if unit not in known:
            raise UsageError(
                f"--unit '{shorten(unit)}': không có đơn vị này trong data/agency.yml (có: {', '.join(known)})"
            )
        if len(files) != 1:
            raise UsageError(
                f"--unit chỉ dùng với một tệp (đã cho {len(files)} tệp): nhập riêng tệp cần chỉ định đơn vị, "
                "các tệp khác nhập như thường"
            )
    books = []
    for path in files:
        try:
            books.append(read_workbook(path, _file_name(path)))
        except WorkbookError as exc:
            outcome.refused_files.append(f"{_shown(path)}: {exc}")
    entries = plan_import(site, books, today, outcome, unit)
    by_file: dict[Path, list[NewEntry]] = {}
    for entry in entries:
        by_file.setdefault(data_dir / "plans" / str(entry.task.plan_year) / "tasks.yml", []).append(entry)
    texts: dict[Path, str] = {}
    for path, found in sorted(by_file.items()):
        text = path.read_bytes().decode("utf-8")  # as it is: Windows line ends stay
        flow = flow_progress(text, found)
        for entry in [e for e in found if _task_key(e.task.id) in flow]:
            outcome.refused.append(
                f"{entry.row.where}: nhật ký tiến độ của nhiệm vụ {entry.task.id} viết trên một dòng ([...]); "
                "hãy viết lại mỗi mục trên nhiều dòng rồi nhập lại"
            )
        kept = [e for e in found if _task_key(e.task.id) not in flow]
        if kept:
            texts[path] = add_entries(text, kept)
            outcome.added += kept
    if not texts:
        return outcome
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / data_dir.name
        shutil.copytree(data_dir, copy)
        for path, text in texts.items():
            (copy / path.relative_to(data_dir)).write_text(text, encoding="utf-8", newline="")
        try:
            load_site(copy, Path(tmp), today)  # messages read "data/plans/YEAR/tasks.yml:LINE: ..."
        except DataError as exc:
            outcome.problems = [str(p) for p in exc.problems]
            outcome.added = []
            return outcome
    for path, text in texts.items():
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8", newline="")
        partial.replace(path)  # all or nothing for each file
        outcome.written.append(path)
    return outcome
