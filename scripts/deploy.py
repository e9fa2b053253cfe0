"""Publish a built site to the portal atomically, keeping earlier releases for rollback.

    python scripts/deploy.py SITE_DIR            # deploy SITE_DIR to $DEPLOY_TARGET
    python scripts/deploy.py --rollback          # point the live site back at the previous release

DEPLOY_TARGET is a local folder (/var/www/cchc) or an rsync/SSH destination
(user@portal.example:/var/www/cchc). Under it:

    releases/20261129T020000/   one folder per deployment (copied in full, then never changed)
    current -> releases/...     the live site: the web server's document root points here

The new release is copied completely before `current` is switched, with a rename of a
symbolic link, which is atomic: readers see the old site or the new one, never a mix.
DEPLOY_KEEP (default 5) releases are kept. Secrets (SSH keys) come from the environment
(ssh-agent, ~/.ssh), never from this repository; DEPLOY_SSH may give extra ssh options.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

REMOTE = re.compile(r"^(?:[^@/:]+@)?[^/:]+:(/.*)$")


class DeployError(Exception):
    pass


def release_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def check_site(site: Path) -> None:
    if not (site / "index.html").is_file():
        raise DeployError(f"{site}: không có index.html, không phải một trang đã xây dựng; không triển khai")


def _releases(target: Path) -> list[Path]:
    folder = target / "releases"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _switch(target: Path, release: Path) -> None:
    temporary = target / f".current-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(release.relative_to(target))
    os.replace(temporary, target / "current")  # rename(2): atomic


def deploy_local(site: Path, target: Path, keep: int) -> Path:
    check_site(site)
    (target / "releases").mkdir(parents=True, exist_ok=True)
    release = target / "releases" / release_name()
    staging = release.with_name(release.name + ".partial")
    shutil.copytree(site, staging)
    staging.rename(release)
    _switch(target, release)
    live = (target / "current").resolve()
    for old in _releases(target)[:-keep]:
        if old.resolve() != live:
            shutil.rmtree(old)
    for partial in (target / "releases").glob("*.partial"):
        shutil.rmtree(partial)
    return release


def rollback_local(target: Path) -> Path:
    releases = [r for r in _releases(target) if not r.name.endswith(".partial")]
    live = (target / "current").resolve()
    older = [r for r in releases if r.resolve() != live and r.name < live.name]
    if not older:
        raise DeployError(f"{target}: không có bản trước để quay lại")
    _switch(target, older[-1])
    return older[-1]


def _run(command: list[str]) -> None:
    print("+", shlex.join(command), flush=True)
    subprocess.run(command, check=True)


def deploy_remote(site: Path, target: str, keep: int) -> str:
    check_site(site)
    host, path = target.split(":", 1)
    ssh = ["ssh", *shlex.split(os.environ.get("DEPLOY_SSH", ""))]
    name = release_name()
    release = f"{path}/releases/{name}"
    _run([*ssh, host, f"mkdir -p {shlex.quote(path)}/releases"])
    _run(
        [
            "rsync", "-a", "--delete", "-e", shlex.join(ssh),
            f"--link-dest={path}/current/", f"{site}/", f"{host}:{release}.partial/",
        ]
    )  # fmt: skip
    script = (
        f"cd {shlex.quote(path)} && mv releases/{name}.partial releases/{name}"
        f" && ln -sfn releases/{name} .current-$$ && mv -T .current-$$ current"
        f" && ls -1d releases/*/ | grep -v partial | head -n -{keep} | xargs -r rm -rf"
    )
    _run([*ssh, host, script])
    return release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", type=Path, help="the built site folder")
    parser.add_argument("--rollback", action="store_true", help="switch back to the previous release (local target)")
    args = parser.parse_args(argv)
    target = os.environ.get("DEPLOY_TARGET")
    if not target:
        parser.error("DEPLOY_TARGET is not set (a folder, or user@host:/path)")
    keep = int(os.environ.get("DEPLOY_KEEP", "5"))
    try:
        if args.rollback:
            print(f"Đã quay lại bản {rollback_local(Path(target)).name}")
        elif args.site is None:
            parser.error("SITE is required unless --rollback")
        elif REMOTE.match(target):
            print(f"Đã triển khai {deploy_remote(args.site, target, keep)}")
        else:
            print(f"Đã triển khai {deploy_local(args.site, Path(target), keep)}")
    except (DeployError, subprocess.CalledProcessError, OSError) as exc:
        print(f"Lỗi triển khai: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
