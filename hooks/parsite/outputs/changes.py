"""What changed in the data since the previous published release.

Each build writes a small snapshot of what the data says (`du-lieu/snapshot.json`: every
task's progress entries and its state that day, every year's result) into the site. The next
build reads the snapshot of the release being replaced and compares: new progress entries,
tasks whose state changed, new or corrected results, new tasks. The comparison is made from
the data, never guessed from file dates; when no previous snapshot can be read, it says so.

Where the previous snapshot is looked for, first found wins:
- `PARSITE_PREVIOUS`: a snapshot file, or a built site folder holding one;
- `DEPLOY_TARGET` when it is a folder (scripts/deploy.py): the live release, `current/`.
A remote `DEPLOY_TARGET` (user@host:/path) is not read during the build: copy the live
release's `du-lieu/snapshot.json` first and give it as `PARSITE_PREVIOUS`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import fmt
from ..data_in import progress
from ..data_in.model import ProgressEntry, Site, Task, YearResult

SNAPSHOT = "du-lieu/snapshot.json"
FORMAT = "parsite-snapshot/1"
_REMOTE = re.compile(r"^(?:[^@/:]+@)?[^/:]+:(/.*)$")  # as scripts/deploy.py reads DEPLOY_TARGET


def _entry_record(entry: ProgressEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "unit": entry.unit.id,
        "text": entry.text,
        "evidence": entry.evidence,
        "note": entry.note,
        "status": entry.status,
    }


def _result_record(result: YearResult) -> dict[str, Any]:
    return {
        "year": result.year,
        "total": None if result.total is None else str(result.total),
        "rank": result.rank,
        "ranked_count": result.ranked_count,
    }


def _task_record(task: Task, state: progress.TaskState) -> dict[str, Any]:
    return {
        "plan_year": task.plan_year,
        "id": task.id,
        "state": state.key,
        "state_label": state.label,
        "entries": [_entry_record(e) for e in task.progress],
    }


def snapshot(site: Site) -> dict[str, Any]:
    """What the data says on the build's day, in the form the next build compares with."""
    return {
        "format": FORMAT,
        "built": site.built.isoformat(),
        "today": site.today.isoformat(),
        "tasks": [_task_record(t, progress.state(t, site.today)) for t in site.tasks],
        "results": [_result_record(r) for r in site.results],
    }


