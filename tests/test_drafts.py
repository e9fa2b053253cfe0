"""Drafts (dự thảo): a plan whose signing date is still empty, as scripts/new-plan writes it, is
never the plan being carried out; what new-plan copies from the old plan is marked for `check`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, copy_project
from parsite.data_in.currency import currency
from parsite.outputs import overdue
from parsite.outputs.render import page_titles, render_pages
from parsite.problems import DataError
from parsite.site import load_site
from parsite.tools.scaffold import ScaffoldError, new_plan_files

TODAY = date(2025, 6, 30)
PLAN = "data/plans/2025/plan.yml"
HOME, DRAFT_PAGE = "index.md", "ke-hoach/2025/index.md"
DRAFT_TITLE = "Dự thảo – Kế hoạch cải thiện, nâng cao chỉ số CCHC năm 2025"
# A paragraph on the old base year's results, in the overview section of the 2024 plan.
RESULTS_PARAGRAPH = "    overview: 2023\n    paragraphs:\n      - Sở đạt 89,42 điểm, xếp thứ 5 trong 20 đơn vị.\n"


def run(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SITE_TODAY": "2025-03-31", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(["bash", "-c", command], cwd=project, capture_output=True, text=True, env=env, check=False)


def line_of(path: Path, text: str, nth: int = 0) -> int:
    """The line of the nth (0: first) line of `path` holding `text`."""
    return [i for i, s in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in s][nth]


def test_check_lists_each_mark_new_plan_left(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert run(project, "./scripts/new-plan 2025").returncode == 0
    check = run(project, "./scripts/check")
    assert check.returncode == 1
    plan = project / PLAN
    expected = [  # key, its marks, the line: (text on it, how many lines before hold it too)
        ("legal_basis[0]", "[[qd-151-2024?]]", ("[[qd-151-2024?]]", 0)),
        ("legal_basis[1]", "[[kh-475-2024?]]", ("[[kh-475-2024?]]", 0)),
        ("sections[1].sections[0].cites[0]", "[[qd-1794-2023?]]", ("[[qd-1794-2023?]]", 0)),
        ("sections[1].sections[0].cites[1]", "[[kh-475-2024?]]", ("[[kh-475-2024?]]", 1)),
        ("sections[1].sections[0].cites[2]", "[[kh-02-2024?]]", ("[[kh-02-2024?]]", 0)),
        ("signature.name", "[[Hoàng Việt Nam?]]", ("[[Hoàng Việt Nam?]]", 0)),
        ("target.text", "[[2024?]], [[2023?]]", ("  text: ", 0)),
    ]
    for key, marks, (text, nth) in expected:
        line = line_of(plan, text, nth)
        assert re.search(
            rf"^{PLAN}:{line}:\d+: {re.escape(key)}: còn chỗ đánh dấu {re.escape(marks)} chép từ kế hoạch cũ: "
            r"ghi giá trị đúng rồi xóa dấu \[\[ \?\]\] \[draft-mark\]$",
            check.stderr,
            re.MULTILINE,
        ), key
    # A marked document is reported by its mark only, not also as unknown.
    assert "không có trong data/documents.yml" not in check.stderr


def scaffold(tmp_path: Path, results_paragraph: bool = False) -> Path:
    """data/ with the 2025 plan as new-plan writes it."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    if results_paragraph:
        old = data / "plans" / "2024" / "plan.yml"
        old.write_text(
            old.read_text(encoding="utf-8").replace("    overview: 2023\n", RESULTS_PARAGRAPH), encoding="utf-8"
        )
    made = new_plan_files(load_site(data, ROOT, today=TODAY), data, 2025)
    for path, text in made.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return data


def test_the_copied_results_paragraph_is_marked(tmp_path: Path) -> None:
    data = scaffold(tmp_path, results_paragraph=True)
    plan = yaml.safe_load((data / "plans" / "2025" / "plan.yml").read_text(encoding="utf-8"))
    assert plan["sections"][0]["paragraphs"] == [
        "[[đoạn về kết quả năm 2023?]] Sở đạt 89,42 điểm, xếp thứ 5 trong 20 đơn vị."
    ]
    with pytest.raises(DataError) as error:
        load_site(data, ROOT, today=TODAY)
    line = line_of(data / "plans" / "2025" / "plan.yml", "Sở đạt 89,42 điểm")
    assert (
        f"plans/2025/plan.yml:{line}:9: sections[0].paragraphs[0]: còn chỗ đánh dấu [[đoạn về kết quả năm 2023?]] "
        "chép từ kế hoạch cũ"
    ) in str(error.value)


