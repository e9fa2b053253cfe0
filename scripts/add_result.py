"""Record a year's PAR INDEX result (data/results/YEAR.yml), checked before it is written.

    scripts/add-result 2024 --total 90.15 --rank 9 --ranked-count 22 \\
        --field 1=14 --field 2=14 ... --source qd-120-2025

Points use a dot or a comma for decimals (90.15 or 90,15). A value not yet known is left
out (or given as "null"). The source document must be listed in data/documents.yml.
"""

from __future__ import annotations

import argparse
import sys

from _core import DATA, ROOT
from parsite.settings import Settings
from parsite.tools.results_entry import Refused, ResultInvalid, add_result, result_text


def number(text: str) -> float | None:
    if text.strip().lower() in ("null", "", "-"):
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' không phải là số") from None


def field_points(text: str) -> tuple[int, float | None]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip().isdigit():
        raise argparse.ArgumentTypeError(f"'{text}': viết dạng SỐ_LĨNH_VỰC=ĐIỂM, ví dụ 6=7.58")
    return int(key), number(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("year", type=int)
    parser.add_argument("--total", type=number, default=None)
    parser.add_argument("--rank", type=int, default=None)
    parser.add_argument("--ranked-count", type=int, default=None)
    parser.add_argument("--field", type=field_points, action="append", default=[], metavar="N=POINTS")
    parser.add_argument("--source", help="document id in data/documents.yml")
    parser.add_argument("--note")
    parser.add_argument("--force", action="store_true", help="replace an existing result")
    args = parser.parse_args(argv)
    target = DATA / "results" / f"{args.year}.yml"
    text = result_text(
        target,
        args.year,
        total=args.total,
        rank=args.rank,
        ranked_count=args.ranked_count,
        fields=dict(args.field),
        source=args.source,
        note=args.note,
    )
    today = Settings.from_environment(ROOT).today
    try:
        path = add_result(DATA, args.year, text, today=today, force=args.force)
    except ResultInvalid as exc:
        print(f"Không ghi {target.relative_to(ROOT)} vì kết quả chưa hợp lệ:\n{exc}", file=sys.stderr)
        return 1
    except Refused as exc:
        print(f"Không ghi: {exc}", file=sys.stderr)
        return 1
    print(f"Đã ghi {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
