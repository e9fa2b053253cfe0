"""Where each task stands on a given day: done, late, in progress, not started, paused.

The one clock of the site: every "as of" question (a task's state, days late, when it was
finished, what a report counts) goes through `state` and its helpers here, with the date
asked about. A state is never typed in once: it is worked out from the task's dated changes
(progress entries carrying `status:`, the `completed:` date), so a day in the past sees only
what had been recorded by then, however the task was updated later. "Quá hạn" and "hoàn thành
quá hạn" are computed from the deadline and that day, so they can never disagree with the dates.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from ..fmt import STATUS_LABELS
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
# The states readers see, filter by and count, one vocabulary for every page and download: a
# bucket is what the home page, unit pages and reports count, and what the finder filters by
# (its address uses these words: ?trang-thai=qua-han). "Quá hạn" is a state of its own, never
# also "Đang thực hiện".
BUCKET_SLUGS = {
    "done": "hoan-thanh",
    "in-progress": "dang-thuc-hien",
    "overdue": "qua-han",
    "not-started": "chua-trien-khai",
    "paused": "tam-dung",
}
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
    """The progress entries recorded on or before `as_of`."""
    return tuple(e for e in task.progress if e.date <= as_of)


NOT_STARTED = "chua-trien-khai"


def _status_since(task: Task, as_of: date) -> tuple[str, date | None]:
    """The recorded status on `as_of` and the day it began (None: never changed, not started)."""
    status, since = NOT_STARTED, None
    for change in task.changes:  # oldest first
        if change.date > as_of:
            break
        if change.status != status:
            status, since = change.status, change.date
    return status, since


def status(task: Task, as_of: date) -> str:
    """The recorded status on `as_of` (chua-trien-khai, dang-thuc-hien, hoan-thanh, tam-dung)."""
    return _status_since(task, as_of)[0]


def reason(task: Task, as_of: date) -> str | None:
    """Khó khăn, lý do: the latest note recorded on or before `as_of` that still applies then.

    A note given with a pause (`status: tam-dung`) is the reason for that pause: once a later
    change has ended the pause, it no longer explains where the task stands."""
    current, since = _status_since(task, as_of)
    notes = [
        e.note
        for e in log_until(task, as_of)
        if e.note and not (e.status == "tam-dung" and (current != "tam-dung" or since is None or e.date < since))
    ]
    return notes[-1] if notes else None


def finished(task: Task, as_of: date) -> date | None:
    """The day the task was finished, if it stands finished on `as_of`."""
    found, since = _status_since(task, as_of)
    return since if found == "hoan-thanh" else None


@functools.lru_cache(maxsize=1 << 17)
def state(task: Task, as_of: date) -> TaskState:
    """The task's state on `as_of`, from the changes recorded on or before that day only."""
    recorded, since = _status_since(task, as_of)
    due = task.deadline.due
    if recorded == "hoan-thanh":
        if due and since and since > due:
            return TaskState("hoan-thanh-qua-han", (since - due).days)
        return TaskState("hoan-thanh")
    if recorded == "tam-dung":
        return TaskState("tam-dung")
    if due and due < as_of:
        return TaskState("qua-han", (as_of - due).days)
    return TaskState(recorded)


@dataclass(frozen=True)
class Period:
    """One step of a task's timeline: the state it entered on `start`."""

    key: str
    start: date

    @property
    def label(self) -> str:
        return LABELS[self.key]


def timeline(task: Task, as_of: date) -> tuple[Period, ...]:
    """Each state the task has been in up to `as_of`, with the day it began, oldest first.

    A state begins on the day of a recorded change, or, for "quá hạn", the day after the
    deadline. The first state (chưa triển khai) has no date of its own: it is where every
    task starts, and it is only listed when a change brings the task back to it.
    """
    days = {c.date for c in task.changes if c.date <= as_of}
    due = task.deadline.due
    if due and due + timedelta(days=1) <= as_of:
        days.add(due + timedelta(days=1))
    periods: list[Period] = []
    current = NOT_STARTED
    for day in sorted(days):
        key = state(task, day).key
        if key != current:
            periods.append(Period(key, day))
            current = key
    return tuple(periods)


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    total: int

    def share(self, bucket: str) -> float:
        return 100 * self.counts[bucket] / self.total if self.total else 0.0


def summary(tasks: list[Task] | tuple[Task, ...], as_of: date) -> Summary:
    found = Counter(state(t, as_of).bucket for t in tasks)
    return Summary({key: found.get(key, 0) for key, _ in BUCKETS}, len(tasks))


# Sắp đến hạn: how far ahead a deadline counts as near, on the pages and in the reminders alike.
DUE_SOON_DAYS = 14
# States in which a task is still to be done. A paused task (tạm dừng) is on hold by decision and
# never becomes overdue (`state`): it is not pressed either.
_TO_DO = ("chua-trien-khai", "dang-thuc-hien")


def days_left(task: Task, as_of: date, within: int = DUE_SOON_DAYS) -> int | None:
    """Days until the deadline (0: due that day) when the task is still to do on `as_of` and due
    within `within` days; None otherwise (finished, paused, overdue, ongoing, or due later)."""
    due = task.deadline.due
    if due is None or not as_of <= due <= as_of + timedelta(days=within):
        return None
    return (due - as_of).days if state(task, as_of).key in _TO_DO else None
