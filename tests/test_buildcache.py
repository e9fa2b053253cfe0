"""The build cache (parsite.buildcache): same site with and without it, never trusts a bad entry."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, copy_project, mkdocs_build
from parsite.buildcache import BuildCache, code_version


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _assert_same_site(left: Path, right: Path) -> None:
    a, b = _files(left), _files(right)
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == [], f"{len(different)} files differ, e.g. {different[:5]}"


def _entries(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.is_file() and not p.name.startswith(".tmp-")]


# --- the core, without MkDocs ----------------------------------------------------------------


def test_an_entry_is_found_by_its_key_and_only_by_it(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "v1")
    key = cache.key("page", "dữ liệu", b"\x00\x01")
    assert cache.get(key) is None
    cache.put(key, "trang đã tạo".encode())
    assert BuildCache(tmp_path, "v1").get(key) == "trang đã tạo".encode()
    # Parts are length-prefixed: moving a byte from one part to the next is another key.
    assert cache.key("page", "ab", "c") != cache.key("page", "a", "bc")
    # Another code version never meets the entry.
    other = BuildCache(tmp_path, "v2")
    assert other.key("page", "dữ liệu", b"\x00\x01") != key


@pytest.mark.parametrize(
    "damage",
    ["garbage", "empty", "truncated", "payload-changed", "header-only", "a-folder"],
)
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path: Path, damage: str) -> None:
    cache = BuildCache(tmp_path, "v1")
    key = cache.key("download", "tasks.xlsx")
    cache.put(key, b"PK\x03\x04 the real bytes " * 50)
    (entry,) = _entries(tmp_path)
    data = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(os.urandom(len(data)))
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "truncated":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "payload-changed":  # same length, header intact: only the hash tells
        entry.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    elif damage == "header-only":
        entry.write_bytes(data[: data.index(b"\n", len(b"parsite-cache 1\n") + 65) + 1])
    else:
        entry.unlink()
        entry.mkdir()
    reader = BuildCache(tmp_path, "v1")
    assert reader.get(key) is None
    if damage != "a-folder":
        assert reader.rejected == 1
        reader.put(key, b"made again")
        assert BuildCache(tmp_path, "v1").get(key) == b"made again"


def test_an_entry_under_another_key_is_not_trusted(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "v1")
    first, second = cache.key("page", "a.md"), cache.key("page", "b.md")
    cache.put(first, b"trang A")
    # A sound entry copied to another key's place (a foreign or misplaced file) is refused.
    target = tmp_path / second[:2] / second
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tmp_path / first[:2] / first, target)
    reader = BuildCache(tmp_path, "v1")
    assert reader.get(second) is None and reader.rejected == 1
    assert reader.get(first) == b"trang A"


def test_a_foreign_folder_of_files_is_ignored(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "v1")
    key = cache.key("page", "x.md")
    # Files that look like entries but were written by something else.
    (tmp_path / key[:2]).mkdir()
    (tmp_path / key[:2] / key).write_text("parsite-cache 1\nnot a key\nnot a hash\n<script>", encoding="utf-8")
    (tmp_path / "README").write_text("không phải bộ nhớ đệm", encoding="utf-8")
    assert cache.get(key) is None


def test_the_folder_comes_from_the_environment(tmp_path: Path) -> None:
    assert BuildCache.for_project(tmp_path, "v", {}).folder == tmp_path / ".cache" / "parsite"
    assert BuildCache.for_project(tmp_path, "v", {"PARSITE_CACHE": "elsewhere"}).folder == tmp_path / "elsewhere"
    assert BuildCache.for_project(tmp_path, "v", {"PARSITE_CACHE": str(tmp_path / "abs")}).folder == tmp_path / "abs"
    off = BuildCache.for_project(tmp_path, "v", {"PARSITE_CACHE": "off"})
    off.put(off.key("page", "x"), b"x")
    assert off.folder is None and off.get(off.key("page", "x")) is None
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_does_not_stop_the_build(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    cache = BuildCache(blocked, "v1")
    cache.put(cache.key("page", "x"), b"x")  # no exception
    assert cache.get(cache.key("page", "x")) is None


def test_the_code_version_follows_templates_and_code(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    shutil.copytree(ROOT / "hooks", hooks, ignore=shutil.ignore_patterns("__pycache__"))
    before = code_version(hooks)
    assert code_version(hooks) == before
    template = hooks / "parsite" / "templates" / "unit.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_template = code_version(hooks)
    assert after_template != before
    module = hooks / "parsite" / "fmt.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert code_version(hooks) not in (before, after_template)
    # Compiled files are not source: a fresh __pycache__ changes nothing.
    (hooks / "parsite" / "__pycache__").mkdir(exist_ok=True)
    (hooks / "parsite" / "__pycache__" / "fmt.cpython-311.pyc").write_bytes(b"\x00")
    assert code_version(hooks) == code_version(hooks)


def _writer(folder: str, worker: int, rounds: int) -> list[str]:
    """Write two shared keys and one own key again and again; read them back; report bad reads."""
    cache = BuildCache(Path(folder), "v1")
    bad = []
    payloads = {
        cache.key("shared", "a"): b"A" * 200_000,  # large enough that a write is not one syscall
        cache.key("shared", "b"): bytes(range(256)) * 1000,
        cache.key("own", str(worker)): str(worker).encode() * 50_000,
    }
    for _ in range(rounds):
        for key, payload in payloads.items():
            cache._seen.clear()  # write it again, as another build would
            cache.put(key, payload)
            got = BuildCache(Path(folder), "v1").get(key)
            if got is not None and got != payload:
                bad.append(key)
    return bad


def test_concurrent_builds_never_see_half_an_entry(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        results = pool.starmap(_writer, [(str(tmp_path), worker, 25) for worker in range(4)])
    assert results == [[], [], [], []]
    cache = BuildCache(tmp_path, "v1")
    assert cache.get(cache.key("shared", "a")) == b"A" * 200_000
    assert cache.rejected == 0
    assert [p for p in tmp_path.rglob(".tmp-*")] == []  # every temporary file was renamed or removed


# --- the whole site, built by MkDocs ----------------------------------------------------------


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The real site built without the cache, then twice with one (empty, then filled)."""
    root = tmp_path_factory.mktemp("cached")
    project = copy_project(root / "project")
    cache = root / "cache"
    out = {}
    for name, setting in (("none", "off"), ("cold", str(cache)), ("warm", str(cache))):
        out[name] = root / name
        result = mkdocs_build(project, out[name], PARSITE_CACHE=setting)
        assert result.returncode == 0, result.stderr
    out["project"], out["cache"] = project, cache
    return out


