"""`scripts/new-plan YEAR`: next year's plan folder, prefilled from the latest plan and results.

The plan text is copied from the latest plan with its years moved on by one; the tasks file
gets one empty task per field that lost points in the latest result, most points lost first.
Empty texts are left empty on purpose: `scripts/check` then lists, with line numbers, every
value still to be written, and the site is not published with a half-written plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import fmt
from .analysis import result_gaps
from .model import Plan, Site
from .yamlout import render, schema_line


class ScaffoldError(Exception):
    pass


@dataclass
class TaskDraft:
    """One row of a tasks file being written (by the scaffold or the appendix importer)."""

    id: str
    field: int | None
    problem: str = ""
    task: str = ""
    lead: str = ""
    support: list[str] = field(default_factory=list)
    deadline: str = ""
    output: str = ""
    criterion: str | None = None
    comment: str | None = None


def _shift_years(previous: Plan, year: int, base_year: int) -> Callable[[str], str]:
    """Move the years in the previous plan's text on: its plan year to `year`, its base year
    (the results it was built on) to `base_year`."""
    moves = {str(previous.year): str(year), str(previous.base.year): str(base_year)}
    pattern = re.compile("|".join(re.escape(old) for old in moves))

    def text(value: str) -> str:
        return pattern.sub(lambda m: moves[m[0]], value)  # one pass: a moved year is not moved again

    return text


def new_plan_files(site: Site, data_dir: Path, year: int) -> dict[Path, str]:
    """The files of data/plans/YEAR/; raise ScaffoldError if the plan exists or cannot be made."""
    folder = data_dir / "plans" / str(year)
    if folder.exists():
        raise ScaffoldError(f"{folder}: đã có kế hoạch năm {year}; không ghi đè")
    if not site.plans:
        raise ScaffoldError("chưa có kế hoạch nào để làm khung")
    previous = site.plans[-1]
    base = site.latest_result
    drafts = []
    for number, gap in enumerate((g for g in result_gaps(base) if g.lost), start=1):
        drafts.append(
            TaskDraft(
                id=f"NV{number:02d}",
                field=gap.field.id,
                comment=f"Lĩnh vực {gap.field.id}: {gap.field.name} — năm {base.year} "
                f"bị trừ {fmt.number(gap.lost)} điểm",
            )
        )
    if not drafts:
        raise ScaffoldError(f"năm {base.year} không lĩnh vực nào bị trừ điểm; hãy viết tasks.yml trực tiếp")
    plan_path, tasks_path = folder / "plan.yml", folder / "tasks.yml"
    return {
        plan_path: render(
            "plan.yml.j2",
            schema_line=schema_line(plan_path, "plan"),
            year=year,
            previous=previous,
            base=base,
            text=_shift_years(previous, year, base.year),
        ),
        tasks_path: render(
            "tasks.yml.j2",
            schema_line=schema_line(tasks_path, "tasks"),
            year=year,
            origin=f"Tạo bởi scripts/new-plan: một nhiệm vụ cho mỗi lĩnh vực bị trừ điểm năm {base.year}.",
            units=site.agency.units,
            sample=False,
            tasks=drafts,
        ),
    }
