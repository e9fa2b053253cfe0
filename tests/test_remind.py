"""Reminders (đôn đốc, scripts/remind): what a real SMTP server on 127.0.0.1 receives on a pinned
day, the .eml files of a dry run, the contacts file's checks, and no address in the built site."""

from __future__ import annotations

import email
import email.policy
import gzip
import io
import re
import socket
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import brotli
import pytest
import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from helpers import ROOT, build_env, copy_project, data_file, mkdocs_build

DAY = date(2024, 11, 20)  # the real data on that day: some tasks due soon, some units with nothing to say
PASSWORD = "Bi-Mat-42-khong-in-ra"
REFUSED = "hop-thu-khong-co@dich-vu-viec-lam.test"
CONTACTS = {
    "office": ["van-phong@so.test"],
    "units": {
        "van-phong": ["vp.1@so.test", "vp.2@so.test"],
        "phong-ldvl": ["ldvl@so.test"],
        "tt-dvvl": [REFUSED, "tt-dvvl@so.test"],
        "thanh-tra": ["thanh-tra@so.test"],  # nothing due near that day: no message
        # tt-ctxh has something to say and no address: named in the summary
    },
}


class Inbox:
    """An SMTP server's handler: keeps what it is given, refuses one address, checks the login."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage, bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed, raw))
        return "250 Message accepted"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        self.logins.append((data.login, data.password))
        return AuthResult(success=data.login == b"nhac-viec" and data.password == PASSWORD.encode())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    # AUTH without TLS: the test server listens on 127.0.0.1 only (SMTP_SECURITY=none).
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def remind(project: Path, *args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    environment = build_env(SITE_TODAY=DAY.isoformat(), SOURCE_DATE_EPOCH=None, **env)
    for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_SECURITY"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        ["./scripts/remind", *args], cwd=project, env=environment, capture_output=True, text=True, check=False
    )


def smtp_env(port: int, contacts: Path, cache: Path) -> dict[str, str]:
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_SECURITY": "none",
        "SMTP_USER": "nhac-viec",
        "SMTP_PASSWORD": PASSWORD,
        "SMTP_FROM": "Văn phòng Sở <nhac-viec@so.test>",
        "PARSITE_CONTACTS": str(contacts),
        "PARSITE_CACHE": str(cache),
    }


def _task(task_id: str) -> dict[str, Any]:
    return next(t for t in data_file("plans/2024/tasks.yml")["tasks"] if t["id"] == task_id)


def _due(task: dict[str, Any]) -> date:
    """A task's last day, read from tasks.yml as written (dd/mm/yyyy or YYYY-MM-DD only here)."""
    text = str(task["deadline"])
    if "/" in text:
        day, month, year = map(int, text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text)


