"""Đôn đốc: e-mail each unit its tasks due soon and overdue, and the office a summary.

scripts/remind                        # send when SMTP_HOST is set, else write the messages to thu-nhac/
scripts/remind --dry-run DIR          # write each message as DIR/….eml, send nothing
scripts/remind --send                 # send through SMTP_HOST (SMTP_PORT, SMTP_USER, SMTP_PASSWORD,
                                      # SMTP_FROM, SMTP_SECURITY=starttls|ssl|none)
scripts/remind --date 2024-10-15 ...  # as of that day (default: today in Vietnam)

Addresses come from data/contacts.yml, or the file PARSITE_CONTACTS names. A message already
delivered today (recorded beside the build cache) is not sent again. Exit 1 when the data or the
contacts have problems, or when a message could not be delivered to an address (the others are).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from _core import DATA, ROOT
from parsite import fmt
from parsite.clock import ClockError
from parsite.data_in.contacts import display, load_contacts
from parsite.dates import parse_iso
from parsite.problems import DataError
from parsite.reminders import compose
from parsite.reminders.send import RECORD, Record, send, write_eml
from parsite.settings import CACHE_DEFAULT, Settings, Smtp, SmtpError
from parsite.site import load_site

DEFAULT_FOLDER = Path("thu-nhac")


def _day(text: str) -> date:
    try:
        return parse_iso(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--date", type=_day, help="ngày đôn đốc, dạng YYYY-MM-DD (mặc định: hôm nay)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", type=Path, metavar="DIR", help="ghi mỗi thư thành tệp .eml trong DIR, không gửi")
    mode.add_argument("--send", action="store_true", help="gửi qua máy chủ SMTP_HOST")
    parser.add_argument(
        "--within", type=int, default=14, metavar="N", help="sắp đến hạn: trong N ngày tới (mặc định 14)"
    )
    args = parser.parse_args(argv)
    if args.within < 0:
        parser.error("--within: phải là số ngày, từ 0 trở lên")
    try:
        settings = Settings.from_environment(ROOT)
        smtp = Smtp.from_environment()
    except (ClockError, SmtpError) as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.send and smtp is None:
        print("--send: chưa đặt SMTP_HOST (máy chủ thư); dùng --dry-run DIR để xem thư mà không gửi", file=sys.stderr)
        return 1
    sending = args.send or (args.dry_run is None and smtp is not None)
    day = args.date or settings.today
    contacts_file = settings.contacts_file
    try:
        site = load_site(DATA, ROOT, day, settings.built)
        if settings.contacts and not contacts_file.exists():
            print(f"PARSITE_CONTACTS: không có tệp {display(contacts_file, ROOT)}", file=sys.stderr)
            return 1
        contacts = load_contacts(contacts_file, ROOT, site)
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    if sending and contacts is None:
        print(f"Chưa có danh bạ {display(contacts_file, ROOT)}: không gửi được thư nào", file=sys.stderr)
        return 1
    sender = smtp.sender if smtp else None
    reminders, unreachable = compose(
        site, contacts, sender, settings.built, site.identity.url if site.identity else None, args.within
    )
    print(f"Ngày {fmt.day(day)}: {len(reminders)} thư nhắc.")
    for name in unreachable:
        print(f"Không có địa chỉ của {name} trong {display(contacts_file, ROOT)}: không gửi thư cho đơn vị này.")
    if not sending:
        folder = args.dry_run or DEFAULT_FOLDER
        written = write_eml(reminders, folder if folder.is_absolute() else Path.cwd() / folder)
        if contacts is None:
            print(f"Chưa có danh bạ {display(contacts_file, ROOT)}: thư được viết để xem trước, không có người nhận.")
        print(f"Đã ghi {len(written)} thư vào {folder}/ (không gửi).")
        return 0
    assert smtp is not None
    record = Record((settings.cache or ROOT / CACHE_DEFAULT) / RECORD)
    outcome = send(reminders, smtp, record, day)
    print(
        f"Đã gửi {len(outcome.delivered)} lượt tới {len({a for _, a in outcome.delivered})} địa chỉ; "
        f"bỏ qua {len(outcome.skipped)} lượt đã gửi trước đó; lỗi {len(outcome.failed)}."
    )
    for key, address, why in outcome.failed:
        print(f"Không gửi được thư {key} tới {address}: {why}", file=sys.stderr)
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
