"""The build freezes what it keeps alive for the collector (site_hooks._freeze) and releases it
when the build ends, failed or not: under `mkdocs serve` one process builds again and again, and
what stayed frozen would never be collected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import build_env, copy_project

# Two builds in one process, as `mkdocs serve` makes them: one that fails in on_files (a file of
# docs/ has the path of a generated download), then one that succeeds. Prints, after each, how
# many objects are still frozen, and the failed build's error.
SCRIPT = """
import gc, json, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

project, clash = sys.argv[1], sys.argv[2]
open(clash, "w").close()
try:
    build(load_config(project + "/mkdocs.yml", site_dir=project + "/site-failed"))
    error = ""
except Exception as raised:  # MkDocs reports the PluginError as an Abort
    error = str(raised)
after_failure = gc.get_freeze_count()
os.remove(clash)
build(load_config(project + "/mkdocs.yml", site_dir=project + "/site"))
print(json.dumps({"error": error, "after_failure": after_failure, "after_success": gc.get_freeze_count()}))
"""


def test_nothing_stays_frozen_after_a_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    clash = project / "docs" / "du-lieu" / "tasks.csv"
    clash.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(project), str(clash)],
        capture_output=True,
        text=True,
        env=build_env(PARSITE_CACHE="off"),
        cwd=project,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["error"] == "Aborted with a BuildError!"
    assert "docs/du-lieu/tasks.csv trùng với tệp được tạo từ dữ liệu" in done.stderr
    assert result["after_failure"] == 0
    assert result["after_success"] == 0
    assert (project / "site" / "index.html").is_file()
