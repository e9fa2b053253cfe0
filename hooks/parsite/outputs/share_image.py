"""Share images (ảnh chia sẻ): the picture Zalo and Facebook show beside a shared link.

A 1200 × 630 PNG drawn at build time with Pillow, offline, in the bundled Noto Sans (fonts/,
SIL Open Font License, every Vietnamese letter): the agency's name on a band, the page's
title, the site's name; score pages get a bar chart of points against the maximum instead
of the title's spare room. Text is drawn, never parsed: data cannot become markup here.

Pillow's basic layout (FreeType, no HarfBuzz) is used on purpose: precomposed Vietnamese
letters need no shaping, and the bytes then do not depend on whether the machine has libraqm.
The same input gives the same bytes (PNG without time stamp).
"""

from __future__ import annotations

import functools
import struct
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING

import deflate

from .. import fmt

if TYPE_CHECKING:  # Pillow itself is imported only where images are drawn, like openpyxl
    from PIL.Image import Image
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 64
BAND = 118  # height of the agency's band
FOOTER_TOP = HEIGHT - 78
INDIGO = (64, 81, 181)  # Material's indigo, the site's primary colour
INK = (26, 29, 46)
MUTED = (84, 90, 110)
TRACK = (226, 229, 242)
WHITE = (255, 255, 255)
ELLIPSIS = "…"
UNKNOWN_LINES = ("chưa có", "số liệu")  # fmt.UNKNOWN on two lines: a bar's slot is 134 px wide


@dataclass(frozen=True)
class Bar:
    """One year of a score chart: points against that year's maximum (None: unknown)."""

    label: str
    value: Decimal | None
    maximum: Decimal | None


@dataclass(frozen=True)
class Card:
    """What one share image shows. `bars` empty: a title card."""

    agency: str
    title: str
    footer: str
    bars: tuple[Bar, ...] = ()


def font_path(bold: bool = False) -> str:
    """The bundled font file (Noto Sans, OFL 1.1, see fonts/OFL.txt)."""
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return str(resources.files("parsite").joinpath("fonts", name))


@functools.cache
def _font(size: int, bold: bool = False) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(font_path(bold), size, layout_engine=ImageFont.Layout.BASIC)


def _clean(text: str) -> str:
    """One line of NFC text: combining marks typed separately are joined to their letter,
    which the basic layout could not place."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _width(text: str, font: FreeTypeFont) -> float:
    """What `font.getlength(text)` gives, from each letter's advance measured once per font.

    The basic layout places letters one after the other with no shaping; it kerns only with a
    TrueType `kern` table, which the bundled fonts do not have (their kerning is in GPOS, for
    HarfBuzz). So a line is as wide as the sum of its letters' advances (tests/test_share.py
    checks this), and fitting a title measures each letter once instead of every candidate line
    letter by letter: FreeType loads a glyph for every letter of every string it measures.
    """
    return sum(map(_advances(font).__getitem__, text))


class _Advances(dict[str, float]):
    """Letter → its advance in one font, measured the first time it is asked for."""

    def __init__(self, font: FreeTypeFont) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, char: str) -> float:
        self[char] = advance = self.font.getlength(char)
        return advance


@functools.cache
def _advances(font: FreeTypeFont) -> _Advances:
    return _Advances(font)


def _fit(text: str, font: FreeTypeFont, width: float) -> str:
    """`text` cut to `width`, ending in an ellipsis when it was cut."""
    if _width(text, font) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + ELLIPSIS, font) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS


def wrap(text: str, font: FreeTypeFont, width: float, max_lines: int) -> tuple[list[str], bool]:
    """Lines of at most `width` pixels, broken between words (inside a word too long for a line);
    at most `max_lines`, the last one ending in an ellipsis if text was left out.
    Also says whether everything fitted."""
    lines: list[str] = []
    current = ""
    for word in _clean(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if _width(candidate, font) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while _width(word, font) > width:  # a word longer than a line: cut it
            cut = len(_fit(word, font, width)) - 1
            lines.append(word[: max(cut, 1)])
            word = word[max(cut, 1) :]
        current = word
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines, True
    kept = lines[:max_lines]
    kept[-1] = _fit(kept[-1] + " " + lines[max_lines] + ELLIPSIS, font, width)
    if not kept[-1].endswith(ELLIPSIS):
        kept[-1] = _fit(kept[-1] + ELLIPSIS, font, width)
    return kept, False


def _title(draw: ImageDraw, text: str, top: int, bottom: int, sizes: tuple[int, ...]) -> None:
    """The title in the largest size whose lines fit between `top` and `bottom`."""
    width = WIDTH - 2 * MARGIN
    for size in sizes:
        font = _font(size, bold=True)
        step = round(size * 1.22)
        lines, complete = wrap(text, font, width, max(1, (bottom - top) // step))
        if complete or size == sizes[-1]:
            break
    for index, line in enumerate(lines):
        draw.text((MARGIN, top + size + index * step), line, font=font, fill=INK, anchor="ls")


def _bars(draw: ImageDraw, bars: tuple[Bar, ...], top: int, bottom: int) -> None:
    """Bars of points against the maximum, one per year; an unknown year is a gap saying
    "chưa có số liệu"."""
    bars = bars[-8:]
    label_font, value_font = _font(26), _font(28, bold=True)
    slot = (WIDTH - 2 * MARGIN) / len(bars)
    bar_width = min(120.0, slot * 0.56)
    base = bottom - 40  # year labels under the bars
    height = base - top - 44  # value labels over them
    for index, bar in enumerate(bars):
        x = MARGIN + slot * index + (slot - bar_width) / 2
        centre = x + bar_width / 2
        draw.text((centre, bottom), bar.label, font=label_font, fill=MUTED, anchor="ms")
        if bar.value is None or not bar.maximum:
            # Words, not a dash a reader could take for zero or a missing figure of the design.
            for row, words in enumerate(UNKNOWN_LINES):
                draw.text((centre, base - 8 - 32 * (1 - row)), words, font=label_font, fill=MUTED, anchor="ms")
            continue
        draw.rectangle((x, base - height, x + bar_width, base), fill=TRACK)
        share = max(Decimal(0), min(Decimal(1), bar.value / bar.maximum))
        filled = base - float(share) * height
        draw.rectangle((x, filled, x + bar_width, base), fill=INDIGO)
        # Points against the maximum ("7,58/11"): the light track is what was lost.
        label = fmt.points(bar.value, bar.maximum)
        font = value_font if _width(label, value_font) <= slot - 8 else _font(22, bold=True)
        draw.text((centre, base - height - 10), _fit(label, font, slot - 8), font=font, fill=INK, anchor="ms")


@functools.cache
def _channels() -> list[int]:
    """The cards' colours and the anti-aliased steps between those that meet (text on its
    background), as a palette's red, green and blue values one after the other."""
    colours = [WHITE, INK, MUTED, INDIGO, TRACK]
    for back, front in ((WHITE, INK), (WHITE, MUTED), (INDIGO, WHITE), (WHITE, INDIGO)):
        for step in range(1, 16):
            colours.append(tuple(round(b + (f - b) * step / 16) for b, f in zip(back, front, strict=True)))
    return [channel for colour in colours for channel in colour]


