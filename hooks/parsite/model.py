"""The site's domain model: frozen dataclasses built from validated data.

Unknown values are None, never a guess: the renderer shows them as "chưa có số liệu".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .dates import Deadline


@dataclass(frozen=True)
class Document:
    """Văn bản: a cited legal document (căn cứ, nguồn số liệu)."""

    id: str
    kind: str
    number: str
    date: date
    subject: str
    issuer: str | None = None


@dataclass(frozen=True)
class UnitEvent:
    """One change in a unit's history (đổi tên, sáp nhập, giải thể)."""

    date: date
    change: str
    document: Document | None = None


# Units and tasks compare and hash by identity: each is one object in the model, and hashing
# a task by value (its whole progress log) would make every lookup cost as much as a copy.
@dataclass(frozen=True, eq=False)
class Unit:
    """Đơn vị: a unit of the agency that leads or supports tasks."""

    id: str
    name: str
    short: str
    kind: str
    history: tuple[UnitEvent, ...] = ()


@dataclass(frozen=True)
class Agency:
    """Cơ quan: the agency that issues the plan."""

    name: str
    short: str
    self_name: str
    header_name: str
    parent: str
    province: str
    place: str
    ranked_group: str
    units: tuple[Unit, ...]
    emblem: str | None = None  # biểu trưng: a PNG/SVG file under data/ (parsite.emblem)

    def unit(self, unit_id: str) -> Unit:
        return next(u for u in self.units if u.id == unit_id)


@dataclass(frozen=True)
class Field:
    """Lĩnh vực: one field of the PAR INDEX with its maximum points."""

    id: int
    name: str
    max: Decimal


@dataclass(frozen=True)
class Methodology:
    """A version of the PAR INDEX methodology, applying from `from_year` on."""

    from_year: int
    total: Decimal
    fields: tuple[Field, ...]

    def field(self, field_id: int) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class FieldScore:
    """Points of one field in one year; `points` is None when unknown."""

    field: Field
    points: Decimal | None

    @property
    def lost(self) -> Decimal | None:
        """Điểm bị trừ: points below the maximum."""
        return None if self.points is None else self.field.max - self.points


@dataclass(frozen=True)
class YearResult:
    """Kết quả Chỉ số CCHC of the agency in one year."""

    year: int
    total: Decimal | None
    rank: int | None
    ranked_count: int | None
    rank_derived: bool
    source: Document | None
    derived_from_plan: int | None
    note: str | None
    methodology: Methodology | None
    scores: tuple[FieldScore, ...]

    def score(self, field_id: int) -> FieldScore | None:
        return next((s for s in self.scores if s.field.id == field_id), None)


@dataclass(frozen=True)
class ProgressEntry:
    """One dated entry of a task's progress log (nhật ký tiến độ).

    `status`, when given, is the state the task is in from this entry's date on.
    """

    date: date
    unit: Unit
    text: str
    evidence: str | None = None
    note: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class StatusChange:
    """Chuyển trạng thái: from `date` on, the task is in `status` (until the next change).

    Made from a progress entry that carries `status:`, or from the task's `completed:` date.
    """

    date: date
    status: str
    entry: ProgressEntry | None = None  # None: the task's `completed:` date


@dataclass(frozen=True, eq=False)
class Task:
    """Nhiệm vụ, giải pháp: one row of a plan's appendix."""

    id: str
    plan_year: int
    field: Field
    criterion: str | None
    problem: str
    task: str
    lead: Unit
    support: tuple[Unit, ...]
    deadline: Deadline
    output: str
    sample: bool
    progress: tuple[ProgressEntry, ...] = ()  # oldest first
    completed: date | None = None  # `completed:` as written: a change to hoan-thanh on that day
    # Every dated change of state, oldest first (same day: in the order written, `completed` last).
    # Where the task stands on a day is worked out from these by parsite.progress, nowhere else.
    changes: tuple[StatusChange, ...] = ()

    @property
    def anchor(self) -> str:
        """HTML id of the task on its lead unit's page, unique across plans."""
        return f"nv-{self.plan_year}-{self.id.lower().replace('.', '-')}"


@dataclass(frozen=True)
class Section:
    """A section of the plan's text; rendered in the order of its attributes."""

    title: str
    overview: YearResult | None = None
    paragraphs: tuple[str, ...] = ()
    cites: tuple[Document, ...] = ()
    items: tuple[str, ...] = ()
    appendix_link: bool = False
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Target:
    """Mục tiêu: the plan's goal for the rank."""

    min_rank_gain: int
    text: str


@dataclass(frozen=True)
class Signature:
    authority: str | None
    position: str
    name: str


@dataclass(frozen=True)
class ReportSettings:
    """How the plan's quarterly progress reports are issued."""

    number_suffix: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """Kế hoạch: one year's plan document with its appendix of tasks."""

    year: int
    kind: str
    number: str | None
    number_suffix: str
    day: int | None
    month: int | None
    date_year: int
    title: str
    short_title: str
    base: YearResult
    target: Target
    legal_basis: tuple[Document, ...]
    preamble: str | None
    sections: tuple[Section, ...]
    closing: str
    recipients: tuple[str, ...]
    signature: Signature
    methodology: Methodology
    sample: bool
    report: ReportSettings
    tasks: tuple[Task, ...] = field(default=())

    @property
    def target_rank(self) -> int | None:
        """The rank the plan aims for at worst (base rank − gain), if the base rank is known."""
        if self.base.rank is None:
            return None
        return max(1, self.base.rank - self.target.min_rank_gain)


@dataclass(frozen=True)
class ProvinceResult:
    """The province's own PAR INDEX result in one year (national ranking)."""

    year: int
    total: Decimal | None
    rank: int | None
    ranked_count: int | None


@dataclass(frozen=True)
class Province:
    """Optional context: the province's PAR INDEX results and where they are stated."""

    name: str
    source: Document
    results: tuple[ProvinceResult, ...]


@dataclass(frozen=True)
class Site:
    """Everything the site shows, built from `data/`."""

    agency: Agency
    documents: tuple[Document, ...]
    methodologies: tuple[Methodology, ...]
    results: tuple[YearResult, ...]  # oldest first
    plans: tuple[Plan, ...]  # oldest first
    today: date  # in Vietnam; pinned by SITE_TODAY
    province: Province | None = None

    @property
    def tasks(self) -> tuple[Task, ...]:
        """Every task of every plan, oldest plan first."""
        return tuple(t for p in self.plans for t in p.tasks)

    @property
    def latest_result(self) -> YearResult:
        return self.results[-1]

    @property
    def current_plan(self) -> Plan | None:
        return self.plans[-1] if self.plans else None

    def previous_result(self, year: int) -> YearResult | None:
        return next((r for r in self.results if r.year == year - 1), None)

    def rank_change(self, result: YearResult) -> int | None:
        """Ranks gained since the year before (negative: lost), if both ranks are known."""
        before = self.previous_result(result.year)
        if before is None or before.rank is None or result.rank is None:
            return None
        return before.rank - result.rank

    def fields(self) -> tuple[Field, ...]:
        """Fields of the newest methodology (the ones pages are made for)."""
        return self.methodologies[-1].fields

    def tasks_led_by(self, unit: Unit) -> list[Task]:
        return [t for t in self.tasks if t.lead.id == unit.id]

    def tasks_supported_by(self, unit: Unit) -> list[Task]:
        return [t for t in self.tasks if unit in t.support]
