"""`scripts/site generate DIR` writes a project that plain `mkdocs build` builds without hooks."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import GOLDEN, ROOT, TODAY, build_env, copy_project, mkdocs_build
from parsite.outputs.paths import html_link
from parsite.outputs.search_shards import read_search_parts, write_search_parts
from parsite.outputs.unused_assets import remove_unused

HEADING_ID = re.compile(r'<h[1-6] id="([^"]*)"')
SITEMAP_URL = re.compile(r"<url>.*?</url>", re.DOTALL)
ENV = build_env()


# The other agency's data (a portal address set: canonical URLs, sitemap, absolute share images)
# on a day after its 2025 plan ended, as tests/test_other_agency.py builds it.
OTHER = GOLDEN / "reorganised-agency" / "data"
OTHER_TODAY = "2026-02-15"


def _generate(out: Path, *args: str, root: Path = ROOT, today: str = TODAY) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "generate.py"), *args, str(out)],
        capture_output=True,
        text=True,
        env={**ENV, "SITE_TODAY": today},
        check=False,
    )


def _build_standalone(project: Path, today: str) -> None:
    """Plain `mkdocs build --strict` in the project's folder: no hooks, no data."""
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**ENV, "SITE_TODAY": today},
    )
    assert build.returncode == 0, build.stderr


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the precompressed copies (written by on_post_build)."""
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.suffix not in (".gz", ".br")
    }


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data written as a standalone project, then built there by plain `mkdocs build`."""
    project = tmp_path_factory.mktemp("standalone") / "project"
    result = _generate(project)
    assert result.returncode == 0, result.stderr
    assert "Đã ghi dự án độc lập" in result.stdout
    _build_standalone(project, TODAY)
    return project


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The other agency's data: (its hooked build, its standalone project built by plain MkDocs)."""
    root = tmp_path_factory.mktemp("standalone-other")
    hooked = mkdocs_build(copy_project(root / "hooked", OTHER), root / "site", SITE_TODAY=OTHER_TODAY)
    assert hooked.returncode == 0, hooked.stderr
    result = _generate(root / "project", "--data", str(OTHER), today=OTHER_TODAY)
    assert result.returncode == 0, result.stderr
    _build_standalone(root / "project", OTHER_TODAY)
    return root / "site", root / "project"