@functools.cache
def _palette() -> Image:
    """`_channels` as a palette image: mapping a card onto this fixed palette is four times cheaper
    than choosing a palette per card, and the same for every card."""
    from PIL import Image

    palette = Image.new("P", (1, 1))
    palette.putpalette(_channels())
    return palette


@functools.lru_cache(maxsize=4)
def _canvas(agency: str, footer: str) -> Image:
    """What every card of a site shares (the agency's band, the footer), drawn once."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND), fill=INDIGO)
    agency_font = _font(36, bold=True)
    draw.text(
        (MARGIN, BAND // 2 + 13), _fit(_clean(agency), agency_font, WIDTH - 2 * MARGIN), font=agency_font,
        fill=WHITE, anchor="ls",
    )  # fmt: skip
    draw.rectangle((MARGIN, FOOTER_TOP, MARGIN + 96, FOOTER_TOP + 6), fill=INDIGO)
    footer_font = _font(28)
    draw.text(
        (MARGIN, HEIGHT - 30), _fit(_clean(footer), footer_font, WIDTH - 2 * MARGIN), font=footer_font,
        fill=MUTED, anchor="ls",
    )  # fmt: skip
    return image


@functools.lru_cache(maxsize=1)
def _sheet(agency: str, footer: str) -> tuple[Image, threading.Lock]:
    """The image each card of a site is drawn on, kept from card to card (with the lock that
    keeps two threads from drawing on it at once).

    A new 1200 × 630 image per card is 3 MB the system hands back zeroed each time (about 700
    page faults): freed at the end of the card, the memory went back to the system and the next
    card took it again. Painting the canvas over the same sheet costs a copy and no fault.
    """
    return _canvas(agency, footer).copy(), threading.Lock()


def render(card: Card) -> bytes:
    """The share image of `card`, as PNG bytes (about 12 KB)."""
    from PIL import Image, ImageDraw

    image, lock = _sheet(card.agency, card.footer)
    with lock:
        image.paste(_canvas(card.agency, card.footer))
        draw = ImageDraw.Draw(image)
        if card.bars:
            _title(draw, card.title, BAND + 34, BAND + 34 + 2 * 54, (44, 38))
            _bars(draw, card.bars, BAND + 34 + 2 * 54 + 20, FOOTER_TOP - 24)
        else:
            _title(draw, card.title, BAND + 48, FOOTER_TOP - 28, (68, 60, 52, 44))
        small = image.quantize(palette=_palette(), dither=Image.Dither.NONE)
    return png(small.tobytes(), _channels())


def png(pixels: bytes, palette: list[int]) -> bytes:
    """A WIDTH × HEIGHT PNG of palette indices, one byte each, row by row (PNG 1.2: IHDR, PLTE,
    IDAT, IEND; no time stamp). Pillow's own writer deflates with zlib; libdeflate (the .gz
    copies' compressor) makes files 6 % smaller in 60 % of the time."""
    rows = b"".join(b"\0" + pixels[top : top + WIDTH] for top in range(0, WIDTH * HEIGHT, WIDTH))  # filter: none

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 3, 0, 0, 0)  # 8-bit palette indices
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"PLTE", bytes(palette))
        + chunk(b"IDAT", bytes(deflate.zlib_compress(rows, 6)))
        + chunk(b"IEND", b"")
    )
