"""Dated states in the core: one clock, timelines, migration of the old form, feeds and change summaries."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import feedparser
import pytest
from helpers import GOLDEN, ROOT, copy_project, mkdocs_build, page_html
from parsite.data_in.progress import finished, state, status, timeline
from parsite.outputs import feeds
from parsite.outputs.changes import Previous, compare, find_previous, snapshot
from parsite.settings import Settings
from parsite.site import load_site
from parsite.tools.status_migration import migrate_text

OTHER = GOLDEN / "other-agency" / "data"


@pytest.fixture(scope="module")
def site():
    return load_site(ROOT / "data", ROOT, today=date(2026, 11, 29))


def task(site, task_id: str):
    return next(t for t in site.tasks if t.id == task_id)


def test_state_follows_the_dated_changes(site) -> None:
    nv24 = task(site, "NV24")  # logged once, on 25/10/2024, with status tam-dung
    assert status(nv24, date(2024, 10, 24)) == "chua-trien-khai"
    assert state(nv24, date(2024, 10, 24)).label == "Chưa triển khai"  # due in Tháng 10/2024
    assert state(nv24, date(2024, 10, 25)).label == "Tạm dừng"
    assert [(p.label, p.start) for p in timeline(nv24, date(2026, 11, 29))] == [("Tạm dừng", date(2024, 10, 25))]
    nv05 = task(site, "NV05")  # due 30/11/2024, never finished
    assert [(p.label, p.start) for p in timeline(nv05, date(2026, 11, 29))] == [
        ("Đang thực hiện", date(2024, 8, 20)),
        ("Quá hạn", date(2024, 12, 1)),
    ]
    nv18 = task(site, "NV18")
    assert finished(nv18, date(2025, 1, 14)) is None
    assert finished(nv18, date(2025, 1, 15)) == date(2025, 1, 15)


def _tasks_file(tmp_path: Path, tasks: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(OTHER, data)
    (data / "plans" / "2025" / "tasks.yml").write_text(tasks, encoding="utf-8")
    return data


TASK = """tasks:
  - id: NV1
    field: 3
    problem: P.
    task: T.
    lead: van-phong
    deadline: Quý II/2025
    output: O.
