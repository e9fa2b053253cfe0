"""The deploy script against a local target, and the publish script's refusal to deploy a broken build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import ROOT, copy_project

DEPLOY = ROOT / "scripts" / "deploy.py"


def fake_site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def deploy(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEPLOY_TARGET": str(target), "DEPLOY_KEEP": "2"}
    return subprocess.run([sys.executable, str(DEPLOY), *args], capture_output=True, text=True, env=env, check=False)


def live(target: Path) -> str:
    return (target / "current" / "index.html").read_text(encoding="utf-8")


def test_deploy_switches_atomically_and_keeps_the_previous_release(tmp_path: Path) -> None:
    target = tmp_path / "portal"
    assert deploy(target, str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    assert live(target) == "bản A"
    first = (target / "current").resolve()
    assert (target / "current").is_symlink()
    assert deploy(target, str(fake_site(tmp_path / "b", "bản B"))).returncode == 0
    assert live(target) == "bản B"
    assert first.is_dir() and (first / "index.html").read_text(encoding="utf-8") == "bản A"  # kept for rollback
    assert deploy(target, "--rollback").returncode == 0
    assert live(target) == "bản A"
    assert deploy(target, str(fake_site(tmp_path / "c", "bản C"))).returncode == 0
    assert len(list((target / "releases").iterdir())) == 2  # DEPLOY_KEEP
    assert not list(target.glob(".current-*"))


def test_deploy_refuses_a_folder_that_is_not_a_site(tmp_path: Path) -> None:
    target = tmp_path / "portal"
    assert deploy(target, str(fake_site(tmp_path / "a", "bản A"))).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = deploy(target, str(empty))
    assert result.returncode == 1 and "không có index.html" in result.stderr
    assert live(target) == "bản A"


def test_publish_deploys_nothing_when_the_data_is_broken(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    target = tmp_path / "portal"
    assert deploy(target, str(fake_site(tmp_path / "a", "bản đang chạy"))).returncode == 0
    before = sorted(p.name for p in (target / "releases").iterdir())
    tasks = project / "data" / "plans" / "2024" / "tasks.yml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("field: 6", "field: 9", 1), encoding="utf-8")
    env = {**os.environ, "DEPLOY_TARGET": str(target), "PUBLISH_SKIP_TESTS": "1"}
    result = subprocess.run(
        ["bash", str(project / "scripts" / "publish")], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode != 0
    assert "tasks[13].field: lĩnh vực 9 không có trong bộ chỉ số năm 2024" in result.stdout + result.stderr
    assert sorted(p.name for p in (target / "releases").iterdir()) == before
    assert live(target) == "bản đang chạy"


def test_publish_deploys_a_good_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    target = tmp_path / "portal"
    env = {**os.environ, "DEPLOY_TARGET": str(target), "PUBLISH_SKIP_TESTS": "1", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        ["bash", str(project / "scripts" / "publish")], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Kế hoạch cải thiện" in (target / "current" / "ke-hoach" / "2024" / "index.html").read_text(encoding="utf-8")
