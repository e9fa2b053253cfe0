"""Write the generated Markdown pages into a folder, without MkDocs.

The same core the MkDocs hooks use; this lets the site move to another engine
(Zensical ignores `hooks:`) by pointing it at the folder written here. Such engines read a
page's title from its front matter and print it as markup, like MkDocs: each page starts
with a front matter block holding its HTML-escaped title, written by a YAML dumper (data
text pasted into YAML by a template would be read as YAML), and `nav.json` has escaped titles.

    python scripts/generate.py build/generated
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from parsite.outputs.changes import compare, find_previous  # noqa: E402  (after the path set-up above)
from parsite.outputs.exports import downloads, write_downloads  # noqa: E402
from parsite.outputs.render import html_titles, nav, page_titles, render_pages, with_title  # noqa: E402
from parsite.problems import DataError  # noqa: E402
from parsite.site import load_site  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write the Markdown pages into (replaced)")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="data folder (default: data/)")
    args = parser.parse_args(argv)
    try:
        site = load_site(args.data.resolve(), ROOT)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.out.exists():
        shutil.rmtree(args.out)
    changes = compare(find_previous(), site)  # as the MkDocs build does
    print(changes.summary())
    pages = render_pages(site, changes)
    titles = page_titles(site)
    for path, content in pages.items():
        target = args.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(with_title(titles[path], content), encoding="utf-8")
    write_downloads(downloads(site), args.out)
    (args.out / "nav.json").write_text(
        json.dumps(html_titles(nav(site)), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"Đã ghi {len(pages)} trang và các tệp dữ liệu mở vào {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
