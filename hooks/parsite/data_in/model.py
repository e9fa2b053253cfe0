"""The site's domain model: frozen dataclasses built from validated data.

Unknown values are None, never a guess: the renderer shows them as "chưa có số liệu".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal

from ..dates import Deadline


@dataclass(frozen=True)
class Document:
    """Văn bản: a cited legal document (căn cứ, nguồn số liệu)."""

    id: str
    kind: str
    number: str
    date: date
    subject: str
    issuer: str | None = None


# Every kind of change a unit's history may record (agency.yml, units[].history[].kind), with
# the words pages use for it. The schema's enum and the validator's messages are made from it.
UNIT_CHANGE_LABELS = {
    "thanh-lap": "thành lập",
    "doi-ten": "đổi tên",
    "sap-nhap": "sáp nhập",
    "chia-tach": "chia tách",
    "giai-the": "giải thể",
    "chuyen-giao": "chuyển giao nhiệm vụ",
    "tiep-nhan": "tiếp nhận chức năng, nhiệm vụ",
}
# The kinds after which the unit no longer exists: its open tasks pass to its successor.
ENDING_KINDS = ("sap-nhap", "chia-tach", "giai-the", "chuyen-giao")


@dataclass(frozen=True)
class UnitEvent:
    """One change in a unit's history (a kind of UNIT_CHANGE_LABELS), from `date` on.

    `name`/`short` are the unit's names from that date (a renaming); `successor` is the id of
    the unit that takes its open tasks over when it ends; `predecessor` names the unit (not on the
    site) whose functions it took over (tiếp nhận chức năng).
    """

    date: date
    kind: str
    document: Document
    name: str | None = None
    short: str | None = None
    successor: str | None = None
    note: str | None = None
    predecessor: str | None = None


# Units and tasks compare and hash by identity: each is one object in the model, and hashing
# a task by value (its whole progress log) would make every lookup cost as much as a copy.
@dataclass(frozen=True, eq=False)
class Unit:
    """Đơn vị: a unit of the agency that leads or supports tasks."""

    id: str
    name: str  # the newest name; `name_at` gives the name on a given day
    short: str
    kind: str
    history: tuple[UnitEvent, ...] = ()
    first_name: str | None = None  # the names before the first renaming (None: never renamed)
    first_short: str | None = None

    def name_at(self, when: date | None) -> str:
        """The full name in force on `when` (the newest name when `when` is None)."""
        return self._names(when)[0]

    def short_at(self, when: date | None) -> str:
        return self._names(when)[1]

    def _names(self, when: date | None) -> tuple[str, str]:
        if when is None or not self.history:
            return self.name, self.short
        name, short = self.first_name or self.name, self.first_short or self.short
        for event in self.history:
            if event.date > when:
                break
            name, short = event.name or name, event.short or short
        return name, short

    def ended(self, when: date) -> UnitEvent | None:
        """The merger, split, dissolution or transfer that ended the unit on or before `when`, if any."""
        end = self.end
        return end if end is not None and end.date <= when else None

    @property
    def end(self) -> UnitEvent | None:
        """The change that ends the unit (the validator allows one, last in its history), if any."""
        return next((e for e in self.history if e.kind in ENDING_KINDS), None)

    @property
    def start(self) -> date | None:
        """The day the unit was established (thành lập), if its history says; None: always there."""
        return next((e.date for e in self.history if e.kind == "thanh-lap"), None)

    def exists_on(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and self.ended(when) is None

    def renamings(self) -> tuple[tuple[UnitEvent, str], ...]:
        """Each renaming with the name the unit had until then."""
        found, name = [], self.first_name or self.name
        for event in self.history:
            if event.name and event.name != name:
                found.append((event, name))
                name = event.name
        return tuple(found)


AGENCY_CHANGE_LABELS = {
    "doi-ten": "đổi tên thành",
    "sap-nhap": "được sáp nhập vào",
    "hop-nhat": "được hợp nhất thành",
    "chuyen-giao": "chuyển giao nhiệm vụ cho",
}

# The agency's names that a reorganisation may change (keys of agency.yml, agency.history).
AGENCY_NAME_KEYS = ("name", "short", "self_name", "header_name", "parent", "province", "place", "ranked_group")


@dataclass(frozen=True)
class AgencyEvent:
    """A reorganisation of the agency (đổi tên, sáp nhập, hợp nhất, chuyển giao) from `date` on,
    with the names that change from then (key of AGENCY_NAME_KEYS → new value)."""

    date: date
    kind: str
    document: Document
    names: tuple[tuple[str, str], ...]
    note: str | None = None


@dataclass(frozen=True)
class Agency:
    """Cơ quan: the agency that issues the plan, by its newest names.

    `at(day)` gives the agency as named on that day (a plan keeps the names in force when it
    was issued); `origin` holds the names before the first change of `history`.
    """

    name: str
    short: str
    self_name: str
    header_name: str
    parent: str
    province: str
    place: str
    ranked_group: str
    # Mã cơ quan: the stable key of feed ids and calendar UIDs (outputs/feeds.authority), set once
    # in agency.yml or made from the first short name; no renaming or merger changes it.
    id: str
    units: tuple[Unit, ...]
    emblem: str | None = None  # biểu trưng: a PNG/SVG file under data/ (parsite.outputs.emblem)
    history: tuple[AgencyEvent, ...] = ()
    origin: tuple[tuple[str, str], ...] = ()

    def unit(self, unit_id: str) -> Unit:
        return next(u for u in self.units if u.id == unit_id)

    def at(self, when: date | None) -> Agency:
        """The agency with the names in force on `when` (the newest names when `when` is None)."""
        if when is None or not self.history or when >= self.history[-1].date:
            return self
        names = dict(self.origin)
        for event in self.history:
            if event.date > when:
                break
            names.update(event.names)
        return replace(self, **names)

    @property
    def first_short(self) -> str:
        """The short name before any reorganisation: the default `id` is made from it."""
        return dict(self.origin).get("short", self.short)

    def changes_until(self, when: date) -> tuple[AgencyEvent, ...]:
        """The reorganisations in force on `when`, oldest first."""
        return tuple(e for e in self.history if e.date <= when)


@dataclass(frozen=True)
class Field:
    """Lĩnh vực: one field of the PAR INDEX with its maximum points."""

    id: int
    name: str
    max: Decimal

    def same_as(self, other: Field | None) -> bool:
        """Points of the two fields can be compared directly (same field, same maximum)."""
        return other is not None and (self.id, self.name, self.max) == (other.id, other.name, other.max)


@dataclass(frozen=True)
class Methodology:
    """A version of the PAR INDEX methodology, applying from `from_year` on."""

    from_year: int
    total: Decimal
    fields: tuple[Field, ...]

    def field(self, field_id: int) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def same_as(self, other: Methodology | None) -> bool:
        """Totals and every field's points of the two versions can be compared directly."""
        return other is not None and (self.total, self.fields) == (other.total, other.fields)


