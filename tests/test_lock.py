"""The requirement files are complete, hash-checked locks of what the tests run on."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from helpers import ROOT

# pip and setuptools come with the virtual environment itself, not from the lock.
BOOTSTRAP = {"pip", "setuptools", "wheel"}


def _name(name: str) -> str:
    """PEP 503 normalised name: 'PyYAML' and 'pyyaml', 'typing_extensions' and 'typing-extensions' are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name → (version, hashes) of every requirement of a pip-compile lock; fails on anything else."""
    text = path.read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    # A requirement spans its continuation lines ("\" at the end); comments stand alone.
    for block in re.split(r"(?<!\\)\n", text):
        block = block.strip()
        if not block or block.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?:\s*\\\s*--hash=sha256:[0-9a-f]{64})+)", block)
        assert match, f"{path.name}: not an exact pin with hashes: {block[:120]!r}"
        hashes = re.findall(r"sha256:([0-9a-f]{64})", match.group(3))
        entries[_name(match.group(1))] = (match.group(2), hashes)
    return entries


def _inputs(path: Path) -> dict[str, str]:
    """name → version of the direct dependencies listed in a requirements*.in file."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            assert version, f"{path.name}: '{line}' is not pinned to one version"
            pins[_name(name)] = version
    return pins


def test_every_locked_package_is_pinned_with_hashes() -> None:
    build = _lock(ROOT / "requirements.txt")
    dev = _lock(ROOT / "requirements-dev.txt")
    assert {"mkdocs", "mkdocs-material", "properdocs", "attrs"} <= build.keys()
    # The test lock holds the build lock exactly (same versions, same files), plus the test tools.
    for name, (version, hashes) in build.items():
        assert name in dev, f"{name} is in requirements.txt but not in requirements-dev.txt"
        assert dev[name][0] == version, f"{name}: {version} in requirements.txt, {dev[name][0]} in requirements-dev.txt"
        assert set(hashes) <= set(dev[name][1]), name
    assert {"pytest", "playwright", "ruff"} <= dev.keys() - build.keys()


@pytest.mark.parametrize(
    ("source", "lock"), [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")]
)
def test_direct_dependencies_are_locked_at_the_version_asked_for(source: str, lock: str) -> None:
    locked = _lock(ROOT / lock)
    for name, version in _inputs(ROOT / source).items():
        assert name in locked, f"{name} from {source} is missing from {lock}: run the update command in README.md"
        assert locked[name][0] == version, f"{name}: {version} in {source}, {locked[name][0]} in {lock}"


def test_the_test_environment_holds_only_locked_packages() -> None:
    """What `pip freeze` would list: every installed package is in the lock, at its version."""
    locked = _lock(ROOT / "requirements-dev.txt")
    installed = {_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    unpinned = {name: version for name, version in installed.items() if name not in locked and name not in BOOTSTRAP}
    assert not unpinned, f"installed but not in requirements-dev.txt: {unpinned}"
    for name, version in installed.items():
        if name in locked:
            assert version == locked[name][0], f"{name} {version} installed, {locked[name][0]} locked"


def test_pip_check_finds_no_broken_requirement() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
