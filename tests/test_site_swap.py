"""`scripts/site build` swaps site/ in one step: a reader never finds site/index.html missing, a failed
or killed build leaves site/ as it was, and the next build clears what a killed one left."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import ROOT, copy_project

# Stands in for `mkdocs build --site-dir DIR` where only the swap is under test: writes a small
# site (index.html last, as MkDocs does not promise any order), or fails half-way with --fail.
FAKE_BUILD = """
import pathlib, sys
out = pathlib.Path(sys.argv[sys.argv.index("--site-dir") + 1])
(out / "trang").mkdir(parents=True)
for n in range(40):
    (out / "trang" / f"{n}.html").write_text(f"trang {n}", encoding="utf-8")
if "--fail" in sys.argv:
    sys.exit(3)
(out / "index.html").write_text(sys.argv[1], encoding="utf-8")
"""

# Opens site/index.html as fast as it can until told to stop; prints reads and failures.
READER = """
import pathlib, sys
index, stop = pathlib.Path(sys.argv[1]) / "index.html", pathlib.Path(sys.argv[2])
reads = misses = 0
while not stop.exists():
    try:
        if index.read_text(encoding="utf-8"):
            reads += 1
        else:
            misses += 1
    except OSError:
        misses += 1
print(reads, misses)
"""


def swap_project(tmp_path: Path) -> Path:
    """A folder with only the swap script and the fake build: the swap alone, fast."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "site_swap.py", project / "scripts" / "site_swap.py")
    (project / "fake_build.py").write_text(FAKE_BUILD, encoding="utf-8")
    return project


def fake_build(project: Path, text: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "scripts/site_swap.py", sys.executable, "fake_build.py", text, *extra]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)


@contextmanager
def reader(site: Path, tmp_path: Path) -> Iterator[list[int]]:
    """A separate process reading site/index.html in a loop; yields [reads, misses] once stopped."""
    stop = tmp_path / "stop-reader"
    process = subprocess.Popen([sys.executable, "-c", READER, str(site), str(stop)], stdout=subprocess.PIPE, text=True)
    counts: list[int] = []
    try:
        time.sleep(0.2)
        yield counts
    finally:
        stop.touch()
        out, _ = process.communicate(timeout=30)
        counts.extend(int(n) for n in out.split())
        stop.unlink()


def build_folders(project: Path) -> set[str]:
    return {p.name for p in (project / ".site-builds").iterdir()}


def test_a_reader_never_finds_site_index_missing_during_repeated_builds(tmp_path: Path) -> None:
    project = swap_project(tmp_path)
    site = project / "site"
    site.mkdir()  # a site/ folder made by an older scripts/site: it becomes a link without a gap
    (site / "index.html").write_text("bản cũ", encoding="utf-8")
    with reader(site, tmp_path) as counts:
        for n in range(12):
            result = fake_build(project, f"bản {n}")
            assert result.returncode == 0, result.stderr
            assert (site / "index.html").read_text(encoding="utf-8") == f"bản {n}"
            assert "Đã xây dựng trang vào site/" in result.stdout
    reads, misses = counts
    assert misses == 0 and reads > 200
    assert site.is_symlink()
    live = Path(os.readlink(site)).name
    assert len(build_folders(project)) == 3 and {".lock", live} < build_folders(project)  # and the one before
    assert not list(project.glob(".site-link-*"))


def test_a_failed_build_keeps_site_and_removes_only_its_own_folder(tmp_path: Path) -> None:
    project = swap_project(tmp_path)
    assert fake_build(project, "bản tốt").returncode == 0
    before = build_folders(project)
    failed = fake_build(project, "bản hỏng", "--fail")
    assert failed.returncode == 3
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "bản tốt"
    assert build_folders(project) == before


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    project = swap_project(tmp_path)
    assert fake_build(project, "bản 1").returncode == 0
    with open(project / ".site-builds" / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        command = [sys.executable, "scripts/site_swap.py", sys.executable, "fake_build.py", "bản 2"]
        second = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        assert second.poll() is None
        assert (project / "site" / "index.html").read_text(encoding="utf-8") == "bản 1"
    _, err = second.communicate(timeout=30)
    assert second.returncode == 0 and "Đang chờ lần xây dựng khác trong thư mục này kết thúc" in err
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "bản 2"


def test_a_killed_build_leaves_site_intact_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    first = subprocess.run(["./scripts/site", "build"], cwd=project, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    site = project / "site"
    before = (site / "index.html").read_bytes()
    first_build = Path(os.readlink(site)).name

    killed = subprocess.Popen(
        ["./scripts/site", "build"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # SIGKILL to the whole job, MkDocs included
    )

    def writing() -> Path | None:
        started = [p for p in (project / ".site-builds").iterdir() if p.name not in (".lock", first_build)]
        return started[0] if started and any(started[0].rglob("*.html")) else None

    deadline = time.monotonic() + 120
    while (leftover := writing()) is None:
        assert killed.poll() is None and time.monotonic() < deadline, "the build ended before it could be killed"
        time.sleep(0.02)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert leftover.is_dir()  # what the killed build left
    assert (site / "index.html").read_bytes() == before and Path(os.readlink(site)).name == first_build

    with reader(site, tmp_path) as counts:
        after = subprocess.run(["./scripts/site", "build"], cwd=project, env=env, capture_output=True, text=True)
    assert after.returncode == 0, after.stderr
    assert counts[1] == 0 and counts[0] > 0
    assert f"Đã dọn .site-builds/{leftover.name}" in after.stderr
    assert not leftover.exists()
    assert build_folders(project) == {".lock", first_build, Path(os.readlink(site)).name}
    assert (site / "huong-dan" / "index.html").is_file()
