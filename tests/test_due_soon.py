"""Sắp đến hạn on the home page and the unit pages, built from the real data on a pinned day, and
the nightly workflow's reminder step."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, data_file, mkdocs_build, page_text

DAY = date(2024, 10, 20)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("due-soon") / "site"
    built = mkdocs_build(ROOT, out, SITE_TODAY=DAY.isoformat(), PARSITE_CACHE="off")
    assert built.returncode == 0, built.stderr
    return out


def _last_day(deadline: str) -> date | None:
    """The last day of a deadline written 'Tháng M/YYYY' or 'dd/mm/yyyy' (the forms the plan uses)."""
    month = re.fullmatch(r"Tháng (\d+)/(\d{4})", deadline)
    if month:
        m, y = int(month[1]), int(month[2])
        return date(y, m, calendar.monthrange(y, m)[1])
    day = re.fullmatch(r"(\d\d)/(\d\d)/(\d{4})", deadline)
    return date(int(day[3]), int(day[2]), int(day[1])) if day else None


def _due_soon() -> list[dict]:
    """Tasks of the plan not finished by DAY whose last day is within 14 days of it."""
    found = []
    for task in data_file("plans/2024/tasks.yml")["tasks"]:
        due = _last_day(str(task["deadline"]))
        done = any(e.get("status") == "hoan-thanh" and e["date"] <= DAY for e in task.get("progress", []))
        if due and DAY <= due <= DAY + timedelta(days=14) and not done and not task.get("completed"):
            found.append(task | {"due": due})
    return found


def test_home_and_unit_pages_show_what_is_due_soon(site: Path) -> None:
    soon = _due_soon()
    assert soon, "the pinned day should have a task due soon"
    home = page_text(site, "")
    assert "Sắp đến hạn" in home
    for task in soon:
        left = f"{(task['due'] - DAY).days} ngày"
        assert f"{task['id']} {' '.join(task['task'].split())}" in home and left in home
        for unit in (task["lead"], *task.get("support", [])):
            text = page_text(site, f"don-vi/{unit}")
            section = text.split("Sắp đến hạn", 1)[1].split("Danh sách nhiệm vụ", 1)[0]
            assert task["id"] in section and left in section, unit
    involved = {u for t in soon for u in (t["lead"], *t.get("support", []))}
    quiet = next(u["id"] for u in data_file("agency.yml")["units"] if u["id"] not in involved)
    text = page_text(site, f"don-vi/{quiet}")
    assert "Không có nhiệm vụ nào phải hoàn thành trong 14 ngày tới, tính từ ngày 20/10/2024." in text


def test_the_nightly_run_reminds_after_a_successful_publication_only() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["publish"]["steps"]
    names = [s.get("run", "") for s in steps]
    publish = next(i for i, run in enumerate(names) if "./scripts/publish" in run)
    remind = next(i for i, run in enumerate(names) if "./scripts/remind" in run)
    assert remind > publish
    step = steps[remind]
    assert "success()" in step["if"] and "github.event_name == 'schedule'" in step["if"]  # not on a push
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_SECURITY"):
        assert step["env"][name] == "${{ secrets." + name + " }}"
    cached = next(s for s in steps if "actions/cache" in s.get("uses", ""))
    assert cached["with"]["path"] == ".cache/parsite"  # where scripts/remind keeps what it sent