def test_digests_reach_the_server_once_each(project: Path, tmp_path: Path, smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    contacts = tmp_path / "outside" / "danh-ba.yml"  # kept out of the repository (PARSITE_CONTACTS)
    contacts.parent.mkdir()
    contacts.write_text(yaml.safe_dump(CONTACTS, allow_unicode=True), encoding="utf-8")
    env = smtp_env(port, contacts, tmp_path / "cache")

    first = remind(project, "--send", **env)
    assert first.returncode == 1, first.stdout + first.stderr  # one address refused
    assert PASSWORD not in first.stdout + first.stderr
    assert inbox.logins, first.stdout + first.stderr
    assert all(login == b"nhac-viec" for login, _ in inbox.logins)
    refused = [line for line in first.stderr.splitlines() if REFUSED in line]
    assert len(refused) == 1 and "550" in refused[0], first.stderr
    assert "Trung tâm Công tác xã hội tổng hợp" in first.stdout  # something to say, no address

    by_address = {rcpt: message for rcpts, message, _ in inbox.received for rcpt in rcpts}
    expected = {"van-phong@so.test", "vp.1@so.test", "vp.2@so.test", "ldvl@so.test", "tt-dvvl@so.test"}
    assert set(by_address) == expected  # thanh-tra: nothing due near that day
    assert len(inbox.received) == len(expected)  # each address once

    for rcpts, message, raw in inbox.received:
        head = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
        assert head.isascii()  # Vietnamese only as RFC 2047 encoded words
        assert re.search(rb"^Subject: =\?utf-8\?", head, re.M | re.I), head
        assert message["Subject"].startswith(
            f"{'Đôn đốc' if rcpts[0] != 'van-phong@so.test' else 'Tổng hợp'} nhiệm vụ CCHC ngày 20/11/2024"
        )
        sent = parsedate_to_datetime(message["Date"])
        assert sent.utcoffset() is not None and sent.date() == DAY  # the pinned day, in Vietnam (+07:00)
        assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", message["Message-ID"])
        assert message["From"] == "Văn phòng Sở <nhac-viec@so.test>"
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    ids = {message["Message-ID"] for _, message, _ in inbox.received}
    assert len(ids) == 4  # office, van-phong (both addresses share it), phong-ldvl, tt-dvvl

    # Van phong leads NV05: due soon, with the days left counted from the pinned day.
    nv05 = _task("NV05")
    message = by_address["vp.1@so.test"]
    assert message["To"] == "vp.1@so.test, vp.2@so.test"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    days_left = (_due(nv05) - DAY).days
    assert 0 < days_left <= 14
    assert "Kính gửi: Văn phòng Sở" in text
    assert f"NV05 · {' '.join(nv05['task'].split())}" in text
    assert f"Còn {days_left} ngày" in text and f"Còn {days_left} ngày" in html
    assert f"Thời hạn: {_due(nv05):%d/%m/%Y}" in text
    assert "Hạn gửi báo cáo tiến độ Quý IV/2024 về Văn phòng: ngày 31/12/2024." in text
    assert "tien-do-van-phong.xlsx" in text and "tien-do-van-phong.xlsx" in html
    assert '<html lang="vi">' in html and "<strong>NV05</strong>" in html
    # A supporting unit hears of the task it coordinates, with who leads it.
    ldvl = by_address["ldvl@so.test"].get_body(("plain",)).get_content()
    assert "NHIỆM VỤ ĐƠN VỊ PHỐI HỢP" in ldvl and "NV05" in ldvl and "Đơn vị chủ trì: Văn phòng Sở" in ldvl
    # The office: units that have not reported in the quarter, by their names.
    office = by_address["van-phong@so.test"].get_body(("plain",)).get_content()
    assert "ĐƠN VỊ CHƯA BÁO CÁO TIẾN ĐỘ QUÝ IV/2024" in office and "- Thanh tra Sở" in office

    count = len(inbox.received)
    second = remind(project, "--send", **env)
    assert len(inbox.received) == count, "a second run on the same day sent a message again"
    assert second.returncode == 1 and REFUSED in second.stderr  # the refused address is tried again
    assert "bỏ qua 5 lượt đã gửi trước đó" in second.stdout, second.stdout


def test_a_server_that_cannot_be_reached_is_reported(project: Path, tmp_path: Path) -> None:
    contacts = tmp_path / "danh-ba.yml"
    contacts.write_text(yaml.safe_dump(CONTACTS, allow_unicode=True), encoding="utf-8")
    result = remind(project, "--send", **smtp_env(_free_port(), contacts, tmp_path / "cache"))
    assert result.returncode == 1
    assert "lỗi 6" in result.stdout and PASSWORD not in result.stdout + result.stderr
    assert not (tmp_path / "cache" / "thu-nhac" / "da-gui.json").exists()


def test_dry_run_is_the_default_without_a_server(project: Path) -> None:
    result = remind(project, "--date", "2024-12-20")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (project / "thu-nhac").glob("*.eml"))
    assert "2024-12-20_don-vi_van-phong.eml" in written and "2024-12-20_van-phong.eml" in written
    message = email.message_from_bytes(
        (project / "thu-nhac" / "2024-12-20_don-vi_van-phong.eml").read_bytes(), policy=email.policy.default
    )
    assert message["To"] is None  # no contacts: a preview addressed to nobody
    text = message.get_body(("plain",)).get_content()
    nv20 = _task("NV20")  # due 15/12, not finished: five days late on 20/12
    assert f"Quá hạn {(date(2024, 12, 20) - _due(nv20)).days} ngày" in text
    assert "Tính đến ngày 20/12/2024" in text


