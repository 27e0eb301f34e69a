"""The seam between consolidation and the workbook readers of ``icx.io``.

One function, ``read``, turns a loaded unit workbook into ``UnitContents``: unit info, the
methodology it is scored with (its own 参数设置), the scored register, the conflicts and the
self-evaluation. Everything here calls the readers and checkers that own those sheets
(``unit_workbook``, ``duties``, ``evaluation_sheet``); consolidation adds no rules of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from icx.core.basic_evaluation.aggregate import UnitSummary
from icx.core.conflicts import Conflict
from icx.core.errors import Problem
from icx.core.evaluation import AreaScore, Deficiency
from icx.core.methodology import Methodology
from icx.io.basic_evaluation_sheet import evaluate, facts_from
from icx.io.duties import ConflictCheck, check_conflicts
from icx.io.evaluation_sheet import EvaluationSheet, read_evaluation
from icx.io.grid import WorkbookGrid
from icx.io.register import RegisterResult
from icx.io.unit_workbook import UnitWorkbook, read_unit_workbook


@dataclass
class UnitContents:
    code: str = ""
    name: str = ""
    period: str = ""
    preparer: str = ""
    contact: str = ""
    email: str = ""
    methodology: Methodology | None = None  # type: ignore[assignment]
    methodology_custom: bool = False
    register: RegisterResult | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    conflicts_checked: bool = False
    evaluation_areas: list[AreaScore] = field(default_factory=list)
    evaluation_overall: AreaScore | None = None
    partial_factor: float | None = None
    deficiencies: list[Deficiency] = field(default_factory=list)
    basic_evaluation: UnitSummary | None = None
    problems: list[Problem] = field(default_factory=list)


def read(book: WorkbookGrid, file: str, fallback: Methodology, as_of: dt.date) -> UnitContents:
    """Everything consolidation needs from one workbook; ``fallback`` is the methodology for a
    workbook without its own 参数设置."""
    workbook = read_unit_workbook(book, fallback)
    info = workbook.unit
    unit = UnitContents(
        code=info.get("unit_code", ""),
        name=info.get("unit_name", ""),
        period=info.get("period", ""),
        preparer=info.get("preparer", ""),
        contact=info.get("contact", ""),
        email=info.get("email", ""),
        methodology=workbook.methodology,
        # Scored with its own 参数设置 where that sheet changes the fallback (the settings reader
        # compares the two once per distinct sheet, not once per file).
        methodology_custom=workbook.settings is not None and workbook.settings.differs,
        register=workbook.register,
        problems=list(workbook.problems),
    )
    if not unit.code and not any(p.field == "unit_code" for p in unit.problems):
        unit.problems.append(Problem.of("consolidate_unit_code_missing", file=file))
    check = _conflicts(book, file, unit)
    sheet = _evaluation(book, file, as_of, workbook, unit)
    _basic_evaluation(book, file, workbook, check, sheet, unit)
    return unit


def _conflicts(book: WorkbookGrid, file: str, unit: UnitContents) -> ConflictCheck:
    """不相容岗位, control-matrix posts and the payment log, checked by ``icx.io.duties``."""
    check = check_conflicts(book, file=file, methodology=unit.methodology)
    unit.conflicts = list(check.conflicts)
    unit.conflicts_checked = check.ran
    unit.problems.extend(check.problems)
    return check


def _evaluation(
    book: WorkbookGrid, file: str, as_of: dt.date, workbook: UnitWorkbook, unit: UnitContents
) -> EvaluationSheet:
    """The 自我评价 sheet scored by ``icx.io.evaluation_sheet`` (deadlines checked against as_of),
    with the shares of the workbook's own 参数设置 (already read: no second read, no repeats)."""
    sheet = read_evaluation(book, as_of=as_of, file=file, methodology=unit.methodology, settings=workbook.settings)
    unit.problems.extend(sheet.problems)
    if sheet.result is not None:
        unit.evaluation_areas = list(sheet.result.areas)
        unit.evaluation_overall = sheet.result.overall
        unit.partial_factor = sheet.result.partial_factor
        unit.deficiencies = list(sheet.result.deficiencies)
    return sheet


def _basic_evaluation(
    book: WorkbookGrid,
    file: str,
    workbook: UnitWorkbook,
    check: ConflictCheck,
    sheet: EvaluationSheet,
    unit: UnitContents,
) -> None:
    """The 基础性评价 sheet scored by ``icx.io.basic_evaluation_sheet``, its answers derived from the
    results read above (no sheet is read twice). A workbook without the sheet (an older template)
    has none, and a warning says so."""
    facts = facts_from(
        methodology=workbook.methodology,
        register=workbook.register,
        workbook=workbook,
        book=book,
        conflicts=check,
        evaluation=sheet,
        file=file,
    )
    found = evaluate(book, facts, file=file)
    if found.scorecard is not None:
        unit.basic_evaluation = UnitSummary.of(found.scorecard)
    unit.problems.extend(found.problems)