def test_a_warm_cache_gives_the_same_site_byte_for_byte(builds: dict[str, Path]) -> None:
    _assert_same_site(builds["none"], builds["cold"])
    _assert_same_site(builds["none"], builds["warm"])
    assert len(_entries(builds["cache"])) > 50  # pages, downloads and compressed copies were stored


def test_the_warm_build_reuses_the_cache(builds: dict[str, Path], tmp_path: Path) -> None:
    result = mkdocs_build(builds["project"], tmp_path / "again", PARSITE_CACHE=str(builds["cache"]))
    assert result.returncode == 0, result.stderr
    assert "Bộ nhớ đệm:" in result.stderr and " 0 mục dùng lại" not in result.stderr
    assert "mục hỏng" not in result.stderr


def test_edited_data_is_built_again_not_taken_from_the_cache(builds: dict[str, Path], tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    tasks = sorted((project / "data" / "plans").glob("*/tasks.yml"))[-1]
    text = tasks.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["tasks"][0]["task"]
    assert text.count(old) == 1
    tasks.write_text(text.replace(old, "Nhiệm vụ đã sửa sau lần dựng trước"), encoding="utf-8")
    cache = tmp_path / "cache"
    shutil.copytree(builds["cache"], cache)
    warm, fresh = tmp_path / "warm", tmp_path / "fresh"
    for site, setting in ((warm, str(cache)), (fresh, "off")):
        result = mkdocs_build(project, site, PARSITE_CACHE=setting)
        assert result.returncode == 0, result.stderr
    _assert_same_site(fresh, warm)
    assert "Nhiệm vụ đã sửa sau lần dựng trước" in (warm / "du-lieu" / "tasks.json").read_text(encoding="utf-8")
    assert any("Nhiệm vụ đã sửa sau lần dựng trước" in p.read_text(encoding="utf-8") for p in warm.rglob("*.html"))


def test_a_corrupted_cache_is_ignored_and_the_site_is_the_same(builds: dict[str, Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(builds["cache"], cache)
    entries = _entries(cache)
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        if number % 3 == 0:
            entry.write_bytes(os.urandom(64))  # garbage
        elif number % 3 == 1:
            entry.write_bytes(data[: len(data) - 7])  # truncated
        else:
            entry.write_bytes(data[:-1] + bytes([data[-1] ^ 0x20]))  # content no longer matches its hash
    site = tmp_path / "site"
    result = mkdocs_build(builds["project"], site, PARSITE_CACHE=str(cache))
    assert result.returncode == 0, result.stderr
    _assert_same_site(builds["none"], site)
    assert "mục hỏng bị bỏ qua" in result.stderr


def test_prune_removes_only_old_entries_of_its_own(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path, "v1")
    old, recent = cache.key("page", "old"), cache.key("page", "recent")
    cache.put(old, b"old")
    cache.put(recent, b"recent")
    other = tmp_path / "ab" / "notes.txt"  # not a name the cache writes
    other.parent.mkdir(exist_ok=True)
    other.write_text("giữ lại", encoding="utf-8")
    stray = tmp_path / old[:2] / ".tmp-killed-build"
    stray.write_bytes(b"half")
    now = time.time()
    long_ago = now - 30 * 86_400
    for path in (tmp_path / old[:2] / old, other, stray):
        os.utime(path, (long_ago, long_ago))
    assert cache.prune(now=now) == 2
    assert cache.get(old) is None and cache.get(recent) == b"recent"
    assert other.exists() and not stray.exists()
    # Using an entry keeps it: a hit touches it.
    os.utime(tmp_path / recent[:2] / recent, (long_ago, long_ago))
    assert cache.get(recent) == b"recent"
    assert cache.prune(now=now + 2 * 86_400) == 0
    assert cache.get(recent) == b"recent"
