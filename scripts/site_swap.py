"""Build the site into a fresh folder and make it the live site/ in one step (used by scripts/site build).

    python scripts/site_swap.py mkdocs build --strict [options]

`site` is a symbolic link to a folder under `.site-builds/`. The build command writes into a new
folder there (`--site-dir FOLDER` is appended to it); only when it succeeds and wrote an
index.html is a new link renamed over `site`. rename(2) replaces a link in one step on every
POSIX system (Linux, macOS, the BSDs) and needs nothing but the standard library, so a reader
opening site/index.html finds the old build or the new one, never nothing; a failed build
leaves site/ exactly as it was. Renaming a whole folder over another cannot do that (rename(2)
refuses a non-empty folder; moving the old one aside first leaves a gap).

The folder `site` pointed to before is kept until the next build, so a reader (a web server,
`python -m http.server`) already inside it is not cut off. Every build starts, under a lock
(`.site-builds/.lock`, one build at a time per checkout), by deleting every folder `site` does
not point to: the build before last, and whatever a killed build (kill -9, power cut) left.
The lock is inherited by the build command, so a build whose parent was killed but which still
runs keeps it, and its folder is not deleted under it.

A `site/` that is still a real folder (made by an older version of this script or by plain
`mkdocs build`) becomes a link on the first build: with renameat2(RENAME_EXCHANGE) on Linux the
two are exchanged in one step; elsewhere the folder is moved aside just before the link takes
its place, a gap of one system call, once.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILDS = ".site-builds"
LINK_PREFIX = ".site-link-"
LEGACY = (".site-build.*", ".site-previous")  # leftovers of the previous version of scripts/site


def live_build(root: Path) -> str | None:
    """The name of the folder under .site-builds/ that `site` points to, if it is a link."""
    site = root / "site"
    return Path(os.readlink(site)).name if site.is_symlink() else None


def clean_leftovers(root: Path) -> list[Path]:
    """Delete what no build is using; call only while holding the lock. Return what was deleted."""
    keep = {".lock", live_build(root)}
    doomed = [p for p in (root / BUILDS).iterdir() if p.name not in keep]
    doomed += list(root.glob(LINK_PREFIX + "*"))
    if (root / "site" / "index.html").is_file():  # an old script's leftovers, once the site is whole
        doomed += [p for pattern in LEGACY for p in root.glob(pattern)]
    for path in doomed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    return doomed


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step with renameat2(RENAME_EXCHANGE); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)  # glibc >= 2.28, musl >= 1.2.5
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or a filesystem without it
        return False
    raise OSError(code, os.strerror(code), str(first))


def swap_in(root: Path, build: Path) -> None:
    """Make `site` point to `build` (a folder under .site-builds/) without a moment without it."""
    site = root / "site"
    link = root / f"{LINK_PREFIX}{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(build.relative_to(root))
    if site.is_dir() and not site.is_symlink():
        aside = root / BUILDS / f"{build.name}-old-site"
        if _exchange(link, site):
            link.rename(aside)  # `link` now names the old folder; it goes with the next build's clean-up
            return
        site.rename(aside)
    os.replace(link, site)  # rename(2): atomic


def build(root: Path, command: list[str]) -> int:
    """Run `command --site-dir NEW` and swap the result in on success; return the exit code."""
    builds = root / BUILDS
    builds.mkdir(exist_ok=True)
    with open(builds / ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("Đang chờ lần xây dựng khác trong thư mục này kết thúc…", file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        for path in clean_leftovers(root):
            print(f"Đã dọn {path.relative_to(root)} (bản dựng cũ hoặc bị dừng giữa chừng)", file=sys.stderr)
        target = builds / f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{os.getpid()}"
        try:
            # the child inherits the lock: if this process is killed, the build still holds it
            result = subprocess.run([*command, "--site-dir", str(target)], pass_fds=(lock.fileno(),), check=False)
            if result.returncode != 0:
                return result.returncode
            if not (target / "index.html").is_file():
                print(f"Lỗi: bản dựng không có index.html; site/ giữ nguyên ({command[0]})", file=sys.stderr)
                return 1
            swap_in(root, target)
        finally:
            if live_build(root) != target.name:  # failed or interrupted: only this build's own folder goes
                shutil.rmtree(target, ignore_errors=True)
    print("Đã xây dựng trang vào site/")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: site_swap.py BUILD-COMMAND...  (e.g. mkdocs build --strict)", file=sys.stderr)
        return 2
    return build(ROOT, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
