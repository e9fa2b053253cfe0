"""Names through reorganisations (tests/golden/reorganised-agency): the agency merged and renamed
and a unit renamed on 01/03/2025, a unit merged into a new one with an open task and another unit
taking over the functions of a unit that is not on the site on 01/07/2025.

The site is built as the office would have had it on the day before each change (the data
without what was recorded later) and again months later: what was published about an ended
quarter, and every id a feed reader or calendar keeps, must not change. The successor reports on
the task it took over; the unit that ended reports no more."""

from __future__ import annotations

import io
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from helpers import GOLDEN, ROOT
from openpyxl import load_workbook
from parsite.outputs import registry
from parsite.outputs.exports import report_docx_bytes
from parsite.outputs.progress_workbook import workbook_bytes, workbook_tasks, workbook_units
from parsite.outputs.render import nav, render_pages
from parsite.outputs.reports import quarter_reports
from parsite.problems import DataError
from parsite.site import load_site
from parsite.tools.progress_import import import_progress
from test_stable_ids import ids

DATA = GOLDEN / "reorganised-agency" / "data"
CHANGES = [date(2025, 3, 1), date(2025, 7, 1)]  # the two days of changes in the data set
LATER = date(2026, 2, 15)


def as_recorded_on(day: date, dest: Path) -> Path:
    """The data set as the office had it on `day`: no change, entry, completion or plan dated later."""
    shutil.copytree(DATA, dest)
    agency_file = dest / "agency.yml"
    agency = yaml.safe_load(agency_file.read_text(encoding="utf-8"))
    agency["agency"]["history"] = [e for e in agency["agency"].get("history", []) if e["date"] <= day]
    units = []
    for unit in agency["units"]:
        history = [e for e in unit.get("history", []) if e["date"] <= day]
        if any(e["kind"] == "thanh-lap" and e["date"] > day for e in unit.get("history", [])):
            continue  # not yet established: not in the data
        unit["history"] = history
        units.append(unit)
    agency["units"] = units
    agency_file.write_text(yaml.safe_dump(agency, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for plan_dir in sorted((dest / "plans").iterdir()):
        plan = yaml.safe_load((plan_dir / "plan.yml").read_text(encoding="utf-8"))
        signed = plan["date"]
        if date(signed["year"], signed["month"], signed["day"]) > day:
            shutil.rmtree(plan_dir)
            continue
        tasks_file = plan_dir / "tasks.yml"
        tasks = yaml.safe_load(tasks_file.read_text(encoding="utf-8"))
        for task in tasks["tasks"]:
            task["progress"] = [e for e in task.get("progress", []) if e["date"] <= day]
            if task.get("completed") and task["completed"] > day:
                del task["completed"]
        tasks_file.write_text(yaml.safe_dump(tasks, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dest


def ended_quarters(data: Path, today: date) -> dict[str, tuple[str, bytes]]:
    """Each report of a quarter ended by `today`: its page's Markdown and its .docx."""
    site = load_site(data, ROOT, today=today)
    pages = render_pages(site)
    return {
        r.slug: (pages[f"bao-cao/{r.slug}.md"], report_docx_bytes(site, r)) for r in quarter_reports(site) if r.complete
    }


@pytest.mark.parametrize("change", CHANGES, ids=str)
def test_a_reorganisation_changes_nothing_published_about_an_ended_quarter(tmp_path: Path, change: date) -> None:
    before_day = change - timedelta(days=1)
    before_data = as_recorded_on(before_day, tmp_path / "data")
    before, after = ended_quarters(before_data, before_day), ended_quarters(DATA, LATER)
    assert len(before) >= 4  # the quarters of 2024 at least: not an empty comparison
    for slug, (page, docx) in before.items():
        assert after[slug][0] == page, slug
        assert after[slug][1] == docx, slug
    # Feed entries and calendar events keep their ids: a reader shows nothing twice.
    before_ids, after_ids = ids(before_data, before_day), ids(DATA, LATER)
    assert sum(len(v) for v in before_ids.values()) > 10
    for path, values in before_ids.items():
        assert values[0] == after_ids[path][0], path  # the feed's or first event's id
        if not path.startswith("tien-do-qua-han"):  # overdue entries come and go with the days
            assert set(values) <= set(after_ids[path]), path


def test_the_successor_carries_the_open_task_on_its_pages_and_in_its_workbook() -> None:
    site = load_site(DATA, ROOT, today=LATER)
    ended, successor = site.agency.unit("tt-cntt"), site.agency.unit("tt-dvnnmt")
    task = next(t for t in site.tasks if t.plan_year == 2025 and t.id == "NV02")
    assert task.lead is ended and task.lead_at(date(2025, 6, 30)) is ended and task.lead_at(LATER) is successor
    # A task finished before the merger stays with the unit that did it.
    done = next(t for t in site.tasks if t.plan_year == 2024 and t.id == "NV02")
    assert done.lead_at(LATER).id == "chi-cuc-bvmt"

    assert successor in workbook_units(site) and ended not in workbook_units(site)
    assert workbook_tasks(site, successor) == [task]
    downloads = set(registry.downloads(site))
    assert "bao-cao-tien-do/tien-do-tt-dvnnmt.xlsx" in downloads
    assert "bao-cao-tien-do/tien-do-tt-cntt.xlsx" not in downloads

    pages = render_pages(site)
    successor_page, ended_page = pages["don-vi/tt-dvnnmt/index.md"], pages["don-vi/tt-cntt/index.md"]
    assert "Từ ngày 01/07/2025, đơn vị tiếp nhận nhiệm vụ [NV02 (kế hoạch năm 2025)](#nv-2025-nv02)" in successor_page
    assert "{ #nv-2025-nv02 }" in successor_page and "tien-do-tt-dvnnmt.xlsx" in successor_page
    assert (
        "1 nhiệm vụ chưa hoàn thành của đơn vị được chuyển cho "
        "[Trung tâm Dịch vụ nông nghiệp và môi trường](../tt-dvnnmt/index.md) tiếp tục thực hiện." in ended_page
    )
    assert "tien-do-tt-cntt.xlsx" not in ended_page
    # Entries keep the name of who wrote them on their day.
    assert "12/05/2025 (TT CNTT)" in successor_page and "15/08/2025 (TT DVNNMT)" in successor_page
    # The report of a quarter after the merger groups the task under its successor.
    q3 = pages["bao-cao/2025-quy-3.md"]
    assert "### Trung tâm Dịch vụ nông nghiệp và môi trường { #don-vi-tt-dvnnmt }" in q3
    assert "### Trung tâm Công nghệ thông tin tài nguyên" not in q3
    q2 = pages["bao-cao/2025-quy-2.md"]
    assert "### Trung tâm Công nghệ thông tin tài nguyên { #don-vi-tt-cntt }" in q2

    # The unit that ended before the first plan is not in the menu; one that ended later is.
    units_menu = next(item["Đơn vị"] for item in nav(site) if "Đơn vị" in item)
    listed = {next(iter(entry.values())) for entry in units_menu[1:]}
    assert "don-vi/tt-cntt/index.md" in listed and "don-vi/tt-dvnnmt/index.md" in listed


def _filled(site_day: date, unit: str, rows: dict[str, dict[str, object]], dest: Path) -> Path:
    site = load_site(DATA, ROOT, today=site_day)
    book = load_workbook(io.BytesIO(workbook_bytes(site, site.agency.unit(unit))))
    sheet = book["Tiến độ"]
    letters = {cell.value: cell.column_letter for cell in sheet[2] if cell.value}
    where = {sheet[f"{letters['Mã nhiệm vụ']}{n}"].value: n for n in range(3, sheet.max_row + 1)}
    for task_id, values in rows.items():
        for title, value in values.items():
            sheet[f"{letters[title]}{where[task_id]}"] = value
    path = dest / f"tien-do-{unit}.xlsx"
    dest.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def test_the_successor_reports_on_the_task_and_the_ended_unit_no_more(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    tasks = data / "plans" / "2025" / "tasks.yml"
    row = {"Ngày": "20/09/2025", "Nội dung đã thực hiện": "Hoàn thành kết nối thử nghiệm."}
    # The ended unit's workbook, sent before the merger, comes back filled with a later date.
    old = _filled(date(2025, 6, 15), "tt-cntt", {"NV02": row}, tmp_path / "old")
    before = tasks.read_bytes()
    outcome = import_progress(data, [old], data.parent, LATER)
    assert not outcome.added and tasks.read_bytes() == before
    assert len(outcome.refused) == 1
    assert outcome.refused[0].endswith(
        "ngày 20/09/2025: TT CNTT (tt-cntt) không còn từ ngày 01/07/2025 (sáp nhập); từ ngày đó nhiệm vụ NV02 do "
        "Trung tâm Dịch vụ nông nghiệp và môi trường (tt-dvnnmt) thực hiện: báo cáo bằng bảng tính của đơn vị này"
    )
    # The successor's workbook carries the task; its report is accepted and written as the lead's.
    new = _filled(LATER, "tt-dvnnmt", {"NV02": row}, tmp_path / "new")
    outcome = import_progress(data, [new], data.parent, LATER)
    assert not outcome.refused and not outcome.refused_files and not outcome.problems
    assert [(e.task.id, e.task.plan_year) for e in outcome.added] == [("NV02", 2025)]
    site = load_site(data, ROOT, today=LATER)
    task = next(t for t in site.tasks if t.plan_year == 2025 and t.id == "NV02")
    assert (task.progress[-1].date, task.progress[-1].unit.id) == (date(2025, 9, 20), "tt-dvnnmt")


def _refusal(tmp_path: Path, old: str, new: str) -> str:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    agency = data / "agency.yml"
    text = agency.read_text(encoding="utf-8")
    assert old in text
    agency.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_site(data, ROOT, today=LATER)
    return str(error.value)


def test_a_change_without_its_kind_lists_the_kinds(tmp_path: Path) -> None:
    message = _refusal(tmp_path, "        kind: tiep-nhan\n", "")
    assert (
        "units[3].history[0].kind: thiếu khóa bắt buộc 'kind'; chọn một trong: thanh-lap, doi-ten, sap-nhap, "
        "chia-tach, giai-the, chuyen-giao, tiep-nhan [required]" in message
    )


def test_a_merger_into_a_unit_not_yet_established_is_refused(tmp_path: Path) -> None:
    message = _refusal(
        tmp_path,
        "      - date: 2025-07-01\n        kind: thanh-lap",
        "      - date: 2025-08-01\n        kind: thanh-lap",
    )
    assert (
        "units[5].history[0].successor: đơn vị tiếp nhận 'tt-dvnnmt' chỉ có từ ngày 01/08/2025, "
        "nên không thể tiếp nhận nhiệm vụ ngày 01/07/2025 [unit-history]" in message
    )


def test_a_task_given_to_a_unit_before_it_was_established_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    tasks = data / "plans" / "2025" / "tasks.yml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("lead: tt-cntt", "lead: tt-dvnnmt"), encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_site(data, ROOT, today=LATER)
    assert (
        "tasks[1].lead: đơn vị 'tt-dvnnmt' thành lập từ ngày 01/07/2025, sau ngày ký kế hoạch [unit-inactive]"
        in str(error.value)
    )


def test_a_change_recorded_in_advance_shows_from_its_day() -> None:
    """Data entered before the changes take effect: the pages keep today's names until then."""
    site = load_site(DATA, ROOT, today=date(2025, 2, 15))
    pages = render_pages(site)
    assert pages["don-vi/phong-dat-dai/index.md"].startswith("# Phòng Đất đai (P. ĐĐ)")
    units_menu = next(item["Đơn vị"] for item in nav(site) if "Đơn vị" in item)
    listed = {next(iter(entry.values())) for entry in units_menu[1:]}
    assert "don-vi/tt-dvnnmt/index.md" not in listed and "don-vi/chi-cuc-bvmt/index.md" in listed
    task = next(t for t in site.tasks if t.plan_year == 2024 and t.id == "NV02")
    assert "Chuyển giao" not in pages["don-vi/chi-cuc-bvmt/index.md"] and task.lead_at(site.today).id == "chi-cuc-bvmt"