def snapshot_bytes(site: Site) -> bytes:
    return (json.dumps(snapshot(site), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Previous:
    """The previous release's snapshot, or why there is none (`data` is None)."""

    data: dict[str, Any] | None
    why: str  # where it was read from, or why nothing was read (for the build log)

    def fingerprint(self) -> str:
        """What the change summary is made from, as one line (part of the build cache's key)."""
        snapshot = json.dumps(self.data, sort_keys=True, default=str) if self.data is not None else ""
        return f"{self.why}\n{hashlib.sha256(snapshot.encode('utf-8')).hexdigest()}"


def find_previous(given: str, target: str) -> Previous:
    """The previous release's snapshot, from PARSITE_PREVIOUS (`given`) or a folder DEPLOY_TARGET
    (`target`), as parsite.settings read them."""
    if given:
        path = Path(given)
        if path.is_dir():
            path = path / SNAPSHOT
        where = str(path)
    elif target and _REMOTE.match(target):
        return Previous(None, "DEPLOY_TARGET là máy chủ từ xa; đặt PARSITE_PREVIOUS để so sánh với bản đang phát hành")
    elif target:
        # The deploy target is a secret in CI (scripts/deploy.py never prints it): not named here either.
        path = Path(target) / "current" / SNAPSHOT
        where = f"bản đang phát hành (DEPLOY_TARGET/current/{SNAPSHOT})"
    else:
        return Previous(None, "chưa đặt PARSITE_PREVIOUS hoặc DEPLOY_TARGET")
    if not path.is_file():
        return Previous(None, f"không có {where} (bản trước chưa có ảnh chụp dữ liệu hoặc chưa phát hành)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Previous(None, f"không đọc được {where}: {type(exc).__name__}")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return Previous(None, f"{where} không phải ảnh chụp dữ liệu dạng {FORMAT}")
    return Previous(data, where)


@dataclass(frozen=True)
class NewEntry:
    task: Task
    entry: ProgressEntry


@dataclass(frozen=True)
class StateChange:
    task: Task
    before: str  # label, as the previous release showed it
    after: str


@dataclass(frozen=True)
class ResultChange:
    result: YearResult
    new: bool  # False: a year already published whose figures changed


@dataclass(frozen=True)
class Changes:
    """The data changes since the previous release; `available` is False when there was none."""

    available: bool
    why: str
    built: datetime | None = None  # when the previous release was built
    new_tasks: tuple[Task, ...] = ()
    new_entries: tuple[NewEntry, ...] = ()
    removed_entries: int = 0  # entries of the previous release no longer in the data (edited or deleted)
    state_changes: tuple[StateChange, ...] = ()
    results: tuple[ResultChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.new_tasks or self.new_entries or self.removed_entries or self.state_changes or self.results)

    def summary(self) -> str:
        """One line for the build log."""
        if not self.available:
            return f"Không có bản phát hành trước để so sánh ({self.why})."
        when = f"cập nhật lúc {self.built:%H:%M} ngày {fmt.day(self.built.date())}" if self.built else "không rõ ngày"
        return (
            f"Thay đổi dữ liệu so với bản phát hành trước ({when}): {len(self.new_entries)} mục tiến độ mới, "
            f"{len(self.state_changes)} nhiệm vụ đổi trạng thái, {len(self.results)} kết quả mới hoặc sửa, "
            f"{len(self.new_tasks)} nhiệm vụ mới, {self.removed_entries} mục tiến độ bị sửa hoặc xóa."
        )

    def details(self, limit: int = 20) -> list[str]:
        """Up to `limit` lines naming what changed, for the build log."""
        lines = [
            f"mục tiến độ mới: {n.task.plan_year}/{n.task.id} {fmt.day(n.entry.date)}: {n.entry.text}"
            for n in self.new_entries
        ]
        lines += [f"trạng thái: {c.task.plan_year}/{c.task.id}: {c.before} → {c.after}" for c in self.state_changes]
        lines += [f"kết quả {'mới' if r.new else 'sửa'}: năm {r.result.year}" for r in self.results]
        lines += [f"nhiệm vụ mới: {t.plan_year}/{t.id}" for t in self.new_tasks]
        if len(lines) > limit:
            lines = [*lines[:limit], f"... và {len(lines) - limit} thay đổi khác (xem trang Thay đổi dữ liệu)"]
        return lines


def _entry_key(record: dict[str, Any]) -> tuple:
    return tuple(record.get(k) for k in ("date", "unit", "text", "evidence", "note", "status"))


def compare(previous: Previous, site: Site) -> Changes:
    """The changes from the previous snapshot to the data of `site` (as it stands on site.today)."""
    if previous.data is None:
        return Changes(False, previous.why)
    data = previous.data
    try:
        built = datetime.fromisoformat(data["built"])
        before_tasks = {(t["plan_year"], t["id"]): t for t in data["tasks"]}
        before_results = {r["year"]: r for r in data["results"]}
    except (KeyError, TypeError, ValueError) as exc:
        return Changes(False, f"ảnh chụp dữ liệu trước không đúng dạng ({exc})")
    new_tasks, new_entries, state_changes = [], [], []
    removed = 0
    for task in site.tasks:
        before = before_tasks.get((task.plan_year, task.id))
        if before is None:
            new_tasks.append(task)
            new_entries += [NewEntry(task, e) for e in task.progress]
            continue
        old = Counter(_entry_key(r) for r in before.get("entries", []) if isinstance(r, dict))
        for entry in task.progress:
            key = _entry_key(_entry_record(entry))
            if old[key]:
                old[key] -= 1
            else:
                new_entries.append(NewEntry(task, entry))
        removed += sum(old.values())
        now = progress.state(task, site.today)
        if before.get("state") != now.key:
            state_changes.append(StateChange(task, str(before.get("state_label", before.get("state"))), now.label))
    results = []
    for result in site.results:
        old_result = before_results.get(result.year)
        if old_result is None:
            results.append(ResultChange(result, True))
        elif old_result != _result_record(result):
            results.append(ResultChange(result, False))
    new_entries.sort(key=lambda n: (n.entry.date, n.task.plan_year, n.task.id), reverse=True)
    return Changes(
        True,
        previous.why,
        built,
        tuple(new_tasks),
        tuple(new_entries),
        removed,
        tuple(state_changes),
        tuple(results),
    )


def none() -> Changes:
    """No comparison made (pages generated without a build, e.g. for another engine)."""
    return Changes(False, "không so sánh")
