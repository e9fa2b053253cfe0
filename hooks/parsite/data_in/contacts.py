"""Danh bạ nhận thư nhắc: the addresses the reminders (parsite.reminders) go to.

The file (`data/contacts.yml`, or the one PARSITE_CONTACTS names) is read by scripts/check and
scripts/remind only: no page, download or cache key of the site reads it, so no address is ever
published. It is checked like every data file: each problem with its line and column and a code,
all of them listed at once.

    office: [van-phong@example.gov.vn]
    units:
      thanh-tra: [b@example.gov.vn, c@example.gov.vn]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..problems import DataError, Problem, shorten
from .load import KeyPath, Source, load_file
from .model import Site

NAME = "contacts.yml"

# An address as a mail server takes it (RFC 5321's dot-atom, an ASCII domain of two labels or
# more): a quoted local part or a bare IP address is legal but, in a contacts file, a typing mistake.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
ADDRESS = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
MAX_ADDRESS = 254  # RFC 5321's limit on a path


class ContactsError(DataError):
    """The contacts file has problems (every one listed); the site itself is not concerned."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        lines = str(self).splitlines()
        lines[0] = f"Danh bạ nhận thư nhắc có {len(self.problems)} lỗi, không gửi thư nào:"
        Exception.__init__(self, "\n".join(lines))


@dataclass(frozen=True)
class Contacts:
    """The office's addresses and each unit's (unit id → addresses), as written."""

    office: tuple[str, ...]
    units: tuple[tuple[str, tuple[str, ...]], ...]

    def of(self, unit_id: str) -> tuple[str, ...]:
        return dict(self.units).get(unit_id, ())

    def addresses(self) -> set[str]:
        """Every address in the file (what the tests look for in the built site)."""
        return {*self.office, *(a for _, found in self.units for a in found)}


def _addresses(source: Source, path: KeyPath, value: object, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        problems.append(
            source.problem(path, "phải là danh sách địa chỉ thư, ví dụ [ten@example.gov.vn]", code="invalid-value")
        )
        return ()
    found: list[str] = []
    for index, item in enumerate(value):
        where = (*path, index)
        if not isinstance(item, str) or len(item) > MAX_ADDRESS or not ADDRESS.fullmatch(item.strip()):
            shown = shorten(str(item))
            problems.append(
                source.problem(
                    where, f"'{shown}' không phải địa chỉ thư điện tử (dạng ten@ten-mien.gov.vn)", code="email-address"
                )
            )
        elif item.strip().lower() in (a.lower() for a in found):
            problems.append(source.problem(where, f"địa chỉ '{shorten(item)}' bị lặp", code="duplicate"))
        else:
            found.append(item.strip())
    return tuple(found)


def check(source: Source, site: Site, today: date) -> tuple[Contacts, list[Problem]]:
    """The contacts in `source` and every problem in them: the shape, each address, each unit
    (known to data/agency.yml and still in existence on `today`)."""
    problems: list[Problem] = []
    data = source.data
    if not isinstance(data, dict):
        problems.append(source.problem((), "tệp phải có khóa office và units", code="invalid-value"))
        return Contacts((), ()), problems
    for key in data:
        if key not in ("office", "units"):
            problems.append(
                source.problem(
                    (key,), f"khóa '{shorten(key)}' không được hỗ trợ (có: office, units)", code="unknown-key", key=True
                )
            )
    if "office" not in data:
        problems.append(source.problem((), "thiếu khóa bắt buộc 'office' (địa chỉ của Văn phòng)", code="required"))
    office = _addresses(source, ("office",), data["office"], problems) if "office" in data else ()
    units = data.get("units") or {}
    if not isinstance(units, dict):
        problems.append(
            source.problem(("units",), "phải là các dòng 'mã-đơn-vị: [địa chỉ, ...]'", code="invalid-value")
        )
        units = {}
    known = {u.id: u for u in site.agency.units}
    listed: list[tuple[str, tuple[str, ...]]] = []
    for unit_id, value in units.items():
        path: KeyPath = ("units", unit_id)
        addresses = _addresses(source, path, value, problems)
        unit = known.get(unit_id)
        if unit is None:
            problems.append(
                source.problem(
                    path,
                    f"đơn vị '{shorten(unit_id)}' không có trong data/agency.yml (có: {', '.join(known)})",
                    code="unknown-reference",
                    key=True,
                )
            )
            continue
        ended = unit.ended(today)
        if ended is not None:
            hint = f"; gửi cho đơn vị tiếp nhận '{ended.successor}'" if ended.successor else ""
            problems.append(
                source.problem(
                    path,
                    f"đơn vị '{unit_id}' không còn từ ngày {ended.date:%d/%m/%Y}{hint}",
                    code="unit-inactive",
                    key=True,
                )
            )
            continue
        if unit.start is not None and unit.start > today:
            problems.append(
                source.problem(
                    path, f"đơn vị '{unit_id}' chỉ có từ ngày {unit.start:%d/%m/%Y}", code="unit-inactive", key=True
                )
            )
            continue
        listed.append((unit_id, addresses))
    return Contacts(office, tuple(listed)), problems


def display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_contacts(path: Path, root: Path, site: Site) -> Contacts | None:
    """The contacts file at `path` (None when there is none); raise ContactsError with every problem."""
    if not path.exists():
        return None
    shown = display(path, root)
    if not path.is_file():
        raise ContactsError([Problem(shown, message="không phải tệp thường: không đọc", code="not-a-data-file")])
    source, problems = load_file(path, shown)
    if problems:
        raise ContactsError(problems)
    contacts, problems = check(source, site, site.today)
    if problems:
        raise ContactsError(problems)
    return contacts
