"""Benchmark the site build; print figures, the last line as one JSON object.

    python scripts/bench.py            # build the real data/ 3 times

Figures (not checked by tests: these machines are noisy):
- build_s: median wall time of `mkdocs build` of the real site;
- search_index_plain_bytes / search_index_bytes: the search index without and with the
  diacritic-folded fields (same serialisation), and their ratio search_fold_ratio
  (goal ≤ 1,6).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = re.compile(r"Chỉ mục tìm kiếm: (\d+) byte, thêm trường không dấu: (\d+) byte")


def build_once(site_dir: Path) -> tuple[float, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(result.stderr)
    return elapsed, result.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="number of builds (median is reported)")
    args = parser.parse_args(argv)
    times, log = [], ""
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            elapsed, log = build_once(Path(tmp) / f"site{run}")
            times.append(elapsed)
            print(f"build {run + 1}/{args.runs}: {elapsed:.2f} s")
    match = SIZES.search(log)
    if not match:
        sys.exit("search index sizes not found in the build log")
    plain, folded = int(match[1]), int(match[2])
    print(f"search index: {plain} bytes plain, {folded} bytes with folded fields ({folded / plain:.2f}×)")
    figures = {
        "cores": os.cpu_count(),
        "build_s": round(statistics.median(times), 3),
        "search_index_plain_bytes": plain,
        "search_index_bytes": folded,
        "search_fold_ratio": round(folded / plain, 3),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
