""" "Today" and the build time, in Vietnam (Asia/Ho_Chi_Minh), pinnable for tests and
reproducible builds; read from the environment once, by parsite.settings.

- SITE_TODAY=YYYY-MM-DD pins today (overdue tasks, reports);
- SOURCE_DATE_EPOCH (seconds) pins the build time shown in the footer and calendars.
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