def test_send_without_a_server_or_contacts_is_refused(project: Path, tmp_path: Path) -> None:
    result = remind(project, "--send")
    assert result.returncode == 1 and "SMTP_HOST" in result.stderr
    result = remind(project, "--send", SMTP_HOST="127.0.0.1", SMTP_FROM="a@so.test", PARSITE_CACHE=str(tmp_path))
    assert result.returncode == 1 and "Chưa có danh bạ data/contacts.yml" in result.stderr
    result = remind(project, "--send", SMTP_HOST="127.0.0.1", SMTP_FROM="a@so.test", SMTP_SECURITY="tls")
    assert result.returncode == 1 and "SMTP_SECURITY='tls'" in result.stderr


BAD_CONTACTS = """\
office: [van-phong@so.test]
units:
  van-phong: [vp@so.test, "không phải địa chỉ"]
  phong-khong-co: [a@so.test]
  thanh-tra: [tt@so.test, TT@so.test]
  phong-ldvl: vp@so.test
extra: 1
"""


def test_contacts_problems_are_listed_with_their_lines(project: Path) -> None:
    (project / "data" / "contacts.yml").write_text(BAD_CONTACTS, encoding="utf-8")
    for command in (["./scripts/check"], ["./scripts/remind", "--dry-run", "x"]):
        result = subprocess.run(command, cwd=project, env=build_env(), capture_output=True, text=True, check=False)
        assert result.returncode == 1
        lines = result.stderr.splitlines()
        wrong = "'không phải địa chỉ' không phải địa chỉ thư điện tử (dạng ten@ten-mien.gov.vn)"
        assert f"data/contacts.yml:3:27: units.van-phong[1]: {wrong} [email-address]" in lines
        assert any(
            line.startswith(
                "data/contacts.yml:4:3: units.phong-khong-co: đơn vị 'phong-khong-co' không có trong data/agency.yml"
            )
            and line.endswith("[unknown-reference]")
            for line in lines
        )
        assert "data/contacts.yml:5:27: units.thanh-tra[1]: địa chỉ 'TT@so.test' bị lặp [duplicate]" in lines
        assert any(line.startswith("data/contacts.yml:6:15: units.phong-ldvl: phải là danh sách") for line in lines)
        assert any(line.startswith("data/contacts.yml:7:1: extra: khóa 'extra' không được hỗ trợ") for line in lines)
    assert not (project / "x").exists()


