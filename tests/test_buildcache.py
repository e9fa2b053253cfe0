"""The build cache (parsite.buildcache): same site with and without it, never trusts a bad entry."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from helpers import ROOT, copy_project, generate_data, mkdocs_build
from parsite.buildcache import BuildCache, code_version
from parsite.data_in.model import Site
from parsite.settings import Settings


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
    def folder(environ: dict[str, str]) -> Path | None:
        return Settings.from_environment(tmp_path, environ=environ).cache

    assert folder({}) == tmp_path / ".cache" / "parsite"
    assert folder({"PARSITE_CACHE": "elsewhere"}) == tmp_path / "elsewhere"
    assert folder({"PARSITE_CACHE": str(tmp_path / "abs")}) == tmp_path / "abs"
    assert folder({"PARSITE_CACHE": "off"}) is None
    off = BuildCache(None, "v")
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


# --- what each output reads (parsite.outputs.reads): a key changes whenever its output does ----


SITE_URL = "https://cchc.example.gov.vn/"
Outputs = tuple[dict[str, bytes], dict[str, str]]


def _outputs(data: Path) -> Outputs:
    """Every generated page and download of `data` (share images as the card they draw) and the
    inputs of each one's cache key."""
    from parsite.site import load_site

    with pytest.MonkeyPatch.context() as env:
        env.setenv("SITE_TODAY", "2025-06-30")
        env.setenv("SOURCE_DATE_EPOCH", "1795892400")
        return _made(load_site(data, data.parent), data)


def _made(site: Site, data: Path) -> Outputs:
    from parsite.outputs import share
    from parsite.outputs.reads import output_inputs
    from parsite.outputs.registry import downloads
    from parsite.outputs.render import rendered_pages

    cards = share._cards(site)
    made = {
        path: repr(cards[path]).encode() if path in cards else make()
        for path, make in downloads(site, SITE_URL).items()
    }
    made.update((path, markdown.encode()) for path, markdown in rendered_pages(site))
    inputs = output_inputs(site, data, "2025-06-30", "1795892400", SITE_URL, "")
    return made, {path: inputs(path) for path in made}


def _edit_task(data: Path, edit: str) -> str:
    """Edit the first task of the newest plan that has supporting units and a progress log."""
    path = sorted((data / "plans").glob("*/tasks.yml"))[-1]
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    tasks = content["tasks"]
    index, task = next((i, t) for i, t in enumerate(tasks) if t.get("support") and t.get("progress"))
    units = [u["id"] for u in yaml.safe_load((data / "agency.yml").read_text(encoding="utf-8"))["units"]]
    others = [u for u in units if u != task["lead"] and u not in task["support"]]
    entry = task["progress"][-1]
    if edit == "text":
        task["task"] = "Nội dung nhiệm vụ đã sửa"
    elif edit == "problem and output":
        task["problem"], task["output"] = "Tồn tại đã sửa", "Sản phẩm đã sửa"
    elif edit == "lead":
        task["lead"] = others[0]
    elif edit == "support added":
        task["support"] = [*task["support"], others[0]]
    elif edit == "support removed":
        task["support"] = task["support"][1:]
    elif edit == "field":
        task["field"] = 2 if task["field"] != 2 else 3
    elif edit == "deadline":
        task["deadline"] = "Thường xuyên" if str(task["deadline"]) != "Thường xuyên" else "2025-03-31"
    elif edit == "entry text":
        entry["text"] = "Tiến độ đã sửa"
    elif edit == "entry by another unit, finished":
        task["progress"].append(
            {
                "date": max(entry["date"], yaml.safe_load("2025-01-10")),
                "text": "Đã xong",
                "unit": others[-1],
                "status": "hoan-thanh",
            }
        )
    elif edit == "task removed":
        del tasks[index]
    elif edit == "tasks reordered":
        tasks[index], tasks[-1] = tasks[-1], tasks[index]
    else:
        raise AssertionError(edit)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return task["id"]


