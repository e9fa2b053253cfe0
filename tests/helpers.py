"""Helpers shared by the tests: build a project with MkDocs, read the HTML a reader gets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def generate_data(folder: Path, tasks: int, years: int = 3, units: int = 8) -> Path:
    """Valid synthetic data in `folder` (scripts/gen_data.py, the benchmarks' generator)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_data", ROOT / "scripts" / "gen_data.py")
    assert spec is not None and spec.loader is not None
    gen_data = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_data)
    gen_data.generate(folder, tasks=tasks, years=years, units=units)
    return folder


def data_file(path: str) -> dict:
    """A file of the real data/, parsed (to compare what the site shows with what was written)."""
    return yaml.safe_load((ROOT / "data" / path).read_text(encoding="utf-8"))


def copy_project(dest: Path, data: Path | None = None) -> Path:
    """Copy the project (config, hooks, docs and a data folder) into `dest` for a build."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("hooks", "docs", "examples"):  # examples/: files the guide's commands copy
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(data or ROOT / "data", dest / "data")
    for name in ("requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(ROOT / "scripts", dest / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    if (ROOT / ".venv").exists():
        (dest / ".venv").symlink_to(ROOT / ".venv")  # scripts reuse the installed environment
    return dest


# Tests pin "today" and the build time: 29/11/2026 02:00 in Vietnam is still 28/11 in UTC.
TODAY = "2025-03-31"
BUILD_EPOCH = "1795892400"  # 2026-11-28T19:00:00Z


def build_env(**overrides: str | None) -> dict[str, str]:
    """The environment of a test build: today and the build time pinned, no colour, no MkDocs 2
    notice; an override of None leaves that variable out."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "NO_COLOR": "1",
        "SITE_TODAY": TODAY,
        "SOURCE_DATE_EPOCH": BUILD_EPOCH,
        **overrides,
    }
    return {key: value for key, value in env.items() if value is not None}


def mkdocs_build(project: Path, site_dir: Path, **env_overrides: str | None) -> subprocess.CompletedProcess[str]:
    """Run `mkdocs build --strict` as a user would; return the finished process."""
    env = build_env(**env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        check=False,
    )


class _Text(HTMLParser):
    """Collects the visible text of the page's <article>, one space between pieces."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if tag in ("script", "style"):
            self.skip += 1
        if self.depth and tag in ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "br", "div", "tr"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def article_text(html: str) -> str:
    """The text a reader sees in the page's main content, whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).replace("¶", " ").split())


def page_html(site: Path, path: str) -> str:
    """A built page's HTML, by its address ('don-vi/van-phong', '' for home) or file ('404.html')."""
    file = site / path if path.endswith(".html") else site / path / "index.html"
    return file.read_text(encoding="utf-8")


def page_text(site: Path, path: str) -> str:
    """What a reader sees in a built page's main content (see article_text)."""
    return article_text(page_html(site, path))


# --- LibreOffice ---------------------------------------------------------------------------------


def soffice() -> str:
    """LibreOffice's command: required (CI installs Debian's libreoffice-calc, see .ci/run)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail("LibreOffice is missing: apt-get install -y --no-install-recommends libreoffice-calc")
    return found


def libreoffice_convert(source: Path, kind: str, out: Path, profile: Path) -> Path:
    """`source` opened and saved as `kind` by LibreOffice without a screen, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", kind,
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / f"{source.stem}.{kind}"
