"""Rewrite a tasks.yml written with the old typed `status:` into dated state changes.

The old form gave each task one `status:` with no date; the site now works out a task's
state on any day from dated records (a progress entry's `status:`, the `completed:` date).
Each old status is moved onto the dated record that justifies it, by the rules the site
itself used with the old form, and nothing is dated by guess:

- `hoan-thanh`: finished on `completed:` if given, else on the day of the last progress entry
  (the old rule); the entry of that day gets `status: hoan-thanh` (and `completed:` goes when
  an entry of that very day carries it). Logged work before that day was "đang thực hiện"
  (the old rule too), so the first entry gets `status: dang-thuc-hien`.
- `dang-thuc-hien`: begun on the day of the first progress entry.
- `tam-dung`: paused on the day of the last progress entry (the one that says why), begun on
  the first if that is earlier.
- `chua-trien-khai`: the line is removed; a task with no change is not started.

A status with no dated record to carry it is not moved: the line stays, so the build keeps
refusing it, and the task is listed, unless a day is given for such states (`undated`): then a
progress entry of that day is added, with a comment saying the day was chosen at migration.
The text is edited line by line, so comments and layout are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import yaml

from ..dates import parse_iso

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class _Entry:
    day: date | None
    first_line: int  # 0-based
    last_line: int
    indent: int
    status: str | None
    flow: bool


@dataclass
class Migration:
    """The rewritten text and, task by task, what was done or could not be done."""

    text: str
    done: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # statuses with no dated record: not moved


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _last_line(node: yaml.Node) -> int:
    """The last line a node's text is on (a block ends at the start of the next line)."""
    end = node.end_mark
    return end.line if end.column > 0 else end.line - 1


def _entries(node: yaml.Node | None) -> list[_Entry]:
    if not isinstance(node, yaml.SequenceNode):
        return []
    found = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode) or not item.value:
            continue
        keys = {k.value: v for k, v in item.value}
        try:
            day = parse_iso(_scalar(keys.get("date")) or "")
        except ValueError:
            day = None
        found.append(
            _Entry(
                day,
                item.start_mark.line,
                max(_last_line(v) for _, v in item.value),
                item.value[0][0].start_mark.column,
                _scalar(keys.get("status")),
                bool(item.flow_style),
            )
        )
    return found


def migrate_text(text: str, undated: date | None = None) -> Migration:
    """The tasks file `text` in the dated form (see the module docstring)."""
    root = yaml.compose(text, Loader=Loader)
    lines = text.splitlines(keepends=True)
    migration = Migration(text)
    if not isinstance(root, yaml.MappingNode):
        return migration
    tasks = next((v for k, v in root.value if k.value == "tasks"), None)
    if not isinstance(tasks, yaml.SequenceNode):
        return migration
    # (line index, action): insertions after a line, deletions of a line; applied bottom up.
    inserts: dict[int, list[str]] = {}
    deletes: set[int] = set()
    for node in tasks.value:
        if not isinstance(node, yaml.MappingNode):
            continue
        keys = {k.value: (k, v) for k, v in node.value}
        if "status" not in keys:
            continue
        name = _scalar(keys.get("id", (None, None))[1]) or "?"
        status_key, status_value = keys["status"]
        old = _scalar(status_value)
        entries = [e for e in _entries(keys.get("progress", (None, None))[1]) if e.day is not None]
        if any(e.flow for e in entries):
            migration.left.append(f"{name}: nhật ký viết trên một dòng ({{...}}), hãy chuyển tay")
            continue
        completed_key = keys.get("completed")
        completed = None
        if completed_key is not None:
            try:
                completed = parse_iso(_scalar(completed_key[1]) or "")
            except ValueError:
                completed = None

        def mark(entry: _Entry, status: str, why: str | None, old: str | None = old) -> None:
            if entry.status == status:
                return
            comment = f"  # chuyển đổi từ 'status: {old}': {why}" if why else ""
            inserts.setdefault(entry.last_line, []).append(f"{' ' * entry.indent}status: {status}{comment}\n")

        task_indent = status_key.start_mark.column
        if old == "chua-trien-khai":
            migration.done.append(f"{name}: chưa triển khai (không có thay đổi trạng thái)")
        elif old in ("dang-thuc-hien", "hoan-thanh", "tam-dung") and not entries and completed is None:
            if undated is None:
                migration.left.append(f"{name}: trạng thái '{old}' không có mục tiến độ nào có ngày")
                continue
            progress_key = keys.get("progress")
            block = [
                f"{' ' * (task_indent + 2)}# Chuyển đổi dữ liệu: trạng thái '{old}' cũ không có ngày; "
                f"ngày {undated.isoformat()} được chọn khi chuyển đổi.\n",
            ]
            if progress_key is None:
                block.insert(0, f"{' ' * task_indent}progress:\n")
                after = max(_last_line(v) for _, v in node.value)
            else:
                after = _last_line(progress_key[1])
            block += [
                f"{' ' * (task_indent + 2)}- date: {undated.isoformat()}\n",
                f"{' ' * (task_indent + 4)}text: Trạng thái được ghi trước khi có nhật ký theo ngày.\n",
                f"{' ' * (task_indent + 4)}status: {old}\n",
            ]
            inserts.setdefault(after, []).extend(block)
            migration.done.append(f"{name}: '{old}' từ ngày {undated.isoformat()} (ngày được chọn, ghi chú trong tệp)")
        elif old == "hoan-thanh":
            day = completed or max(e.day for e in entries if e.day)
            same_day = [e for e in entries if e.day == day]
            if same_day:
                why = None if completed else "ngày hoàn thành là ngày của mục tiến độ cuối cùng"
                mark(same_day[-1], "hoan-thanh", why)
                if completed_key is not None:
                    deletes.add(completed_key[0].start_mark.line)
            earlier = [e for e in entries if e.day and e.day < day]
            if earlier:
                mark(earlier[0], "dang-thuc-hien", "công việc ghi trước ngày hoàn thành")
            migration.done.append(f"{name}: hoàn thành ngày {day.isoformat()}")
        elif old == "dang-thuc-hien":
            mark(entries[0], "dang-thuc-hien", "bắt đầu từ mục tiến độ đầu tiên")
            migration.done.append(f"{name}: đang thực hiện từ ngày {entries[0].day}")
        elif old == "tam-dung":
            if not entries:  # paused with only a completed date: contradictory, leave it to the editor
                migration.left.append(f"{name}: trạng thái 'tam-dung' không có mục tiến độ nào có ngày")
                continue
            if entries[0].day != entries[-1].day:
                mark(entries[0], "dang-thuc-hien", "bắt đầu từ mục tiến độ đầu tiên")
            mark(entries[-1], "tam-dung", "tạm dừng từ mục tiến độ cuối cùng")
            migration.done.append(f"{name}: tạm dừng từ ngày {entries[-1].day}")
        else:
            migration.left.append(f"{name}: trạng thái '{old}' không hợp lệ")
            continue
        deletes.add(status_key.start_mark.line)
    out = []
    for index, line in enumerate(lines):
        if index not in deletes:
            out.append(line)
        if index in inserts:
            if out and not out[-1].endswith("\n"):
                out[-1] += "\n"
            out.extend(inserts[index])
    migration.text = "".join(out)
    return migration
