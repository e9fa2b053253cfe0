""" "Today" and the build time, in Vietnam (Asia/Ho_Chi_Minh), pinnable for tests and
reproducible builds; read from the environment once, by parsite.settings.

- SITE_TODAY=YYYY-MM-DD pins today (overdue tasks, reports);
- SOURCE_DATE_EPOCH (seconds) pins the build time shown in the footer and calendars;
- SITE_TODAY alone moves the build time to that day (at the time of the build): a footer
  "Cập nhật lúc 14:05 ngày 31/03/2025" never names another day than the one the pages speak of.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class ClockError(ValueError):
    """SITE_TODAY or SOURCE_DATE_EPOCH is not readable."""


def build_time(environ: Mapping[str, str]) -> datetime:
    """The build time in Vietnam: SOURCE_DATE_EPOCH, else now."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).astimezone(VIETNAM)
        except ValueError:
            raise ClockError(f"SOURCE_DATE_EPOCH={epoch!r}: phải là số giây (Unix time)") from None
    return datetime.now(VIETNAM).replace(microsecond=0)


def on_pinned_day(environ: Mapping[str, str], built: datetime, day: date) -> datetime:
    """The build time as shown: on the pinned day when SITE_TODAY is set without SOURCE_DATE_EPOCH
    (which, when set, is the build time as given)."""
    if environ.get("SITE_TODAY") and not environ.get("SOURCE_DATE_EPOCH"):
        return datetime.combine(day, built.timetz())
    return built


def today(environ: Mapping[str, str], built: datetime) -> date:
    """Today's date in Vietnam, not UTC (at 01:00 in Hà Nội it is still yesterday in UTC):
    SITE_TODAY, else the day of the build time."""
    pinned = environ.get("SITE_TODAY")
    if pinned:
        try:
            return date.fromisoformat(pinned)
        except ValueError:
            raise ClockError(f"SITE_TODAY={pinned!r}: phải là ngày dạng YYYY-MM-DD") from None
    return built.date()