def test_a_unit_that_no_longer_exists_is_refused_with_its_successor(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", ROOT / "tests" / "golden" / "reorganised-agency" / "data")
    (project / "data" / "contacts.yml").write_text(
        "office: [vp@so.test]\nunits:\n  chi-cuc-bvmt: [cc@so.test]\n", encoding="utf-8"
    )
    result = subprocess.run(
        ["./scripts/check"],
        cwd=project,
        env=build_env(SITE_TODAY="2025-03-31"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    ended = "đơn vị 'chi-cuc-bvmt' không còn từ ngày 01/03/2025; gửi cho đơn vị tiếp nhận 'phong-moi-truong'"
    assert f"data/contacts.yml:3:3: units.chi-cuc-bvmt: {ended} [unit-inactive]" in result.stderr.splitlines()
    before = subprocess.run(
        ["./scripts/check"],
        cwd=project,
        env=build_env(SITE_TODAY="2025-02-28"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert before.returncode == 0, before.stderr
    assert "Danh bạ nhận thư nhắc hợp lệ: 1 đơn vị, 2 địa chỉ." in before.stdout


def _texts(folder: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file under `folder` as a reader could get it: compressed copies decompressed, the
    members of every zip (workbooks, .docx, archives) opened."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield path, data
        if path.suffix == ".gz":
            yield path, gzip.decompress(data)
        elif path.suffix == ".br":
            yield path, brotli.decompress(data)
        elif zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    yield path / name, archive.read(name)


def test_no_address_reaches_the_built_site(project: Path, tmp_path: Path) -> None:
    (project / "data" / "contacts.yml").write_text(yaml.safe_dump(CONTACTS, allow_unicode=True), encoding="utf-8")
    addresses = {a for found in [CONTACTS["office"], *CONTACTS["units"].values()] for a in found}
    example = yaml.safe_load((ROOT / "examples" / "contacts.yml").read_text(encoding="utf-8"))
    addresses |= {a for found in [example["office"], *example["units"].values()] for a in found}  # the guide's sample
    built = mkdocs_build(project, tmp_path / "site")
    assert built.returncode == 0, built.stderr
    standalone = subprocess.run(
        ["./scripts/site", "generate", str(tmp_path / "standalone")],
        cwd=project,
        env=build_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert standalone.returncode == 0, standalone.stderr
    checked = 0
    for folder in (tmp_path / "site", tmp_path / "standalone"):
        for path, data in _texts(folder):
            checked += 1
            lowered = data.lower()
            for address in addresses:
                assert address.encode() not in lowered, f"{address} in {path}"
            assert b"so.test" not in lowered and b"example.gov.vn" not in lowered, path
    names = {p.name for p in (tmp_path / "site").rglob("*")}
    assert {"search_index.json", "tat-ca.ics", "sitemap.xml"} <= names and checked > 500
    assert any(n.endswith(".schema.json") for n in names) and any(
        n.endswith(".xml") and n.startswith("qua-han") for n in names
    )


def test_units_are_named_as_on_the_day_of_the_reminder(tmp_path: Path) -> None:
    """The reorganised agency: phong-dat-dai was renamed on 01/03/2025; its task of the 2025 plan is
    due at the end of Q3/2025."""
    project = copy_project(tmp_path / "project", ROOT / "tests" / "golden" / "reorganised-agency" / "data")
    agency = yaml.safe_load((project / "data" / "agency.yml").read_text(encoding="utf-8"))
    unit = next(u for u in agency["units"] if u["id"] == "phong-dat-dai")
    renamed = unit["history"][0]
    assert renamed["kind"] == "doi-ten" and renamed["date"] < date(2025, 9, 20)
    result = remind(project, "--date", "2025-09-20", "--dry-run", "thu")
    assert result.returncode == 0, result.stderr

    def text(name: str) -> str:
        message = email.message_from_bytes((project / "thu" / name).read_bytes(), policy=email.policy.default)
        return message.get_body(("plain",)).get_content()

    assert f"Kính gửi: {renamed['name']}\n" in text("2025-09-20_don-vi_phong-dat-dai.eml")
    assert unit["name"] not in text("2025-09-20_don-vi_phong-dat-dai.eml")  # the name before 01/03/2025
    assert f"Đơn vị chủ trì: {renamed['name']}\n" in text("2025-09-20_don-vi_van-phong.eml")  # it supports


def test_a_merged_units_open_task_is_pressed_on_its_successor(tmp_path: Path) -> None:
    """tt-cntt leads NV02 (due 30/11/2025) and was merged into tt-dvnnmt on 01/07/2025."""
    project = copy_project(tmp_path / "project", ROOT / "tests" / "golden" / "reorganised-agency" / "data")
    (project / "data" / "contacts.yml").write_text(
        "office: [vp@so.test]\nunits:\n  tt-dvnnmt: [dvnnmt@so.test]\n  tt-cntt: [cntt@so.test]\n", encoding="utf-8"
    )
    before = remind(project, "--date", "2025-06-20", "--dry-run", "truoc")
    assert before.returncode == 1  # tt-dvnnmt does not exist yet on 20/06/2025
    assert "units.tt-dvnnmt: đơn vị 'tt-dvnnmt' chỉ có từ ngày 01/07/2025 [unit-inactive]" in before.stderr
    (project / "data" / "contacts.yml").write_text(
        "office: [vp@so.test]\nunits:\n  tt-dvnnmt: [dvnnmt@so.test]\n", encoding="utf-8"
    )
    result = remind(project, "--date", "2025-11-20", "--dry-run", "sau")
    assert result.returncode == 0, result.stderr
    written = {p.name for p in (project / "sau").glob("*.eml")}
    assert "2025-11-20_don-vi_tt-cntt.eml" not in written
    message = email.message_from_bytes(
        (project / "sau" / "2025-11-20_don-vi_tt-dvnnmt.eml").read_bytes(), policy=email.policy.default
    )
    assert message["To"] == "dvnnmt@so.test"
    text = message.get_body(("plain",)).get_content()
    assert "NV02 · Kết nối cơ sở dữ liệu môi trường" in text and "Còn 10 ngày" in text
