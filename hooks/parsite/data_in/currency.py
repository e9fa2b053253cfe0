"""Is the site up to date? Which plan is current, which has ended, which result is awaited.

Worked out from the dates in the data and "today" (Asia/Ho_Chi_Minh, see clock.py), so the
home page never looks abandoned: a plan whose year is over says so, a year's result that
should have been entered is named as awaited, and a reorganisation says who is responsible now.
A draft (dự thảo: a plan not signed yet, `Plan.draft`) is never current, however near its year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .model import Agency, AgencyEvent, Plan, Site


@dataclass(frozen=True)
class Currency:
    """The state of the site's plans and results on `today`."""

    today: date
    current: Plan | None  # the signed plan of today's year
    ended: tuple[Plan, ...]  # signed plans whose year is over, newest first
    upcoming: tuple[Plan, ...]  # signed plans of a later year, issued ahead
    drafts: tuple[Plan, ...]  # plans not signed yet (dự thảo), whatever their year, oldest first
    awaited: tuple[int, ...]  # past years whose result is expected but not entered, oldest first
    responsible: Agency  # the agency by the names in force today
    changes: tuple[AgencyEvent, ...]  # reorganisations in force today, oldest first
    formerly: Agency  # the agency before the first of `changes`

    @property
    def latest_ended(self) -> Plan | None:
        return self.ended[0] if self.ended else None


def currency(site: Site) -> Currency:
    """Which plan is current, which have ended, which results are awaited, on `site.today`."""
    today = site.today
    result_years = {r.year for r in site.results}
    first_result = min(result_years, default=today.year)
    # A year's result is published in the first months of the next year: from then on, the
    # year before today's and every past plan year without a result are awaited.
    # A draft is never current, ended or upcoming: it is not being carried out until it is signed.
    plans = site.issued_plans
    expected = {today.year - 1} | {p.year for p in plans if p.year < today.year}
    awaited = tuple(sorted(y for y in expected if y > first_result and y not in result_years))
    changes = site.agency.changes_until(today)
    first = changes[0].date if changes else today
    return Currency(
        today=today,
        current=next((p for p in plans if p.year == today.year), None),
        ended=tuple(p for p in reversed(plans) if p.end < today),
        upcoming=tuple(p for p in plans if p.year > today.year),
        drafts=tuple(p for p in site.plans if p.draft),
        awaited=awaited,
        responsible=site.agency.at(today),
        changes=changes,
        formerly=site.agency.at(date.fromordinal(first.toordinal() - 1)),
    )
