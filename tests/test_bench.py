"""The benchmark and the data generator work (at the smallest size; figures are not asserted)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from parsite.site import load_site


def test_generated_data_is_valid(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "gen_data.py"),
            str(tmp_path / "data"),
            "--tasks",
            "50",
            "--years",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    site = load_site(tmp_path / "data", tmp_path)
    assert len(site.tasks) == 50 and len(site.plans) == 2
    assert all(any(t.lead == u for t in site.tasks) for u in site.agency.units[:3])


def test_bench_prints_its_figures_as_json() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--base", "10", "--runs", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    keys = ["tasks", "build_s", "baseline_s", "overhead_ratio", "scaling_ratio", "search_index_bytes"]
    keys += ["cold_overhead_ratio", "cold_cpu_ratio", "warm_overhead_ratio", "warm_cpu_ratio"]
    keys += ["cold_build_cpu_s", "cold_baseline_cpu_s", "warm_build_cpu_s", "warm_baseline_cpu_s"]
    keys += ["serve_rebuild_s", "serve_baseline_s", "serve_rebuild_ratio"]
    for key in [*keys, "peak_rss_mb"]:
        assert figures[key] is not None and figures[key] > 0, key
    assert figures["tasks"] == 100


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is installed by .ci/run")
def test_bench_counts_the_instructions_of_both_builds() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--instructions", "--base", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["tasks"] == 3
    # A build of a few pages runs billions of instructions; far fewer means the count is not a build's.
    assert figures["build_instructions"] > 10**9 and figures["baseline_instructions"] > 10**9
    assert figures["instructions_ratio"] == round(figures["build_instructions"] / figures["baseline_instructions"], 3)
    assert "3 nhiệm vụ, cold build, one process: ours " in result.stdout
