"""Many units' basic evaluations: each unit's compact summary, the department's averages and the
most common deductions.

The report format has a 主管部门 compute "each indicator's average over the department itself
and its subordinate units, and add them up" (附件3). An indicator partly answered 不适用 in a unit
is put on its full scale first (score × points ÷ applicable points), so a unit without, say,
construction projects neither drags the average down nor is left out of the indicators it has;
a unit for which an indicator is wholly 不适用 is left out of that indicator's average. The sum
of the averages is the department's composite score. (The scaling is icx's reading: the notice's
public copies do not say how 不适用 enters the average.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icx.core.basic_evaluation.scoring import Scorecard
from icx.core.basic_evaluation.system import IndicatorSystem
from icx.core.parsing import round_half_up

AVERAGE_DIGITS = 2


@dataclass(frozen=True)
class UnitSummary:
    """One unit's scorecard in a few numbers (what a consolidation worker sends back)."""

    indicators: tuple[tuple[float, float], ...]  # (score, points 不适用) per indicator, in system order
    score: float
    na_points: float
    converted: float | None
    deductions: tuple[tuple[str, float], ...]  # (criterion id, points deducted)
    answered: int
    unanswered: int
    invalid: int
    overrides: int
    errors: int

    @classmethod
    def of(cls, card: Scorecard) -> UnitSummary:
        return cls(
            indicators=tuple((s.score, s.na_points) for s in card.indicators),
            score=card.score,
            na_points=card.na_points,
            converted=card.converted,
            deductions=tuple((c.id, c.deduction) for c in card.deductions),
            answered=card.answered,
            unanswered=len(card.unanswered),
            invalid=len(card.invalid),
            overrides=len(card.overrides),
            errors=len(card.errors),
        )

    def level_score(self, system: IndicatorSystem, level: str) -> float:
        return sum(s for (s, _), i in zip(self.indicators, system.indicators) if i.level == level)

    def scaled(self, system: IndicatorSystem, position: int) -> float | None:
        """The indicator's score on its full scale; None when it is wholly 不适用."""
        score, na = self.indicators[position]
        points = system.indicators[position].points
        applicable = points - na
        if applicable <= 0:
            return None
        return score if na == 0 else score * points / applicable


@dataclass(frozen=True)
class IndicatorAverage:
    no: int
    points: float
    units: int  # units whose indicator counted (not wholly 不适用)
    average: float | None  # rounded to AVERAGE_DIGITS


@dataclass(frozen=True)
class CommonDeduction:
    criterion: str
    units: int  # units that lost points on it
    points: float  # points lost, all units together


@dataclass(frozen=True)
class Department:
    units: int
    indicators: list[IndicatorAverage]
    composite: float | None  # the sum of the averages (None when an indicator has no unit)
    deductions: list[CommonDeduction]  # most units first


def department(summaries: Sequence[UnitSummary], system: IndicatorSystem) -> Department:
    """Averages per indicator over ``summaries`` and the deductions they share."""
    averages = []
    exact = []
    for position, ind in enumerate(system.indicators):
        values = [v for v in (s.scaled(system, position) for s in summaries) if v is not None]
        mean = sum(values) / len(values) if values else None
        exact.append(mean)
        averages.append(
            IndicatorAverage(
                ind.no, ind.points, len(values), None if mean is None else round_half_up(mean, AVERAGE_DIGITS)
            )
        )
    composite = None
    if summaries and all(m is not None for m in exact):
        composite = round_half_up(sum(m for m in exact if m is not None), AVERAGE_DIGITS)
    return Department(len(summaries), averages, composite, common_deductions(summaries, system))


def common_deductions(summaries: Iterable[UnitSummary], system: IndicatorSystem) -> list[CommonDeduction]:
    """Every criterion some unit lost points on: most units first, then most points, then id order."""
    units: dict[str, int] = {}
    points: dict[str, float] = {}
    for s in summaries:
        for criterion, lost in s.deductions:
            units[criterion] = units.get(criterion, 0) + 1
            points[criterion] = points.get(criterion, 0.0) + lost
    order = {c.id: i for i, c in enumerate(system.criteria)}
    ranked = sorted(units, key=lambda c: (-units[c], -points[c], order.get(c, len(order))))
    return [CommonDeduction(c, units[c], points[c]) for c in ranked]
