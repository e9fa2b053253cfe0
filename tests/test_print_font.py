"""Print looks the same on every printer: the site ships its print font (Noto Serif, subset to
Vietnamese by scripts/print_font.py), fetched only to print, and a printed page embeds that font
alone: no accented letter falls back to another face."""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from datetime import date

import pytest
from helpers import GOLDEN, ROOT
from parsite.outputs.render import render_pages
from parsite.site import load_site
from playwright.sync_api import Browser

FONTS = ROOT / "docs" / "assets" / "fonts"
STYLES = ("regular", "bold", "italic", "bold-italic")


def subset_codepoints() -> set[int]:
    spec = importlib.util.spec_from_file_location("print_font", ROOT / "scripts" / "print_font.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return set(module.codepoints())


def test_the_font_files_and_their_licence_are_shipped() -> None:
    for style in STYLES:
        data = (FONTS / f"noto-serif-{style}.woff2").read_bytes()
        assert data[:4] == b"wOF2" and 10_000 < len(data) < 80_000, style  # a subset, not the whole font
    assert "SIL Open Font License" in (FONTS / "OFL.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "data", [ROOT / "data", GOLDEN / "other-agency" / "data", GOLDEN / "reorganised-agency" / "data"], ids=str
)
def test_the_pages_use_no_character_outside_the_subset(data) -> None:  # type: ignore[no-untyped-def]
    covered = subset_codepoints()
    site = load_site(data, ROOT, today=date(2026, 2, 15))
    text = "".join(render_pages(site).values())
    outside = {c for c in text if ord(c) not in covered and c not in "\n\r\t"}
    names = sorted(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in outside)
    assert not names, f"{data}: characters the print font lacks: {names}"


@pytest.mark.browser
@pytest.mark.parametrize("path", ["ke-hoach/2024/", "don-vi/van-phong/", "bao-cao/2024-quy-4/", "ket-qua/"])
def test_a_printed_page_embeds_the_print_font_only(browser: Browser, site_url: str, path: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "/fonts/" in request.url else None)
    page.goto(site_url + path)
    page.wait_for_load_state("networkidle")
    assert fetched == []  # reading on screen fetches no font
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    context.close()
    fonts = {re.sub(rb"^[A-Z]{6}\+", b"", name).decode() for name in re.findall(rb"/BaseFont\s*/([\w+-]+)", pdf)}
    assert fonts and fonts <= {"NotoSerif-Regular", "NotoSerif-Bold", "NotoSerif-Italic", "NotoSerif-BoldItalic"}, fonts
    assert "NotoSerif-Regular" in fonts and "NotoSerif-Bold" in fonts
