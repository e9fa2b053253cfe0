"""The editors' guide (docs/huong-dan.md) with its examples taken from the data being published.

The guide is written by hand, but its examples (the years, the number of fields, the unit ids,
the command that records a result) must fit the data it is published with: another agency's
site must not show this agency's units or seven fields. The page is a Jinja template with a
small context made here; every value put into it is an id, a number or a quoted YAML scalar,
so no data text becomes Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import fmt
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
    }


def render_guide(markdown: str, site: Site) -> str:
    """The guide's Markdown with its examples filled in from `site`."""
    return render.environment().from_string(markdown).render(**guide_context(site))
