"""Workbooks built to hurt `scripts/import-progress` (issue 32): each is refused in a few seconds
under a 300 MB memory limit, with one clear line naming the file and the limit, exit status 1,
a few dozen lines of output at most, and nothing written to data/.

The files are built here, fast: zip archives written part by part (a sheet's XML streamed into
its part), openpyxl for a cell far away, the site's own code for the workbook a unit downloads.
"""

from __future__ import annotations

import hashlib
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from helpers import ROOT, TODAY
from openpyxl import load_workbook
from parsite.outputs.progress_workbook import workbook_bytes
from parsite.site import load_site
from parsite.tools import progress_cells, untrusted
from parsite.tools.progress_cells import WorkbookError, read_workbook

MEMORY = 300 * 1024 * 1024  # address space of the import: its own needs are about 150 MB
TIMEOUT = 10  # seconds; a refused file takes about one on an idle machine
MAX_OUTPUT = 40  # lines
SCRIPT = ROOT / "scripts" / "import_progress.py"
SHEET = "xl/worksheets/sheet2.xml"  # the progress sheet in the workbook we write


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return shutil.copytree(ROOT / "data", tmp_path / "data")


@pytest.fixture
def blank(data: Path, tmp_path: Path) -> Path:
    """Văn phòng's workbook as the site publishes it."""
    site = load_site(data, tmp_path, date.fromisoformat(TODAY))
    path = tmp_path / "sent" / "tien-do-van-phong.xlsx"
    path.parent.mkdir()
    path.write_bytes(workbook_bytes(site, site.agency.unit("van-phong")))
    return path


def run(data: Path, *args: str | Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """The editors' command on `args`, under the memory limit and the timeout."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(data), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        env={"SITE_TODAY": TODAY, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        check=False,
    )
    return result, time.monotonic() - started


def assert_refused(data: Path, path: Path, message: str, *, whole: bool = True) -> None:
    """Import `path`: refused with `message` after its name (`whole`: as the whole line, else its
    start), exit 1, short output, nothing written to data/."""
    before = snapshot(data)
    result, _ = run(data, path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "MemoryError" not in output, output
    assert len(output.splitlines()) <= MAX_OUTPUT
    line = f"  {path.name}: {message}"
    lines = result.stdout.splitlines()
    assert line in lines if whole else any(shown.startswith(line) for shown in lines), output
    assert snapshot(data) == before


def rezip(source: Path, target: Path, parts: dict[str, bytes | None]) -> Path:
    """`source` with some parts replaced (None: removed), the others copied as they were."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in parts:
                new.writestr(info, old.read(info))
        for name, content in parts.items():
            if content is not None:
                new.writestr(name, content)
    return target


def with_string_table(source: Path, target: Path, doctype: str, first: str) -> Path:
    """`source` with a DTD declared in its table of shared strings (where Excel, LibreOffice and
    XlsxWriter keep a workbook's text) and `first` as the first string."""
    with zipfile.ZipFile(source) as book:
        table = book.read("xl/sharedStrings.xml").decode()
    declaration = table.index("?>") + 2
    start, end = table.index("<t>"), table.index("</t>")
    table = table[:declaration] + doctype + table[declaration:start] + f"<t>{first}" + table[end:]
    return rezip(source, target, {"xl/sharedStrings.xml": table.encode()})


# --- size and shape ------------------------------------------------------------------------------


def test_a_cell_at_xfd1048576_is_refused_without_reading_a_million_rows(data: Path, blank: Path) -> None:
    """openpyxl's normal mode builds every row up to the declared last cell: past 4 GB here."""
    book = load_workbook(blank)
    book["Tiến độ"]["XFD1048576"] = "x"
    path = blank.parent.parent / "tien-do-van-phong.xlsx"
    book.save(path)
    assert path.stat().st_size < 20_000
    with zipfile.ZipFile(path) as saved:
        assert b'<dimension ref="A1:XFD1048576"/>' in saved.read(SHEET)
    assert_refused(
        data,
        path,
        "trang 'Tiến độ' có dòng sau dòng 5.000 (giới hạn 5.000 dòng một trang); hãy xóa các dòng thừa ở cuối "
        "trang, kể cả dòng trống đã định dạng, rồi gửi lại",
    )


def test_a_far_cell_on_another_sheet_is_not_read_at_all(data: Path, blank: Path) -> None:
    """Only the table is read to its end; the guide sheet's first rows are all that is looked at."""
    book = load_workbook(blank)
    book["Hướng dẫn"]["XFD1048576"] = "x"
    path = blank.parent.parent / "tien-do-van-phong.xlsx"
    book.save(path)
    result, _ = run(data, path)
    assert result.returncode == 0 and result.stdout == "Không có mục tiến độ mới nào được thêm.\n", result.stderr


def test_400_000_rows_are_refused_before_any_is_parsed(data: Path, blank: Path) -> None:
    """72 s and 1,5 GB, and 400 000 lines printed, before the limits."""
    path = blank.parent.parent / "tien-do-van-phong.xlsx"
    with zipfile.ZipFile(blank) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
        for info in old.infolist():
            if info.filename != SHEET:
                new.writestr(info, old.read(info))
        header = "".join(
            f'<c r="{letter}2" t="inlineStr"><is><t>{title}</t></is></c>'
            for letter, title in zip("AGH", ("Mã nhiệm vụ", "Ngày", "Nội dung đã thực hiện"), strict=True)
        )
        with new.open(SHEET, "w") as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                + f'<row r="2">{header}</row>'.encode()
            )
            for first in range(3, 400_003, 10_000):
                rows = range(first, min(first + 10_000, 400_003))
                sheet.write(b"".join(b'<row r="%d"><c><v>1</v></c></row>' % n for n in rows))
            sheet.write(b"</sheetData></worksheet>")
    assert path.stat().st_size < 20 * 1024 * 1024
    assert_refused(
        data,
        path,
        "trang 'Tiến độ' có 400.001 dòng, quá giới hạn 5.000 dòng một trang; không đọc",
    )


