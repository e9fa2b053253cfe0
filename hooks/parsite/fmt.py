"""Vietnamese formatting of numbers, dates and labels (Babel, locale vi)."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal
from markdown.extensions.toc import slugify as ascii_slugify

from .dates import Deadline

LOCALE = "vi"
UNKNOWN = "chưa có số liệu"
# In a narrow table cell: no-break spaces leave one place to wrap, so it takes at most two lines
# ("chưa có / số liệu") where it took four at 390 px.
UNKNOWN_CELL = "chưa\u00a0có số\u00a0liệu"


def cell(text: str) -> str:
    """A table cell's value, "chưa có số liệu" kept to two lines at most."""
    return UNKNOWN_CELL if text == UNKNOWN else text


STATUS_LABELS = {
    "chua-trien-khai": "Chưa triển khai",
    "dang-thuc-hien": "Đang thực hiện",
    "hoan-thanh": "Hoàn thành",
    "tam-dung": "Tạm dừng",
}

UNIT_KIND_LABELS = {
    "van-phong": "Văn phòng",
    "thanh-tra": "Thanh tra",
    "phong-chuyen-mon": "Phòng chuyên môn",
    "chi-cuc": "Chi cục",
    "don-vi-su-nghiep": "Đơn vị sự nghiệp công lập",
}


@functools.lru_cache(maxsize=4096)
def number(value: Decimal | int | None) -> str:
    """89.42 → '89,42'; 14 → '14'; None → 'chưa có số liệu'."""
    if value is None:
        return UNKNOWN
    return format_decimal(value, format="#,##0.##", locale=LOCALE)


@functools.lru_cache(maxsize=4096)
def day(value: date | None) -> str:
    """A date as dd/MM/yyyy (06/02/2024)."""
    if value is None:
        return UNKNOWN
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def deadline(value: Deadline) -> str:
    """A deadline as written on the plan: 30/09/2024, Tháng 9/2024, Quý III/2024, Thường xuyên."""
    if value.kind == "date":
        return day(value.day)
    if value.kind == "month":
        return f"Tháng {value.number}/{value.year}"
    if value.kind == "quarter":
        return f"Quý {value.quarter_label}/{value.year}"
    return "Thường xuyên"


def rank(value: int | None, count: int | None) -> str:
    """'11/22'; '11' when the number ranked is unknown; 'chưa có số liệu' when the rank is."""
    if value is None:
        return UNKNOWN
    return f"{value}/{count}" if count is not None else str(value)


def points(value: Decimal | None, maximum: Decimal | None) -> str:
    """'13,5/15,5' (points against the maximum of their own year); 'chưa có số liệu' when unknown,
    never a fraction with an unknown part."""
    if value is None:
        return UNKNOWN
    return number(value) if maximum is None else f"{number(value)}/{number(maximum)}"


def share(value: Decimal | None) -> str:
    """A share of the maximum as a percentage: '87,1%'."""
    if value is None:
        return UNKNOWN
    return format_decimal(value, format="#,##0.#", locale=LOCALE) + "%"


_MD_ESCAPE = re.compile(r"([\\`*_{}\[\]|])")
# What would start a block at the start of a line: heading, quote, admonition (`!!! danger`),
# list item, rule or setext underline (`---`, `===`), numbered item (`1.`).
_BLOCK_START = re.compile(r"^([#>!]|[-+=]+(?=\s|$)|\d+(?=[.)](?:\s|$)))")


# Each text is shown on several pages (plan, unit, field, finder, reports): escape it once.
@functools.lru_cache(maxsize=1 << 17)
def md(text: object) -> str:
    """Escape data text for Markdown: no formatting, link, attribute list or HTML can come from the data.

    Line breaks become spaces: each text is one paragraph, list item or table cell.
    """
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_ESCAPE.sub(r"\\\1", value)
    match = _BLOCK_START.match(value)
    if match is None:
        return value
    if match[1][0].isdigit():  # "1. text": escape the dot, not the number
        end = match.end()
        return value[:end] + "\\" + value[end:]
    if value[0] == "=":  # Markdown has no backslash escape for "=": "\\=" would show the backslash
        return "&#61;" + value[1:]
    return "\\" + value


# Characters XML 1.0 cannot carry. The data refuses them (data_in/load.py), but the files written
# as XML (feeds, the .docx report) drop any that get through rather than fail to parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold (escaping is the XML writer's)."""
    return _NOT_XML.sub("", text)


@functools.lru_cache(maxsize=1 << 17)
def html(text: object) -> str:
    """Escape data text for a raw HTML block (where Markdown is not processed)."""
    return (
        " ".join(str(text).split())
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


# Every Latin letter with diacritics (Latin-1 to Latin Extended Additional) → its base letter;
# str.translate with this table folds a text in one C-level pass.
_FOLD = {code: _fold_char(chr(code)) for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))}
_FOLD.update({ord("đ"): "d", ord("Đ"): "D"})
_FOLD = {code: folded for code, folded in _FOLD.items() if folded != chr(code)}


_COMBINING = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Remove Vietnamese diacritics: 'Đơn vị chủ trì' → 'Don vi chu tri'."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_FOLD)
        if _COMBINING.search(text):  # marks with no precomposed letter in unusual input
            text = "".join(_fold_char(c) for c in text)
    return text


def slugify(value: str, separator: str) -> str:
    """Heading ids for Vietnamese headings: 'Điểm qua các năm' → 'diem-qua-cac-nam'.

    Python-Markdown's own slugify drops 'Đ' (it has no decomposition) and gives 'iem-...'.
    """
    return ascii_slugify(fold(value), separator)
