"""Where each task stands on a given day: done, late, in progress, not started, paused.

Editors record four statuses (chưa triển khai, đang thực hiện, hoàn thành, tạm dừng) and a
dated progress log. "Quá hạn" and "hoàn thành quá hạn" are not typed in but computed from
the deadline and the day, so they can never disagree with the dates.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .fmt import STATUS_LABELS
from .model import ProgressEntry, Task

# The four statuses editors type, and the two computed from the dates.
LABELS = {**STATUS_LABELS, "hoan-thanh-qua-han": "Hoàn thành quá hạn", "qua-han": "Quá hạn"}

# Buckets of the progress bar, in display order (hoàn thành quá hạn counts as done).
BUCKETS = [
    ("done", LABELS["hoan-thanh"]),
    ("in-progress", LABELS["dang-thuc-hien"]),
    ("overdue", LABELS["qua-han"]),
    ("not-started", LABELS["chua-trien-khai"]),
    ("paused", LABELS["tam-dung"]),
]
_BUCKET_OF = {
    "hoan-thanh": "done",
    "hoan-thanh-qua-han": "done",
    "dang-thuc-hien": "in-progress",
    "qua-han": "overdue",
    "chua-trien-khai": "not-started",
    "tam-dung": "paused",
}


@dataclass(frozen=True)
class TaskState:
    key: str
    days_late: int | None = None  # for qua-han and hoan-thanh-qua-han

    @property
    def label(self) -> str:
        base = LABELS[self.key]
        return f"{base} {self.days_late} ngày" if self.days_late else base

    @property
    def bucket(self) -> str:
        return _BUCKET_OF[self.key]


def log_until(task: Task, as_of: date) -> tuple[ProgressEntry, ...]:
    return tuple(e for e in task.progress if e.date <= as_of)


@functools.lru_cache(maxsize=1 << 17)
def state(task: Task, as_of: date) -> TaskState:
    """The task's state on `as_of` (a finish recorded after that day does not count yet)."""
    due = task.deadline.due
    finished = task.completion_date
    if task.status == "hoan-thanh" and (finished is None or finished <= as_of):
        if due and finished and finished > due:
            return TaskState("hoan-thanh-qua-han", (finished - due).days)
        return TaskState("hoan-thanh")
    if task.status == "tam-dung":
        return TaskState("tam-dung")
    if due and due < as_of:
        return TaskState("qua-han", (as_of - due).days)
    if task.status == "hoan-thanh":  # finished after as_of: where it stood then
        return TaskState("dang-thuc-hien" if log_until(task, as_of) else "chua-trien-khai")
    return TaskState(task.status)


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    total: int

    def share(self, bucket: str) -> float:
        return 100 * self.counts[bucket] / self.total if self.total else 0.0


def summary(tasks: list[Task] | tuple[Task, ...], as_of: date) -> Summary:
    found = Counter(state(t, as_of).bucket for t in tasks)
    return Summary({key: found.get(key, 0) for key, _ in BUCKETS}, len(tasks))
