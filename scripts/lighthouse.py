"""Measure what readers get: Lighthouse scores per page, and the task finder at scale.

    python scripts/lighthouse.py                      # home, plan, score history, finder; 2,000 tasks
    python scripts/lighthouse.py --pages tra-cuu/ --tasks 300 --runs 1

1. Builds the site from data/ into a temporary folder and serves it on 127.0.0.1 as the portal
   does (precompressed .gz files, see README), then runs Lighthouse 12 (mobile, its default)
   on each page (`--runs` times, 3 by default, printing each figure's median) and prints
   performance, accessibility, layout shift (CLS), total blocking time, largest contentful
   paint and Lighthouse's benchmark of this machine's CPU (its 4x slowdown assumes a fast
   desktop; `--cpu-slowdown mid` or `low` calibrates it on this machine for a mid-range or a
   low-end phone, as Chrome DevTools' CPU calibration does, so two machines give comparable
   figures).
   Lighthouse is installed from the npm registry (lighthouse@12.2.3, exact version) into a
   cache folder the first time
   (~/.cache/parsite/lighthouse-12.2.3, or $PARSITE_CACHE); Chromium is /usr/bin/chromium
   (CHROME_PATH).
2. Generates data with `--tasks` tasks (scripts/gen_data.py), builds it, opens the finder in
   Chromium (Playwright) and prints how long the page takes to load (until the finder holds
   every task: the page's own `finder-ready` mark) and how long each keystroke in the keyword
   box takes to answer (from the input event to the next frame drawn with the new rows); with
   `--cpu-slowdown mid` or `low`, on that phone's CPU too (DevTools' CPU throttling).

The last line printed is one JSON object with every figure. Figures are printed, not judged.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _serve import CHROMIUM, CHROMIUM_ARGS, serve
from bench import ENV, project_with

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = "12.2.3"
PAGES = ["", "ke-hoach/2024/", "ket-qua/", "tra-cuu/"]
TYPED = "cai cach thu tuc"


class Unavailable(RuntimeError):
    """A tool the measurement needs is missing; the message says which and how to get it."""


def build(project: Path, site: Path) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    result = subprocess.run(command, cwd=project, env=ENV, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"Xây dựng trang thất bại:\n{result.stderr}")


def lighthouse_cli() -> Path:
    """The Lighthouse command-line entry point, installed with npm into the cache if missing."""
    cache = Path(os.environ.get("PARSITE_CACHE", Path.home() / ".cache" / "parsite")) / f"lighthouse-{LIGHTHOUSE}"
    cli = cache / "node_modules" / "lighthouse" / "cli" / "index.js"
    if cli.is_file():
        return cli
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        raise Unavailable(
            "không có node/npm trên máy: cài Node.js (gói nodejs và npm của Debian) để đo bằng Lighthouse"
        )
    cache.mkdir(parents=True, exist_ok=True)
    print(f"Cài lighthouse@{LIGHTHOUSE} từ npm vào {cache} (một lần)...", flush=True)
    install = [npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", "-E", f"lighthouse@{LIGHTHOUSE}"]
    result = subprocess.run(install, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not cli.is_file():
        raise Unavailable(f"không cài được lighthouse@{LIGHTHOUSE} bằng npm:\n{result.stderr[-2000:]}")
    return cli


def lighthouse(cli: Path, url: str, out: Path, slowdown: float) -> dict[str, float]:
    """Lighthouse's mobile run of one page: the scores and metrics this project follows."""
    command = [
        shutil.which("node") or "node",
        str(cli),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        f"--throttling.cpuSlowdownMultiplier={slowdown:g}",
        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=300)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"Lighthouse thất bại trên {url}:\n{result.stderr[-2000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        # Lighthouse's own measure of this machine's CPU (a phone of the middle range is about
        # 125-800, a low-end desktop 1000-1500): the 4x slowdown assumes a fast desktop.
        "benchmark_index": round(report["environment"]["benchmarkIndex"]),
    }


# The benchmark index (Lighthouse's measure of the CPU) of the phones Chrome DevTools calibrates
# its CPU throttling for: a mid-range phone (Pixel 5) and a low-end one (Moto G4 Power 2022).
# Lighthouse's 4x assumes a fast desktop; on a faster or slower machine the same page scores
# differently, so a calibrated slowdown makes figures from two machines comparable.
PHONE_BENCHMARK = {"mid": 1000, "low": 264}


def slowdown_arg(value: str) -> float | str:
    if value in PHONE_BENCHMARK:
        return value
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}': một số, hoặc {' / '.join(PHONE_BENCHMARK)}") from None


def calibrated(cli: Path, url: str, out: Path, phone: str) -> float:
    """The slowdown that makes this machine as fast as the phone: its benchmark index / the phone's."""
    index = statistics.median(lighthouse(cli, url, out, 1)["benchmark_index"] for _ in range(3))
    return round(max(1.0, index / PHONE_BENCHMARK[phone]), 1)


def median_run(cli: Path, url: str, out: Path, runs: int, slowdown: float) -> dict[str, float]:
    """Each figure's median over `runs` runs (Lighthouse's own advice against run-to-run noise)."""
    results = [lighthouse(cli, url, out, slowdown) for _ in range(runs)]
    return {key: statistics.median(result[key] for result in results) for key in results[0]}


