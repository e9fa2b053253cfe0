"""Dates as editors write them: ISO dates, dd/mm/yyyy, months, quarters, "thường xuyên"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}


def parse_iso(text: str) -> date:
    """Parse YYYY-MM-DD; raise ValueError with a Vietnamese message if it is not a real date."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text.strip())
    if not match:
        raise ValueError(f"'{text}' không phải ngày dạng YYYY-MM-DD")
    return _real_date(int(match[1]), int(match[2]), int(match[3]), text)


def _real_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' không phải ngày có thật") from None


@dataclass(frozen=True)
class Deadline:
    """Thời hạn hoàn thành: a day, a month, a quarter, or ongoing (thường xuyên)."""

    kind: str  # "date" | "month" | "quarter" | "ongoing"
    year: int | None = None
    number: int | None = None  # month or quarter number
    day: date | None = None

    @property
    def due(self) -> date | None:
        """The last day the task may be finished on; None for ongoing tasks."""
        if self.kind == "date":
            return self.day
        if self.kind == "month" and self.year and self.number:
            return date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])
        if self.kind == "quarter" and self.year and self.number:
            month = self.number * 3
            return date(self.year, month, calendar.monthrange(self.year, month)[1])
        return None

    @property
    def quarter_label(self) -> str:
        return _ROMAN_OUT[self.number or 1]


def deadline_forms(year: int | None) -> str:
    """The forms a deadline may take, shown with the plan's own year (NĂM when it is unknown)."""
    y = str(year) if year else "NĂM"
    return f"{y}-09-30, 30/09/{y}, Tháng 9/{y}, Quý III/{y}, Thường xuyên"


def parse_deadline(text: str, year: int | None = None) -> Deadline:
    """Parse a deadline as written in tasks.yml; raise ValueError (Vietnamese) if invalid.

    `year`, the plan's year, only shapes the message's examples."""
    value = " ".join(text.split())
    lowered = value.lower()
    if lowered == "thường xuyên":
        return Deadline("ongoing")
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
        day = parse_iso(value)
        return Deadline("date", day.year, None, day)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if match:
        day = _real_date(int(match[3]), int(match[2]), int(match[1]), text)
        return Deadline("date", day.year, None, day)
    match = re.fullmatch(r"tháng (\d{1,2})/(\d{4})", lowered)
    if match:
        month = int(match[1])
        if not 1 <= month <= 12:
            raise ValueError(f"'{text}': tháng phải từ 1 đến 12")
        return Deadline("month", int(match[2]), month)
    match = re.fullmatch(r"quý (i|ii|iii|iv|1|2|3|4)/(\d{4})", lowered)
    if match:
        return Deadline("quarter", int(match[2]), _ROMAN[match[1].upper()])
    raise ValueError(f"thời hạn '{text}' không hợp lệ; viết theo một trong các dạng: {deadline_forms(year)}")
