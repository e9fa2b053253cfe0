"""Logo and favicon from the data: the agency's emblem (`agency.emblem` in data/agency.yml,
a PNG or SVG file under data/) or, without one, a neutral mark drawn from the initials of the
agency's short name. Never Material's book icon."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..data_in.load import Source
from ..problems import Problem
from . import render

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# An SVG opened on its own runs its scripts on the site's address: refuse anything active.
_ACTIVE_SVG = re.compile(rb"<script|<foreignObject|javascript:|\son[a-z]+\s*=|<iframe|<embed|<object", re.I)
MAX_BYTES = 512 * 1024  # a logo, not a photograph: it is on every page


@dataclass(frozen=True)
class Emblem:
    """The file the site uses as logo and favicon: its path in the site and its bytes."""

    path: str
    content: bytes


def check_emblem(agency: Source, data_dir: Path) -> list[Problem]:
    """Problems with the emblem named in agency.yml: missing, outside data/, not a PNG/SVG file."""
    if not isinstance(agency.data, dict) or not isinstance(agency.data.get("agency"), dict):
        return []
    name = agency.data["agency"].get("emblem")
    if not isinstance(name, str):
        return []  # absent, or refused by the schema already
    key = ("agency", "emblem")
    path = (data_dir / name).resolve()
    if not path.is_relative_to(data_dir.resolve()):
        return [agency.problem(key, f"tệp biểu trưng '{name}' phải nằm trong thư mục data/")]
    if not path.is_file():
        return [agency.problem(key, f"không có tệp biểu trưng data/{name}")]
    content = path.read_bytes()
    if len(content) > MAX_BYTES:
        return [agency.problem(key, f"tệp biểu trưng data/{name} quá lớn ({len(content)} byte, tối đa {MAX_BYTES})")]
    if path.suffix.lower() == ".png" and not content.startswith(PNG_SIGNATURE):
        return [agency.problem(key, f"tệp data/{name} không phải ảnh PNG")]
    if path.suffix.lower() == ".svg":
        if b"<svg" not in content[:4096]:
            return [agency.problem(key, f"tệp data/{name} không phải ảnh SVG")]
        if _ACTIVE_SVG.search(content):
            message = f"tệp data/{name} chứa mã chạy được (script, on...=); hãy dùng ảnh SVG tĩnh hoặc PNG"
            return [agency.problem(key, message)]
    return []


def initials(short_name: str) -> str:
    """'Sở LĐ-TB&XH' → 'SLĐT': the capitals of the short name, at most four."""
    capitals = [c for c in short_name if c.isupper()]
    if not capitals:
        capitals = [c.upper() for c in short_name if c.isalnum()][:1] or ["?"]
    return "".join(capitals[:4])


def emblem(agency_emblem: str | None, short_name: str, data_dir: Path) -> Emblem:
    """The emblem file for the site: the agency's own (checked by check_emblem), else a generated mark."""
    if agency_emblem:
        source = data_dir / agency_emblem
        return Emblem(f"assets/bieu-trung{source.suffix.lower()}", source.read_bytes())
    letters = initials(short_name)
    size = {1: 34, 2: 28, 3: 21, 4: 16}[len(letters)]
    svg = render.environment().get_template("emblem.svg.j2").render(initials=letters, size=size)
    return Emblem("assets/bieu-trung.svg", svg.encode("utf-8"))