# Types one character at a time into the keyword box; for each, the time from the input event
# to the next frame the browser draws after the finder has updated the table.
KEYSTROKES = """async (typed) => {
  const box = document.querySelector("#finder input[name=tu-khoa]")
  const frame = () => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))
  const times = []
  for (const character of typed) {
    await frame()
    box.value += character
    const start = performance.now()
    box.dispatchEvent(new Event("input", { bubbles: true }))
    await frame()
    times.push(performance.now() - start)
  }
  return { times, rows: document.querySelectorAll("#finder-table tbody tr").length,
           count: document.getElementById("finder-count").textContent }
}"""


def finder_timing(site: Path, runs: int = 3, slowdown: float = 1.0) -> dict[str, object]:
    """Load time of the finder (until every task is loaded) and per-keystroke times, in Chromium
    (its CPU slowed down `slowdown` times, as DevTools throttles it, when above 1)."""
    from playwright.sync_api import sync_playwright

    html_bytes = (site / "tra-cuu" / "index.html").stat().st_size
    data_bytes = (site / "tra-cuu" / "nhiem-vu.json").stat().st_size
    loads, seen, keys = [], [], []
    result: dict[str, object] = {}
    with serve(site, precompressed=True) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 390, "height": 844})
            if slowdown > 1:
                cdp = page.context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
            page.goto(url + "tra-cuu/")
            page.locator("#finder[data-ready]").wait_for(state="attached")
            # The page's own mark (task-finder.js) when every task can be filtered; the time
            # Playwright notices it comes later by its polling and the round trip.
            loads.append(page.evaluate("performance.getEntriesByName('finder-ready')[0].startTime"))
            seen.append(page.evaluate("performance.now()"))
            typed = page.evaluate(KEYSTROKES, TYPED)
            keys += typed["times"]
            result["last_count"] = typed["count"]
            page.close()
        browser.close()
    result.update(
        {
            "finder_html_bytes": html_bytes,
            "finder_data_bytes": data_bytes,
            "finder_load_ms": round(statistics.median(loads)),
            "finder_seen_ms": round(statistics.median(seen)),
            "keystroke_median_ms": round(statistics.median(keys), 1),
            "keystroke_max_ms": round(max(keys), 1),
        }
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", default=",".join(PAGES), help="pages to score, comma-separated ('' = home)")
    parser.add_argument("--tasks", type=int, default=2000, help="generated tasks for the finder timing")
    parser.add_argument("--no-lighthouse", action="store_true", help="only the finder timing")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median is printed")
    parser.add_argument(
        "--cpu-slowdown",
        type=slowdown_arg,
        default=4.0,
        help="Lighthouse's CPU slowdown: a number (default 4, its own), or 'mid' / 'low' to calibrate "
        "it on this machine for a mid-range or a low-end phone (see PHONE_BENCHMARK)",
    )
    args = parser.parse_args(argv)
    figures: dict[str, object] = {"lighthouse": LIGHTHOUSE}
    finder_slowdown = 1.0  # a phone's, when the Lighthouse runs are calibrated for one
    with tempfile.TemporaryDirectory(prefix="parsite-lighthouse-") as tmp:
        folder = Path(tmp)
        if not args.no_lighthouse:
            try:
                cli = lighthouse_cli()
            except Unavailable as exc:
                print(f"Không đo được bằng Lighthouse: {exc}", file=sys.stderr)
                return 3
            build(ROOT, folder / "site")
            scores = {}
            figures["runs"] = args.runs
            figures["load_before"] = round(os.getloadavg()[0], 2)
            with serve(folder / "site", precompressed=True) as url:
                report = folder / "report.json"
                slowdown = args.cpu_slowdown
                if isinstance(slowdown, str):
                    figures["phone"] = slowdown
                    # The finder is then timed on that phone's CPU too.
                    slowdown = finder_slowdown = calibrated(cli, url, report, slowdown)
                    print(f"Giảm tốc CPU {slowdown:g}x: máy này chậm lại bằng điện thoại loại '{figures['phone']}'")
                figures["cpu_slowdown"] = slowdown
                for page in args.pages.split(","):
                    scores[page or "/"] = median_run(cli, url + page, report, args.runs, slowdown)
                    s = scores[page or "/"]
                    print(
                        f"{page or '/':<16} hiệu năng {s['performance']:>3.0f}  trợ năng {s['accessibility']:>3.0f}  "
                        f"CLS {s['cls']:.3f}  TBT {s['tbt_ms']:.0f} ms  LCP {s['lcp_ms']:.0f} ms  "
                        f"{s['bytes']:.0f} byte  CPU máy {s['benchmark_index']:.0f}",
                        flush=True,
                    )
            figures["pages"] = scores
            figures["load_after"] = round(os.getloadavg()[0], 2)
        start = time.perf_counter()
        project = project_with(args.tasks, folder / "generated")
        build(project, folder / "generated-site")
        figures["generated_build_s"] = round(time.perf_counter() - start, 1)
        timing = finder_timing(folder / "generated-site", slowdown=finder_slowdown)
        figures["finder_cpu_slowdown"] = finder_slowdown
        figures["tasks"] = args.tasks
        figures.update(timing)
        print(
            f"Tra cứu với {args.tasks} nhiệm vụ: trang {timing['finder_html_bytes']} byte + dữ liệu "
            f"{timing['finder_data_bytes']} byte, tải xong trong {timing['finder_load_ms']} ms; mỗi phím gõ: "
            f"trung vị {timing['keystroke_median_ms']} ms, lâu nhất {timing['keystroke_max_ms']} ms"
            + (f" (CPU chậm lại {finder_slowdown:g}x)" if finder_slowdown > 1 else ""),
            flush=True,
        )
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
