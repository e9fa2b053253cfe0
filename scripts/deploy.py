"""Publish a built site to the portal atomically, one deploy at a time, keeping earlier releases.

    python scripts/deploy.py SITE_DIR            # deploy SITE_DIR to $DEPLOY_TARGET
    python scripts/deploy.py --rollback          # point the live site back at the previous release

DEPLOY_TARGET is a local folder (/var/www/cchc) or an rsync/SSH destination
(user@portal.example:/var/www/cchc). Under it:

    .deploy.lock                one deploy at a time: holds who has it (pid, machine, since when)
    releases/20261129T020000123456Z-1a2b3c4d/   one folder per deployment (copied in full, then never changed)
    releases/<name>.partial/    a copy in progress (each deploy its own, uniquely named)
    current -> releases/...     the live site: the web server's document root points here

A deploy takes the lock (flock(2); over SSH, flock(1) on the server, held by an open SSH session
that ends with the deploy, even a killed one), copies the site into its own partial folder,
checks the copy (index.html, same number of files), renames it into a release and only then
switches `current` with a rename of a symbolic link, which is atomic: readers see the old site or
the new one, never a mix. A second deploy waits for the lock (DEPLOY_LOCK_WAIT seconds, default
600) and then stops with a message, deploying nothing.

Environment:
    DEPLOY_TARGET        where to publish (required)
    DEPLOY_KEEP          releases kept, an integer >= 1 (default 5); the live one is never deleted
    DEPLOY_LOCK_WAIT     seconds to wait for another deploy to finish (default 600; 0: do not wait)
    DEPLOY_STALE_MINUTES a partial folder left by a killed deploy is removed once nothing in it has
                         changed for this long (default 60); deploys hold the lock while copying, so
                         the age only guards against a copy made without the lock (an older script)
    DEPLOY_SSH           extra ssh options (e.g. "-p 2222"); keys come from ssh-agent or ~/.ssh

The target is usually a CI secret: nothing printed names its host or path (log masking hides the
whole secret, not its pieces), and messages from ssh and rsync are redacted the same way.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

REMOTE = re.compile(r"^(?P<host>(?:[^@/:]+@)?[^/:]+):(?P<path>/.*)$")
# Names this script made: sorting them sorts by time. Anything else under releases/ is left alone.
RELEASE = re.compile(r"^\d{8}T\d{12}Z(?:-[0-9a-f]{8})?$")
PARTIAL = ".partial"
LOCK = ".deploy.lock"
EXIT_CONFIG = 2
EXIT_BUSY = 75  # EX_TEMPFAIL: try again later

Log = Callable[[str], None]


class DeployError(Exception):
    """A deploy that stopped: nothing was switched, the live site is as it was."""

    exit_code = 1


class BusyError(DeployError):
    """Another deploy held the target's lock for longer than we were allowed to wait."""

    exit_code = EXIT_BUSY


class ConfigError(DeployError):
    """A setting is wrong: nothing was touched."""

    exit_code = EXIT_CONFIG


@dataclass(frozen=True)
class Settings:
    """What the environment asks for, validated before anything is touched."""

    keep: int = 5
    lock_wait: int = 600
    stale_minutes: int = 60


