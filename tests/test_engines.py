"""The site does not depend on one engine: ProperDocs (the MkDocs 1.x fork) gives the same files."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
from pathlib import Path

import brotli
from helpers import BUILD_EPOCH, TODAY, copy_project

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')


def _site_command(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(project / "scripts" / "site"), *args],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "NO_COLOR": "1", "SITE_TODAY": TODAY, "SOURCE_DATE_EPOCH": BUILD_EPOCH, **env},
        check=False,
    )


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_properdocs_builds_the_same_site_as_mkdocs(built_site: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = _site_command(project, "build", SITE_ENGINE="properdocs")
    assert result.returncode == 0, result.stderr
    mkdocs_files, properdocs_files = _files(built_site), _files(project / "site")
    assert sorted(properdocs_files) == sorted(mkdocs_files)
    generators = set()
    for path, mkdocs_bytes in mkdocs_files.items():
        properdocs_bytes = properdocs_files[path]
        # Compressed copies of the pages hold the same tag: compare what they decompress to.
        for suffix, decompress in ((".gz", gzip.decompress), (".br", brotli.decompress)):
            if path.endswith(".html" + suffix):
                mkdocs_bytes, properdocs_bytes = decompress(mkdocs_bytes), decompress(properdocs_bytes)
        if ".html" in path:
            # The one expected difference: the generator meta tag names the engine.
            generators.add((GENERATOR.findall(mkdocs_bytes)[0], GENERATOR.findall(properdocs_bytes)[0]))
            mkdocs_bytes = GENERATOR.sub(b"", mkdocs_bytes)
            properdocs_bytes = GENERATOR.sub(b"", properdocs_bytes)
        assert properdocs_bytes == mkdocs_bytes, f"{path} differs between MkDocs and ProperDocs"
    assert len(generators) == 1
    (mkdocs_generator, properdocs_generator) = generators.pop()
    assert mkdocs_generator.startswith(b"mkdocs-1.6.1,")
    assert b"ProperDocs 1.6.7" in properdocs_generator  # the build really ran on ProperDocs


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    result = _site_command(project, "build", SITE_ENGINE="zensical")
    assert result.returncode == 2
    assert "SITE_ENGINE phải là mkdocs hoặc properdocs, không phải 'zensical'" in result.stderr
    assert not (project / "site").exists()
