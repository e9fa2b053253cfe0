"""Validated raw data → the frozen domain model. Assumes `validate` found no problem."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

from .. import fmt
from ..dates import parse_deadline, parse_iso
from . import progress
from .model import (
    AGENCY_NAME_KEYS,
    Agency,
    AgencyEvent,
    Document,
    Field,
    FieldScore,
    Handover,
    Identity,
    Methodology,
    Plan,
    ProgressEntry,
    Province,
    ProvinceResult,
    ReportSettings,
    Section,
    Signature,
    Site,
    StatusChange,
    Target,
    Task,
    Unit,
    UnitEvent,
    YearResult,
)
from .validate import RawData, dec


def _documents(raw: RawData) -> dict[str, Document]:
    return {
        d["id"]: Document(d["id"], d["kind"], d["number"], parse_iso(d["date"]), d["subject"], d.get("issuer"))
        for d in raw.documents.data["documents"]
    }


def _unit(u: dict, docs: dict[str, Document]) -> Unit:
    history = tuple(
        UnitEvent(
            parse_iso(e["date"]),
            e["kind"],
            docs[e["document"]],
            e.get("name"),
            e.get("short"),
            e.get("successor"),
            e.get("change"),
            e.get("predecessor"),
        )
        for e in u.get("history", [])
    )
    name, short = u["name"], u["short"]
    for event in history:  # the unit is known by its newest names; the first ones are kept
        name, short = event.name or name, event.short or short
    return Unit(u["id"], name, short, u["kind"], history, u["name"], u["short"])


def _agency(raw: RawData, docs: dict[str, Document]) -> Agency:
    a = raw.agency.data["agency"]
    history = tuple(
        AgencyEvent(
            parse_iso(e["date"]),
            e["kind"],
            docs[e["document"]],
            tuple((key, e[key]) for key in AGENCY_NAME_KEYS if key in e),
            e.get("note"),
        )
        for e in a.get("history", [])
    )
    origin = tuple((key, a[key]) for key in AGENCY_NAME_KEYS)
    newest = dict(origin)
    for event in history:
        newest.update(event.names)
    units = tuple(_unit(u, docs) for u in raw.agency.data["units"])
    return Agency(**newest, id=agency_id(a), units=units, history=history, origin=origin, emblem=a.get("emblem"))


def agency_id(a: dict) -> str:
    """Mã cơ quan: `agency.id` as written, else made from the first short name (`agency.short`,
    which no history entry changes), so ids published before the key existed stay the same."""
    return a.get("id") or fmt.slugify(a["short"], "-") or "co-quan"


def _identity(raw: RawData, agency: Agency) -> Identity:
    """The site's identity from agency.yml's `site` block; what is left out is made from the
    agency's names (as they are now)."""
    data = raw.agency.data.get("site", {})
    full_name = f"{agency.name} {agency.province}"
    url = data.get("url")
    return Identity(
        name=data.get("name", f"Chỉ số cải cách hành chính – {full_name}"),
        description=data.get(
            "description",
            f"Kết quả Chỉ số cải cách hành chính và kế hoạch cải thiện của {full_name}",
        ),
        copyright=data.get("copyright", full_name),
        url=None if url is None else url.rstrip("/") + "/",
    )


def _methodologies(raw: RawData) -> tuple[Methodology, ...]:
    return tuple(
        Methodology(
            v["from_year"],
            dec(v["total"]),
            tuple(Field(f["id"], f["name"], dec(f["max"])) for f in sorted(v["fields"], key=lambda f: f["id"])),
        )
        for v in raw.methodology.data["versions"]
    )


def applicable_methodology(methodologies: tuple[Methodology, ...], year: int) -> Methodology | None:
    """The methodology version that applies to `year` (the newest from_year not after it)."""
    found = [m for m in methodologies if m.from_year <= year]
    return found[-1] if found else None


def _result(data: dict, docs: dict[str, Document], methodologies: tuple[Methodology, ...]) -> YearResult:
    method = applicable_methodology(methodologies, data["year"])
    points = data.get("fields")
    scores: tuple[FieldScore, ...] = ()
    if method is not None:
        scores = tuple(
            FieldScore(f, None if not points or points.get(str(f.id)) is None else dec(points[str(f.id)]))
            for f in method.fields
        )
    total = data["total"]
    return YearResult(
        year=data["year"],
        total=None if total is None else dec(total),
        rank=data["rank"],
        ranked_count=data["ranked_count"],
        rank_derived=bool(data.get("rank_derived", False)),
        source=docs.get(data.get("source", "")),
        derived_from_plan=data.get("derived_from_plan"),
        note=data.get("note"),
        methodology=method,
        scores=scores,
    )


def _section(data: dict, docs: dict[str, Document], results: dict[int, YearResult]) -> Section:
    return Section(
        title=data["title"],
        overview=results.get(data["overview"]) if "overview" in data else None,
        paragraphs=tuple(data.get("paragraphs", [])),
        cites=tuple(docs[d] for d in data.get("cites", [])),
        items=tuple(data.get("items", [])),
        appendix_link=bool(data.get("appendix_link", False)),
        sections=tuple(_section(s, docs, results) for s in data.get("sections", [])),
    )


def _task(t: dict, year: int, method: Methodology, agency: Agency, sample: bool) -> Task:
    task = _task_as_written(t, year, method, agency, sample, lambda day: agency.unit(t["lead"]))
    handovers = _handovers(task, task.lead, agency)
    support = tuple(h for unit in task.support for h in _handovers(task, unit, agency))
    if not (handovers or support):
        return task
    # An entry that names no unit is the lead's of its day: after a handover, the successor's.
    task = _task_as_written(t, year, method, agency, sample, replace(task, handovers=handovers).lead_at)
    return replace(task, handovers=handovers, support_handovers=support)


