"""What the scores say about a plan: where points were lost, and whether its target was met.

The plan's own logic: aim the tasks at the fields that lost points (điểm bị trừ).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Field, FieldScore, Plan, Site, Task, YearResult


@dataclass(frozen=True)
class FieldGap:
    """One field of the base year: points lost and the plan's tasks aimed at it."""

    field: Field
    points: Decimal | None
    lost: Decimal | None
    tasks: tuple[Task, ...]

    @property
    def uncovered(self) -> bool:
        """Points were lost but the plan has no task for this field."""
        return bool(self.lost) and not self.tasks

    @property
    def untargeted_tasks(self) -> bool:
        """The plan has tasks for a field that lost no points."""
        return self.lost == 0 and bool(self.tasks)


def gaps(plan: Plan) -> list[FieldGap]:
    """Fields of the plan's base year, most points lost first (unknown last, then by field)."""
    return result_gaps(plan.base, plan.tasks)


def result_gaps(result: YearResult, tasks: tuple[Task, ...] = ()) -> list[FieldGap]:
    """Fields of one year's result with the given tasks aimed at each, most points lost first."""
    found = [
        FieldGap(s.field, s.points, s.lost, tuple(t for t in tasks if t.field.id == s.field.id)) for s in result.scores
    ]
    return sorted(found, key=lambda g: (g.lost is None, -(g.lost or 0), g.field.id))


@dataclass(frozen=True)
class FieldChange:
    """One field's points in the base year and in the plan year, each under its own methodology."""

    before: FieldScore | None  # None: the base year's methodology has no field of this number and name
    after: FieldScore

    @property
    def field(self) -> Field:
        return self.after.field

    @property
    def comparable(self) -> bool:
        """Same field with the same maximum in both years: a difference of points means something."""
        return self.before is not None and self.before.field.same_as(self.after.field)

    @property
    def change(self) -> Decimal | None:
        """Points gained (negative: lost); None when unknown or not comparable (khác bộ chỉ số)."""
        if not self.comparable or self.before is None or self.before.points is None or self.after.points is None:
            return None
        return self.after.points - self.before.points


@dataclass(frozen=True)
class TargetOutcome:
    """The plan's target checked against the result of the plan's year, once entered."""

    plan: Plan
    result: YearResult | None  # None until the plan year's result is entered
    target_rank: int | None

    @property
    def known(self) -> bool:
        return self.result is not None and self.result.rank is not None and self.target_rank is not None

    @property
    def met(self) -> bool | None:
        if not self.known:
            return None
        return self.result.rank <= self.target_rank  # type: ignore[union-attr,operator]

    @property
    def margin(self) -> int | None:
        """Ranks better (positive) or worse (negative) than the target."""
        if not self.known:
            return None
        return self.target_rank - self.result.rank  # type: ignore[union-attr,operator]

    def field_changes(self) -> list[FieldChange]:
        """Per field: points in the base year and in the plan year.

        A base-year field of the same number but another name is another field (a new
        methodology reused the number): it is not set against this one, as if it were new.
        """
        if self.result is None:
            return []
        return [FieldChange(_same_field(self.plan.base, s.field), s) for s in self.result.scores]


def _same_field(result: YearResult, field: Field) -> FieldScore | None:
    """The year's score of `field` (same number and name; its maximum may differ), if any."""
    score = result.score(field.id)
    return score if score is not None and score.field.name == field.name else None


def target_outcome(site: Site, plan: Plan) -> TargetOutcome:
    result = next((r for r in site.results if r.year == plan.year), None)
    return TargetOutcome(plan, result, plan.target_rank)
