"""Truth as of a date: past reports never change, Atom feeds of progress, changes since the last release.

Three builds of the real site: A on 30/06/2025, B on 29/11/2026 from the same data (with A as
the previous release), C on 29/11/2026 from data with one more progress entry (with A live
in a deploy folder). Each has its own build time (SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import yaml
from helpers import ROOT, article_text, copy_project, mkdocs_build, page_text

A_TODAY, A_EPOCH = "2025-06-30", "1751252400"  # 2025-06-30T03:00:00Z
B_TODAY, B_EPOCH = "2026-11-29", "1795892400"
NEW_ENTRY = (
    "      - date: 2026-11-20\n"
    "        text: Hội đồng sáng kiến công nhận 01 sáng kiến CCHC.\n"
    "        evidence: Quyết định số 45/QĐ-HĐSK\n"
    "        status: hoan-thanh\n"
)


def _build(project: Path, site: Path, today: str, epoch: str, **env: str) -> tuple[Path, str]:
    result = mkdocs_build(project, site, SITE_TODAY=today, SOURCE_DATE_EPOCH=epoch, **env)
    assert result.returncode == 0, result.stderr
    return site, result.stderr


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    root = tmp_path_factory.mktemp("as-of")
    a = _build(ROOT, root / "a", A_TODAY, A_EPOCH)
    b = _build(ROOT, root / "b", B_TODAY, B_EPOCH, PARSITE_PREVIOUS=str(root / "a"))
    project = copy_project(root / "project")
    tasks = project / "data" / "plans" / "2024" / "tasks.yml"
    text = tasks.read_text(encoding="utf-8")
    anchor = 'dự kiến trình Hội đồng sáng kiến trong Quý I/2025."\n'  # NV05's last entry
    assert text.count(anchor) == 1
    tasks.write_text(text.replace(anchor, anchor + NEW_ENTRY), encoding="utf-8")
    target = root / "deploy"
    (target / "releases").mkdir(parents=True)
    shutil.copytree(root / "a", target / "releases" / "a")
    (target / "current").symlink_to("releases/a")
    c = _build(project, root / "c", B_TODAY, B_EPOCH, DEPLOY_TARGET=str(target), PARSITE_PREVIOUS="")
    return {"a": a, "b": b, "c": c}


def _reports(site: Path) -> list[str]:
    return sorted(p.stem for p in (site / "bao-cao").glob("2024-quy-*.docx"))


def _article(html: str) -> str:
    return html.split("<article", 1)[1].split("</article>", 1)[0]


def _docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_reports_of_ended_quarters_are_identical_on_later_days(builds) -> None:
    (a, _), (b, _), (c, _) = builds["a"], builds["b"], builds["c"]
    assert _reports(a) == _reports(b) == _reports(c) == [f"2024-quy-{q}" for q in (1, 2, 3, 4)]
    for name in _reports(a):
        page_a = _article((a / "bao-cao" / name / "index.html").read_text(encoding="utf-8"))
        for other in (b, c):  # c: a later entry (20/11/2026) changes nothing of 2024
            assert _article((other / "bao-cao" / name / "index.html").read_text(encoding="utf-8")) == page_a
            docx_a = (a / "bao-cao" / f"{name}.docx").read_bytes()
            docx_other = (other / "bao-cao" / f"{name}.docx").read_bytes()
            assert _docx_parts(docx_other) == _docx_parts(docx_a)  # the XML content
            assert docx_other == docx_a  # and the file itself, although built at another time


def _recorded_by(day: date) -> int:
    """Tasks with a dated record (a progress entry or a completion date) on or before `day`."""
    tasks = yaml.safe_load((ROOT / "data" / "plans" / "2024" / "tasks.yml").read_text(encoding="utf-8"))["tasks"]
    dates = [[str(e["date"]) for e in t.get("progress", [])] + [str(t.get("completed", "9999"))] for t in tasks]
    return sum(1 for found in dates if min(found) <= day.isoformat())


_COUNTS = re.compile(
    r"Đến ngày (\d\d)/(\d\d)/(\d{4}): Hoàn thành (\d+), đang thực hiện (\d+), quá hạn (\d+), "
    r"chưa triển khai (\d+), tạm dừng (\d+)"
)


@pytest.mark.parametrize("build", ["a", "b"])
def test_past_reports_count_only_tasks_recorded_by_their_end(builds, build: str) -> None:
    site = builds[build][0]
    for quarter in (1, 2, 3, 4):
        text = page_text(site, f"bao-cao/2024-quy-{quarter}")
        found = _COUNTS.search(text)
        assert found, text[:400]
        day = date(int(found[3]), int(found[2]), int(found[1]))
        done, begun, late, not_started, paused = map(int, found.groups()[3:])
        assert done + begun + paused <= _recorded_by(day)
        assert done + begun + late + not_started + paused == 25
    q1 = page_text(site, "bao-cao/2024-quy-1")
    # By 31/03/2024 two tasks had a dated entry (NV02, NV19); NV24 was paused only on 25/10/2024.
    assert "Đến ngày 31/03/2024: Hoàn thành 0, đang thực hiện 2, quá hạn 0, chưa triển khai 23, tạm dừng 0" in q1


def test_docx_counts_match_the_page(builds) -> None:
    from docx import Document

    site = builds["b"][0]
    for quarter in (1, 2, 3, 4):
        page = page_text(site, f"bao-cao/2024-quy-{quarter}")
        doc = Document(io.BytesIO((site / "bao-cao" / f"2024-quy-{quarter}.docx").read_bytes()))
        text = "\n".join(p.text for p in doc.paragraphs)
        counts = _COUNTS.search(page)
        assert counts
        numbers = ", ".join(f"{k} {v}" for k, v in zip(
            ("hoàn thành", "đang thực hiện", "quá hạn", "chưa triển khai", "tạm dừng"), counts.groups()[3:], strict=True
        ))  # fmt: skip
        assert numbers in text


def test_task_section_shows_its_timeline(builds) -> None:
    text = page_text(builds["b"][0], "don-vi/phong-ldvl")
    block = text.split("NV07 · ", 1)[1].split("NV08 · ", 1)[0]
    assert "Trạng thái: Hoàn thành ngày 10/10/2024, quá hạn 10 ngày" in block
    assert (
        "Diễn biến trạng thái: Đang thực hiện từ 30/08/2024; Quá hạn từ 01/10/2024; Hoàn thành quá hạn từ 10/10/2024."
    ) in block
    assert "Trạng thái: Hoàn thành." in block  # the entry that finished it says so


def _feed(site: Path, name: str) -> feedparser.FeedParserDict:
    return feedparser.parse((site / f"{name}.xml").read_bytes())


def _entries_in_data() -> list[tuple[str, str]]:
    tasks = yaml.safe_load((ROOT / "data" / "plans" / "2024" / "tasks.yml").read_text(encoding="utf-8"))["tasks"]
    return [(t["id"], str(e["date"])) for t in tasks for e in t.get("progress", [])]


def test_feed_of_all_tasks_is_valid_atom_newest_first(builds) -> None:
    site = builds["b"][0]
    feed = _feed(site, "tien-do")
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title.startswith("Tiến độ nhiệm vụ CCHC")
    assert feed.feed.id.startswith("tag:") and feed.feed.updated
    entries = feed.entries
    assert len(entries) == len(_entries_in_data())
    days = [e.updated_parsed for e in entries]
    assert days == sorted(days, reverse=True)
    ids = [e.id for e in entries]
    assert len(set(ids)) == len(ids)
    tag = re.compile(r"^tag:[a-z0-9.-]+,\d{4}:[A-Za-z0-9._~/-]+$")  # RFC 4151, absolute IRIs
    assert all(tag.match(i) for i in ids), ids[:3]
    assert all(e.title and e.author and e.summary for e in entries)
    newest = entries[0]
    assert newest.title.startswith("NV18 (P. KHTC, 15/01/2025) → Hoàn thành:")


@pytest.mark.parametrize("name", ["tien-do", "tien-do-van-phong", "tien-do-phong-ldvl", "tien-do-phong-khtc"])
def test_every_feed_entry_links_to_its_task_anchor(builds, name: str) -> None:
    site = builds["b"][0]
    feed_url = f"https://cchc.example.vn/{name}.xml"  # where a reader found the feed
    headers = {"content-location": feed_url, "content-type": "application/atom+xml"}
    feed = feedparser.parse((site / f"{name}.xml").read_bytes(), response_headers=headers)
    assert not feed.bozo and feed.entries
    for entry in feed.entries:
        link = urljoin(feed_url, entry.link)  # relative without site_url: resolved against the feed
        assert link.startswith("https://cchc.example.vn/don-vi/"), link
        page, anchor = link.removeprefix("https://cchc.example.vn/").split("#")
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html, link
        task_id = entry.title.split(" ", 1)[0]
        assert f"{task_id} · " in html.split(f'id="{anchor}"', 1)[1][:400]


def test_unit_feed_holds_the_units_tasks_only(builds) -> None:
    site = builds["b"][0]
    tasks = yaml.safe_load((ROOT / "data" / "plans" / "2024" / "tasks.yml").read_text(encoding="utf-8"))["tasks"]
    mine = {
        t["id"]
        for t in tasks
        if t["lead"] == "phong-khtc"
        or "phong-khtc" in t.get("support", [])
        or any(e.get("unit") == "phong-khtc" for e in t.get("progress", []))
    }
    expected = [(t, d) for t, d in _entries_in_data() if t in mine]
    feed = _feed(site, "tien-do-phong-khtc")
    assert sorted(e.title.split(" ", 1)[0] for e in feed.entries) == sorted(t for t, _ in expected)
    assert feed.feed.title == "Tiến độ nhiệm vụ CCHC – Phòng Kế hoạch – Tài chính"


def test_pages_announce_their_feeds(builds) -> None:
    site = builds["b"][0]
    home = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">', home)
    assert [href for _, href in links] == ["./tien-do.xml"]
    unit = (site / "don-vi" / "thanh-tra" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">', unit)
    assert links == [
        ("Tiến độ nhiệm vụ CCHC – Thanh tra Sở", "../../tien-do-thanh-tra.xml"),
        ("Nhiệm vụ CCHC quá hạn – Thanh tra Sở", "../../qua-han-thanh-tra.xml"),
        ("Tiến độ nhiệm vụ CCHC – Sở LĐ-TB&amp;XH", "../../tien-do.xml"),
    ]
    for _, href in links:
        assert (site / "don-vi" / "thanh-tra" / href).resolve().is_file()
    assert "Nhận tin tiến độ mới (nguồn tin cho ứng dụng đọc tin)" in article_text(unit)


def test_change_summary_without_previous_release(builds) -> None:
    site, log = builds["a"]
    assert "Không có bản phát hành trước để so sánh" in log
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="./thay-doi/">Thay đổi dữ liệu so với bản trước</a>' in html
    page = page_text(site, "thay-doi")
    assert "không có bản phát hành trước để so sánh" in page


def test_change_summary_same_data(builds) -> None:
    site, log = builds["b"]
    assert "Thay đổi dữ liệu so với bản phát hành trước (cập nhật lúc 10:00 ngày 30/06/2025): 0 mục tiến độ mới" in log
    page = page_text(site, "thay-doi")
    assert "0 mục tiến độ mới" in page and "Dữ liệu không thay đổi." in page


def test_change_summary_from_the_live_release(builds) -> None:
    site, log = builds["c"]
    assert "1 mục tiến độ mới, 1 nhiệm vụ đổi trạng thái" in log
    assert "mục tiến độ mới: 2024/NV05 20/11/2026: Hội đồng sáng kiến công nhận 01 sáng kiến CCHC." in log
    page = page_text(site, "thay-doi")
    assert "20/11/2026 · NV05 (VP): Hội đồng sáng kiến công nhận 01 sáng kiến CCHC. Trạng thái: Hoàn thành." in page
    assert (
        "NV05 · Quá hạn 212 ngày → Hoàn thành quá hạn 720 ngày: Phát động và lựa chọn ít nhất 01 sáng kiến, "
        "giải pháp CCHC của Sở đề nghị cấp có thẩm quyền công nhận." in page
    )
    assert ".:" not in page  # the task's full stop is not followed by the summary's colon
    html = (site / "thay-doi" / "index.html").read_text(encoding="utf-8")
    assert 'href="../don-vi/van-phong/#nv-2024-nv05"' in html
