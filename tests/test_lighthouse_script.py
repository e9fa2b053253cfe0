"""scripts/lighthouse.py runs: Lighthouse scores for a page and the finder timing on generated data.

Only that it runs and prints its figures: the figures themselves depend on the machine
(the README has those measured here).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT


def test_lighthouse_script_prints_scores_and_keystroke_times() -> None:
    arguments = ["--pages", "tra-cuu/", "--tasks", "120", "--runs", "1"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lighthouse.py"), *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    page = figures["pages"]["tra-cuu/"]
    assert 0 <= page["performance"] <= 100 and 0 <= page["accessibility"] <= 100
    assert page["cls"] >= 0 and page["bytes"] > 0 and page["benchmark_index"] > 0
    assert figures["runs"] == 1 and figures["cpu_slowdown"] == 4
    assert figures["tasks"] == 120
    assert figures["keystroke_median_ms"] > 0 and figures["finder_load_ms"] > 0
    assert figures["last_count"].endswith("trên 120 nhiệm vụ khớp với bộ lọc")  # the typing filtered
    assert "Tra cứu với 120 nhiệm vụ" in result.stdout


def test_phone_calibration_slows_this_machine_down_to_the_phone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`--cpu-slowdown low`: the slowdown is this machine's benchmark index over the phone's."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import lighthouse
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    indexes = iter([3900.0, 4100.0, 3000.0])  # the median of three runs is taken
    monkeypatch.setattr(lighthouse, "lighthouse", lambda cli, url, out, slowdown: {"benchmark_index": next(indexes)})
    assert lighthouse.calibrated(tmp_path / "cli.js", "http://127.0.0.1/", tmp_path / "r.json", "low") == round(
        3900 / 264, 1
    )
    assert lighthouse.slowdown_arg("mid") == "mid" and lighthouse.slowdown_arg("2.5") == 2.5
    with pytest.raises(argparse.ArgumentTypeError, match="'nhanh': một số"):
        lighthouse.slowdown_arg("nhanh")
