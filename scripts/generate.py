"""Write the site as a standalone project that builds without hooks (`mkdocs build` in DIR).

The same core the MkDocs hooks use (parsite.outputs.project); this lets the site move to
another engine (Zensical ignores `hooks:`) by pointing it at the folder written here: pages
(each title in front matter, written by a YAML dumper), downloads, assets, theme overrides
and a config with the navigation and every setting.

    python scripts/generate.py build/standalone && cd build/standalone && mkdocs build
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from parsite.clock import ClockError  # noqa: E402  (after the path set-up above)
from parsite.outputs.changes import compare, find_previous  # noqa: E402
from parsite.outputs.project import ProjectError, write_project  # noqa: E402
from parsite.problems import DataError  # noqa: E402
from parsite.settings import Settings  # noqa: E402
from parsite.site import load_site  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write the project into (replaced)")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="data folder (default: data/)")
    args = parser.parse_args(argv)
    try:
        data = args.data.resolve()
        settings = Settings.from_environment(ROOT)
        site = load_site(data, ROOT, settings.today, settings.built)
        changes = compare(find_previous(settings.previous, settings.deploy_target), site)  # as the MkDocs build does
        print(changes.summary())
        count = write_project(site, ROOT, data, args.out, changes)
    except (DataError, ClockError, ProjectError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Đã ghi dự án độc lập ({count} trang tạo từ dữ liệu) vào {args.out}: chạy `mkdocs build` trong thư mục này")
    return 0


if __name__ == "__main__":
    sys.exit(main())