def _whole_number(env: dict[str, str], name: str, default: int, minimum: int, meaning: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:  # unset, or an empty CI variable
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < minimum:
        raise ConfigError(
            f"{name}={raw!r} không hợp lệ: phải là một số nguyên ≥ {minimum} ({meaning}); không triển khai gì"
            f" / {name} must be a whole number >= {minimum}"
        )
    return int(raw)


def read_settings(env: dict[str, str]) -> Settings:
    """DEPLOY_KEEP, DEPLOY_LOCK_WAIT and DEPLOY_STALE_MINUTES, or a ConfigError naming the bad one."""
    return Settings(
        keep=_whole_number(env, "DEPLOY_KEEP", 5, 1, "số bản phát hành giữ lại, kể cả bản đang chạy"),
        lock_wait=_whole_number(env, "DEPLOY_LOCK_WAIT", 600, 0, "số giây chờ lần triển khai khác"),
        stale_minutes=_whole_number(env, "DEPLOY_STALE_MINUTES", 60, 0, "số phút trước khi dọn bản dở dang"),
    )


def release_name() -> str:
    """A new release name: UTC time to the microsecond (so names sort by age), then a random tag."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}"


def releases_to_remove(releases: list[str], live: str | None, keep: int) -> list[str]:
    """The releases beyond the `keep` newest, never the live one, whatever `keep` says."""
    if keep < 1:
        raise ConfigError(f"DEPLOY_KEEP={keep}: phải ≥ 1")
    ordered = sorted(r for r in releases if RELEASE.match(r))
    return [r for r in ordered[:-keep] if r != live]


def count_files(folder: Path) -> int:
    """Entries that are not folders, the way `find ! -type d` counts them on the server."""
    return sum(len(files) for _, _, files in os.walk(folder))


def check_site(site: Path) -> int:
    """Refuse a folder that is not a built site; return its number of files."""
    if not (site / "index.html").is_file():
        raise DeployError(f"{site}: không có index.html, không phải một trang đã xây dựng; không triển khai")
    return count_files(site)


def owner_line() -> str:
    """Who holds the lock, for the message a waiting deploy prints (no secret in it)."""
    host = re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())[:64] or "?"
    return f"pid {os.getpid()} trên máy {host} từ {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _busy(owner: str, wait: int) -> BusyError:
    return BusyError(
        f"một lần triển khai khác đang giữ khóa của đích ({owner or 'không rõ'}); đã chờ {wait} giây."
        " Không triển khai gì, bản đang chạy giữ nguyên; chạy lại sau khi lần kia xong"
        " (DEPLOY_LOCK_WAIT đặt thời gian chờ) / another deploy holds the target's lock, nothing was deployed"
    )


def _waiting(owner: str, wait: int) -> str:
    return (
        f"Đang chờ lần triển khai khác kết thúc ({owner or 'không rõ'}), tối đa {wait} giây…"
        " / waiting for another deploy to finish"
    )


class Target(Protocol):
    """The operations a deploy needs on its target, local or over SSH."""

    label: str

    def lock(self, wait: int, log: Log) -> AbstractContextManager[Callable[[], bool]]: ...
    def releases(self) -> list[str]: ...
    def live(self) -> str | None: ...
    def stale_partials(self, minutes: int) -> list[str]: ...
    def upload(self, site: Path, partial: str) -> None: ...
    def inspect(self, partial: str) -> tuple[int, bool]: ...
    def finish(self, partial: str, release: str) -> None: ...
    def switch(self, release: str) -> None: ...
    def remove(self, names: list[str]) -> None: ...


# ---------------------------------------------------------------- local folder


class LocalTarget:
    """A folder on this machine (the portal's own disk, or a mounted share)."""

    label = "DEPLOY_TARGET (thư mục trên máy này)"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "releases"

    @contextmanager
    def lock(self, wait: int, log: Log) -> Iterator[Callable[[], bool]]:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.root / LOCK
        with open(path, "a+", encoding="utf-8") as handle:  # "a": never truncates someone else's owner line
            deadline = time.monotonic() + wait
            announced = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    owner = path.read_text(encoding="utf-8", errors="replace").strip()[:300]
                    if time.monotonic() >= deadline:
                        raise _busy(owner, wait) from None
                    if not announced:
                        log(_waiting(owner, wait))
                        announced = True
                    time.sleep(0.1)
            handle.seek(0)
            handle.truncate()
            handle.write(owner_line() + "\n")
            handle.flush()
            try:
                yield lambda: True  # released by the kernel when this process ends, even by kill -9
            finally:
                handle.truncate(0)
                fcntl.flock(handle, fcntl.LOCK_UN)

    def releases(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir() if RELEASE.match(p.name) and p.is_dir())

    def live(self) -> str | None:
        try:
            name = os.readlink(self.root / "current")
        except FileNotFoundError:
            return None
        return Path(name).name

    def stale_partials(self, minutes: int) -> list[str]:
        since = time.time() - minutes * 60
        stale = []
        for partial in self.folder.glob("*" + PARTIAL):
            if not RELEASE.match(partial.name.removesuffix(PARTIAL)):
                continue  # not made by this script: not ours to judge
            # ctime, not mtime: a copy keeps the source's mtimes, but every file it writes gets a new ctime
            entries = (Path(d) / n for d, dirs, files in os.walk(partial) for n in ("", *dirs, *files))
            if not any(e.lstat().st_ctime >= since for e in entries):
                stale.append(partial.name)
        return stale

    def upload(self, site: Path, partial: str) -> None:
        shutil.copytree(site, self.folder / partial)

    def inspect(self, partial: str) -> tuple[int, bool]:
        return count_files(self.folder / partial), (self.folder / partial / "index.html").is_file()

    def finish(self, partial: str, release: str) -> None:
        (self.folder / partial).rename(self.folder / release)

    def switch(self, release: str) -> None:
        temporary = self.root / f".current-{os.getpid()}-{secrets.token_hex(4)}"
        temporary.symlink_to(Path("releases") / release)
        os.replace(temporary, self.root / "current")  # rename(2): atomic

    def remove(self, names: list[str]) -> None:
        for name in names:
            if (self.folder / name).exists():
                shutil.rmtree(self.folder / name)


# ---------------------------------------------------------------- rsync over SSH

# Runs on the server for the whole deploy: takes the lock, says so, then keeps it until the
# client closes the session (its end of stdin), which also happens when the client is killed.
HOLD_LOCK = r"""
set -e
mkdir -p {path}/releases
cd {path}
command -v flock >/dev/null 2>&1 || {{ echo NOFLOCK; exit 69; }}
exec 9>>{lock}
if ! flock -n 9; then
  echo "WAIT $(head -c 300 {lock} | tr '\n' ' ')"
  flock -w {wait} 9 || {{ echo "BUSY $(head -c 300 {lock} | tr '\n' ' ')"; exit 75; }}
fi
printf '%s\n' {owner} > {lock}
echo LOCKED
cat >/dev/null
: > {lock}
"""


class RemoteTarget:
    """A folder on the portal server, reached with ssh and rsync (user@host:/path)."""

    label = "DEPLOY_TARGET (máy chủ qua SSH; máy và đường dẫn được ẩn)"

    def __init__(self, host: str, path: str, ssh_options: str) -> None:
        self.host = host
        self.path = path.rstrip("/") or "/"
        self.ssh = ["ssh", "-o", "BatchMode=yes", *shlex.split(ssh_options)]

    def _run(self, script: str) -> str:
        result = subprocess.run([*self.ssh, "--", self.host, script], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise DeployError(f"lệnh trên máy đích thất bại (mã {result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def _in(self, sub: str = "") -> str:
        return shlex.quote(self.path + sub)

    @contextmanager
    def lock(self, wait: int, log: Log) -> Iterator[Callable[[], bool]]:
        script = HOLD_LOCK.format(path=self._in(), lock=LOCK, wait=wait, owner=shlex.quote(owner_line() + " (qua SSH)"))
        holder = subprocess.Popen(
            [*self.ssh, "--", self.host, script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert holder.stdin is not None and holder.stdout is not None and holder.stderr is not None
        try:
            for line in holder.stdout:
                word, _, rest = line.strip().partition(" ")
                if word == "LOCKED":
                    break
                if word == "WAIT":
                    log(_waiting(rest.strip(), wait))
                elif word == "BUSY":
                    raise _busy(rest.strip(), wait)
                elif word == "NOFLOCK":
                    raise DeployError("máy đích không có lệnh flock (gói util-linux), cần để giữ khóa triển khai")
            else:
                holder.wait()
                raise DeployError(f"không giữ được khóa trên máy đích (mã {holder.returncode}): {holder.stderr.read()}")
            yield lambda: holder.poll() is None
        finally:
            holder.stdin.close()  # ends `cat` on the server: the lock is released
            try:
                holder.wait(timeout=60)
            except subprocess.TimeoutExpired:
                holder.kill()

    def releases(self) -> list[str]:
        listing = self._run(f"ls -1 {self._in('/releases')}")
        return sorted(n for n in listing.splitlines() if RELEASE.match(n))

    def live(self) -> str | None:
        link = self._run(f"readlink {self._in('/current')} || true").strip()
        return Path(link).name if link else None

    def stale_partials(self, minutes: int) -> list[str]:
        script = (
            f'cd {self._in("/releases")} && for d in *{PARTIAL}; do [ -d "$d" ] || continue;'
            f' [ -n "$(find "$d" -cmin -{minutes} -print -quit)" ] || echo "$d"; done'
        )
        return [n for n in self._run(script).splitlines() if RELEASE.match(n.removesuffix(PARTIAL))]

    def upload(self, site: Path, partial: str) -> None:
        live = self.live()
        link = [f"--link-dest={self.path}/releases/{live}/"] if live else []  # unchanged files: hard links
        # not shell-quoted: rsync >= 3.2.4 passes remote paths to the server as they are
        destination = f"{self.host}:{self.path}/releases/{partial}/"
        command = ["rsync", "-a", "-e", shlex.join(self.ssh), *link, "--", f"{site}/", destination]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise DeployError(f"rsync thất bại (mã {result.returncode}): {result.stderr.strip()}")

    def inspect(self, partial: str) -> tuple[int, bool]:
        folder = self._in(f"/releases/{partial}")
        out = self._run(f"find {folder} ! -type d | wc -l; test -f {folder}/index.html && echo index || true")
        lines = out.split()
        return int(lines[0]), "index" in lines[1:]

    def finish(self, partial: str, release: str) -> None:
        self._run(f"mv {self._in('/releases/' + partial)} {self._in('/releases/' + release)}")

    def switch(self, release: str) -> None:
        temporary = shlex.quote(f".current-{os.getpid()}-{secrets.token_hex(4)}")
        # ln then mv -T (rename(2)): the link is replaced in one step, never missing
        self._run(f"cd {self._in()} && ln -s releases/{release} {temporary} && mv -T {temporary} current")

    def remove(self, names: list[str]) -> None:
        if names:
            self._run(f"cd {self._in('/releases')} && rm -rf -- {shlex.join(names)}")


# ---------------------------------------------------------------- what a deploy does


def deploy(site: Path, target: Target, settings: Settings, log: Log) -> str:
    """Copy `site` into a new release of `target`, check it, make it live, prune; return its name."""
    expected = check_site(site)
    with target.lock(settings.lock_wait, log) as still_locked:
        for stale in target.stale_partials(settings.stale_minutes):
            target.remove([stale])
            log(f"Đã xoá bản dở dang do một lần triển khai bị dừng để lại: releases/{stale}")
        release = release_name()
        partial = release + PARTIAL
        try:
            target.upload(site, partial)
            copied, has_index = target.inspect(partial)
            if copied != expected or not has_index:
                raise DeployError(f"bản sao không đủ ({copied}/{expected} tệp, index.html: {has_index}); không chuyển")
            if not still_locked():
                raise DeployError("mất kết nối giữ khóa với máy đích; không chuyển bản đang chạy")
            target.finish(partial, release)
        except BaseException:
            try:
                target.remove([partial])  # only our own partial: another one may be someone's copy
            except DeployError as cleanup:
                log(f"Không xoá được bản dở dang releases/{partial}: {cleanup}")
            raise
        target.switch(release)
        target.remove(releases_to_remove(target.releases(), release, settings.keep))
    return release


def rollback(target: Target, settings: Settings, log: Log) -> str:
    """Point `current` back at the release before the live one; return its name."""
    with target.lock(settings.lock_wait, log):
        live = target.live()
        if live is None:
            raise DeployError("chưa có bản nào đang chạy (không có liên kết current)")
        older = [r for r in target.releases() if r < live]
        if not older:
            raise DeployError(f"không có bản nào trước bản đang chạy {live} để quay lại")
        target.switch(older[-1])
        return older[-1]


class Redactor:
    """Replaces the secret target's host and path in everything printed (log masking misses pieces)."""

    def __init__(self, target: str) -> None:
        pieces = {target: "<DEPLOY_TARGET>"}
        match = REMOTE.match(target)
        if match:
            host = match["host"]
            pieces |= {host: "<máy đích>", host.rpartition("@")[2]: "<máy đích>", match["path"]: "<thư mục đích>"}
        else:
            pieces |= {str(Path(target).resolve()): "<DEPLOY_TARGET>", target.rstrip("/"): "<DEPLOY_TARGET>"}
        self.pieces = sorted(((k, v) for k, v in pieces.items() if len(k) >= 2), key=lambda kv: -len(kv[0]))

    def __call__(self, text: str) -> str:
        for secret, shown in self.pieces:
            text = text.replace(secret, shown)
        return text


# A target is handed to ssh, rsync and the file system: one that begins with "-" would be read as
# an option ("-oProxyCommand=…"), and a control character can end a command line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def check_target(target: str) -> None:
    """Refuse a DEPLOY_TARGET that a command could read as an option or that holds control characters."""
    match = REMOTE.match(target)
    pieces = [match["host"], match["host"].rpartition("@")[2], match["path"]] if match else [target]
    if _CONTROL.search(target):
        raise ConfigError(
            "DEPLOY_TARGET có ký tự điều khiển; không triển khai gì / DEPLOY_TARGET holds a control character"
        )
    if any(piece.startswith("-") for piece in pieces):
        raise ConfigError(
            "DEPLOY_TARGET không được bắt đầu bằng dấu '-' (lệnh ssh hoặc rsync sẽ hiểu là tùy chọn);"
            " không triển khai gì"
            " / DEPLOY_TARGET must not begin with '-'"
        )


def make_target(target: str, env: dict[str, str]) -> Target:
    check_target(target)
    match = REMOTE.match(target)
    if match:
        return RemoteTarget(match["host"], match["path"], env.get("DEPLOY_SSH", ""))
    return LocalTarget(Path(target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", type=Path, help="the built site folder")
    parser.add_argument("--rollback", action="store_true", help="switch back to the previous release")
    parser.add_argument("--check", action="store_true", help="only validate the settings (before a long build)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    raw_target = env.get("DEPLOY_TARGET", "").strip()
    if not raw_target:
        parser.error("DEPLOY_TARGET is not set (a folder, or user@host:/path)")
    if args.site is None and not (args.rollback or args.check):
        parser.error("SITE is required unless --rollback")
    redact = Redactor(raw_target)

    def log(message: str) -> None:
        print(redact(message), flush=True)

    try:
        settings = read_settings(env)
        target = make_target(raw_target, env)
        log(f"Đích: {target.label}")
        if args.check:
            log(f"Cài đặt hợp lệ: giữ {settings.keep} bản, chờ khóa tối đa {settings.lock_wait} giây")
        elif args.rollback:
            log(f"Đã quay lại bản releases/{rollback(target, settings, log)}")
        else:
            log(f"Đã triển khai bản releases/{deploy(args.site, target, settings, log)}")
    except DeployError as exc:
        print(redact(f"Lỗi triển khai: {exc}"), file=sys.stderr, flush=True)
        return exc.exit_code
    except (OSError, shutil.Error, subprocess.SubprocessError) as exc:
        print(redact(f"Lỗi triển khai: {exc}; bản đang chạy giữ nguyên"), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
