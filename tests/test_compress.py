"""The built site ships precompressed copies of its text files and none of Material's unused assets."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import brotli
from parsite.outputs.compress import precompress, text_files
from parsite.outputs.unused_assets import lunr_files_needed


def test_every_text_file_has_valid_gzip_and_brotli_copies(built_site: Path) -> None:
    files = text_files(built_site)
    names = {p.relative_to(built_site).as_posix() for p in files}
    assert {"index.html", "tra-cuu/index.html", "search/search_index.json", "404.html"} <= names
    assert any(n.startswith("assets/stylesheets/main.") and n.endswith(".css") for n in names)
    for path in files:
        data = path.read_bytes()
        packed = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(packed) == data, path
        assert packed[4:8] == b"\0\0\0\0", f"{path}: gzip header carries a time"  # deterministic
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data, path
    home = built_site / "index.html"
    assert len(home.with_name("index.html.gz").read_bytes()) < len(home.read_bytes()) / 3


def test_compression_is_deterministic(built_site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(built_site / "ke-hoach", copy / "ke-hoach")
    precompress(copy)
    first = {p: p.read_bytes() for p in copy.rglob("*.*") if p.suffix in (".gz", ".br")}
    precompress(copy)
    assert first and first == {p: p.read_bytes() for p in first}
    assert (copy / "ke-hoach" / "2024" / "index.html.gz").read_bytes() == (
        built_site / "ke-hoach" / "2024" / "index.html.gz"
    ).read_bytes()


def test_unused_theme_assets_are_not_shipped(built_site: Path) -> None:
    assert not list(built_site.rglob("*.map"))
    lunr = built_site / "assets" / "javascripts" / "lunr"
    shipped = {p.relative_to(lunr).as_posix() for p in lunr.rglob("*.js")}
    assert shipped == {"min/lunr.stemmer.support.min.js", "min/lunr.vi.min.js"} == lunr_files_needed(["vi"])
    assert not (lunr / "wordcut.js").exists()
    # What Material's search worker loads for Vietnamese is still there (its importScripts).
    worker = next((built_site / "assets" / "javascripts" / "workers").glob("search.*.min.js")).read_text("utf-8")
    assert "lunr.stemmer.support.min.js" in worker and "wordcut.js" in worker


def test_lunr_files_per_language() -> None:
    assert lunr_files_needed(["en"]) == {"min/lunr.stemmer.support.min.js"}
    assert "wordcut.js" in lunr_files_needed(["th"])
    assert lunr_files_needed(["vi", "ja"]) == {
        "min/lunr.stemmer.support.min.js",
        "min/lunr.vi.min.js",
        "min/lunr.ja.min.js",
        "tinyseg.js",
        "min/lunr.multi.min.js",
    }
