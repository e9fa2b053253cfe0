"""Move the old typed `status:` of each task onto the dated records that justify it.

scripts/migrate-status                           # every data/plans/*/tasks.yml, in place
scripts/migrate-status data/plans/2024/tasks.yml
scripts/migrate-status --undated 2024-12-31      # day to use for a status with no dated record

The rules are in hooks/parsite/tools/status_migration.py. A status that no dated record supports is
left in place (the build keeps refusing it) and listed, unless --undated gives a day; that day
is then written in the file with a comment saying it was chosen at migration.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _core import DATA
from parsite.dates import parse_iso
from parsite.tools.status_migration import migrate_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="tệp tasks.yml (mặc định: data/plans/*/tasks.yml)")
    parser.add_argument("--undated", type=parse_iso, help="ngày (YYYY-MM-DD) cho trạng thái cũ không có ngày nào")
    args = parser.parse_args(argv)
    files = args.files or sorted(DATA.glob("plans/*/tasks.yml"))
    left = 0
    for path in files:
        migration = migrate_text(path.read_text(encoding="utf-8"), args.undated)
        if migration.done:
            path.write_text(migration.text, encoding="utf-8")
        print(f"{path}: chuyển {len(migration.done)} nhiệm vụ")
        for line in migration.done:
            print(f"  - {line}")
        for line in migration.left:
            print(f"  ! chưa chuyển được: {line}", file=sys.stderr)
        left += len(migration.left)
    if left:
        print(
            f"Còn {left} nhiệm vụ chưa chuyển: thêm mục tiến độ có ngày cho trạng thái đó, "
            "hoặc chạy lại với --undated YYYY-MM-DD.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