@dataclass(frozen=True)
class FieldScore:
    """Points of one field in one year; `points` is None when unknown."""

    field: Field
    points: Decimal | None

    @property
    def lost(self) -> Decimal | None:
        """Điểm bị trừ: points below the maximum."""
        return None if self.points is None else self.field.max - self.points

    @property
    def share(self) -> Decimal | None:
        """Points as a percentage of the field's maximum (comparable across methodologies)."""
        return None if self.points is None or not self.field.max else self.points * 100 / self.field.max


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

    @property
    def has_points(self) -> bool:
        """Some field points are known."""
        return any(s.points is not None for s in self.scores)


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
class Handover:
    """Chuyển giao: from `date` on, `to` holds a task `source` held until then, because `source`
    ended (`event`: its merger, split, dissolution or transfer) before the task was finished."""

    date: date
    source: Unit
    to: Unit
    event: UnitEvent


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
    # Where the task stands on a day is worked out from these by parsite.data_in.progress, nowhere else.
    changes: tuple[StatusChange, ...] = ()
    # Who took the task over when its lead (`handovers`) or a supporting unit (`support_handovers`)
    # ended before it was finished, oldest first. `lead` and `support` stay as the plan wrote them.
    handovers: tuple[Handover, ...] = ()
    support_handovers: tuple[Handover, ...] = ()

    def lead_at(self, when: date | None) -> Unit:
        """The unit leading the task on `when` (None: the newest, after every handover)."""
        unit = self.lead
        for handover in self.handovers:
            if when is not None and handover.date > when:
                break
            unit = handover.to
        return unit

    def support_at(self, when: date | None) -> tuple[Unit, ...]:
        """The units supporting the task on `when`: each that ended replaced by its successor,
        each named once, never the lead itself."""
        units = list(self.support)
        for handover in self.support_handovers:
            if when is not None and handover.date > when:
                continue
            units = [handover.to if u is handover.source else u for u in units]
        lead, found = self.lead_at(when), []
        for unit in units:
            if unit is not lead and unit not in found:
                found.append(unit)
        return tuple(found)

    # Units are told apart by id here: a caller may hold a unit of another load of the same data.
    def led_by(self, unit: Unit, when: date) -> bool:
        """Whether `unit` leads the task on `when` or led it before handing it over."""
        return self.lead.id == unit.id or any(h.to.id == unit.id and h.date <= when for h in self.handovers)

    def supported_by(self, unit: Unit, when: date) -> bool:
        return any(u.id == unit.id for u in (*self.support, *self.support_at(when)))

    @property
    def anchor(self) -> str:
        """HTML id of the task on its lead unit's page, unique across plans."""
        return f"nv-{self.plan_year}-{task_slug(self.id)}"


