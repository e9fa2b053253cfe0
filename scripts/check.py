"""Check all data under data/ without building the site (same messages as the build).

scripts/check            # exit 0 when the data is valid, 1 with every problem listed

The reminders' contacts (data/contacts.yml, or the file PARSITE_CONTACTS names) are checked too
when there are any: the site does not read them, scripts/remind does.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from _core import DATA, ROOT
from parsite.clock import ClockError
from parsite.data_in.contacts import NAME, load_contacts
from parsite.problems import DataError
from parsite.settings import Settings
from parsite.site import load_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="data folder (default: data/)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        site = load_site(args.data.resolve(), ROOT)
        settings = Settings.from_environment(ROOT)
        contacts = load_contacts(settings.contacts or args.data.resolve() / NAME, ROOT, site)
    except (DataError, ClockError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"Dữ liệu hợp lệ: {len(site.plans)} kế hoạch, {len(site.tasks)} nhiệm vụ, "
        f"{len(site.results)} năm kết quả ({time.perf_counter() - start:.2f} giây)."
    )
    if contacts is not None:
        units = sum(1 for _, addresses in contacts.units if addresses)
        print(f"Danh bạ nhận thư nhắc hợp lệ: {units} đơn vị, {len(contacts.addresses())} địa chỉ.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
