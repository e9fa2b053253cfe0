"""scripts/search_bench.py runs on a small site and prints its figures (figures are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import ROOT

pytestmark = pytest.mark.browser


def test_search_bench_prints_its_figures_as_json() -> None:
    # Without Pagefind: installing it needs the package registry; the run with it is the same code.
    command = [sys.executable, str(ROOT / "scripts" / "search_bench.py"), "--tasks", "30", "--runs", "2"]
    result = subprocess.run([*command, "--pagefind", "off"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["tasks"] == 30
    assert 0 < figures["ours_bytes_before_search"] <= 50_000
    for key in ("ours_first_ms", "ours_later_ms", "ours_typing_ms"):
        assert figures[key] > 0, key  # NaN (no answer within 20 s) fails too
    assert set(figures["ours_first_five"]) == {"cai cach thu tuc hanh chinh", "don vi chu tri", "bao cao tien do"}
    assert all(figures["ours_first_five"].values())
