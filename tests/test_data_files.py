"""Data files are regular files inside data/: a link that leaves it, a device or a pipe is refused
by name, and nothing of what it points at reaches a message."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import GOLDEN, ROOT
from parsite.problems import DataError
from parsite.site import load_site

BASE = GOLDEN / "other-agency" / "data"
# A file outside data/ whose key names must never be printed.
SECRET = "mat_khau_may_chu: bi-mat-khong-duoc-in\n"


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(BASE, data)
    (tmp_path / "outside.yml").write_text(SECRET, encoding="utf-8")
    return data


def _refused(data: Path, tmp_path: Path) -> str:
    with pytest.raises(DataError) as caught:
        load_site(data, tmp_path)
    message = str(caught.value)
    assert "mat_khau" not in message and "bi-mat" not in message
    return message


def test_a_data_file_linking_outside_data_is_refused_without_reading_it(tmp_path: Path) -> None:
    data = _data(tmp_path)
    (data / "documents.yml").unlink()
    (data / "documents.yml").symlink_to(tmp_path / "outside.yml")
    message = _refused(data, tmp_path)
    assert "data/documents.yml: là liên kết tới một tệp ngoài thư mục data/: không đọc" in message


def test_a_plan_folder_linking_outside_data_is_refused(tmp_path: Path) -> None:
    data = _data(tmp_path)
    plan = next((data / "plans").iterdir())
    shutil.move(plan, tmp_path / "elsewhere")
    plan.symlink_to(tmp_path / "elsewhere")
    message = _refused(data, tmp_path)
    assert f"data/plans/{plan.name}/tasks.yml: là liên kết tới một tệp ngoài thư mục data/" in message


def test_any_link_leaving_data_is_refused_even_one_the_site_does_not_read(tmp_path: Path) -> None:
    data = _data(tmp_path)
    (data / "ghi-chu.txt").symlink_to("/etc/hostname")
    message = _refused(data, tmp_path)
    assert "data/ghi-chu.txt: là liên kết tới một tệp ngoài thư mục data/" in message


def test_a_link_inside_data_is_read(tmp_path: Path) -> None:
    data = _data(tmp_path)
    (data / "ban-goc").mkdir()
    shutil.move(data / "documents.yml", data / "ban-goc" / "van-ban.txt")
    (data / "documents.yml").symlink_to(Path("ban-goc") / "van-ban.txt")
    assert load_site(data, tmp_path).documents


def test_a_pipe_in_place_of_a_data_file_is_refused_without_blocking(tmp_path: Path) -> None:
    data = _data(tmp_path)
    (data / "documents.yml").unlink()
    os.mkfifo(data / "documents.yml")
    message = _refused(data, tmp_path)
    assert "data/documents.yml: không phải tệp thường" in message


def test_check_names_the_link_and_nothing_of_its_target(tmp_path: Path) -> None:
    data = _data(tmp_path)
    (data / "agency.yml").unlink()
    (data / "agency.yml").symlink_to(tmp_path / "outside.yml")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--data", str(data)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "agency.yml: là liên kết tới một tệp ngoài thư mục data/" in output
    assert "mat_khau" not in output and "bi-mat" not in output and "Traceback" not in output