def task_slug(task_id: str) -> str:
    """The part of a task's anchor (and calendar UID) its id gives: 'NV.01' → 'nv-01'.

    Two ids of one plan with the same slug would share an address: the validator refuses them.
    """
    return task_id.lower().replace(".", "-")


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
    # Dự thảo: not signed yet (plan.yml's `date` has neither day nor month, as scripts/new-plan
    # writes it). A draft is never the plan being carried out (currency, Site.current_plan), and
    # `short_title` says "Dự thảo" wherever the plan is named.
    draft: bool = False
    tasks: tuple[Task, ...] = field(default=())

    @property
    def issued(self) -> date:
        """The day the plan speaks from (its names, its header): the signing date, or as much
        of it as is known (first day of the month, or of the year of signing)."""
        return date(self.date_year, self.month or 1, self.day or 1)

    @property
    def end(self) -> date:
        """Last day of the plan's period (the plan year)."""
        return date(self.year, 12, 31)

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
class Identity:
    """Trang công khai: the site's name, description, footer line and address (agency.yml, site)."""

    name: str
    description: str
    copyright: str
    url: str | None = None  # where the site is published, ending in "/"


@dataclass(frozen=True)
class Site:
    """Everything the site shows, built from `data/`."""

    agency: Agency
    documents: tuple[Document, ...]
    methodologies: tuple[Methodology, ...]
    results: tuple[YearResult, ...]  # oldest first
    plans: tuple[Plan, ...]  # oldest first
    today: date  # in Vietnam; pinned by SITE_TODAY (parsite.settings)
    built: datetime  # the build time, in Vietnam; pinned by SOURCE_DATE_EPOCH (parsite.settings)
    province: Province | None = None
    identity: Identity | None = None  # set by assemble; None only in hand-made models

    @property
    def tasks(self) -> tuple[Task, ...]:
        """Every task of every plan, oldest plan first."""
        return tuple(t for p in self.plans for t in p.tasks)

    @property
    def latest_result(self) -> YearResult:
        return self.results[-1]

    @property
    def issued_plans(self) -> tuple[Plan, ...]:
        """The plans that are signed (every plan but the drafts), oldest first."""
        return tuple(p for p in self.plans if not p.draft)

    @property
    def current_plan(self) -> Plan | None:
        """The newest signed plan (a draft is never the one the pages follow)."""
        issued = self.issued_plans
        return issued[-1] if issued else None

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

    def field_ids(self) -> tuple[int, ...]:
        """Ids of every field in the newest methodology or in any year's result, in order."""
        ids = {f.id for f in self.fields()} | {s.field.id for r in self.results for s in r.scores}
        return tuple(sorted(ids))

    def has_field_page(self, field_id: int) -> bool:
        return any(f.id == field_id for f in self.fields())

    @property
    def newest_methodology(self) -> Methodology:
        return self.methodologies[-1]

    def tasks_led_by(self, unit: Unit) -> list[Task]:
        """The tasks the unit leads today or led before it ended, with those it took over."""
        return [t for t in self.tasks if t.led_by(unit, self.today)]

    def handovers(self, source: Unit | None = None, to: Unit | None = None) -> list[tuple[Task, Handover]]:
        """The handovers made by today from `source` or to `to`, with their tasks."""
        return [
            (t, h)
            for t in self.tasks
            for h in t.handovers
            if h.date <= self.today and h.source is (source or h.source) and h.to is (to or h.to)
        ]

    def tasks_supported_by(self, unit: Unit) -> list[Task]:
        return [t for t in self.tasks if not t.led_by(unit, self.today) and t.supported_by(unit, self.today)]
