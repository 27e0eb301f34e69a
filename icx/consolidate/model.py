"""The consolidated result of a batch: units in a fixed order, the overall ranking, the key
figures of the 概览 sheet, units missing from the roster and files sharing a unit code.

Pure data over ``UnitResult`` records; no files. ``build`` is deterministic: the same unit
results in any order give the same ``Consolidation`` (generation time aside).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from icx import i18n
from icx.consolidate import oversight
from icx.consolidate.accounting import NOT_COUNTED, NOT_SUBMITTED, Accounting, account
from icx.consolidate.inputs import Skipped
from icx.consolidate.records import RiskRow, UnitResult
from icx.consolidate.roster import Roster, RosterEntry
from icx.core import scoring
from icx.core.codes import code_key
from icx.core.errors import Problem
from icx.core.history import YearOverYear
from icx.core.methodology import Methodology, default_methodology

FIGURE_KEYS: tuple[str, ...] = tuple(i18n.section("figures"))
GRADE_FIGURES = {
    "major": "deficiencies_major_open",
    "important": "deficiencies_important_open",
    "general": "deficiencies_general_open",
}


@dataclass(slots=True)
class RankedRisk:
    rank: int
    unit: UnitResult
    risk: RiskRow


@dataclass
class Consolidation:
    # The counted units (one file each): the only ones any total, ranking, chart or feedback
    # sees. Every file read, counted or not, is in ``files``; what became of each, in ``accounting``.
    units: list[UnitResult]
    as_of: dt.date
    generated: dt.datetime
    methodology: Methodology
    period: str | None = None
    roster: Roster | None = None
    input_problems: list[Problem] = field(default_factory=list)
    duplicates: dict[str, list[UnitResult]] = field(default_factory=dict)
    missing: list[RosterEntry] = field(default_factory=list)
    ranked: list[RankedRisk] = field(default_factory=list)
    figures: dict[str, int | float | None] = field(default_factory=dict)
    oversight_figures: dict[str, int] = field(default_factory=dict)  # rotation, authority, treatment counts
    # This period against the last recorded one (``icx consolidate --db``), when the store has one.
    year_over_year: YearOverYear | None = None
    files: list[UnitResult] = field(default_factory=list)  # every file read (skipped outputs included)
    accounting: Accounting = field(default_factory=Accounting)
    as_of_given: bool = False  # --as-of given (else the day of the run): the briefing says which

    def problems(self) -> list[Problem]:
        """Every problem: the batch's own first, then each file's (counted units first, by code)."""
        out = list(self.input_problems)
        for unit in self.files or self.units:
            out.extend(unit.problems)
        return out

    def findings(self) -> list[tuple[UnitResult, Problem]]:
        return [(u, p) for u in self.units for p in u.findings]

    @property
    def has_findings(self) -> bool:
        """Anything the office must act on: errors, missing units, conflicts, overdue items."""
        return bool(
            any(p.severity == "error" for p in self.problems())
            or self.accounting.not_counted
            or self.missing
            or self.figures.get("conflicts")
            or self.figures.get("deficiencies_overdue")
            or any(self.oversight_figures.values())
        )


def build(
    units: Iterable[UnitResult],
    *,
    as_of: dt.date,
    roster: Roster | None = None,
    period: str | None = None,
    methodology: Methodology | None = None,
    input_problems: Iterable[Problem] = (),
    generated: dt.datetime | None = None,
    skipped: Iterable[Skipped] = (),
    duplicates: str = "list",
) -> Consolidation:
    """The consolidation of the files read (``units``: one result per file) and those skipped."""
    results = list(units)
    accounting = account(results, skipped=skipped, roster=roster, period=period, duplicates=duplicates)
    counted = sorted(accounting.counted_results, key=lambda u: u.sort_key)
    if roster is not None:
        _flag_not_in_roster(counted, roster)
    counted_files = {u.file for u in counted}
    result = Consolidation(
        units=counted,
        as_of=as_of,
        period=period,
        roster=roster,
        methodology=methodology or default_methodology(),
        generated=generated or dt.datetime.now().replace(microsecond=0),
        input_problems=list(input_problems) + (list(roster.problems) if roster else []),
        files=sorted(results, key=lambda u: (u.file not in counted_files, u.sort_key)),
        accounting=accounting,
    )
    result.duplicates = {
        code: [f.result for f in group if f.result is not None] for code, group in accounting.duplicate_groups().items()
    }
    if roster is not None:
        by_key = {code_key(e.unit_code): e for e in roster.entries}
        result.missing = [by_key[code_key(u.code)] for u in accounting.not_submitted]
    result.ranked = rank_all(counted)
    result.figures = key_figures(result)
    result.oversight_figures = oversight.figures(counted)
    return result


def _flag_not_in_roster(units: list[UnitResult], roster: Roster) -> None:
    codes = roster.codes()
    for unit in units:
        if (
            unit.unit_code
            and code_key(unit.unit_code) not in codes
            and not any(p.code == "consolidate_not_in_roster" for p in unit.problems)
        ):
            unit.problems.append(
                Problem.of(
                    "consolidate_not_in_roster", params={"code": unit.unit_code}, severity="warning", file=unit.file
                )
            )


def rank_all(units: list[UnitResult]) -> list[RankedRisk]:
    """All risks of all units ranked like the 风险识别排序表: score high→low, level 1→3, then
    unit code and risk id; equal keys share a rank."""
    pairs = [(u, r) for u in units for r in u.risks]
    unit_keys = [key for u in units for key in [u.sort_key] * len(u.risks)]  # one per pair
    ranks = scoring.rank(
        [f"{u.unit_code}/{r.id}" for u, r in pairs], [r.score for _, r in pairs], [r.level for _, r in pairs]
    )
    keys = [(k, unit_key, scoring.id_sort_key(r.id)) for k, unit_key, (_, r) in zip(ranks, unit_keys, pairs)]
    return [RankedRisk(ranks[i], *pairs[i]) for i in sorted(range(len(pairs)), key=keys.__getitem__)]


def key_figures(c: Consolidation) -> dict[str, int | float | None]:
    """The 概览 figures (keys of ``icx/data/catalogue/figures.toml``): risks, conflicts and
    evaluation of the counted units only; unit counts from the accounting (roster units, or every
    unit a file names: expected = received + missing)."""
    a = c.accounting
    units = a.roster_units if a.has_roster else a.units
    levels = {1: 0, 2: 0, 3: 0}
    for unit in c.units:
        for level, n in unit.counts_by_level().items():
            levels[level] += n
    open_rows = [d for u in c.units for d in u.open_deficiencies]
    scores = [u.evaluation_score for u in c.units if u.evaluation_score is not None]
    figures: dict[str, int | float | None] = {
        "units_expected": len(units),
        "units_received": sum(1 for u in units if u.status != NOT_SUBMITTED),
        "units_missing": len(a.not_submitted),
        "units_counted": len(c.units),
        "units_not_counted": sum(1 for u in units if u.status == NOT_COUNTED),
        "units_off_roster": len(a.off_roster),
        "files_not_counted": len(a.not_counted),
        "units_with_errors": sum(1 for u in (c.files or c.units) if u.errors and not u.skip),
        "risks_total": sum(levels.values()),
        "risks_level1": levels[1],
        "risks_level2": levels[2],
        "risks_level3": levels[3],
        "conflicts": sum(len(u.conflicts) for u in c.units),
        "evaluation_score": round(math.fsum(scores) / len(scores), 2) if scores else None,
        "deficiencies_open": len(open_rows),
        "deficiencies_overdue": sum(1 for d in open_rows if d.overdue),
    }
    for grade, key in GRADE_FIGURES.items():
        figures[key] = sum(1 for d in open_rows if d.grade == grade)
    missing = set(FIGURE_KEYS) - set(figures)
    if missing:  # a figure added to the catalogue must be computed here too
        raise KeyError(f"key figures not computed: {sorted(missing)}")
    return {k: figures[k] for k in FIGURE_KEYS}


# --- a unit against all units (feedback workbooks) ---------------------------------------------
POSITION_METRICS: tuple[str, ...] = (
    "risks_total",
    "risks_level1",
    "risks_level2",
    "risks_level3",
    "conflicts",
    "evaluation_score",
    "deficiencies_open",
    "deficiencies_overdue",
)
HIGHER_IS_BETTER = {"evaluation_score"}


def unit_metrics(unit: UnitResult) -> dict[str, float | None]:
    levels = unit.counts_by_level()
    open_rows = unit.open_deficiencies
    return {
        "risks_total": sum(levels.values()),
        "risks_level1": levels[1],
        "risks_level2": levels[2],
        "risks_level3": levels[3],
        "conflicts": len(unit.conflicts),
        "evaluation_score": unit.evaluation_score,
        "deficiencies_open": len(open_rows),
        "deficiencies_overdue": sum(1 for d in open_rows if d.overdue),
    }


@dataclass(frozen=True, slots=True)
class Position:
    metric: str
    unit: float | None
    total: float | None
    average: float | None
    rank: int | None  # 1 = most risks / highest score among units that have the figure
    count: int


def positions(c: Consolidation, unit: UnitResult) -> list[Position]:
    """Where ``unit`` stands on each metric among the counted units."""
    readable = list(c.units)
    table = [unit_metrics(u) for u in readable]
    mine = unit_metrics(unit)
    out = []
    for metric in POSITION_METRICS:
        values = [row[metric] for row in table if row[metric] is not None]
        value = mine[metric]
        total = math.fsum(values) if values else None
        average = round(total / len(values), 2) if values else None
        if metric in HIGHER_IS_BETTER:
            total = None  # a sum of percentages means nothing
        rank = 1 + sum(1 for v in values if v > value) if value is not None else None
        out.append(Position(metric, value, total, average, rank, len(values)))
    return out
