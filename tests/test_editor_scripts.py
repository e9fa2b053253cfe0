"""The editors' scripts (check, add-result, new-plan, import-appendix), the schema comments,
and every command of the guide page ("Hướng dẫn cập nhật dữ liệu"), run as written."""

from __future__ import annotations

import email
import email.policy
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import time
from datetime import date
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, copy_project, mkdocs_build, page_text
from parsite.outputs.guide import guide_context, render_guide
from parsite.site import load_site

GUIDE = ROOT / "docs" / "huong-dan.md"
FIXTURES = ROOT / "tests" / "fixtures"
RESULT_2024 = (
    "--total 90,15 --rank 9 --ranked-count 22 --field 1=14 --field 2=14 --field 3=16,5 --field 4=10 "
    "--field 5=12 --field 6=8,5 --field 7=15,15 --source qd-120-2025"
)
DOCUMENT = """  - id: qd-120-2025
    kind: Quyết định
    number: 120/QĐ-UBND
    date: 2025-02-10
    issuer: UBND tỉnh Đắk Nông
    subject: về việc công bố chỉ số cải cách hành chính năm 2024
"""


def run(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SITE_TODAY": "2025-03-31", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(["bash", "-c", command], cwd=project, capture_output=True, text=True, env=env, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_check_accepts_the_data(project: Path) -> None:
    result = run(project, "./scripts/check")
    assert result.returncode == 0, result.stderr
    assert re.match(r"Dữ liệu hợp lệ: 1 kế hoạch, 25 nhiệm vụ, 2 năm kết quả \(\d+\.\d\d giây\)\.", result.stdout)


def test_check_gives_the_build_messages(project: Path, tmp_path: Path) -> None:
    tasks = project / "data" / "plans" / "2024" / "tasks.yml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("lead: thanh-tra", "lead: thanh-traa"), encoding="utf-8")
    check = run(project, "./scripts/check")
    build = mkdocs_build(project, tmp_path / "site")
    assert check.returncode == 1 and build.returncode != 0
    problem = next(line for line in check.stderr.splitlines() if "thanh-traa" in line)
    assert problem.startswith("data/plans/2024/tasks.yml:") and problem in build.stderr


def test_add_result_writes_a_checked_file(project: Path) -> None:
    documents = project / "data" / "documents.yml"
    documents.write_text(documents.read_text(encoding="utf-8") + DOCUMENT, encoding="utf-8")
    bad = run(project, f"./scripts/add-result 2024 {RESULT_2024.replace('--field 6=8,5', '--field 6=12')}")
    assert bad.returncode == 1
    # The file was never written: the message names the option that gave the value, not a line of it.
    assert "--field 6: điểm 12 vượt điểm tối đa 11 của lĩnh vực 6" in bad.stderr
    assert "2024.yml:" not in bad.stderr
    assert not (project / "data" / "results" / "2024.yml").exists()
    bad = run(project, f"./scripts/add-result 2024 {RESULT_2024.replace('--rank 9', '--rank 30')}")
    assert bad.returncode == 1 and "\n--rank: " in bad.stderr and "2024.yml:" not in bad.stderr
    future = run(project, f"./scripts/add-result 2099 {RESULT_2024}")
    assert future.returncode == 1
    assert "năm 2099 chưa đến (hôm nay là 31/03/2025): chỉ ghi kết quả của năm 2025 trở về trước" in future.stderr
    assert not (project / "data" / "results" / "2099.yml").exists()
    good = run(project, f"./scripts/add-result 2024 {RESULT_2024}")
    assert good.returncode == 0, good.stderr
    written = yaml.safe_load((project / "data" / "results" / "2024.yml").read_text(encoding="utf-8"))
    assert written["total"] == 90.15 and written["fields"][7] == 15.15 and written["source"] == "qd-120-2025"
    again = run(project, f"./scripts/add-result 2024 {RESULT_2024}")
    assert again.returncode == 1 and "đã có kết quả năm 2024" in again.stderr


def test_new_plan_scaffolds_from_the_latest_results(project: Path) -> None:
    result = run(project, "./scripts/new-plan 2024")
    assert result.returncode == 1 and "đã có kế hoạch năm 2024; không ghi đè" in result.stderr
    result = run(project, "./scripts/new-plan 2025")
    assert result.returncode == 0, result.stderr
    plan = yaml.safe_load((project / "data" / "plans" / "2025" / "plan.yml").read_text(encoding="utf-8"))
    # The old plan's years and signer are copied for the editor to decide, marked, never moved on.
    assert plan["title"].endswith("năm [[2024?]] của Sở Lao động – Thương binh và Xã hội")
    assert plan["sections"][0]["title"] == "I. TỔNG QUAN CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CỦA SỞ NĂM [[2023?]]"
    assert plan["signature"]["name"] == "[[Hoàng Việt Nam?]]"
    assert plan["date"] == {"day": None, "month": None, "year": 2025} and plan["number"] is None
    assert plan["legal_basis"] == ["[[qd-151-2024?]]", "[[kh-475-2024?]]"]  # still in force? the editor says
    tasks_text = (project / "data" / "plans" / "2025" / "tasks.yml").read_text(encoding="utf-8")
    tasks = yaml.safe_load(tasks_text)["tasks"]
    assert [(t["id"], t["field"]) for t in tasks] == [("NV01", 6), ("NV02", 7), ("NV03", 1), ("NV04", 3)]
    assert "# Lĩnh vực 6: Cải cách tài chính công — năm 2023 bị trừ 3,42/11 điểm" in tasks_text
    check = run(project, "./scripts/check")
    assert check.returncode == 1
    assert "data/plans/2025/tasks.yml:13:11: tasks[0].task: không được để trống" in check.stderr
    line = next(
        i for i, s in enumerate((project / "data/plans/2025/plan.yml").read_text().splitlines(), 1) if "title:" in s
    )
    assert f"data/plans/2025/plan.yml:{line}:8: title: còn chỗ đánh dấu [[2024?]] chép từ kế hoạch cũ" in check.stderr


def test_new_plan_when_the_latest_result_has_only_a_rank(project: Path) -> None:
    """Points unknown are not zero: no "no field lost points", one empty task per field instead."""
    (project / "data" / "results" / "2024.yml").write_text(
        "year: 2024\nderived_from_plan: 2024\ntotal: null\nrank: 8\nranked_count: null\n", encoding="utf-8"
    )
    result = run(project, "./scripts/new-plan 2025")
    assert result.returncode == 0, result.stderr
    assert "kết quả năm 2024 chỉ có thứ hạng (thứ 8), chưa có điểm từng lĩnh vực" in result.stdout
    assert "không lĩnh vực nào bị trừ điểm" not in result.stdout + result.stderr
    tasks = yaml.safe_load((project / "data" / "plans" / "2025" / "tasks.yml").read_text(encoding="utf-8"))["tasks"]
    assert [t["field"] for t in tasks] == [1, 2, 3, 4, 5, 6, 7]


def resolve_marks(plan: Path) -> None:
    """What the editor does with the marks of new-plan: each year moved on, the signer kept."""
    text = plan.read_text(encoding="utf-8")
    text = re.sub(r"\[\[(\d{4})\?\]\]", lambda m: str(int(m[1]) + 1), text)
    plan.write_text(re.sub(r"\[\[([^\]]*)\?\]\]", r"\1", text), encoding="utf-8")


def imported(project: Path, fixture: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    out = project / f"{fixture}.yml"
    result = run(project, f"./scripts/import-appendix {FIXTURES / fixture} --plan 2025 --out {out}")
    return result, yaml.safe_load(out.read_text(encoding="utf-8"))["tasks"]


@pytest.mark.parametrize("fixture", ["phu-luc-mau.xlsx", "phu-luc-mau.docx"])
def test_import_appendix_imports_or_reports_every_row(project: Path, fixture: str) -> None:
    result, tasks = imported(project, fixture)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("Đã nhập 5 nhiệm vụ")
    assert "bỏ qua vì không có nội dung nhiệm vụ (4 | Ghi chú: các đơn vị gửi báo cáo" in result.stdout
    assert "không nhận ra đơn vị 'Các phòng chuyên môn'" in result.stdout
    assert "không nhận ra đơn vị 'Phòng Tổ chức cán bộ'" in result.stdout
    assert "thời hạn 'cuối năm' chưa đúng dạng" in result.stdout
    assert [(t["field"], t["lead"], t["support"]) for t in tasks] == [
        (1, "van-phong", ["thanh-tra"]),
        (1, "thanh-tra", ["van-phong"]),
        (6, "phong-khtc", ["co-so-cai-nghien", "chi-cuc-pctnxh"]),  # "Phong Ke hoach - Tai chinh"
        (7, "phong-ldvl", []),
        (7, "phong-khtc", ["van-phong"]),
    ]
    assert tasks[2]["task"] == "Giải ngân 100% kế hoạch vốn đầu tư công năm 2025"


def test_imported_appendix_round_trips_into_the_site(project: Path) -> None:
    run(project, "./scripts/new-plan 2025")
    _, from_excel = imported(project, "phu-luc-mau.xlsx")
    _, from_word = imported(project, "phu-luc-mau.docx")
    assert from_excel == from_word
    text = (project / "phu-luc-mau.xlsx.yml").read_text(encoding="utf-8").replace('"cuối năm"', '"Quý IV/2025"')
    (project / "data" / "plans" / "2025" / "tasks.yml").write_text(text, encoding="utf-8")
    resolve_marks(project / "data" / "plans" / "2025" / "plan.yml")
    site = load_site(project / "data", project)
    plan = site.plans[-1]
    assert [
        (t.id, t.field.id, t.lead.id, t.deadline.due.isoformat() if t.deadline.due else None) for t in plan.tasks
    ] == [
        ("NV01", 1, "van-phong", "2025-12-25"),
        ("NV02", 1, "thanh-tra", "2025-09-30"),
        ("NV03", 6, "phong-khtc", "2025-12-31"),
        ("NV04", 7, "phong-ldvl", None),
        ("NV05", 7, "phong-khtc", "2025-12-31"),
    ]


def test_every_data_file_names_its_schema() -> None:
    for path in sorted((ROOT / "data").rglob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, f"{path}: first line must be the yaml-language-server schema comment"
        schema = (path.parent / match[1]).resolve()
        assert schema.is_file(), f"{path}: {match[1]} does not exist"
        # The schema named is the one the build checks the file against.
        kind = "result" if path.parent.name == "results" else path.stem
        assert schema.name == f"{kind}.schema.json"


def _properties(node: object, where: str):
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{where}.{key}", value
            yield from _properties(value, f"{where}.{key}")
        for key in ("items", "additionalProperties"):
            yield from _properties(node.get(key), f"{where}[]")
        for key, value in node.get("$defs", {}).items():
            yield from _properties(value, f"#{key}")


def test_every_schema_key_has_a_vietnamese_title_and_description() -> None:
    for path in sorted((ROOT / "hooks" / "parsite" / "schemas").glob("*.json")):
        for where, prop in _properties(json.loads(path.read_text(encoding="utf-8")), path.name):
            if "$ref" in prop and len(prop) <= 2:
                continue
            assert prop.get("title") and prop.get("description"), f"{where}: title and description needed"


def guide_text(data: Path = ROOT / "data", today: date | None = None) -> str:
    """The guide as published with `data` (on `today`): its examples are filled in from the data."""
    return render_guide(GUIDE.read_text(encoding="utf-8"), load_site(data, ROOT, today=today))


QUARTER = "Báo cáo tiến độ hằng quý của các đơn vị"  # its commands run in a project of their own
REORGANISATION = "Sắp xếp tổ chức: đổi tên, sáp nhập, tiếp nhận chức năng"  # and these
REMIND = "Đôn đốc các đơn vị: thư nhắc hạn"  # and these


def guide_sections(today: date | None = None) -> dict[str, str]:
    """The guide's sections by heading (the text before the first one under "")."""
    parts = re.split(r"^## (.+)$", guide_text(today=today), flags=re.M)
    return {"": parts[0], **dict(zip(parts[1::2], parts[2::2], strict=True))}


def guide_steps(section: str | None = None, today: date | None = None) -> list[tuple[str, str]]:
    """(kind, text) of the code blocks of the guide (but the sections run on their own), or of one
    section, as published on `today`."""
    sections = guide_sections(today)
    text = "".join(body for heading, body in sections.items() if heading not in (QUARTER, REORGANISATION, REMIND))
    return re.findall(r"```(bash|yaml)\n(.*?)```", text if section is None else sections[section], re.S)


def test_every_command_of_the_guide_works(project: Path) -> None:
    shutil.copytree(FIXTURES, project / "tests" / "fixtures")  # the guide's example appendix
    ran = []
    for kind, text in guide_steps():
        first = text.splitlines()[0]
        if kind == "yaml":
            if first.startswith("# thêm vào cuối "):
                target = project / first.removeprefix("# thêm vào cuối ")
                target.write_text(target.read_text(encoding="utf-8") + text.split("\n", 1)[1], encoding="utf-8")
            else:
                yaml.safe_load(text)  # a fragment shown as an example must at least be valid YAML
            continue
        command = text.strip().splitlines()[-1]
        if command == "./scripts/site serve":
            continue  # tested in test_guide_serve_command_previews_the_site
        result = run(project, command)
        expect_failure = first.startswith("# kết quả: báo lỗi")
        assert (result.returncode != 0) == expect_failure, f"{command}\n{result.stdout}\n{result.stderr}"
        ran.append(command.split()[0])
    assert ran == [
        "./scripts/check", "./scripts/site", "./scripts/add-result", "./scripts/new-plan",
        "./scripts/import-appendix", "./scripts/check",
    ]  # fmt: skip
    assert (project / "site" / "huong-dan" / "index.html").is_file()


def test_guide_serve_command_previews_the_site(project: Path) -> None:
    assert any(text.strip() == "./scripts/site serve" for kind, text in guide_steps())
    assert "`./scripts/site serve`" in guide_sections()[QUARTER]  # the quarterly round previews with it
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        ["./scripts/site", "serve", "--no-livereload"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # MkDocs builds the site, then starts listening
            assert time.monotonic() < deadline, "the preview server did not start"
            try:
                socket.create_connection(("127.0.0.1", 8000), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=10)
        connection.request("GET", "/huong-dan/")
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        response.close()
        connection.close()
        assert response.status == 200 and "Hướng dẫn cập nhật dữ liệu" in body
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_guide_error_table_matches_real_messages() -> None:
    corpus = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "bad_data" / "expected").glob("*.txt"))
    table = GUIDE.read_text(encoding="utf-8").split("## Các lỗi thường gặp", 1)[1]
    fragments = re.findall(r"^\| `[a-z-]+` \| `([^`]+)` \|", table, re.M)
    assert len(fragments) >= 15
    for fragment in fragments:
        assert fragment in corpus, f"the guide explains '{fragment}', which no bad data case produces"


def test_quarterly_round_of_the_guide_works(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send, receive, import, check, publish: each command of that section, as written, in order."""
    for who in ("AUTHOR", "COMMITTER"):  # the editor's name, set once in their git
        monkeypatch.setenv(f"GIT_{who}_NAME", "Văn phòng")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "vp@example.invalid")
    git = ["git"]
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    for command in (["init", "-q", "-b", "main"], ["add", "data"], ["commit", "-qm", "Dữ liệu"],
                    ["remote", "add", "origin", str(remote)], ["push", "-q", "-u", "origin", "main"]):  # fmt: skip
        subprocess.run(git + command, cwd=project, check=True, capture_output=True)
    ran = []
    for kind, text in guide_steps(QUARTER):
        assert kind == "bash"
        for command in [line for line in text.splitlines() if line and not line.startswith("#")]:
            if command.startswith("./scripts/import-progress"):
                receive(project)
            result = run(project, command)
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
            ran.append(" ".join(command.split()[:2]))
            if command.startswith("./scripts/import-progress"):
                assert "Đã thêm 2 mục tiến độ:" in result.stdout, result.stdout
    assert ran == [
        "./scripts/site build", "./scripts/import-progress bao-cao-quy/*.xlsx", "./scripts/check",
        "git add", "git commit", "git push",
    ]  # fmt: skip
    published = subprocess.run(
        ["git", "--git-dir", str(remote), "show", "main:data/plans/2024/tasks.yml"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Cập nhật quy trình theo báo cáo của đơn vị." in published
    assert "Kiểm tra 2 đơn vị trong quý I." in published


def receive(project: Path) -> None:
    """What units send back: their workbooks from the built site, one row filled in each."""
    from openpyxl import load_workbook

    inbox = project / "bao-cao-quy"
    inbox.mkdir()
    for unit, text in (
        ("van-phong", "Cập nhật quy trình theo báo cáo của đơn vị."),
        ("thanh-tra", "Kiểm tra 2 đơn vị trong quý I."),
    ):
        book = load_workbook(project / "site" / "bao-cao-tien-do" / f"tien-do-{unit}.xlsx")
        sheet = book["Tiến độ"]
        sheet["G3"], sheet["H3"] = "15/03/2025", text
        book.save(inbox / f"bao cao {unit}.xlsx")


def insert_into_block(path: Path, block: str, fragment: str) -> None:
    """Add `fragment` at the end of a YAML block as an editor would: `block` is "agency" (the
    top-level key) or a unit's id (its "  - id: ..." item), before the comments that follow it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip() in (f"{block}:", f"  - id: {block}"))
    end = start + 1
    while end < len(lines) and (
        not lines[end].strip() or lines[end].startswith("    ") or (block == "agency" and lines[end].startswith("  "))
    ):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    lines[end:end] = [fragment if fragment.endswith("\n") else fragment + "\n"]
    path.write_text("".join(lines), encoding="utf-8")


def test_reorganisation_chapter_of_the_guide_works(project: Path) -> None:
    """The worked example, each step as written and in order: the data still checks, the site
    builds, and it shows the merger, the renaming and the transfer as the chapter says."""
    day = date(2025, 3, 31)  # run()'s SITE_TODAY: the guide as the editor reads it that day
    context = guide_context(load_site(ROOT / "data", ROOT, today=day))
    ran = []
    for kind, text in guide_steps(REORGANISATION, day):
        first, body = text.split("\n", 1)
        if kind == "yaml":
            where = re.fullmatch(r"# thêm vào (?:cuối (\S+)|khối (\S+) trong (\S+)|đơn vị (\S+) trong (\S+))", first)
            assert where, first
            if where[1]:
                target = project / where[1]
                target.write_text(target.read_text(encoding="utf-8") + body, encoding="utf-8")
            else:
                insert_into_block(project / (where[3] or where[5]), where[2] or where[4], body)
            continue
        result = run(project, text.strip())
        assert result.returncode == 0, f"{text}\n{result.stdout}\n{result.stderr}"
        ran.append(text.strip())
    assert ran == ["./scripts/check", "./scripts/site build"]
    merged, successor = context["reorg_merged"], context["reorg_successor"]
    assert context["reorg_open"] > 0  # the example moves unfinished tasks
    site = project / "site"
    merged_page = page_text(site, f"don-vi/{merged}")
    assert f"Từ ngày {context['reorg_day']}, đơn vị được sáp nhập vào" in merged_page
    assert f"{context['reorg_open']} nhiệm vụ chưa hoàn thành của đơn vị được chuyển cho" in merged_page
    successor_page = page_text(site, f"don-vi/{successor}")
    assert successor_page.startswith(yaml.safe_load(context["reorg_new_name"]))
    assert successor_page.count("đơn vị tiếp nhận nhiệm vụ") == context["reorg_open"]
    assert (site / "bao-cao-tien-do" / f"tien-do-{successor}.xlsx").is_file()
    assert not (site / "bao-cao-tien-do" / f"tien-do-{merged}.xlsx").exists()
    receiver_page = page_text(site, f"don-vi/{context['reorg_receiver']}")
    assert "tiếp nhận chức năng, nhiệm vụ của Phòng Tổ chức – Hành chính" in receiver_page
    home = page_text(site, "")
    assert "được sáp nhập vào Sở Nội vụ" in home


def test_reminders_section_of_the_guide_works(project: Path) -> None:
    """Copy the example contacts, check them, preview the messages: each command as written."""
    ran = []
    for kind, text in guide_steps(REMIND):
        if kind == "yaml":
            yaml.safe_load(text)  # the form shown, with words in place of addresses
            continue
        command = text.strip().splitlines()[-1]
        result = run(project, command)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        ran.append(command)
    assert ran == [
        "cp examples/contacts.yml data/contacts.yml",
        "./scripts/check",
        "./scripts/remind --dry-run thu-nhac",
    ]
    # The preview of the pinned day (SITE_TODAY): addressed from the example contacts, never sent.
    previews = sorted((project / "thu-nhac").glob("*.eml"))
    assert previews, "./scripts/remind --dry-run wrote nothing"
    for path in previews:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["To"].endswith("@example.gov.vn")
        assert message["Subject"].startswith(
            ("Đôn đốc nhiệm vụ CCHC ngày 31/03/2025", "Tổng hợp nhiệm vụ CCHC ngày 31/03/2025")
        )