def test_a_zip_bomb_is_refused_before_it_is_inflated(data: Path, blank: Path) -> None:
    zeros = b"\0" * (1024 * 1024)
    for megabytes, message in (
        (100, f"phần '{SHEET}' khi giải nén lớn 100 MB, quá giới hạn 20 MB; không đọc"),
        (10, f"phần '{SHEET}' nén hơn 100 lần ("),  # within the size: inflates too far all the same
    ):
        path = blank.parent.parent / "tien-do-van-phong.xlsx"
        with zipfile.ZipFile(blank) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new:
            for info in old.infolist():
                if info.filename != SHEET:
                    new.writestr(info, old.read(info))
            with new.open(SHEET, "w") as sheet:
                for _ in range(megabytes):
                    sheet.write(zeros)
        assert path.stat().st_size < megabytes * 1024 * 1024 / 100
        assert_refused(data, path, message, whole=megabytes == 100)


def test_an_entity_bomb_in_the_shared_strings_is_refused(data: Path, blank: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    laughs = f"\n<!DOCTYPE sst [\n{''.join(entities)}\n]>"
    path = with_string_table(blank, blank.parent.parent / "tien-do-van-phong.xlsx", laughs, "&lol9;")
    assert_refused(
        data,
        path,
        "phần 'xl/sharedStrings.xml' khai báo DTD hoặc thực thể XML, Excel không bao giờ ghi như vậy "
        "(có thể là tệp độc hại); không đọc",
    )


def test_files_that_are_not_workbooks_say_so_in_one_line(data: Path, blank: Path, tmp_path: Path) -> None:
    text = tmp_path / "bao-cao.xlsx"
    text.write_text("Mã nhiệm vụ;Ngày;Nội dung đã thực hiện\nNV01;01/03/2025;Xong\n", encoding="utf-8")
    cut = tmp_path / "tien-do-van-phong.xlsx"
    cut.write_bytes(blank.read_bytes()[:4000])
    for path in (text, cut):
        assert_refused(
            data,
            path,
            "không đọc được tệp Excel (.xlsx): tệp không có dạng .xlsx (có thể là tệp .xls cũ, tệp đặt mật khẩu, "
            "tệp .csv hoặc tệp hỏng); hãy mở bằng Excel và lưu lại dạng Sổ làm việc Excel (.xlsx)",
        )


def test_a_damaged_part_is_named(data: Path, blank: Path, tmp_path: Path) -> None:
    raw = bytearray(blank.read_bytes())
    with zipfile.ZipFile(blank) as book:
        info = book.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 10 : start + 20] = b"\xff" * 10  # inside the sheet's deflated data
    path = tmp_path / "tien-do-van-phong.xlsx"
    path.write_bytes(bytes(raw))
    before = snapshot(data)
    result, _ = run(data, path)
    assert result.returncode == 1 and snapshot(data) == before
    assert f"  {path.name}: phần '{SHEET}' hỏng, không giải nén được (" in result.stdout, result.stdout


