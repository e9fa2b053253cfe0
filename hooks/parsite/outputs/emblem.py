"""Logo and favicon from the data: the agency's emblem (`agency.emblem` in data/agency.yml,
a PNG or SVG file under data/) or, without one, a neutral mark drawn from the initials of the
agency's short name. Never Material's book icon.

The emblem comes from outside and is published on the site's origin: a PNG must be one (its
signature) and is published as is; an SVG is a program (opened at its own address it runs its
scripts on the site's origin), so it is parsed, judged element by element against an allowlist
and published rebuilt from what passed, never as the bytes given (svg_clean). check_emblem and
emblem() call the same clean_svg, so what was checked is what is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..data_in.load import Source
from ..problems import Problem
from . import render
from .svg_clean import clean_svg, refusal

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 512 * 1024  # a logo, not a photograph: it is on every page


@dataclass(frozen=True)
class Emblem:
    """The file the site uses as logo and favicon: its path in the site and its bytes."""

    path: str
    content: bytes


def check_emblem(agency: Source, data_dir: Path) -> list[Problem]:
    """Problems with the emblem named in agency.yml: missing, outside data/, not a PNG or a static SVG."""
    if not isinstance(agency.data, dict) or not isinstance(agency.data.get("agency"), dict):
        return []
    name = agency.data["agency"].get("emblem")
    if not isinstance(name, str):
        return []  # absent, or refused by the schema already
    key = ("agency", "emblem")
    path = (data_dir / name).resolve()
    if not path.is_relative_to(data_dir.resolve()):
        return [agency.problem(key, f"tệp biểu trưng '{name}' phải nằm trong thư mục data/", code="emblem")]
    if not path.is_file():
        return [agency.problem(key, f"không có tệp biểu trưng data/{name}", code="emblem")]
    size = path.stat().st_size  # before reading: a file from outside is not read whole to learn its size
    if size > MAX_BYTES:
        return [
            agency.problem(key, f"tệp biểu trưng data/{name} quá lớn ({size} byte, tối đa {MAX_BYTES})", code="emblem")
        ]
    content = path.read_bytes()
    if path.suffix.lower() == ".png" and not content.startswith(PNG_SIGNATURE):
        return [agency.problem(key, f"tệp data/{name} không phải ảnh PNG", code="emblem")]
    if path.suffix.lower() == ".svg":
        _, findings = clean_svg(content)
        if findings:
            # One problem for the file: the report keeps one message per place (agency.emblem).
            return [agency.problem(key, refusal(name, findings), code="emblem")]
    return []


def initials(short_name: str) -> str:
    """'Sở LĐ-TB&XH' → 'SLĐT': the capitals of the short name, at most four."""
    capitals = [c for c in short_name if c.isupper()]
    if not capitals:
        capitals = [c.upper() for c in short_name if c.isalnum()][:1] or ["?"]
    return "".join(capitals[:4])


def emblem(agency_emblem: str | None, short_name: str, data_dir: Path) -> Emblem:
    """The emblem file for the site: the agency's own (checked by check_emblem; an SVG rebuilt
    by clean_svg), else a generated mark."""
    if agency_emblem:
        source = data_dir / agency_emblem
        content = source.read_bytes()
        if source.suffix.lower() == ".svg":
            cleaned, findings = clean_svg(content)
            if cleaned is None:  # check_emblem refused it already; never publish the original
                raise ValueError(refusal(agency_emblem, findings))
            content = cleaned
        return Emblem(f"assets/bieu-trung{source.suffix.lower()}", content)
    letters = initials(short_name)
    size = {1: 34, 2: 28, 3: 21, 4: 16}[len(letters)]
    svg = render.environment().get_template("emblem.svg.j2").render(initials=letters, size=size)
    return Emblem("assets/bieu-trung.svg", svg.encode("utf-8"))
