"""The site's search against Pagefind on the same built site, in one interleaved run; print figures.

    python scripts/search_bench.py                      # 2,000 tasks, 5 rounds, about 5 minutes here
    python scripts/search_bench.py --lighthouse         # and Lighthouse (mobile) on the plan page
    python scripts/search_bench.py --tasks 30 --runs 1 --pagefind off   # what the tests run

Generates data (scripts/gen_data.py), builds the site, indexes the same built pages with Pagefind
(PyPI's `pagefind[extended]`, installed into a temporary virtualenv unless `--pagefind` names a
Python that has it, or `off`) and adds a page with Pagefind's own search box. Both are served
as the portal serves the site (precompressed gzip, scripts/_serve.py) and driven in headless
Chromium. Each round measures both sides, in alternating order (A B, B A …), each in a fresh
browser context (empty cache); medians are printed:

- bytes_before_search: what a page load downloads for the search before the reader opens it
  (ours: search/, the worker and lunr; Pagefind: pagefind/), as sent (gzip);
- first_ms: on a loaded page, focus the box and type a query at once: from the last key to the
  first result in the list, whatever has to be fetched first;
- later_ms: on the same page, a second query: last key to the new list;
- typing_ms (ours): the query typed key by key, 40 ms apart; last key to the final list;
- first_five: for "cai cach thu tuc hanh chinh", "don vi chu tri" and "bao cao tien do", whether
  each of the first five results' pages holds the accented phrase.

The last line printed is one JSON object with every figure. Figures are printed, not judged.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from _serve import CHROMIUM, CHROMIUM_ARGS, serve
from bench import build, project_with

PHRASES = {
    "cai cach thu tuc hanh chinh": "cải cách thủ tục hành chính",
    "don vi chu tri": "đơn vị chủ trì",
    "bao cao tien do": "báo cáo tiến độ",
}
# First and later queries (a later query differs from the one before it); typed key by key: the last.
QUERIES = [*PHRASES, "giai ngan von dau tu cong", "thanh tra so"]
OURS_PATHS = re.compile(r"^/(search/|assets/javascripts/(workers|lunr)/)")
PAGEFIND_PATHS = re.compile(r"^/pagefind/")
PAGEFIND_PAGE = "tim-kiem-pagefind/"

# Waits in the page for `ready()` after `act()`; the milliseconds between them.
TIMED = """
const timed = (act, ready) => new Promise(done => {
  const start = performance.now()
  const check = () => { if (ready()) { observer.disconnect(); done(performance.now() - start); return true } }
  const observer = new MutationObserver(check)
  observer.observe(document.body, { childList: true, subtree: true, characterData: true })
  setTimeout(() => { observer.disconnect(); done(NaN) }, 20000)  // no answer: NaN, not a hang
  act()
  check()
})
"""

OURS_QUERY = (
    "async ([query, first]) => {"
    + TIMED
    + """
  const box = document.querySelector("input.md-search__input")
  const list = document.querySelector(".md-search-result__list")
  if (first) box.focus()
  const before = list.firstElementChild
  return await timed(() => {
    box.value = query
    box.dispatchEvent(new KeyboardEvent("keyup", { key: "End", bubbles: true }))
  }, () => list.firstElementChild && list.firstElementChild !== before)
}"""
)

OURS_TYPING = (
    "async ([query, expected]) => {"
    + TIMED
    + """
  const box = document.querySelector("input.md-search__input")
  const list = document.querySelector(".md-search-result__list")
  const pause = () => new Promise(done => setTimeout(done, 40))
  box.value = ""
  box.dispatchEvent(new KeyboardEvent("keyup", { key: "Backspace", bubbles: true }))
  await pause()
  for (const character of query.slice(0, -1)) {
    box.value += character
    box.dispatchEvent(new KeyboardEvent("keyup", { key: character, bubbles: true }))
    await pause()
  }
  const first = () => list.querySelector("a.md-search-result__link")
  const before = list.firstElementChild
  return await timed(() => {
    box.value = query
    box.dispatchEvent(new KeyboardEvent("keyup", { key: query.slice(-1), bubbles: true }))
  }, () => list.firstElementChild !== before && first() && first().getAttribute("href") === expected)
}"""
)

PAGEFIND_QUERY = (
    "async ([query, first]) => {"
    + TIMED
    + """
  const box = document.querySelector(".pagefind-ui__search-input")
  if (first) box.focus()
  const link = () => document.querySelector(".pagefind-ui__result-link")
  const message = () => (document.querySelector(".pagefind-ui__message") || {}).textContent || ""
  return await timed(() => {
    box.value = query
    box.dispatchEvent(new Event("input", { bubbles: true }))
  }, () => link() && message().includes(query))
}"""
)

PAGEFIND_HTML = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Pagefind</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link href="../pagefind/pagefind-ui.css" rel="stylesheet"></head>
<body><div id="search"></div>
<script src="../pagefind/pagefind-ui.js"></script>
<script src="start.js"></script></body></html>
"""
# No debounce: Pagefind's box waits 300 ms after a key by default; the figures are its engine's.
PAGEFIND_START = 'new PagefindUI({ element: "#search", debounceTimeoutMs: 0, showSubResults: true })\n'


