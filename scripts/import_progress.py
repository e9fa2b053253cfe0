"""Import the units' filled progress workbooks into data/plans/YEAR/tasks.yml.

    scripts/import-progress bao-cao/tien-do-van-phong.xlsx bao-cao/tien-do-thanh-tra.xlsx
    scripts/import-progress --unit van-phong "bao-cao/Báo cáo VP quý 1.xlsx"

Each workbook is the one a unit downloads from its page (bao-cao-tien-do/tien-do-UNIT.xlsx),
filled in and sent back; a hidden sheet says which unit it was made for. A workbook whose
hidden sheet is missing or altered, or whose "Mã đơn vị" cell or file name names another unit,
is refused whole; `--unit UNIT` reads one file as that unit's all the same (every row is then
judged as that unit's). Every filled row becomes a dated progress entry of its task, with the
file's name and SHA-256 under `source:`, or is listed with its file, sheet and row number and
the reason; a row imported before is skipped. Nothing is written unless all the data, with the
new entries, still validates. A file too large or built to exhaust the computer is refused
with the limit it passed. The lists printed are cut at MAX_LISTED lines each.
Exit status: 0 when every file was read and every filled row imported or already there, 1
otherwise, 2 when the command itself is wrong (an unknown unit, --unit with several files).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from _core import DATA, ROOT
from parsite.clock import ClockError
from parsite.problems import DataError
from parsite.settings import Settings
from parsite.tools.progress_import import UsageError, import_progress

MAX_LISTED = 20  # lines of each list: the whole output stays a few dozen lines whatever the files


def listed(lines: list[str]) -> list[str]:
    """The first MAX_LISTED lines, indented, and how many more there are."""
    shown = [f"  {line}" for line in lines[:MAX_LISTED]]
    if len(lines) > MAX_LISTED:
        shown.append(f"  … và {len(lines) - MAX_LISTED} dòng khác")
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", type=Path, nargs="+", metavar="FILE.xlsx", help="the units' filled workbooks")
    parser.add_argument("--data", type=Path, default=DATA, help="data folder (default: data/)")
    parser.add_argument(
        "--unit",
        metavar="UNIT_ID",
        help="read the one FILE as this unit's whatever its hidden sheet, 'Mã đơn vị' cell or name says",
    )
    args = parser.parse_args(argv)
    if args.unit is not None and len(args.files) != 1:
        parser.error(f"--unit chỉ dùng với một tệp (đã cho {len(args.files)} tệp)")
    missing = [path for path in args.files if not path.is_file()]
    if missing:
        print("\n".join(listed([f"Không có tệp {path}" for path in missing])), file=sys.stderr)
        return 1
    try:
        today = Settings.from_environment(ROOT).today
        outcome = import_progress(args.data.resolve(), args.files, ROOT, today, args.unit)
    except DataError as exc:
        print(f"Không nhập: dữ liệu hiện có lỗi, hãy sửa trước (./scripts/check).\n{exc}", file=sys.stderr)
        return 1
    except ClockError as exc:
        print(exc, file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"import-progress: {exc}", file=sys.stderr)
        return 2
    if outcome.problems:
        print("Không ghi gì: với các mục mới, dữ liệu không còn hợp lệ:", file=sys.stderr)
        print("\n".join(listed(outcome.problems)), file=sys.stderr)
    for note in outcome.notes:
        print(f"Lưu ý: {note}")
    per_unit = Counter(((e.unit or e.task.lead).short, (e.unit or e.task.lead).id) for e in outcome.added)
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
        print("\n".join(listed(outcome.duplicates)))
    if outcome.refused_files:
        print(f"Không nhập {len(outcome.refused_files)} tệp:")
        print("\n".join(listed(outcome.refused_files)))
    if outcome.refused:
        print(f"Không nhập {len(outcome.refused)} dòng:")
        print("\n".join(listed(outcome.refused)))
    return 1 if outcome.refused_files or outcome.refused or outcome.problems else 0


if __name__ == "__main__":
    sys.exit(main())
