"""The editors' guide (docs/huong-dan.md) with its examples taken from the data being published.

The guide is written by hand, but its examples (the years, the number of fields, the unit ids,
the command that records a result) must fit the data it is published with: another agency's
site must not show this agency's units or seven fields. The page is a Jinja template with a
small context made here; every value put into it is an id, a number or a quoted YAML scalar,
so no data text becomes Markdown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from .. import fmt
from ..data_in import progress
from ..data_in.model import Site
from ..problems import CODES
from ..tools.yamlout import quote
from . import render

GUIDE = "huong-dan.md"


@dataclass(frozen=True)
class FieldExample:
    id: int
    max: Decimal
    points: Decimal  # an example score: a little below the maximum for the first fields


def _example_points(site: Site) -> list[FieldExample]:
    examples = []
    for index, field in enumerate(site.fields()):
        step = Decimal("0.5") if field.max >= 2 else Decimal(0)
        lost = step * (index % 3)  # 0, 0,5, 1, 0, ...: some fields at full marks, some not
        examples.append(FieldExample(field.id, field.max, field.max - lost))
    return examples


def guide_context(site: Site) -> dict[str, Any]:
    """What the guide's examples are made of: the next result year, fields and unit ids."""
    latest = site.latest_result.year
    result_year = latest + 1  # the result an editor would enter next
    plan_year = max([result_year + 1, *(p.year + 1 for p in site.plans)])
    fields = _example_points(site)
    total = sum((f.points for f in fields), Decimal(0))
    units = [u.id for u in site.agency.units if u.exists_on(site.today)] or [u.id for u in site.agency.units]
    field_args = " ".join(f"--field {f.id}={fmt.number(f.points)}" for f in fields)
    first_field, last_field = site.fields()[0], site.fields()[-1]
    ranked_count = max((r.ranked_count or 0 for r in site.results), default=0) or 20
    return {
        "result_year": result_year,
        "plan_year": plan_year,
        "decision_id": f"qd-120-{result_year + 1}",
        "decision_date": f"{result_year + 1}-02-10",
        "issuer": quote(f"UBND {site.agency.province}"),
        "total": fmt.number(total),
        "rank": min(9, ranked_count),
        "ranked_count": ranked_count,
        "add_result_fields": field_args,
        "field_range": f"{first_field.id}–{last_field.id}",
        "example_field": last_field.id,
        "example_field_max": fmt.number(last_field.max),
        "example_field_points": fmt.number(fields[-1].points),
        "lead_unit": units[0],
        "support_units": ", ".join(units[1:3]),
        "progress_unit": units[1] if len(units) > 1 else units[0],
        "workbook_unit": next((t.lead_at(site.today).id for t in reversed(site.tasks)), units[0]),
        "progress_year": site.today.year,
        "problem_codes": list(CODES.items()),
        **_reorganisation_example(site),
    }


def _reorganisation_example(site: Site) -> dict[str, Any]:
    """The guide's worked reorganisation, on units of the data: on the first day of this month, the
    unit leading the most unfinished tasks merges into another (renamed), and a third takes over the
    functions of a unit that is not on the site."""
    day = site.today.replace(day=1)
    units = [u for u in site.agency.units if u.exists_on(day)] or list(site.agency.units)
    open_tasks = {u.id: 0 for u in units}
    for task in site.issued_plans[-1].tasks if site.issued_plans else ():
        lead = task.lead_at(day)
        if lead.id in open_tasks and progress.status(task, day) != "hoan-thanh":
            open_tasks[lead.id] += 1
    # Two units of the most common kind (two professional departments, say) merge; a unit of
    # another kind takes over functions: the example reads as a real reorganisation would.
    kinds = Counter(u.kind for u in units)
    alike = [u for u in units if u.kind == kinds.most_common(1)[0][0]]
    merged = max(alike, key=lambda u: open_tasks[u.id])
    successor = next((u for u in alike if u is not merged), next((u for u in units if u is not merged), merged))
    receiver = next((u for u in units if u not in (merged, successor)), successor)
    return {
        "reorg_date": day.isoformat(),
        "reorg_day": fmt.day(day),
        "reorg_document": f"qd-sap-xep-{day.year}",
        "reorg_document_date": (day - timedelta(days=10)).isoformat(),
        "reorg_merged": merged.id,
        "reorg_open": open_tasks[merged.id],
        "reorg_successor": successor.id,
        "reorg_new_name": quote(f"{successor.name_at(day)} và {merged.name_at(day)}"),
        "reorg_receiver": receiver.id,
    }


def render_guide(markdown: str, site: Site) -> str:
    """The guide's Markdown with its examples filled in from `site`."""
    return render.environment().from_string(markdown).render(**guide_context(site))