def page_text(site: Path, href: str) -> str:
    path = re.sub(r"^(https?://[^/]+)?/+|[?#].*$", "", href)
    file = site / path / "index.html" if not path.endswith(".html") else site / path
    text = html.unescape(re.sub(r"<[^>]+>", " ", file.read_text(encoding="utf-8")))
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def install_pagefind(folder: Path) -> Path:
    """A Python with PyPI's pagefind (its binary included), in a virtualenv under `folder`."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "pagefind[extended]"], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"pip install 'pagefind[extended]' thất bại:\n{result.stderr[-2000:]}")
    return python


def add_pagefind(site: Path, python: Path) -> str:
    """Index the built site with Pagefind into site/pagefind/, add its search page; its version."""
    result = subprocess.run(
        [str(python), "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"Pagefind thất bại:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    (site / PAGEFIND_PAGE).mkdir()
    (site / PAGEFIND_PAGE / "index.html").write_text(PAGEFIND_HTML, encoding="utf-8")
    (site / PAGEFIND_PAGE / "start.js").write_text(PAGEFIND_START, encoding="utf-8")
    # Served like the site's own files: its scripts and styles precompressed (its index is already).
    for file in (site / "pagefind").glob("*.[jc]s*"):
        subprocess.run(["gzip", "-6", "-k", "-n", "-f", str(file)], check=True)
    version = subprocess.run([str(python), "-m", "pagefind", "--version"], capture_output=True, text=True, check=False)
    return version.stdout.strip()


class Side:
    def __init__(self, name: str, path: str, bytes_paths: re.Pattern[str], query: str, links: str) -> None:
        self.name, self.path, self.bytes_paths, self.query, self.links = name, path, bytes_paths, query, links
        self.figures: dict[str, list[float]] = {"bytes_before_search": [], "first_ms": [], "later_ms": []}
        self.first_five: dict[str, list[bool]] = {}


def measure(browser, url: str, site: Path, side: Side, round_number: int, typing: bool) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    sizes: list[int] = []
    searching = [False]

    def count(response) -> None:  # type: ignore[no-untyped-def]
        path = "/" + re.sub(r"^https?://[^/]+/", "", response.url).split("?")[0]
        if not searching[0] and side.bytes_paths.search(path):
            sizes.append(int(response.headers.get("content-length") or 0))

    context.on("response", count)
    page = context.new_page()
    page.goto(url + side.path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    side.figures["bytes_before_search"].append(sum(sizes))
    searching[0] = True
    queries = QUERIES[round_number % len(QUERIES) :] + QUERIES[: round_number % len(QUERIES)]
    side.figures["first_ms"].append(page.evaluate(side.query, [queries[0], True]))
    side.figures["later_ms"].append(page.evaluate(side.query, [queries[1], False]))
    if round_number == 0:
        for query, phrase in PHRASES.items():
            page.evaluate(side.query, [query, False])
            page.wait_for_timeout(300)
            hrefs = [link.get_attribute("href") or "" for link in page.locator(side.links).all()[:5]]
            side.first_five[query] = [phrase in page_text(site, href) for href in hrefs]
    if typing:
        query = queries[2]
        page.evaluate(side.query, [query, False])
        expected = page.locator(side.links).first.get_attribute("href")
        side.figures.setdefault("typing_ms", []).append(page.evaluate(OURS_TYPING, [query, expected]))
    page.wait_for_load_state("networkidle")  # what the search fetched in the background, before closing
    context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pagefind", default="install", help="install (default), off, or a Python with pagefind")
    parser.add_argument("--lighthouse", action="store_true", help="Lighthouse (mobile) on the plan page too")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        project = project_with(args.tasks, folder / "project")
        site = folder / "site"
        build_s, _ = build(project, str(project / "mkdocs.yml"), str(site))
        sides = [
            Side("ours", "", OURS_PATHS, OURS_QUERY, "a.md-search-result__link"),
        ]
        figures: dict[str, object] = {"tasks": args.tasks, "build_s": round(build_s, 1)}
        if args.pagefind != "off":
            python = install_pagefind(folder / "pagefind") if args.pagefind == "install" else Path(args.pagefind)
            figures["pagefind_version"] = add_pagefind(site, python)
            sides.append(Side("pagefind", PAGEFIND_PAGE, PAGEFIND_PATHS, PAGEFIND_QUERY, "a.pagefind-ui__result-link"))
        with serve(site, precompressed=True) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for round_number in range(args.runs):
                order = sides if round_number % 2 == 0 else sides[::-1]
                for side in order:
                    measure(browser, url, site, side, round_number, typing=side.name == "ours")
            browser.close()
            if args.lighthouse:
                from lighthouse import lighthouse_cli, median_run

                plan = sorted(p.name for p in (site / "ke-hoach").iterdir() if p.name.isdigit())[-1]
                figures["lighthouse_plan"] = median_run(
                    lighthouse_cli(), f"{url}ke-hoach/{plan}/", folder / "lh.json", 3, 4.0
                )
        print(f"{args.tasks} nhiệm vụ, {args.runs} lượt xen kẽ; trung vị:")
        for side in sides:
            for key, values in side.figures.items():
                figures[f"{side.name}_{key}"] = round(statistics.median(values), 1)
                print(f"  {side.name:9} {key:20} {statistics.median(values):10.1f}   {[round(v) for v in values]}")
            figures[f"{side.name}_first_five"] = side.first_five
            for query, held in side.first_five.items():
                print(f"  {side.name:9} 5 đầu chứa cụm có dấu: {query!r}: {held}")
        if "lighthouse_plan" in figures:
            print(f"  Lighthouse (di động), trang kế hoạch: {figures['lighthouse_plan']}")
        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
