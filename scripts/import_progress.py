"""Import the units' filled progress workbooks into data/plans/YEAR/tasks.yml.

    scripts/import-progress bao-cao/tien-do-van-phong.xlsx bao-cao/tien-do-thanh-tra.xlsx

Each workbook is the one a unit downloads from its page (bao-cao-tien-do/tien-do-UNIT.xlsx),
filled in and sent back. Every filled row becomes a dated progress entry of its task, or is
listed with its file, sheet and row number and the reason; a row imported before is skipped.
Nothing is written unless all the data, with the new entries, still validates.
Exit status: 0 when every filled row was imported or already there, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from _core import DATA, ROOT
from parsite import clock
from parsite.clock import ClockError
from parsite.problems import DataError
from parsite.tools.progress_import import import_progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE.xlsx", help="the units' filled workbooks")
    parser.add_argument("--data", type=Path, default=DATA, help="data folder (default: data/)")
    args = parser.parse_args(argv)
    missing = [path for path in args.files if not path.is_file()]
    if missing:
        print("\n".join(f"Không có tệp {path}" for path in missing), file=sys.stderr)
        return 1
    try:
        outcome = import_progress(args.data.resolve(), args.files, ROOT, clock.today())
    except DataError as exc:
        print(f"Không nhập: dữ liệu hiện có lỗi, hãy sửa trước (./scripts/check).\n{exc}", file=sys.stderr)
        return 1
    except ClockError as exc:
        print(exc, file=sys.stderr)
        return 1
    if outcome.problems:
        print("Không ghi gì: với các mục mới, dữ liệu không còn hợp lệ:", file=sys.stderr)
        print("\n".join(outcome.problems), file=sys.stderr)
    per_unit = Counter((e.task.lead.short, e.task.lead.id) for e in outcome.added)
    if outcome.added:
        print(f"Đã thêm {len(outcome.added)} mục tiến độ:")
        for (short, unit_id), count in sorted(per_unit.items(), key=lambda item: item[0][1]):
            print(f"  {short} ({unit_id}): {count} mục")
        for path in outcome.written:
            print(f"  ghi vào {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    elif not outcome.problems:
        print("Không có mục tiến độ mới nào được thêm.")
    if outcome.duplicates:
        print(f"Đã có từ trước, bỏ qua {len(outcome.duplicates)} dòng:")
        for line in outcome.duplicates:
            print(f"  {line}")
    if outcome.refused:
        print(f"Không nhập {len(outcome.refused)} dòng:")
        for line in outcome.refused:
            print(f"  {line}")
    return 1 if outcome.refused or outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