EDITS = [
    "text",
    "problem and output",
    "lead",
    "support added",
    "support removed",
    "field",
    "deadline",
    "entry text",
    "entry by another unit, finished",
    "task removed",
    "tasks reordered",
]


@pytest.fixture(scope="module", params=["real", "generated"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Outputs]:
    """The real data, and generated data with three plans (tasks of several years, units that
    report progress on tasks they neither lead nor support)."""
    folder = tmp_path_factory.mktemp(request.param) / "data"
    if request.param == "real":
        shutil.copytree(ROOT / "data", folder)
    else:
        generate_data(folder, tasks=90)
    for path in (folder / "plans").glob("*/tasks.yml"):  # written as _edit_task writes it
        path.write_text(
            yaml.safe_dump(yaml.safe_load(path.read_text(encoding="utf-8")), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
    return folder, _outputs(folder)


@pytest.mark.parametrize("edit", EDITS)
def test_every_output_that_changes_has_a_new_key(dataset: tuple[Path, Outputs], edit: str, tmp_path: Path) -> None:
    folder, (before, before_keys) = dataset
    data = tmp_path / "data"
    shutil.copytree(folder, data)
    _edit_task(data, edit)
    after, after_keys = _outputs(data)
    changed = {path for path in before.keys() & after.keys() if before[path] != after[path]}
    assert changed, "the edit shows somewhere"
    stale = sorted(path for path in changed if before_keys[path] == after_keys[path])
    assert stale == [], f"{edit}: these outputs changed but their cache key did not: {stale}"


def test_one_task_edited_remakes_only_the_outputs_that_read_it(dataset: tuple[Path, Outputs], tmp_path: Path) -> None:
    from parsite.outputs.feeds import unit_tasks as reported_tasks
    from parsite.outputs.paths import field_path, plan_path, unit_path
    from parsite.site import load_site

    folder, (before, before_keys) = dataset
    data = tmp_path / "data"
    shutil.copytree(folder, data)
    task_id = _edit_task(data, "text")
    after, after_keys = _outputs(data)
    changed = {path for path in before if before[path] != after[path]}
    remade = {path for path in before if before_keys[path] != after_keys[path]}
    assert changed <= remade
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SITE_TODAY", "2025-06-30")
        site = load_site(data, data.parent)
    task = next(t for t in site.plans[-1].tasks if t.id == task_id)
    # Outputs about other units, other fields and other plans are not made again.
    kept = [unit_path(u) for u in site.agency.units if task not in reported_tasks(site, u)]
    kept += [field_path(f) for f in site.fields() if f.id != task.field.id]
    kept += [plan_path(p) for p in site.plans[:-1]]
    kept += [p for p in before if p.startswith("chia-se/")]
    assert kept and not remade & set(kept)
    # What shows the task's text is made again: its plan, its units, its field, the open data.
    shown = {plan_path(task.plan_year), unit_path(task.lead), field_path(task.field)}
    shown |= {unit_path(u) for u in task.support} | {"du-lieu/tasks.json", "du-lieu/tasks.xlsx"}
    assert shown <= changed
    # Most outputs are copied: far fewer are made again than there are.
    if len(site.plans) > 1:
        assert len(remade) < len(before) / 2, (len(remade), len(before))


def test_keys_are_the_same_in_another_process(dataset: tuple[Path, Outputs]) -> None:
    """Keys come from reprs and file bytes, never from object ids or hash order."""
    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, 'hooks');"
        "from parsite.site import load_site; from parsite.outputs.reads import output_inputs;"
        f"from parsite.outputs.render import page_paths; data = Path({str(dataset[0])!r});"
        "site = load_site(data, data.parent); inputs = output_inputs(site, data, 'x');"
        "print([inputs(p) for p in page_paths(site)])"
    )
    env = {**os.environ, "SITE_TODAY": "2025-06-30", "SOURCE_DATE_EPOCH": "1764370800"}
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**env, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and runs[0].count("\\n") > 10
