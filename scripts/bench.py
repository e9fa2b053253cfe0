"""Benchmark the site build against MkDocs itself, on generated data; print figures.

    python scripts/bench.py --quick     # 100 → 1,000 tasks, a few minutes here
    python scripts/bench.py             # 1,000 → 10,000 tasks

"MkDocs alone" is the same site without our hooks: the standalone project of the same data
(scripts/generate.py: the pages, downloads and assets as plain files, the same config without
`hooks:`) built by plain MkDocs. At each size, the two builds alternate (A B, B A, A B …, so drift on
a shared machine lands on both sides) and the medians are compared:

- cold: a build with an empty build cache (parsite.buildcache) against MkDocs alone;
- warm: one task's text is edited in data/ (for MkDocs alone: its Markdown is generated again,
  not timed), then each side builds again; ours with the cache the earlier builds left;
- serve: `mkdocs serve` running, one task's text is edited, time until the server shows it
  (MkDocs alone: the changed Markdown files are saved into its docs folder).

Wall time and CPU time (user + system of the build and every process it started) for each.
The last line printed is one JSON object; at the larger size:

- cold_overhead_ratio, cold_cpu_ratio, warm_overhead_ratio, warm_cpu_ratio (ours / MkDocs
  alone, wall and CPU), serve_rebuild_ratio (ours / MkDocs alone, wall);
- scaling_ratio = cold build at 10× the tasks / (10 × cold build at 1×);
- the earlier keys: tasks, build_s and baseline_s (cold medians), overhead_ratio (= cold),
  build_cpu_s, baseline_cpu_s, search_index_bytes, real_search_index_bytes, peak_rss_mb (the
  largest resident memory of any one process), serve_rebuild_s;
- load_before, load_after: the 1-minute load average when the run began and ended (`uptime`):
  on a shared machine wall times depend on it, CPU times much less.

Figures are printed, never asserted: these machines are noisy.

    python scripts/bench.py --instructions   # 1,000 tasks (--base N), about 15 minutes here

counts instead of timing: one cold build of each side under valgrind's cachegrind (no cache
simulation), with a fixed hash seed, both at once. The
count of instructions a build executes does not depend on the machine's load or on the other
side's luck, so it is the same on any machine with the same Python and libraries; it leaves out
what the kernel does for the build (page faults, reading and writing files), which the CPU
times include. Last line: tasks, build_instructions, baseline_instructions, instructions_ratio.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
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


COMPILE = "from parsite.data_in import schema; from parsite.outputs import render; " + (
    "schema.compile_validators(); render.compile_templates()"  # what parsite.compiled keeps
)


def project_with(tasks: int, folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    for name in ("hooks", "docs"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    # Compiled once, as an install compiles what MkDocs alone runs (pip writes the .pyc of every
    # package it installs): where Python may not write bytecode (PYTHONDONTWRITEBYTECODE, set on
    # these machines) the hooks would otherwise be compiled again on every build, about 0,3 s.
    run([sys.executable, "-m", "compileall", "-q", str(folder / "hooks")], ROOT)
    # The page templates and the schemas' validators likewise, into their __pycache__, which a
    # build reads even where it may not write there: without it each build compiled them again,
    # about 0,35 and 0,2 s at 1 000 tasks on a slow machine.
    with_bytecode = {key: value for key, value in ENV.items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", COMPILE], cwd=folder / "hooks", env=with_bytecode, check=True)
    run([sys.executable, str(ROOT / "scripts" / "gen_data.py"), str(folder / "data"), "--tasks", str(tasks)], ROOT)
    return folder


BASELINE = "standalone"  # the standalone project inside the generated project's folder


def baseline_project(project: Path) -> Path:
    """The same pages and files as a standalone project (scripts/generate.py): the config without hooks."""
    out = project / BASELINE
    run([sys.executable, str(ROOT / "scripts" / "generate.py"), "--data", str(project / "data"), str(out)], ROOT)
    return out / "mkdocs.yml"


def build(project: Path, config: str, out: str, cache: Path | None = None) -> tuple[float, float]:
    """One build: wall time and CPU time (this build's processes only)."""
    before = _cpu()
    env = {**ENV, "PARSITE_CACHE": str(cache) if cache else "off"}
    start = time.perf_counter()
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", out]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, _cpu() - before


def edit_task(project: Path, mark: str) -> tuple[str, str]:
    """Change the text of the first task of the last plan; give its lead unit's id and the new text."""
    tasks = sorted((project / "data" / "plans").glob("*/tasks.yml"))[-1]
    text = tasks.read_text(encoding="utf-8")
    head, rest = text.split("\n    task: ", 1)
    old, tail = rest.split("\n", 1)
    new = f"Sửa lần {mark}: {yaml.safe_load(old)}"
    tasks.write_text(f"{head}\n    task: {json.dumps(new, ensure_ascii=False)}\n{tail}", encoding="utf-8")
    lead = ("\n" + tail).split("\n    lead: ", 1)[1].split("\n", 1)[0].strip()
    return lead, new


def regenerate_baseline(project: Path) -> None:
    """Write the baseline's pages again from the edited data; save only the files that changed."""
    fresh = project / "baseline_fresh"
    run([sys.executable, str(ROOT / "scripts" / "generate.py"), "--data", str(project / "data"), str(fresh)], ROOT)
    docs = project / BASELINE / "docs"
    for path in (fresh / "docs").rglob("*"):
        if path.is_file():
            target = docs / path.relative_to(fresh / "docs")
            if not target.exists() or target.read_bytes() != path.read_bytes():
                shutil.copyfile(path, target)
    shutil.rmtree(fresh)


def _median(values: list[float]) -> float:
    return statistics.median(values)


def compare_builds(project: Path, baseline: str, runs: int) -> dict[str, float]:
    """Cold and warm builds of both sides, interleaved; medians of wall and CPU time."""
    cold: dict[str, list[tuple[float, float]]] = {"ours": [], "mkdocs": []}
    for i in range(runs):
        order = ["ours", "mkdocs"] if i % 2 == 0 else ["mkdocs", "ours"]
        for side in order:
            if side == "ours":
                empty = project / f"cache-cold-{i}"
                cold[side].append(build(project, "mkdocs.yml", f"out-cold-{i}", empty))
                shutil.rmtree(empty, ignore_errors=True)
            else:
                cold[side].append(build(project, baseline, f"out-base-{i}"))
    cache = project / "cache-warm"
    build(project, "mkdocs.yml", "out-warm-prime", cache)  # the cache a nightly build finds
    warm: dict[str, list[tuple[float, float]]] = {"ours": [], "mkdocs": []}
    for i in range(runs):
        edit_task(project, f"w{i}")
        regenerate_baseline(project)
        order = ["ours", "mkdocs"] if i % 2 == 0 else ["mkdocs", "ours"]
        for side in order:
            if side == "ours":
                warm[side].append(build(project, "mkdocs.yml", f"out-warm-{i}", cache))
            else:
                warm[side].append(build(project, baseline, f"out-base-warm-{i}"))
    figures: dict[str, float] = {}
    for label, measured in (("cold", cold), ("warm", warm)):
        pairs = zip(measured["ours"], measured["mkdocs"], strict=True)
        print(  # each pair, so a reader sees how far one run's ratio moves on this machine
            f"    {label}, each pair (ours / MkDocs alone, CPU): "
            + ", ".join(f"{ours[1]:.2f} / {alone[1]:.2f} s ({ours[1] / alone[1]:.2f})" for ours, alone in pairs),
            flush=True,
        )
        for side, name in (("ours", "build"), ("mkdocs", "baseline")):
            figures[f"{label}_{name}_s"] = round(_median([wall for wall, _ in measured[side]]), 3)
            figures[f"{label}_{name}_cpu_s"] = round(_median([cpu for _, cpu in measured[side]]), 3)
        figures[f"{label}_overhead_ratio"] = round(figures[f"{label}_build_s"] / figures[f"{label}_baseline_s"], 3)
        figures[f"{label}_cpu_ratio"] = round(figures[f"{label}_build_cpu_s"] / figures[f"{label}_baseline_cpu_s"], 3)
    return figures


INSTRUCTIONS = re.compile(r"I\s+refs:\s+([\d,]+)")


def count_instructions(project: Path, baseline: str) -> dict[str, int]:
    """Instructions of one cold build of each side (ours with an empty cache), run side by side."""
    env = {**ENV, "PYTHONHASHSEED": "0"}
    valgrind = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    sides = {"build": ("mkdocs.yml", project / "cache-count"), "baseline": (baseline, None)}
    running = {}
    for side, (config, cache) in sides.items():
        command = [*valgrind, sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", f"out-count-{side}"]
        side_env = {**env, "PARSITE_CACHE": str(cache) if cache else "off"}
        running[side] = subprocess.Popen(
            command, cwd=project, env=side_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    counts = {}
    for side, process in running.items():
        _, stderr = process.communicate()
        found = INSTRUCTIONS.search(stderr)
        if process.returncode != 0 or found is None:
            sys.exit(f"valgrind ({side}) failed:\n{stderr[-3000:]}")
        counts[f"{side}_instructions"] = int(found.group(1).replace(",", ""))
    return counts


def instructions_main(tasks: int) -> int:
    if shutil.which("valgrind") is None:
        sys.exit("--instructions cần valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as tmp:
        project = project_with(tasks, Path(tmp) / f"p{tasks}")
        baseline = baseline_project(project).relative_to(project).as_posix()
        counts = count_instructions(project, baseline)
    ratio = round(counts["build_instructions"] / counts["baseline_instructions"], 3)
    print(
        f"{tasks} nhiệm vụ, cold build, one process: ours {counts['build_instructions']:,} instructions, "
        f"MkDocs alone {counts['baseline_instructions']:,}: {ratio:.3f}×"
    )
    print(json.dumps({"tasks": tasks, **counts, "instructions_ratio": ratio}))
    return 0


def index_size(site: Path) -> int:
    """Bytes of the search index: every part of it (search/), uncompressed."""
    return sum(p.stat().st_size for p in (site / "search").rglob("*.json"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()


def _wait_for(port: int, path: str, text: str, what: str) -> float:
    start = time.perf_counter()
    while True:
        try:
            if text in _page(port, path):
                return time.perf_counter() - start
        except OSError:
            pass
        if time.perf_counter() - start > 900:
            sys.exit(f"mkdocs serve: {what}")
        time.sleep(0.05)


def serve_rebuild(project: Path, config: str, edits: int, cache: Path | None) -> float:
    """Median time from saving an edited task to `mkdocs serve` serving it (`edits` edits)."""
    port = _free_port()
    env = {**ENV, "PARSITE_CACHE": str(cache) if cache else "off"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", config, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    times = []
    try:
        _wait_for(port, "/", "<html", "did not start")
        for i in range(edits):
            mark = f"s{i}-{'ours' if cache else 'base'}"
            lead, _ = edit_task(project, mark)
            if config != "mkdocs.yml":
                regenerate_baseline(project)  # MkDocs alone: the Markdown files are saved
            times.append(_wait_for(port, f"/don-vi/{lead}/", f"Sửa lần {mark}:", "did not rebuild"))
            time.sleep(1)  # let the server settle before the next edit
    finally:
        server.terminate()
        server.wait(timeout=30)
    return _median(times)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 → 1,000 tasks (default 1,000 → 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind per measurement (median)")
    parser.add_argument("--base", type=int, help="tasks at 1× (overrides the mode)")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under valgrind instead (1,000 tasks)"
    )
    args = parser.parse_args(argv)
    if args.instructions:
        return instructions_main(args.base or 1000)
    small = args.base or (100 if args.quick else 1000)
    figures: dict[str, object] = {"cores": os.cpu_count(), "load_before": load_average()}
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        real_out = Path(tmp) / "real"
        build(ROOT, "mkdocs.yml", str(real_out), Path(tmp) / "real-cache")
        figures["real_search_index_bytes"] = index_size(real_out)
        print(f"data/: search index {figures['real_search_index_bytes']} bytes")
        cold_times = {}
        for tasks in (small, 10 * small):
            project = project_with(tasks, Path(tmp) / f"p{tasks}")
            baseline = baseline_project(project).relative_to(project).as_posix()
            measured = compare_builds(project, baseline, args.runs)
            cold_times[tasks] = measured["cold_build_s"]
            print(
                f"{tasks} nhiệm vụ, load {load_average()}:\n"
                f"  cold: ours {measured['cold_build_s']:.2f} s (CPU {measured['cold_build_cpu_s']:.2f} s), "
                f"MkDocs alone {measured['cold_baseline_s']:.2f} s (CPU {measured['cold_baseline_cpu_s']:.2f} s): "
                f"{measured['cold_overhead_ratio']:.2f}× wall, {measured['cold_cpu_ratio']:.2f}× CPU\n"
                f"  warm: ours {measured['warm_build_s']:.2f} s (CPU {measured['warm_build_cpu_s']:.2f} s), "
                f"MkDocs alone {measured['warm_baseline_s']:.2f} s (CPU {measured['warm_baseline_cpu_s']:.2f} s): "
                f"{measured['warm_overhead_ratio']:.2f}× wall, {measured['warm_cpu_ratio']:.2f}× CPU"
            )
            figures.update(measured)
            figures.update(
                tasks=tasks,
                build_s=measured["cold_build_s"],
                baseline_s=measured["cold_baseline_s"],
                overhead_ratio=measured["cold_overhead_ratio"],
                build_cpu_s=measured["cold_build_cpu_s"],
                baseline_cpu_s=measured["cold_baseline_cpu_s"],
                search_index_bytes=index_size(project / "out-cold-0"),
            )
        figures["scaling_ratio"] = round(cold_times[10 * small] / (10 * cold_times[small]), 3)
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        project = Path(tmp) / f"p{10 * small}"
        edits = max(1, args.runs)
        ours = serve_rebuild(project, "mkdocs.yml", edits, project / "cache-warm")
        alone = serve_rebuild(project, baseline, edits, None)
        figures.update(
            serve_rebuild_s=round(ours, 2),
            serve_baseline_s=round(alone, 2),
            serve_rebuild_ratio=round(ours / alone, 3),
            load_after=load_average(),
        )
        print(
            f"scaling {figures['scaling_ratio']}, peak memory {figures['peak_rss_mb']} MB, "
            f"serve rebuild after an edit ({10 * small} tasks): ours {ours:.2f} s, MkDocs alone {alone:.2f} s"
        )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
