"""Golden tests: a data folder in → the exact Markdown pages out.

Run `scripts/test tests/test_golden_pages.py --regen` after a deliberate change and
review the diff of tests/golden/*/expected in the commit.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from helpers import GOLDEN, ROOT
from mkdocs.utils import meta
from parsite.fmt import html
from parsite.outputs.render import nav, page_titles, render_pages
from parsite.site import load_site

TODAY = date(2025, 12, 31)  # pinned: overdue states and reports depend on "today"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "data").is_dir())


@pytest.mark.parametrize("case", CASES)
def test_pages_match_golden(case: str, regen: bool) -> None:
    folder = GOLDEN / case
    site = load_site(folder / "data", ROOT, today=TODAY)
    pages = render_pages(site)
    pages["nav.json"] = json.dumps(nav(site), ensure_ascii=False, indent=2) + "\n"
    pages["titles.json"] = json.dumps(page_titles(site), ensure_ascii=False, indent=2) + "\n"
    expected_dir = folder / "expected"
    if regen:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, content in pages.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_text(content, encoding="utf-8")
    expected = {
        p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(expected_dir.rglob("*"))
        if p.is_file()
    }
    assert sorted(pages) == sorted(expected)
    for path, content in pages.items():
        assert content == expected[path], f"{case}/{path} differs from tests/golden/{case}/expected/{path}"


def test_generate_script_writes_the_same_pages(tmp_path: Path) -> None:
    """scripts/generate.py (a project for engines without hooks) writes exactly the core's pages."""
    out = tmp_path / "generated"
    data = GOLDEN / "other-agency" / "data"
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate.py"), "--data", str(data), str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SITE_TODAY": TODAY.isoformat()},
    )
    assert result.returncode == 0, result.stderr
    site = load_site(data, ROOT, today=TODAY)
    pages, titles = render_pages(site), page_titles(site)
    hand_written = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    written = {p.relative_to(out / "docs").as_posix() for p in (out / "docs").rglob("*.md")}
    assert written == set(pages) | hand_written
    for path, content in pages.items():
        # Other engines read the title from front matter written by a YAML dumper, escaped as markup.
        head, body = (out / "docs" / path).read_text(encoding="utf-8").removeprefix("---\n").split("---\n\n", 1)
        assert yaml.safe_load(head)["title"] == html(titles[path])
        assert body == content


@pytest.mark.parametrize("case", CASES)
def test_generated_pages_carry_no_front_matter(case: str) -> None:
    """Titles are data set on the page object; front matter pasted from data would be read as YAML."""
    site = load_site(GOLDEN / case / "data", ROOT, today=TODAY)
    for path, content in render_pages(site).items():
        assert meta.get_data(content) == (content, {}), path
