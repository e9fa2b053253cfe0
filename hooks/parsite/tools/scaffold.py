"""`scripts/new-plan YEAR`: next year's plan folder, prefilled from the latest plan and results.

The plan's structure and wording are copied from the latest plan, but not its facts: every
year in the copied text is marked `[[2024?]]` (a year may be the old plan's, the base year's
or a methodology's, and only the editor knows which), and so are the signer, each document of
the legal basis and each cited one (`[[qd-151-2024?]]`: still in force, or replaced?), and each
paragraph or item of the section on the old base year's results (`[[đoạn về kết quả năm
2023?]]` before it: its figures are not the new base year's). The signing date and number are
left empty: until the date is written, the plan is a draft (dự thảo, `Plan.draft`). The tasks
file gets one empty task per field that lost points in the latest result, most points lost
first, named by the plan year's methodology. Empty texts
and marks are left on purpose: `scripts/check` lists, with line numbers, every value still to
be written, and the site is not published with a half-written plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import fmt
from ..data_in.analysis import result_gaps
from ..data_in.assemble import applicable_methodology
from ..data_in.model import Site
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


# A date (06/02/2024) or a year standing alone in a text; not a part of a document number
# such as 30/2020/NĐ-CP.
_YEAR = re.compile(r"(?<![\d/\-.])(\d{1,2}/\d{1,2}/(?:19|20)\d\d|(?:19|20)\d\d)(?![\d/\-])")


def mark(value: str) -> str:
    """The text to review, as `[[...?]]` (validate.check_marks refuses to publish a text still marked)."""
    return f"[[{value}?]]"


def mark_years(text: str) -> str:
    """'Kế hoạch năm 2024' → 'Kế hoạch năm [[2024?]]': the editor decides what each year or date
    becomes (the plan's, the base year's or a methodology's year look alike)."""
    return _YEAR.sub(lambda m: mark(m[1]), text)


@dataclass
class Scaffold:
    """The files of a new plan, and what the editor should know about them."""

    files: dict[Path, str]
    notes: list[str]


def new_plan_files(site: Site, data_dir: Path, year: int) -> Scaffold:
    """The files of data/plans/YEAR/; raise ScaffoldError if the plan exists or cannot be made."""
    folder = data_dir / "plans" / str(year)
    if folder.exists():
        raise ScaffoldError(f"{folder}: đã có kế hoạch năm {year}; không ghi đè")
    if not site.plans:
        raise ScaffoldError("chưa có kế hoạch nào để làm khung")
    previous = site.plans[-1]
    if previous.draft:
        raise ScaffoldError(
            f"kế hoạch năm {previous.year} còn là dự thảo (chưa có ngày ký); "
            "hãy hoàn thành và ghi ngày ký kế hoạch đó trước khi tạo kế hoạch mới"
        )
    base = site.latest_result
    method = applicable_methodology(site.methodologies, year)
    if method is None:
        raise ScaffoldError(f"không có bộ chỉ số nào áp dụng cho năm {year} trong data/methodology.yml")
    notes: list[str] = []
    drafts = []
    if base.has_points:
        origin = f"một nhiệm vụ cho mỗi lĩnh vực bị trừ điểm năm {base.year}"
        for gap in (g for g in result_gaps(base) if g.lost):
            field = method.field(gap.field.id)
            lost = f"năm {base.year} bị trừ {fmt.number(gap.lost)}/{fmt.number(gap.field.max)} điểm"
            if field is None:
                notes.append(
                    f"lĩnh vực {gap.field.id} ({gap.field.name}, {lost}) không còn trong bộ chỉ số năm {year}; "
                    "không tạo nhiệm vụ cho lĩnh vực này"
                )
                continue
            comment = f"Lĩnh vực {field.id}: {field.name} — {lost}"
            if not field.same_as(gap.field):
                comment += f" (theo bộ chỉ số năm {base.year}: {gap.field.name})"
            drafts.append(TaskDraft(id=f"NV{len(drafts) + 1:02d}", field=field.id, comment=comment))
        if not drafts and not notes:
            raise ScaffoldError(f"năm {base.year} không lĩnh vực nào bị trừ điểm; hãy viết tasks.yml trực tiếp")
    else:
        known = f"chỉ có thứ hạng (thứ {base.rank})" if base.rank is not None else "chưa có số liệu"
        notes.append(
            f"kết quả năm {base.year} {known}, chưa có điểm từng lĩnh vực: không biết lĩnh vực nào bị trừ điểm. "
            f"tasks.yml có một nhiệm vụ trống cho mỗi lĩnh vực của bộ chỉ số năm {year}; "
            "xóa các lĩnh vực không cần khi có số liệu"
        )
        origin = f"một nhiệm vụ cho mỗi lĩnh vực (năm {base.year} chưa có điểm từng lĩnh vực)"
        for field in method.fields:
            comment = f"Lĩnh vực {field.id}: {field.name} (tối đa {fmt.number(field.max)} điểm)"
            drafts.append(TaskDraft(id=f"NV{len(drafts) + 1:02d}", field=field.id, comment=comment))
    if not drafts:
        raise ScaffoldError(f"không có lĩnh vực nào của năm {base.year} để tạo nhiệm vụ; hãy viết tasks.yml trực tiếp")
    plan_path, tasks_path = folder / "plan.yml", folder / "tasks.yml"
    files = {
        plan_path: render(
            "plan.yml.j2",
            schema_line=schema_line(plan_path, "plan"),
            year=year,
            previous=previous,
            base=base,
            text=mark_years,
            mark=mark,
        ),
        tasks_path: render(
            "tasks.yml.j2",
            schema_line=schema_line(tasks_path, "tasks"),
            year=year,
            origin=f"Tạo bởi scripts/new-plan: {origin}.",
            # Only the units that exist today may be given tasks (check refuses the others).
            units=[u for u in site.agency.units if u.exists_on(site.today)],
            sample=False,
            tasks=drafts,
        ),
    }
    return Scaffold(files, notes)