def resolve(data: Path) -> None:
    """What the editor does: the results paragraph rewritten, each year moved on, the rest kept;
    the tasks written (one of them overdue on TODAY). The signing date is left empty."""
    plan = data / "plans" / "2025" / "plan.yml"
    text = re.sub(r"\[\[đoạn về kết quả năm \d{4}\?\]\] ", "", plan.read_text(encoding="utf-8"))
    text = re.sub(r"\[\[(\d{4})\?\]\]", lambda m: str(int(m[1]) + 1), text)
    plan.write_text(re.sub(r"\[\[([^\]]*)\?\]\]", r"\1", text), encoding="utf-8")
    tasks_path = data / "plans" / "2025" / "tasks.yml"
    tasks = yaml.safe_load(tasks_path.read_text(encoding="utf-8"))
    for i, task in enumerate(tasks["tasks"]):
        task.update(problem="Tồn tại năm 2024.", task=f"Nhiệm vụ {i + 1}.", lead="van-phong", output="Báo cáo.")
        task["deadline"] = "31/03/2025" if i == 0 else "Quý IV/2025"
    tasks_path.write_text(yaml.safe_dump(tasks, allow_unicode=True, sort_keys=False), encoding="utf-8")


def sign(data: Path) -> None:
    plan = data / "plans" / "2025" / "plan.yml"
    text = plan.read_text(encoding="utf-8").replace("number: null", 'number: "15"')
    plan.write_text(text.replace("  day: null\n  month: null\n", "  day: 6\n  month: 2\n"), encoding="utf-8")


def test_a_draft_is_never_the_plan_being_carried_out(tmp_path: Path) -> None:
    data = scaffold(tmp_path)
    resolve(data)
    site = load_site(data, ROOT, today=TODAY)
    draft = site.plans[-1]
    assert draft.year == 2025 and draft.draft and draft.short_title == DRAFT_TITLE
    assert currency(site).current is None and site.current_plan is site.plans[0]
    pages = render_pages(site)
    home = pages[HOME]
    assert "Kế hoạch đang thực hiện" not in home
    assert f"[{DRAFT_TITLE}](ke-hoach/2025/index.md): chưa ký ban hành, chưa phải kế hoạch đang thực hiện" in home
    assert "Chưa có kế hoạch năm 2025 được ban hành trên trang." in home
    # The plan the home page follows, and counts the progress of, is the signed 2024 one.
    assert "## Kế hoạch cải thiện, nâng cao chỉ số CCHC năm 2024" in home and "năm 2025\n\n**Mục tiêu" not in home
    assert "(trên 25 nhiệm vụ" in home
    assert page_titles(site)[DRAFT_PAGE] == DRAFT_TITLE
    assert '!!! warning "Dự thảo"' in pages[DRAFT_PAGE]
    assert "Đây là dự thảo kế hoạch, chưa được ký ban hành (chưa có số và ngày ký)." in pages[DRAFT_PAGE]
    assert "văn bản gốc để trống" not in pages[DRAFT_PAGE]
    office = site.agency.unit("van-phong")
    assert not [t for t in overdue.unit_tasks(site, office) if t.plan_year == 2025]
    # Nothing is scaffolded from a draft.
    with pytest.raises(ScaffoldError, match="kế hoạch năm 2025 còn là dự thảo"):
        new_plan_files(site, data, 2026)

    sign(data)
    site = load_site(data, ROOT, today=TODAY)
    plan = site.plans[-1]
    assert not plan.draft and plan.issued == date(2025, 2, 6)
    assert currency(site).current is plan and site.current_plan is plan
    pages = render_pages(site)
    assert (
        "- Kế hoạch đang thực hiện: [Kế hoạch cải thiện, nâng cao chỉ số CCHC năm 2025](ke-hoach/2025/index.md)"
        in pages[HOME]
    )
    assert "Dự thảo" not in pages[HOME] + pages[DRAFT_PAGE] + page_titles(site)[DRAFT_PAGE]
    assert [t.id for t in overdue.unit_tasks(site, office) if t.plan_year == 2025] == ["NV01"]
    # Before its year the signed plan is upcoming, not current.
    early = currency(site := load_site(data, ROOT, today=date(2024, 12, 20)))
    assert early.current is site.plans[0] and [p.year for p in early.upcoming] == [2025]
