"""Benchmark the site build against MkDocs itself, on generated data; print figures.

    python scripts/bench.py --quick     # 100 → 1,000 tasks, under two minutes here
    python scripts/bench.py             # 1,000 → 10,000 tasks

For each size: the site is built from generated data (scripts/gen_data.py) `--runs` times
(build_s is the median), then the exact Markdown pages the hooks produce are written out as
plain files (scripts/generate.py) and built with the same mkdocs.yml without hooks
(baseline_s, median). The last line printed is one JSON object:

- tasks, build_s, baseline_s, overhead_ratio = build_s / baseline_s (at the larger size);
- scaling_ratio = build time at 10× the tasks / (10 × build time at 1×);
- build_cpu_s, baseline_cpu_s: CPU time (user + system, all processes) of those builds: the
  build uses a second core (hooks/parsite/parallel.py), so it can spend more CPU than it takes;
- search_index_bytes for the generated data, real_search_index_bytes for data/ (the folded
  search fields are added in the browser, so this is what a reader downloads);
- peak_rss_mb: the largest resident memory of any one process of any build;
- serve_rebuild_s: time from saving a YAML file to `mkdocs serve` serving the change.

Figures are printed, never asserted: these machines are noisy.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_TODAY": "2025-06-30", "SOURCE_DATE_EPOCH": "1795892400"}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stderr


def project_with(tasks: int, folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    for name in ("hooks", "docs"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    run([sys.executable, str(ROOT / "scripts" / "gen_data.py"), str(folder / "data"), "--tasks", str(tasks)], ROOT)
    return folder


def baseline_project(project: Path) -> Path:
    """The same Markdown and files as plain docs, the same mkdocs.yml without hooks."""
    docs = project / "baseline_docs"
    run([sys.executable, str(ROOT / "scripts" / "generate.py"), "--data", str(project / "data"), str(docs)], ROOT)
    shutil.copytree(project / "docs", docs, dirs_exist_ok=True)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks")
    config["nav"] = json.loads((docs / "nav.json").read_text(encoding="utf-8")) + config.get("nav", [])
    (docs / "nav.json").unlink()
    config["docs_dir"] = "baseline_docs"
    config["watch"] = []
    (project / "baseline.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return project / "baseline.yml"


def median_build(project: Path, config: str, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of `runs` builds."""
    times, cpu = [], []
    for i in range(runs):
        before = _cpu()
        elapsed, _ = run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", f"out-{config}-{i}"], project
        )
        times.append(elapsed)
        cpu.append(_cpu() - before)
    return statistics.median(times), statistics.median(cpu)


def index_size(site: Path) -> int:
    return (site / "search" / "search_index.json").stat().st_size


def serve_rebuild(project: Path) -> float:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def page() -> str:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", "/don-vi/van-phong/")
            response = connection.getresponse()
            return response.read().decode("utf-8")
        finally:
            connection.close()

    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                if "Đơn vị 1" in page():
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit("mkdocs serve did not start")
            time.sleep(0.2)
        agency = project / "data" / "agency.yml"
        agency.write_text(agency.read_text(encoding="utf-8").replace("Đơn vị 1 –", "Văn phòng mới –"), "utf-8")
        start = time.perf_counter()
        while "Văn phòng mới" not in page():
            if time.perf_counter() - start > 600:
                sys.exit("mkdocs serve did not rebuild")
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 → 1,000 tasks (default 1,000 → 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="builds per measurement (median)")
    parser.add_argument("--base", type=int, help="tasks at 1× (overrides the mode)")
    args = parser.parse_args(argv)
    small = args.base or (100 if args.quick else 1000)
    figures: dict[str, object] = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(Path(tmp) / "real")], ROOT)
        figures["real_search_index_bytes"] = index_size(Path(tmp) / "real")
        print(f"data/: search index {figures['real_search_index_bytes']} bytes")
        timings = {}
        for tasks in (small, 10 * small):
            project = project_with(tasks, Path(tmp) / f"p{tasks}")
            build_s, build_cpu_s = median_build(project, "mkdocs.yml", args.runs)
            baseline_s, baseline_cpu_s = median_build(project, baseline_project(project).name, args.runs)
            timings[tasks] = build_s
            ratio = build_s / baseline_s
            print(
                f"{tasks} nhiệm vụ: build {build_s:.2f} s (CPU {build_cpu_s:.2f} s), "
                f"MkDocs alone {baseline_s:.2f} s (CPU {baseline_cpu_s:.2f} s): {ratio:.2f}×"
            )
            figures.update(
                tasks=tasks,
                build_s=round(build_s, 3),
                baseline_s=round(baseline_s, 3),
                overhead_ratio=round(build_s / baseline_s, 3),
                build_cpu_s=round(build_cpu_s, 3),
                baseline_cpu_s=round(baseline_cpu_s, 3),
                search_index_bytes=index_size(project / "out-mkdocs.yml-0"),
            )
        figures["scaling_ratio"] = round(timings[10 * small] / (10 * timings[small]), 3)
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        figures["serve_rebuild_s"] = round(serve_rebuild(Path(tmp) / f"p{small}"), 2)
        print(
            f"scaling {figures['scaling_ratio']}, peak memory {figures['peak_rss_mb']} MB, "
            f"serve rebuild {figures['serve_rebuild_s']} s"
        )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
