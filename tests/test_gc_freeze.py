"""The build freezes what it keeps alive for the collector (site_hooks._freeze) and releases it
when the build ends, failed or not: under `mkdocs serve` one process builds again and again, and
what stayed frozen would never be collected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from helpers import BUILD_EPOCH, TODAY, copy_project

# Two builds in one process, as `mkdocs serve` makes them: one that fails in on_files (a file of
# docs/ has the path of a generated download), then one that succeeds.
SCRIPT = """
import gc, json, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

project, clash = sys.argv[1], sys.argv[2]
counts = {}
open(clash, "w").close()
try:
    build(load_config(project + "/mkdocs.yml", site_dir=project + "/site-failed"))
except Exception as error:  # MkDocs reports the PluginError as an Abort
    counts["failed"] = [gc.get_freeze_count(), str(error)]
import os
os.remove(clash)
build(load_config(project + "/mkdocs.yml", site_dir=project + "/site"))
counts["built"] = [gc.get_freeze_count(), ""]
print(json.dumps(counts))
"""


def test_nothing_stays_frozen_after_a_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    clash = project / "docs" / "du-lieu" / "tasks.csv"
    clash.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_TODAY": TODAY, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    env["PARSITE_CACHE"] = "off"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(project), str(clash)],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout.strip().splitlines()[-1])
    assert counts["failed"][1] == "Aborted with a BuildError!"
    assert "docs/du-lieu/tasks.csv trùng với tệp được tạo từ dữ liệu" in done.stderr
    assert counts["failed"][0] == 0
    assert counts["built"][0] == 0
    assert (project / "site" / "index.html").is_file()
