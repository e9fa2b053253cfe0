"""Import a plan appendix table (Excel .xlsx or Word .docx) into data/plans/YEAR/tasks.yml.

    scripts/import-appendix phu-luc.xlsx --plan 2025

Columns are recognised by their headers (STT, Nội dung nhiệm vụ, Đơn vị chủ trì, Đơn vị phối
hợp, Thời gian hoàn thành, Sản phẩm, and if present Lĩnh vực, Tồn tại), with or without
diacritics. Every row is imported or reported; values that could not be read are left empty
and listed, for `scripts/check` to point at until they are filled in.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _core import DATA
from parsite.data_in.model import Site
from parsite.problems import DataError
from parsite.site import load_site
from parsite.tools.appendix_import import AppendixError, import_rows, read_rows
from parsite.tools.yamlout import render, schema_line


def units_and_fields(year: int) -> Site:
    """The data without the plan being imported (it may be half written): units and fields."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(
            DATA, Path(tmp) / "data", ignore=lambda folder, names: [str(year)] if folder.endswith("plans") else []
        )
        return load_site(Path(tmp) / "data", Path(tmp))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", type=Path)
    parser.add_argument("--plan", type=int, required=True, help="the plan's year")
    parser.add_argument("--out", type=Path, help="where to write (default: data/plans/YEAR/tasks.yml)")
    parser.add_argument("--force", action="store_true", help="replace an existing tasks file")
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"Không có tệp {args.file}", file=sys.stderr)
        return 1
    out = args.out or DATA / "plans" / str(args.plan) / "tasks.yml"
    if out.exists() and not args.force:
        print(f"Không ghi: {out} đã có; dùng --force để ghi đè", file=sys.stderr)
        return 1
    try:
        site = units_and_fields(args.plan)
        report = import_rows(read_rows(args.file), site, args.plan)
    except (DataError, AppendixError) as exc:
        print(f"Không nhập được {args.file}: {exc}", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        render(
            "tasks.yml.j2",
            schema_line=schema_line(out.resolve(), "tasks"),
            year=args.plan,
            origin=f"Nhập từ {args.file.name} bởi scripts/import-appendix.",
            units=site.agency.units,
            sample=False,
            tasks=report.imported,
        ),
        encoding="utf-8",
    )
    print(f"Đã nhập {len(report.imported)} nhiệm vụ vào {out}")
    for line in report.skipped:
        print(f"  Không nhập: {line}")
    for line in report.warnings:
        print(f"  Cần bổ sung: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