def _handovers(task: Task, unit: Unit, agency: Agency) -> tuple[Handover, ...]:
    """The chain of successors that took the task over from `unit`: each time the holder ended
    while the task was still open (not finished the day before), its successor holds it."""
    found: list[Handover] = []
    while (end := unit.end) is not None and end.successor is not None and len(found) < len(agency.units):
        if progress.status(task, end.date - timedelta(days=1)) == "hoan-thanh":
            break
        successor = agency.unit(end.successor)
        found.append(Handover(end.date, unit, successor, end))
        unit = successor
    return tuple(found)


def _task_as_written(
    t: dict, year: int, method: Methodology, agency: Agency, sample: bool, lead_on: Callable[[date], Unit]
) -> Task:
    log = tuple(
        ProgressEntry(
            day := parse_iso(e["date"]),
            agency.unit(e["unit"]) if "unit" in e else lead_on(day),
            e["text"],
            e.get("evidence"),
            e.get("note"),
            e.get("status"),
        )
        for e in sorted(t.get("progress", []), key=lambda e: e["date"])  # stable: same day keeps its order
    )
    completed = parse_iso(t["completed"]) if "completed" in t else None
    changes = [StatusChange(e.date, e.status, e) for e in log if e.status]
    if completed is not None:
        changes.append(StatusChange(completed, "hoan-thanh"))
    return Task(
        id=t["id"],
        plan_year=year,
        field=method.field(t["field"]),  # type: ignore[arg-type]  # validated
        criterion=t.get("criterion"),
        problem=t["problem"],
        task=t["task"],
        lead=agency.unit(t["lead"]),
        support=tuple(agency.unit(u) for u in t.get("support", [])),
        deadline=parse_deadline(t["deadline"]),
        output=t["output"],
        sample=sample,
        progress=log,
        completed=completed,
        changes=tuple(sorted(changes, key=lambda c: (c.date, c.entry is None))),
    )


def _plan(
    data: dict,
    tasks: dict,
    agency: Agency,
    docs: dict[str, Document],
    results: dict[int, YearResult],
    methodologies: tuple[Methodology, ...],
) -> Plan:
    year = data["year"]
    method = applicable_methodology(methodologies, year)
    assert method is not None  # validated
    sample = bool(tasks.get("sample", False))
    task_list = tuple(_task(t, year, method, agency, sample) for t in tasks["tasks"])
    sig = data["signature"]
    report = data.get("report", {})
    suffix = data["number_suffix"]
    default_suffix = "BC-" + suffix.removeprefix("KH-") if suffix.startswith("KH-") else f"BC-{suffix}"
    draft = is_draft(data)
    return Plan(
        year=year,
        kind=data["kind"],
        number=None if data["number"] is None else str(data["number"]),
        number_suffix=data["number_suffix"],
        day=data["date"]["day"],
        month=data["date"]["month"],
        date_year=data["date"]["year"],
        title=data["title"],
        short_title=f"{DRAFT} – {data['short_title']}" if draft else data["short_title"],
        base=results[data["base_year"]],
        target=Target(data["target"]["min_rank_gain"], data["target"]["text"]),
        legal_basis=tuple(docs[d] for d in data["legal_basis"]),
        preamble=data.get("preamble"),
        sections=tuple(_section(s, docs, results) for s in data["sections"]),
        closing=data["closing"],
        recipients=tuple(data["recipients"]),
        signature=Signature(sig.get("authority"), sig["position"], sig["name"]),
        methodology=method,
        sample=sample,
        report=ReportSettings(
            report.get("number_suffix", default_suffix), tuple(report.get("recipients", ["Lưu: VT."]))
        ),
        draft=draft,
        tasks=task_list,
    )


DRAFT = "Dự thảo"


def is_draft(plan: dict) -> bool:
    """Dự thảo: a plan whose signing date is still empty (neither day nor month, as scripts/new-plan
    writes it). An empty number alone is not enough: a signed plan may be published as its paper
    original is, with the number (and even the day) left blank, as the seed's 2024 plan is."""
    return plan["date"]["day"] is None and plan["date"]["month"] is None


def _province(data: dict, docs: dict[str, Document]) -> Province:
    return Province(
        data["name"],
        docs[data["source"]],
        tuple(
            ProvinceResult(r["year"], None if r["total"] is None else dec(r["total"]), r["rank"], r["ranked_count"])
            for r in sorted(data["results"], key=lambda r: r["year"])
        ),
    )


def assemble(raw: RawData, today: date, built: datetime) -> Site:
    """Build the site model from data that passed validation."""
    docs = _documents(raw)
    agency = _agency(raw, docs)
    methodologies = _methodologies(raw)
    results = {r.year: r for r in (_result(src.data, docs, methodologies) for src in raw.results)}
    plans = tuple(
        sorted(
            (_plan(p.data, t.data, agency, docs, results, methodologies) for p, t in raw.plans),
            key=lambda p: p.year,
        )
    )
    return Site(
        agency=agency,
        documents=tuple(docs.values()),
        methodologies=methodologies,
        results=tuple(results[y] for y in sorted(results)),
        plans=plans,
        today=today,
        built=built,
        province=_province(raw.province.data, docs) if raw.province else None,
        identity=_identity(raw, agency),
    )