def test_a_file_over_the_size_limit_is_not_opened(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "tien-do-van-phong.xlsx"
    with path.open("wb") as sparse:
        sparse.write(b"PK\x03\x04")
        sparse.truncate(21 * 1024 * 1024)
    assert_refused(data, path, "tệp lớn 21 MB, quá giới hạn 20 MB; không đọc")


def test_a_long_list_of_refused_rows_is_cut_short(data: Path, blank: Path) -> None:
    book = load_workbook(blank)
    sheet = book["Tiến độ"]
    for number in range(30, 230):  # 200 rows about a task that does not exist
        sheet[f"A{number}"], sheet[f"G{number}"], sheet[f"H{number}"] = "NV99", "01/03/2025", "Việc đã làm."
    path = blank.parent.parent / "tien-do-van-phong.xlsx"
    book.save(path)
    before = snapshot(data)
    result, _ = run(data, path)
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and snapshot(data) == before
    assert lines[:2] == ["Không có mục tiến độ mới nào được thêm.", "Không nhập 200 dòng:"]
    assert len(lines) == 2 + 20 + 1 and lines[-1] == "  … và 180 dòng khác"
    assert lines[2].startswith("  tien-do-van-phong.xlsx, trang 'Tiến độ', dòng 30 (NV99): không có nhiệm vụ mã")


# --- each limit, in-process: the message names it -------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("parts", 5, "tệp có quá nhiều phần (giới hạn 5); không đọc"),
        ("total_bytes", 20_000, "tệp khi giải nén lớn "),
        ("markup", 500, "tệp có hơn 500 thẻ XML (giới hạn); không đọc"),
        ("MAX_SHEETS", 2, "tệp có 4 trang, quá giới hạn 2; không đọc"),
        ("rows", 20, "trang 'Hướng dẫn' có 21 dòng, quá giới hạn 20 dòng một trang; không đọc"),
    ],
)
def test_each_limit_is_named_when_passed(
    blank: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, message: str
) -> None:
    read_workbook(blank)  # within every limit as sent
    if limit.isupper():  # what the import reads
        monkeypatch.setattr(progress_cells, limit, value)
    else:  # what untrusted.read_checked checks first
        monkeypatch.setattr(progress_cells, "LIMITS", replace(progress_cells.LIMITS, **{limit: value}))
    with pytest.raises(WorkbookError) as error:
        read_workbook(blank)
    assert str(error.value).startswith(message), str(error.value)