"""


def test_reopened_task(tmp_path: Path) -> None:
    data = _tasks_file(
        tmp_path,
        TASK
        + "    progress:\n"
        + "      - date: 2025-03-01\n        text: Bắt đầu.\n        status: dang-thuc-hien\n"
        + "      - date: 2025-04-01\n        text: Xong.\n        status: hoan-thanh\n"
        + "      - date: 2025-05-01\n        text: Phải làm lại.\n        status: dang-thuc-hien\n"
        + "      - date: 2025-09-01\n        text: Xong lần hai.\n        status: hoan-thanh\n",
    )
    site = load_site(data, tmp_path, today=date(2025, 12, 31))
    nv1 = site.tasks[0]
    assert state(nv1, date(2025, 4, 15)).label == "Hoàn thành"
    assert state(nv1, date(2025, 8, 1)).label == "Quá hạn 32 ngày"  # reopened, due 30/06/2025
    assert state(nv1, date(2025, 9, 1)).label == "Hoàn thành quá hạn 63 ngày"  # finished again on 01/09/2025
    assert [p.label for p in timeline(nv1, date(2025, 12, 31))] == [
        "Đang thực hiện", "Hoàn thành", "Đang thực hiện", "Quá hạn", "Hoàn thành quá hạn"
    ]  # fmt: skip


def test_migration_moves_each_old_status_onto_a_dated_record() -> None:
    old = TASK.replace("    output: O.\n", "    output: O.\n    status: tam-dung\n") + (
        "    progress:\n"
        "      - date: 2025-02-01\n        text: Bắt đầu.\n"
        "      - date: 2025-03-01\n        text: Dừng.\n        note: Chờ kinh phí.\n"
        "  - id: NV2\n    field: 3\n    problem: P.\n    task: T.\n    lead: van-phong\n"
        "    deadline: Thường xuyên\n    output: O.\n    status: hoan-thanh\n    completed: 2025-04-02\n"
        "  - id: NV3\n    field: 3\n    problem: P.\n    task: T.\n    lead: van-phong\n"
        "    deadline: Thường xuyên\n    output: O.\n    status: dang-thuc-hien  # không có nhật ký\n"
    )
    migration = migrate_text(old)
    assert migration.left == ["NV3: trạng thái 'dang-thuc-hien' không có mục tiến độ nào có ngày"]
    text = migration.text
    assert "    status: tam-dung\n" not in text and "status: dang-thuc-hien  # không có nhật ký" in text
    assert "        text: Bắt đầu.\n        status: dang-thuc-hien  # chuyển đổi từ 'status: tam-dung'" in text
    assert "        note: Chờ kinh phí.\n        status: tam-dung  # chuyển đổi" in text
    assert "    completed: 2025-04-02\n" in text  # no entry that day: the completion date stays as written
    dated = migrate_text(old, undated=date(2025, 6, 30)).text
    assert "# Chuyển đổi dữ liệu: trạng thái 'dang-thuc-hien' cũ không có ngày; ngày 2025-06-30" in dated
    assert "      - date: 2025-06-30\n" in dated and "status: dang-thuc-hien  # không có nhật ký" not in dated


def test_migrated_file_loads_with_the_same_states(tmp_path: Path) -> None:
    old = TASK.replace("    output: O.\n", "    output: O.\n    status: hoan-thanh\n") + (
        "    progress:\n      - date: 2025-02-01\n        text: Bắt đầu.\n"
        "      - date: 2025-07-03\n        text: Xong.\n"
    )
    data = _tasks_file(tmp_path, migrate_text(old).text)
    nv1 = load_site(data, tmp_path, today=date(2025, 12, 31)).tasks[0]
    assert state(nv1, date(2025, 3, 1)).label == "Đang thực hiện"
    assert state(nv1, date(2025, 7, 3)).label == "Hoàn thành quá hạn 3 ngày"


def test_feed_links_absolute_with_site_url_and_ids_unchanged(site) -> None:
    relative = feeds.feed_files(site)
    absolute = feeds.feed_files(site, "https://sldtbxh.example.gov.vn/cchc/")
    parsed = feedparser.parse(absolute["tien-do.xml"])
    assert not parsed.bozo
    assert all(e.link.startswith("https://sldtbxh.example.gov.vn/cchc/don-vi/") for e in parsed.entries)
    assert parsed.feed.links[0].href == "https://sldtbxh.example.gov.vn/cchc/tien-do.xml"
    assert [e.id for e in parsed.entries] == [e.id for e in feedparser.parse(relative["tien-do.xml"]).entries]


def test_feed_carries_hostile_text_as_text(tmp_path: Path) -> None:
    data = _tasks_file(
        tmp_path,
        TASK
        # Control characters (\x01) are refused when the data is read (tests/bad_data); the rest is text.
        + '    progress:\n      - date: 2025-03-01\n        text: "<script>alert(1)</script> & ]]> xong"\n',
    )
    site = load_site(data, tmp_path, today=date(2025, 12, 31))
    parsed = feedparser.parse(feeds.feed_files(site)["tien-do.xml"])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title.endswith("<script>alert(1)</script> & ]]> xong")
    assert parsed.entries[0].title_detail.type == "text/plain"


def test_feed_keeps_the_newest_entries(site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "LIMIT", 5)
    parsed = feedparser.parse(feeds.feed_files(site)["tien-do.xml"])
    total = sum(len(t.progress) for t in site.tasks)
    assert len(parsed.entries) == 5 and f"5 tin mới nhất trong tổng số {total}" in parsed.feed.subtitle
    assert parsed.entries[0].title.startswith("NV18 (P. KHTC, 15/01/2025)")


def test_compare_lists_results_and_edited_entries(site) -> None:
    before = json.loads(json.dumps(snapshot(site)))
    before["results"] = [r for r in before["results"] if r["year"] != 2023]
    nv01 = next(t for t in before["tasks"] if t["id"] == "NV01")
    nv01["entries"][0]["text"] = "Văn bản cũ"
    before["tasks"] = [t for t in before["tasks"] if t["id"] != "NV25"]
    changes = compare(Previous(before, "test"), site)
    assert [(r.result.year, r.new) for r in changes.results] == [(2023, True)]
    assert [t.id for t in changes.new_tasks] == ["NV25"]
    assert changes.removed_entries == 1
    assert [(n.task.id, n.entry.date) for n in changes.new_entries] == [
        ("NV25", date(2024, 11, 22)),
        ("NV01", date(2024, 11, 15)),
    ]
    assert not compare(Previous(before, "test"), site).empty
    assert compare(Previous(snapshot(site), "test"), site).empty


def test_previous_release_lookup(tmp_path: Path) -> None:
    assert find_previous("", "").data is None
    remote = find_previous("", "deploy@portal.example:/var/www/cchc")
    assert remote.data is None and "PARSITE_PREVIOUS" in remote.why
    broken = tmp_path / "snapshot.json"
    broken.write_text("{not json", encoding="utf-8")
    assert "không đọc được" in find_previous(str(broken), "").why
    missing = find_previous("", str(tmp_path / "none"))
    assert missing.data is None and "không có bản đang phát hành" in missing.why
    assert str(tmp_path) not in missing.why  # the deploy target is a secret: never printed


def test_migrate_status_script(tmp_path: Path) -> None:
    import subprocess
    import sys

    old = (OTHER / "plans" / "2025" / "tasks.yml").read_text(encoding="utf-8")
    tasks = tmp_path / "tasks.yml"
    tasks.write_text(TASK.replace("    output: O.\n", "    output: O.\n    status: dang-thuc-hien\n"), encoding="utf-8")
    script = [sys.executable, str(ROOT / "scripts" / "migrate_status.py"), str(tasks)]
    result = subprocess.run(script, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "chưa chuyển được: NV1: trạng thái 'dang-thuc-hien' không có mục tiến độ nào có ngày" in result.stderr
    result = subprocess.run([*script, "--undated", "2025-06-30"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "NV1: 'dang-thuc-hien' từ ngày 2025-06-30" in result.stdout
    data = _tasks_file(tmp_path, tasks.read_text(encoding="utf-8"))
    assert status(load_site(data, tmp_path, today=date(2025, 7, 1)).tasks[0], date(2025, 7, 1)) == "dang-thuc-hien"
    assert old == (OTHER / "plans" / "2025" / "tasks.yml").read_text(encoding="utf-8")


def test_site_today_alone_dates_the_build_on_the_pinned_day(tmp_path: Path) -> None:
    """SITE_TODAY without SOURCE_DATE_EPOCH: the footer's update time is on the day the pages
    speak of, not on the real day of the build."""
    settings = Settings.from_environment(ROOT, environ={"SITE_TODAY": "2025-03-31"})
    assert settings.built.date() == date(2025, 3, 31) and not settings.built_pinned
    project = copy_project(tmp_path / "project")
    result = mkdocs_build(project, tmp_path / "site", SOURCE_DATE_EPOCH=None)
    assert result.returncode == 0, result.stderr
    footer = re.search(r'<div class="md-copyright__stamp">([^<]*)</div>', page_html(tmp_path / "site", ""))
    assert footer is not None and re.fullmatch(r"Cập nhật lúc \d\d:\d\d ngày 31/03/2025", footer[1]), footer
    # SOURCE_DATE_EPOCH, when given, is the build time as it is (a release's reproducible stamp).
    pinned = Settings.from_environment(ROOT, environ={"SITE_TODAY": "2025-03-31", "SOURCE_DATE_EPOCH": "1795892400"})
    assert pinned.built.isoformat() == "2026-11-29T02:00:00+07:00"
