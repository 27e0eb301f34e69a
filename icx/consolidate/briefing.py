"""What the one-page briefing (概览) says, computed from a ``Consolidation``: pure, no workbook.

The rules, as the page states them:
- the ten highest risks: the overall ranking's first ten (score high → low, level, unit, id);
- risks by business area × level: every counted risk once, under its unit's area code;
- units needing attention: units with a 一级 risk, an overdue deficiency or a conflict, ordered
  by 一级 risks, then overdue deficiencies, then conflicts (most first), then self-evaluation
  score (lowest first, none last), then code; the first ``ATTENTION_SHOWN`` are shown;
- rectification progress: deficiencies whose status is 已整改 over all deficiencies found, by
  area (every area) and by unit (the lowest rates first, ``PROGRESS_UNITS_SHOWN`` shown).
"""

from __future__ import annotations

from dataclasses import dataclass

from icx.consolidate.model import Consolidation, RankedRisk
from icx.consolidate.records import UnitResult

TOP_RISKS = 10
ATTENTION_SHOWN = 8
PROGRESS_UNITS_SHOWN = 8


@dataclass(frozen=True)
class Attention:
    unit: UnitResult
    level1: int
    overdue: int
    conflicts: int
    score: float | None


@dataclass(frozen=True)
class Progress:
    key: str  # area code or unit code
    name: str
    done: int
    total: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.done / self.total, 1) if self.total else None


def top_risks(c: Consolidation, n: int = TOP_RISKS) -> list[RankedRisk]:
    return c.ranked[:n]


def area_levels(c: Consolidation) -> dict[str, dict[int, int]]:
    """Area code → level → count, areas in the methodology's order (unknown codes after)."""
    order = {a.code: i for i, a in enumerate(c.methodology.areas)}
    counts: dict[str, dict[int, int]] = {}
    for item in c.ranked:
        row = counts.setdefault(item.risk.area, {lv.level: 0 for lv in c.methodology.risk_levels})
        row[item.risk.level] = row.get(item.risk.level, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def ordered_areas(c: Consolidation, codes: list[str]) -> list[str]:
    """``codes`` once each, in the methodology's area order (codes it does not know after, A→Z)."""
    order = {a.code: i for i, a in enumerate(c.methodology.areas)}
    return sorted(set(codes), key=lambda a: (order.get(a, len(order)), a))


def attention(c: Consolidation) -> list[Attention]:
    """Every unit needing attention, in the page's order (see the module's rules)."""
    out = []
    for u in c.units:
        if not u.readable:
            continue
        a = Attention(
            u,
            u.counts_by_level()[1],
            sum(1 for d in u.open_deficiencies if d.overdue),
            len(u.conflicts),
            u.evaluation_score,
        )
        if a.level1 or a.overdue or a.conflicts:
            out.append(a)
    return sorted(
        out,
        key=lambda a: (
            -a.level1,
            -a.overdue,
            -a.conflicts,
            a.score if a.score is not None else float("inf"),
            a.unit.unit_code,
        ),
    )


def progress_by_area(c: Consolidation, names: dict[str, str]) -> list[Progress]:
    order = {a.code: i for i, a in enumerate(c.methodology.areas)}
    done: dict[str, int] = {}
    total: dict[str, int] = {}
    for u in c.units:
        for d in u.deficiencies:
            total[d.area] = total.get(d.area, 0) + 1
            done[d.area] = done.get(d.area, 0) + (not d.open)
    areas = sorted(total, key=lambda a: (order.get(a, len(order)), a))
    return [Progress(a, names.get(a, a), done[a], total[a]) for a in areas]


def progress_by_unit(c: Consolidation) -> list[Progress]:
    """Units with deficiencies, lowest completion rate first (then code)."""
    rows = [
        Progress(u.unit_code, u.unit_name, sum(1 for d in u.deficiencies if not d.open), len(u.deficiencies))
        for u in c.units
        if u.readable and u.deficiencies
    ]
    return sorted(rows, key=lambda p: (p.rate, p.key))


def overall_progress(c: Consolidation) -> Progress:
    found = [d for u in c.units for d in u.deficiencies]
    return Progress("", "", sum(1 for d in found if not d.open), len(found))


def period_and_source(c: Consolidation) -> tuple[str, str]:
    """The period shown and where it came from (never blank): --period, else the one period all
    counted units' files state, else none (said so)."""
    if c.period:
        return c.period, "given"
    periods = {u.period.strip() for u in c.units if u.readable and u.period and u.period.strip()}
    if len(periods) == 1:
        return periods.pop(), "units"
    if periods:
        return "、".join(sorted(periods)), "mixed"
    return "", "none"
