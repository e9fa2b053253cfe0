"""Nothing broken or hostile is published: failed builds keep the old site, data text never
becomes markup, builds are reproducible, every link resolves."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from helpers import GOLDEN, ROOT, copy_project, mkdocs_build, page_text
from icalendar import Calendar
from openpyxl import load_workbook
from test_bad_data import CASES, apply_case

# ---------------------------------------------------------------- failed builds


@pytest.mark.parametrize(
    "name",
    [
        "unclosed-quote",
        "alias-bomb",
        "very-large-file",
        "errors-beyond-one-screen",
        # issue 18: each of these crashed the build with a traceback after the data was "valid"
        "unit-name-block-scalar",
        "control-character-in-task",
        "nan-total",
        "tag-python",
        "nesting-600-levels",
        "five-megabyte-string",
    ],
)
def test_bad_data_stops_the_build_with_one_screen_of_errors(tmp_path: Path, name: str) -> None:
    project = copy_project(tmp_path / "project", GOLDEN / "other-agency" / "data")
    shutil.rmtree(project / "data")
    apply_case(next(c for c in CASES if c["name"] == name), project)
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("trang cũ", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = result.stderr[result.stderr.index("Dữ liệu có") :].split("Aborted with a BuildError!")[0]
    assert errors.startswith("Dữ liệu có") and "data/" in errors
    assert len(errors.strip().splitlines()) <= 42
    assert [p.name for p in site.iterdir()] == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == "trang cũ"


def test_a_build_failing_after_it_started_keeps_the_previous_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    first = subprocess.run(["./scripts/site", "build"], cwd=project, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = (project / "site" / "index.html").read_bytes()
    guide = project / "docs" / "huong-dan.md"  # a broken link: a --strict warning, after MkDocs cleaned its output
    guide.write_text(guide.read_text(encoding="utf-8") + "\n[trang không có](khong-co.md)\n", encoding="utf-8")
    second = subprocess.run(["./scripts/site", "build"], cwd=project, env=env, capture_output=True, text=True)
    assert second.returncode != 0 and "khong-co.md" in second.stderr
    assert (project / "site" / "index.html").read_bytes() == before
    assert (project / "site" / "huong-dan" / "index.html").is_file()
    live = Path(os.readlink(project / "site")).name  # the failed build's own folder is gone
    assert {p.name for p in (project / ".site-builds").iterdir()} == {".lock", live}


# ---------------------------------------------------------------- hostile text

PAYLOAD = (
    '<script>alert("x")</script><img src=x onerror=alert(1)> [bấm](javascript:alert(1)) **đậm** '
    '<div onclick="alert(1)">khối</div>'
)
FORMULA = '=HYPERLINK("http://example.invalid","bấm")'


def _poison(value: object, key: str) -> object:
    """Every free-text value gets the payload; ids, numbers, dates and references keep their form."""
    free_text = {
        "name", "short", "header_name", "parent", "province", "place", "ranked_group", "self_name", "kind",
        "number", "issuer", "subject", "note", "title", "short_title", "text", "preamble", "closing", "position",
        "authority", "problem", "task", "output", "criterion", "evidence", "change", "number_suffix",
    }  # fmt: skip
    if isinstance(value, dict):
        return {k: _poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, key) for v in value]
    unit_kinds = {"van-phong", "thanh-tra", "phong-chuyen-mon", "chi-cuc", "don-vi-su-nghiep"}
    unit_kinds |= {"doi-ten", "sap-nhap", "hop-nhat", "giai-the", "chuyen-giao"}  # kinds of change
    if (
        isinstance(value, str)
        and value not in unit_kinds
        and (key in free_text or key in ("paragraphs", "items", "recipients"))
    ):
        return f"{value} {PAYLOAD}"
    return value


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    project = copy_project(root / "project", GOLDEN / "other-agency" / "data")
    for path in (project / "data").rglob("*.yml"):
        data = _poison(yaml.safe_load(path.read_text(encoding="utf-8")), "")
        if path.name == "methodology.yml":  # field names are free text too, but keep the structure
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            for field in data["versions"][0]["fields"]:
                field["name"] += " " + PAYLOAD
        if path.name == "tasks.yml":
            data["tasks"][0]["task"] = FORMULA
            data["tasks"][1]["progress"] = [
                {"date": "2025-05-02", "text": PAYLOAD, "evidence": PAYLOAD, "note": PAYLOAD}
            ]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = mkdocs_build(project, root / "site", SITE_TODAY="2025-12-31")
    assert result.returncode == 0, result.stderr
    return root / "site"


class _Elements(HTMLParser):
    """Attributes, image sources and link targets of every element of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str | None]] = []
        self.sources: list[tuple[str, str | None]] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += attrs
        self.sources += [(tag, v) for k, v in attrs if k == "src"]
        self.hrefs += [v or "" for k, v in attrs if k == "href"]


def test_no_data_text_becomes_markup(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        elements = _Elements()
        elements.feed(html)
        assert not [a for a in elements.attributes if a[0].startswith("on")], page  # no event handler
        assert ("img", "x") not in elements.sources, page
        assert not [h for h in elements.hrefs if h.strip().lower().startswith("javascript:")], page
        assert '<script>alert("x")' not in html, page
        assert "<strong>đậm</strong>" not in html, page


def test_hostile_text_is_shown_as_written(hostile_site: Path) -> None:
    unit = page_text(hostile_site, "don-vi/phong-dau-tu")
    assert PAYLOAD in unit  # escaped, so readers see exactly what the editor typed
    plan = page_text(hostile_site, "ke-hoach/2025")
    assert PAYLOAD in plan


def test_downloads_keep_hostile_text_inert(hostile_site: Path) -> None:
    tasks = json.loads((hostile_site / "du-lieu" / "tasks.json").read_text(encoding="utf-8"))["tasks"]
    assert tasks[0]["task"] == FORMULA and tasks[1]["problem"].endswith(PAYLOAD)
    rows = list(csv.reader(io.StringIO((hostile_site / "du-lieu" / "tasks.csv").read_text(encoding="utf-8-sig"))))
    assert rows[1][6] == "'" + FORMULA  # not a formula when opened in Excel
    sheet = load_workbook(hostile_site / "du-lieu" / "tasks.xlsx").active
    assert sheet.cell(row=2, column=7).value == "'" + FORMULA and sheet.cell(row=2, column=7).data_type == "s"
    events = list(Calendar.from_ical((hostile_site / "lich" / "tat-ca.ics").read_bytes()).walk("VEVENT"))
    assert any(PAYLOAD in str(e["description"]) for e in events)  # text in a text property, escaped by RFC 5545


# ---------------------------------------------------------------- reproducible builds


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    """Rebuilding changes nothing."""
    first, second = tmp_path / "a", tmp_path / "b"
    assert mkdocs_build(ROOT, first).returncode == 0
    assert mkdocs_build(ROOT, second).returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []


# ---------------------------------------------------------------- links


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(values[name] or "")


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_link_resolves(built_site: Path) -> None:
    # 404.html is served for any missing path, so MkDocs writes it with root-absolute links.
    parsed = {p: _parse(p) for p in built_site.rglob("*.html") if p.name != "404.html"}
    broken = []
    for page, found in parsed.items():
        for link in found.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("mailto:", "//")):
                broken.append(f"{page}: external link {link}")  # the site works offline
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(built_site)}: {link}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parsed[target].ids:
                broken.append(f"{page.relative_to(built_site)}: {link} (no such anchor)")
    assert broken == []
