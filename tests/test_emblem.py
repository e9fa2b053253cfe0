"""Logo and favicon from the data: the agency's emblem when given, else a generated mark."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import GOLDEN, copy_project, mkdocs_build
from parsite.outputs.emblem import emblem, initials
from parsite.problems import DataError
from parsite.site import load_site

BASE = GOLDEN / "other-agency" / "data"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_real_site_uses_a_generated_mark_not_materials_book(built_site: Path) -> None:
    html = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="assets/bieu-trung.svg">' in html
    header_logo = html.split('class="md-header__button md-logo"', 1)[1].split("</a>", 1)[0]
    assert '<img src="assets/bieu-trung.svg" alt="">' in header_logo
    assert "<svg" not in header_logo  # Material's inline book icon
    mark = (built_site / "assets" / "bieu-trung.svg").read_text(encoding="utf-8")
    assert ">SLĐT</text>" in mark  # Sở LĐ-TB&XH


@pytest.mark.parametrize(
    ("short", "expected"), [("Sở LĐ-TB&XH", "SLĐT"), ("Ban QLKCN", "BQLK"), ("sở nội vụ", "S"), ("<b>", "B")]
)
def test_initials(short: str, expected: str) -> None:
    assert initials(short) == expected


def test_generated_mark_escapes_the_name(tmp_path: Path) -> None:
    mark = emblem(None, "A<&", tmp_path).content.decode()
    assert ">A</text>" in mark and "<&" not in mark


def _with_emblem(tmp_path: Path, name: str, content: bytes) -> Path:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    agency = data / "agency.yml"
    text = agency.read_text(encoding="utf-8")
    agency.write_text(text.replace("  short: Ban QLKCN\n", f"  short: Ban QLKCN\n  emblem: {name}\n"), "utf-8")
    (data / name).write_bytes(content)
    return data


def test_an_svg_that_runs_code_is_refused(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    assert "data/agency.yml:" in str(caught.value)
    assert "agency.emblem: tệp data/bieu-trung.svg chứa mã chạy được" in str(caught.value)


def test_a_png_that_is_not_one_is_refused(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.png", b"GIF89a")
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    assert "agency.emblem: tệp data/bieu-trung.png không phải ảnh PNG" in str(caught.value)


def test_the_agencys_emblem_becomes_logo_and_favicon(tmp_path: Path) -> None:
    data = _with_emblem(tmp_path, "bieu-trung.png", PNG)
    project = copy_project(tmp_path / "project", data)
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="assets/bieu-trung.png">' in html
    assert (tmp_path / "site" / "assets" / "bieu-trung.png").read_bytes() == PNG
    assert not (tmp_path / "site" / "assets" / "bieu-trung.svg").exists()