def test_the_project_needs_no_hooks_and_holds_everything(standalone: Path) -> None:
    config = yaml.load(
        (standalone / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.Loader
    )  # as MkDocs reads it
    assert "hooks" not in config and "watch" not in config
    assert config["theme"]["custom_dir"] == "theme"
    assert (standalone / "theme" / "main.html").read_bytes() == (ROOT / "hooks" / "theme" / "main.html").read_bytes()
    assert config["extra"]["build_stamp"] == "Cập nhật lúc 02:00 ngày 29/11/2026"
    assert config["site_name"] == "Chỉ số cải cách hành chính – Sở LĐ-TB&amp;XH tỉnh Đắk Nông"
    nav_pages = json.dumps(config["nav"], ensure_ascii=False)
    for page in ("index.md", "tra-cuu/index.md", "don-vi/van-phong/index.md", "ke-hoach/2024/index.md"):
        assert f'"{page}"' in nav_pages
        assert (standalone / "docs" / page).is_file()
    for download in ("du-lieu/tasks.csv", "du-lieu/tasks.xlsx", "lich/van-phong.ics", "bao-cao/2024-quy-4.docx"):
        assert (standalone / "docs" / download).is_file()
    assert (standalone / "docs" / "assets" / "javascripts" / "task-finder.js").is_file()
    assert (standalone / "docs" / config["theme"]["logo"]).is_file()
    # The editors' guide has its examples filled in from the data, as the hooks do.
    assert "{{" not in (standalone / "docs" / "huong-dan.md").read_text(encoding="utf-8")


def _assert_same_site(plain_site: Path, built_site: Path) -> dict[str, str]:
    """Same files, same bytes once on_post_build's rewrites are applied; only the ids of
    headings without an explicit id differ (they keep 'đ'). The ids renamed, new → hooked."""
    # What the hooks do after the build (not pages): the same functions, applied here.
    remove_unused(plain_site, ["vi"])
    write_search_parts(plain_site / "search")
    # The search parts are compared as the entries they hold (below): the pages come in another
    # order, so the same entries may be cut into files at other places.
    hooked = {path: data for path, data in _files(built_site).items() if not path.startswith("search/vi/")}
    plain = {path: data for path, data in _files(plain_site).items() if not path.startswith("search/vi/")}
    assert sorted(plain) == sorted(hooked)
    renamed: dict[str, str] = {}
    for path in hooked:
        if path.endswith(".html"):
            theirs = HEADING_ID.findall(plain[path].decode("utf-8"))
            ours = HEADING_ID.findall(hooked[path].decode("utf-8"))
            assert len(theirs) == len(ours), path
            for new, old in zip(theirs, ours, strict=True):
                assert renamed.setdefault(new, old) == old, f"{path}: id {new} stands for two headings"
                assert new == old or new.replace("đ", "d").replace("--", "-") == old, (new, old)
    id_or_anchor = re.compile(r'(id="|#)([^"#]+)"')
    for path, content in hooked.items():
        mine = plain[path]
        if path.endswith(".html"):
            text = id_or_anchor.sub(lambda m: m.group(1) + renamed.get(m.group(2), m.group(2)) + '"', mine.decode())
            mine = text.encode()
        if path == "search/search_index.json":
            # Pages come in another order (the hooks add the generated pages after docs/),
            # which the search does not show.
            config, docs = read_search_parts(plain_site / "search")
            expected_config, expected_docs = read_search_parts(built_site / "search")
            for doc in docs:
                page, _, anchor = doc["location"].partition("#")
                doc["location"] = page + ("#" + renamed.get(anchor, anchor) if anchor else "")
            assert config == expected_config
            assert sorted(docs, key=json.dumps) == sorted(expected_docs, key=json.dumps)
            continue
        if path == "sitemap.xml":
            # The same entries, in the order of the files (the hooks add the generated pages last).
            assert sorted(SITEMAP_URL.findall(mine.decode())) == sorted(SITEMAP_URL.findall(content.decode()))
            assert SITEMAP_URL.sub("", mine.decode()) == SITEMAP_URL.sub("", content.decode())
            continue
        assert mine == content, f"{path} differs between the hooked build and the standalone project"
    return renamed


def test_plain_mkdocs_builds_the_same_site_as_the_hooks(standalone: Path, built_site: Path) -> None:
    renamed = _assert_same_site(standalone / "site", built_site)
    assert renamed["điem-qua-cac-nam"] == "diem-qua-cac-nam"  # the ids that differ were compared


def test_the_other_agency_builds_the_same_site_without_hooks(other: tuple[Path, Path]) -> None:
    """Another agency with its portal address set: canonical URLs, the sitemap and absolute
    share image addresses come out the same from the standalone project."""
    hooked, project = other
    _assert_same_site(project / "site", hooked)
    page = (project / "site" / "don-vi" / "van-phong" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://cchc.hoalam.example/don-vi/van-phong/">' in page
    assert '<meta property="og:image" content="https://cchc.hoalam.example/chia-se/don-vi/van-phong.png">' in page
    assert (project / "site" / "chia-se" / "don-vi" / "van-phong.png").is_file()
    sitemap = (project / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://cchc.hoalam.example/ke-hoach/2025/</loc>" in sitemap
    assert "<loc>https://cchc.hoalam.example/tra-cuu/</loc>" in sitemap
    assert "index/" not in sitemap


def test_raw_html_links_are_written_on_index_pages_only(standalone: Path) -> None:
    """MkDocs reads a raw-HTML link from the page's URL, Zensical from its source file: the two
    agree on an index page, so pages with task tables are index pages and links work under any
    sub-path whichever engine builds them."""
    for page, link in (
        ("tra-cuu/index.md", 'href="../don-vi/van-phong/#nv-2024-nv05"'),
        ("ke-hoach/2024/index.md", 'href="../../don-vi/van-phong/#nv-2024-nv05"'),
        ("don-vi/chi-cuc-pctnxh/index.md", 'href="../van-phong/#nv-2024-nv06"'),
        ("linh-vuc/1/index.md", 'href="../../don-vi/van-phong/#nv-2024-nv05"'),
    ):
        assert link in (standalone / "docs" / page).read_text(encoding="utf-8"), page
        built = (standalone / "site" / page.replace(".md", ".html")).read_text(encoding="utf-8")
        assert link in built, page
    assert (standalone / "site" / "don-vi" / "van-phong" / "index.html").is_file()
    with pytest.raises(ValueError, match="raw-HTML links need an index page"):
        html_link("ket-qua.md", "don-vi/van-phong/index.md")


def test_generate_writes_another_agency_and_refuses_a_clash(tmp_path: Path) -> None:
    out = tmp_path / "other"
    result = _generate(out, "--data", str(GOLDEN / "other-agency" / "data"))
    assert result.returncode == 0, result.stderr
    assert "Ban Quản lý các khu công nghiệp" in (out / "mkdocs.yml").read_text(encoding="utf-8")
    project = copy_project(tmp_path / "project")
    (project / "docs" / "ket-qua.md").write_text("# Trang viết tay\n", encoding="utf-8")
    clash = _generate(tmp_path / "clash", root=project)
    assert clash.returncode == 1
    assert "docs/ket-qua.md trùng với tệp được tạo từ dữ liệu; hãy xóa tệp này khỏi docs/" in clash.stderr
    assert not (tmp_path / "clash").exists()
