"""Create next year's plan folder (data/plans/YEAR/) from the latest plan and results.

    scripts/new-plan 2025

Copies the plan's structure and wording, with every year of the old text marked [[2024?]]
for the editor to decide (and the signer, each document of the legal basis and each cited one,
each paragraph on the old results), and writes one empty task per field that lost points in the
latest result (named by the plan year's methodology). Refuses to overwrite an existing plan.
Then fill in the empty and marked values; `scripts/check` lists each one still missing.
"""

from __future__ import annotations

import argparse
import sys

from _core import DATA, ROOT
from parsite.problems import DataError
from parsite.site import load_site
from parsite.tools.scaffold import ScaffoldError, new_plan_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("year", type=int, help="the plan's year, e.g. 2025")
    args = parser.parse_args(argv)
    try:
        scaffold = new_plan_files(load_site(DATA, ROOT), DATA, args.year)
    except DataError as exc:
        print(f"Hãy sửa dữ liệu hiện có trước khi tạo kế hoạch mới.\n{exc}", file=sys.stderr)
        return 1
    except ScaffoldError as exc:
        print(f"Không tạo kế hoạch: {exc}", file=sys.stderr)
        return 1
    for path, text in scaffold.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"Đã tạo {path.relative_to(ROOT)}")
    for note in scaffold.notes:
        print(f"Lưu ý: {note}.")
    print(
        "Điền các giá trị còn trống, sửa các chỗ đánh dấu [[...?]] (năm, người ký, văn bản căn cứ, văn bản "
        "trích dẫn và đoạn về kết quả năm cũ, chép từ kế hoạch cũ), rồi chạy scripts/check để xem những gì còn "
        'thiếu. Khi chưa ghi ngày ký, kế hoạch là dự thảo: trang ghi "Dự thảo" và không coi là kế hoạch đang '
        "thực hiện."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
