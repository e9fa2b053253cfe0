"""The quarterly report the office sends upward: the tasks by state and by unit, the difficulties
reported, the tasks due next quarter; an ended quarter's report (page and .docx) the same however
late it is built and whatever is recorded after the quarter's end."""

from __future__ import annotations

import calendar
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers import ROOT, data_file, page_text
from parsite.outputs.render import render_pages
from parsite.outputs.report_docx import report_docx
from parsite.outputs.reports import quarter_reports
from parsite.site import load_site

Q3_END = date(2024, 9, 30)
LATER_ENTRY = """      - date: 2025-01-10
        text: Ghi sau khi quý III đã kết thúc.
        note: Khó khăn ghi sau quý III.
        status: hoan-thanh
"""


def _last_day(deadline: str) -> date | None:
    """A deadline's last day as tasks.yml writes it (dd/mm/yyyy, YYYY-MM-DD, Tháng M/YYYY, Quý N/YYYY)."""
    if match := re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", deadline):
        return date(int(match[3]), int(match[2]), int(match[1]))
    if match := re.fullmatch(r"\d{4}-\d\d-\d\d", deadline):
        return date.fromisoformat(deadline)
    month = re.fullmatch(r"Tháng (\d+)/(\d{4})", deadline)
    quarter = re.fullmatch(r"Quý (I|II|III|IV)/(\d{4})", deadline)
    if month or quarter:
        year = int((month or quarter)[2])
        m = int(month[1]) if month else 3 * ["I", "II", "III", "IV"].index(quarter[1]) + 3
        return date(year, m, calendar.monthrange(year, m)[1])
    return None


def _status_at(task: dict, day: date) -> str:
    """The status recorded last on or before `day` (the `completed:` date counts as hoan-thanh)."""
    changes = [(e["date"], e["status"]) for e in task.get("progress", []) if e.get("status") and e["date"] <= day]
    if task.get("completed") and task["completed"] <= day:
        changes.append((task["completed"], "hoan-thanh"))
    return sorted(changes, key=lambda c: c[0])[-1][1] if changes else "chua-trien-khai"


def _q3(data: Path, today: date) -> tuple[str, bytes]:
    site = load_site(data, data.parent, today=today)
    report = next(r for r in quarter_reports(site) if r.slug == "2024-quy-3")
    return render_pages(site)["bao-cao/2024-quy-3.md"], report_docx(site.agency.at(report.end), report)


def test_an_ended_quarter_is_the_same_whenever_it_is_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795892400")
    first = _q3(ROOT / "data", date(2024, 10, 1))
    assert first == _q3(ROOT / "data", date(2025, 3, 31))
    # Recorded after the quarter: a later entry that finishes a task overdue at the quarter's end.
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    tasks = data / "plans" / "2024" / "tasks.yml"
    text = tasks.read_text(encoding="utf-8")
    target = next(t for t in data_file("plans/2024/tasks.yml")["tasks"] if t["id"] == "NV12")
    assert not target.get("completed")
    block = re.search(r"(  - id: NV12\n.*?)(?=\n  - id: |\Z)", text, re.S)
    assert block and "    progress:\n" in block[1]
    tasks.write_text(text.replace(block[1], block[1].rstrip("\n") + "\n" + LATER_ENTRY.rstrip("\n")), encoding="utf-8")
    later = _q3(data, date(2025, 3, 31))
    assert later == first
    q4 = render_pages(load_site(data, tmp_path, today=date(2025, 3, 31)))["bao-cao/2024-quy-4.md"]
    assert "Khó khăn ghi sau quý III." not in q4  # dated 2025: in no quarter of the 2024 plan
    assert "Khó khăn ghi sau quý III." not in first[0]


def test_the_report_counts_states_by_unit_and_lists_difficulties_and_what_is_next(built_site: Path) -> None:
    tasks = data_file("plans/2024/tasks.yml")["tasks"]
    units = {u["id"]: u["name"] for u in data_file("agency.yml")["units"]}
    text = page_text(built_site, "bao-cao/2024-quy-3")
    # One row per lead unit, then the total: the counts add up to the plan's tasks.
    table = text.split("Số nhiệm vụ theo trạng thái và đơn vị chủ trì, đến ngày 30/09/2024:", 1)[1]
    table = table.split("Theo lĩnh vực", 1)[0]
    for lead in {t["lead"] for t in tasks}:
        count = sum(1 for t in tasks if t["lead"] == lead)
        assert re.search(rf"{re.escape(units[lead])}(?: \d+){{5}} {count}\b", table), (units[lead], table)
    assert re.search(rf"Cộng(?: \d+){{5}} {len(tasks)}\b", table)
    # Every note given with an entry of the quarter, and nothing from outside it.
    section = text.split("Khó khăn, vướng mắc, đề xuất", 1)[1].split("Nhiệm vụ trọng tâm", 1)[0]
    in_quarter = [
        (t["id"], e)
        for t in tasks
        for e in t.get("progress", [])
        if e.get("note") and date(2024, 7, 1) <= e["date"] <= Q3_END
    ]
    assert in_quarter
    for task_id, entry in in_quarter:
        assert f"{task_id} " in section and " ".join(entry["note"].split()) in section
    outside = [e["note"] for t in tasks for e in t.get("progress", []) if e.get("note") and e["date"] > Q3_END]
    assert outside and all(" ".join(note.split()) not in section for note in outside)
    # Next quarter: Q4/2024, the tasks due by 31/12/2024 that were not finished on 30/09/2024.
    upcoming = text.split("Nhiệm vụ trọng tâm Quý IV/2024", 1)[1]
    assert "có thời hạn đến hết ngày 31/12/2024" in upcoming
    finished_by_q3 = {t["id"] for t in tasks if _status_at(t, Q3_END) in ("hoan-thanh", "tam-dung")}
    due_q4 = [t["id"] for t in tasks if (due := _last_day(str(t["deadline"]))) and Q3_END < due <= date(2024, 12, 31)]
    expected = [i for i in due_q4 if i not in finished_by_q3]
    assert expected and all(f"{i} " in upcoming for i in expected)
    assert all(f"{i} " not in upcoming for i in finished_by_q3)
