"""import-appendix with files from outside: every failure is one line naming the file, DTDs and
entities are refused, no cell text is cut, and a hostile file ends within seconds in bounded memory."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

SCRIPT = ROOT / "scripts" / "import_appendix.py"
FIXTURES = ROOT / "tests" / "fixtures"
MEMORY = 300 * 1024 * 1024
BOMB = (
    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
XXE = '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/hostname">]>'


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_import(path: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "tasks.yml"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(path), "--plan", "2025", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert not out.exists()
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Không nhập được {path}: "), result.stderr
    return result


def _rewrite(source: Path, target: Path, part: str, edit) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            new.writestr(item, edit(data.decode("utf-8")).encode("utf-8") if item.filename == part else data)
    return target


def _with_doctype(doctype: str, body_edit=lambda xml: xml):  # type: ignore[no-untyped-def]
    def edit(xml: str) -> str:
        at = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
        return body_edit(xml[:at] + doctype + xml[at:])

    return edit


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("entity-bomb", "phần 'word/document.xml' khai báo DTD hoặc thực thể XML"),
        ("external-entity", "phần 'word/document.xml' khai báo DTD hoặc thực thể XML"),
        ("entity-bomb-in-a-sheet", "phần 'xl/worksheets/sheet1.xml' khai báo DTD hoặc thực thể XML"),
    ],
)
def test_an_appendix_declaring_entities_is_refused(tmp_path: Path, case: str, expected: str) -> None:
    if case == "entity-bomb":
        path = _rewrite(FIXTURES / "phu-luc-mau.docx", tmp_path / "bom.docx", "word/document.xml", _with_doctype(BOMB))
    elif case == "external-entity":
        cut = _with_doctype(XXE, lambda xml: xml.replace("Văn phòng Sở", "XXE[&x;]", 1))
        path = _rewrite(FIXTURES / "phu-luc-mau.docx", tmp_path / "xxe.docx", "word/document.xml", cut)
    else:
        sheet = "xl/worksheets/sheet1.xml"
        path = _rewrite(FIXTURES / "phu-luc-mau.xlsx", tmp_path / "bom.xlsx", sheet, _with_doctype(BOMB))
    assert expected in run_import(path, tmp_path).stderr


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_a_file_that_is_not_what_its_name_says_is_one_line(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"phu-luc{suffix}"
    path.write_text("Kính gửi Văn phòng Sở,\n", encoding="utf-8")
    program = "Word" if suffix == ".docx" else "Excel"
    expected = f"không đọc được tệp {program} ({suffix}): tệp không có dạng {suffix} (có thể là tệp"
    assert expected in run_import(path, tmp_path).stderr


def test_an_office_archive_without_a_document_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "không đọc được tệp Word" in run_import(path, tmp_path).stderr


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.xlsx"
    with zipfile.ZipFile(FIXTURES / "phu-luc-mau.xlsx") as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, old.read(item.filename))
        with new.open("xl/media/anh.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):  # 300 MB inflated, about 300 KB in the archive
                member.write(block)
    assert "khi giải nén lớn 300 MB, quá giới hạn 20 MB" in run_import(path, tmp_path).stderr


def test_a_file_over_the_size_limit_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.xlsx"
    with path.open("wb") as sparse:
        sparse.truncate(21 * 1024 * 1024)
    assert "tệp lớn 21 MB, quá giới hạn 20 MB" in run_import(path, tmp_path).stderr


def test_a_sheet_reaching_its_last_cell_is_refused_quickly(tmp_path: Path) -> None:
    def far_cell(xml: str) -> str:
        row = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        xml = xml.replace("</sheetData>", row + "</sheetData>")
        start = xml.index("<dimension ref=")
        end = xml.index("/>", start) + 2
        return xml[:start] + '<dimension ref="A1:XFD1048576"/>' + xml[end:]

    path = _rewrite(FIXTURES / "phu-luc-mau.xlsx", tmp_path / "xa.xlsx", "xl/worksheets/sheet1.xml", far_cell)
    assert "quá giới hạn" in run_import(path, tmp_path).stderr


def test_the_example_appendices_still_import(tmp_path: Path) -> None:
    for name in ("phu-luc-mau.xlsx", "phu-luc-mau.docx"):
        out = tmp_path / f"{name}.yml"
        result = subprocess.run(
            [sys.executable, str(SCRIPT), str(FIXTURES / name), "--plan", "2025", "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=_limit_memory,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "Đã nhập 5 nhiệm vụ" in result.stdout
