#!/usr/bin/env python3
"""Make the print font: Noto Serif (SIL Open Font License), subset to the characters of
Vietnamese text and the punctuation the pages use, as WOFF2 files in docs/assets/fonts/.

Printed pages ask for it by name only in plan.css's print rules, so a browser downloads it when
a page is printed, never to show one: every printer, with or without Times New Roman, gives the
same page with every accented letter in the same face. tests/test_print_font.py checks that the
built pages use no character outside these files and that a printed PDF embeds only this font.

Run by a maintainer when the character set below changes (not by the build):

    python3 -m venv /tmp/fonts && /tmp/fonts/bin/pip install fonttools brotli
    apt-get download fonts-noto-core && dpkg -x fonts-noto-core_*.deb /tmp/noto
    /tmp/fonts/bin/python scripts/print_font.py /tmp/noto/usr/share/fonts/truetype/noto

The files come from Debian's fonts-noto-core 20201225-1 (docs/assets/fonts/OFL.txt).
"""

from __future__ import annotations

import sys
from pathlib import Path

STYLES = {"Regular": "regular", "Bold": "bold", "Italic": "italic", "BoldItalic": "bold-italic"}
OUT = Path(__file__).resolve().parent.parent / "docs" / "assets" / "fonts"

# Basic Latin and Latin-1; the Vietnamese letters (Ă Â Đ Ê Ô Ơ Ư and every tone mark, composed
# and as combining marks, for text typed in NFD); general punctuation (– — ‘ ’ “ ” … •), the đồng
# sign, arrows (→) and the comparison signs (≤ ≥) the pages print.
RANGES = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x0102, 0x0103),
    (0x0110, 0x0111),
    (0x0128, 0x0129),
    (0x0168, 0x0169),
    (0x01A0, 0x01A1),
    (0x01AF, 0x01B0),
    (0x0300, 0x0309),
    (0x0323, 0x0323),
    (0x1EA0, 0x1EF9),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AB, 0x20AB),
    (0x2190, 0x2193),
    (0x2212, 0x2212),
    (0x2264, 0x2265),
]


def codepoints() -> list[int]:
    return [c for low, high in RANGES for c in range(low, high + 1)]


def main(source: Path) -> None:
    from fontTools import subset  # a maintainer's tool, not a dependency of the site (see above)

    OUT.mkdir(parents=True, exist_ok=True)
    for style, name in STYLES.items():
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]  # kerning and the marks' placement
        options.name_IDs = ["*"]  # the licence and the font's names stay in the file
        font = subset.load_font(str(source / f"NotoSerif-{style}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints())
        subsetter.subset(font)
        target = OUT / f"noto-serif-{name}.woff2"
        subset.save_font(font, str(target), options)
        print(f"{target.relative_to(OUT.parent.parent.parent)}: {target.stat().st_size:,} byte")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: print_font.py FOLDER-WITH-NotoSerif-*.ttf")
    main(Path(sys.argv[1]))