def test_an_entity_the_scan_missed_is_still_refused_by_the_parser(blank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl parses with defusedxml: the second guard, should the scan for DTDs miss one."""
    import openpyxl

    assert openpyxl.DEFUSEDXML
    path = with_string_table(blank, blank.parent / "entity.xlsx", '<!DOCTYPE sst [<!ENTITY e "x">]>', "&e;")
    read_workbook(with_string_table(blank, blank.parent / "plain.xlsx", "", "x"))  # the same without the DTD
    monkeypatch.setattr(untrusted, "_DTD", ())
    with pytest.raises(WorkbookError) as error:
        read_workbook(path)
    assert str(error.value) == "tệp khai báo DTD hoặc thực thể XML (có thể là tệp độc hại); không đọc"


def test_utf16_xml_is_refused(blank: Path) -> None:
    with zipfile.ZipFile(blank) as book:
        sheet = book.read(SHEET).decode()
    path = rezip(blank, blank.parent / "utf16.xlsx", {SHEET: sheet.replace("UTF-8", "UTF-16").encode("utf-16")})
    with pytest.raises(WorkbookError) as error:
        read_workbook(path)
    assert str(error.value) == f"phần '{SHEET}' là XML dạng UTF-16, Excel không ghi như vậy; không đọc"


def test_the_digest_is_of_the_bytes_read(blank: Path) -> None:
    book = read_workbook(blank)
    assert book.sha256 == hashlib.sha256(blank.read_bytes()).hexdigest()
    assert book.binding is not None and book.binding.intact and book.binding.unit_id == "van-phong"


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [
        ('<?xml version="1.0" encoding="ISO-8859-1"?>', "ISO-8859-1"),
        ('<?xml version="1.0" encoding="cp500"?>', "cp500"),  # EBCDIC: no '<' the scan could see
        ("<?xml version='1.0'" + " " * 2000 + "?>", "không rõ"),  # a declaration that hides its end
    ],
)
def test_xml_in_another_encoding_than_utf8_is_refused(blank: Path, prefix: str, encoding: str) -> None:
    """The scan for a DTD reads bytes: it sees every declaration only in UTF-8, what Office writes."""
    with zipfile.ZipFile(blank) as book:
        sheet = book.read(SHEET).decode()
    body = sheet[sheet.index("?>") + 2 :]
    path = rezip(blank, blank.parent / "latin.xlsx", {SHEET: (prefix + body).encode("latin-1", "replace")})
    with pytest.raises(WorkbookError) as error:
        read_workbook(path)
    assert str(error.value) == f"phần '{SHEET}' là XML dạng {encoding}, Excel không ghi như vậy; không đọc"


def test_a_dtd_after_a_megabyte_of_white_space_is_refused(blank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XML may begin with white space: the scan reads on until the first tag, however far."""
    monkeypatch.setattr(progress_cells, "LIMITS", replace(progress_cells.LIMITS, ratio=100_000))  # spaces deflate
    with zipfile.ZipFile(blank) as book:
        table = book.read("xl/sharedStrings.xml").decode()
    body = table[table.index("?>") + 2 :]
    hidden = " " * (2 * 1024 * 1024) + '<!DOCTYPE sst [<!ENTITY e "x">]>' + body.replace("<t>", "<t>&e;", 1)
    path = rezip(blank, blank.parent / "blank-first.xlsx", {"xl/sharedStrings.xml": hidden.encode()})
    with pytest.raises(WorkbookError) as error:
        read_workbook(path)
    assert str(error.value).startswith("phần 'xl/sharedStrings.xml' khai báo DTD hoặc thực thể XML")


def test_a_zip64_archive_is_refused_before_its_directory_is_read(blank: Path) -> None:
    data = blank.read_bytes()
    end = data.rindex(b"PK\x05\x06")
    locator = b"PK\x06\x07" + bytes(4) + (len(data) + 1000).to_bytes(8, "little") + (1).to_bytes(4, "little")
    path = blank.parent / "zip64.xlsx"
    path.write_bytes(data[:end] + locator + data[end:])
    with pytest.raises(WorkbookError) as error:
        read_workbook(path)
    assert str(error.value) == "tệp nén dạng ZIP64 (dùng cho tệp hàng GB), không phải tệp Excel thường; không đọc"
