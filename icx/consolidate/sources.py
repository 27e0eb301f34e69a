"""The seam between consolidation and the workbook readers of ``icx.io``.

One function, ``read``, turns a loaded unit workbook into ``UnitContents``: unit info, the
methodology it is scored with, the scored register, conflicts, evaluation and deficiencies.
Everything here calls the readers and checkers that own those sheets; consolidation adds no
rules of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from icx.core.conflicts import Conflict
from icx.core.errors import Problem
from icx.core.evaluation import AreaScore, Deficiency
from icx.core.methodology import Methodology
from icx.io.duties import check_conflicts
from icx.io.evaluation_sheet import read_evaluation
from icx.io.grid import WorkbookGrid
from icx.io.settings_sheet import read_settings_from
from icx.io.register import RegisterResult, find_register_sheet, read_register
from icx.io.table import match_header, sheet_names, text_of


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
    problems: list[Problem] = field(default_factory=list)


def read(book: WorkbookGrid, file: str, fallback: Methodology, as_of: dt.date) -> UnitContents:
    unit = UnitContents(methodology=fallback)
    settings = read_settings_from(book, fallback, file=file)
    if settings is not None:
        unit.problems.extend(settings.problems)
        unit.methodology = settings.methodology
        unit.methodology_custom = settings.methodology != fallback
    _unit_info(book, unit)
    grid = find_register_sheet(book)
    if grid is None:
        zh, en = sheet_names("register")
        unit.problems.append(Problem.of("sheet_missing", _sheet=zh, _accepted=en, file=file))
    else:
        unit.register = read_register(grid, unit.methodology, file=file, unit_code=unit.code, unit_name=unit.name)
        unit.problems.extend(unit.register.problems)
    _conflicts(book, file, unit)
    _evaluation(book, file, as_of, unit)
    return unit


def _conflicts(book: WorkbookGrid, file: str, unit: UnitContents) -> None:
    """不相容岗位, control-matrix posts and the payment log, checked by ``icx.io.duties``."""
    check = check_conflicts(book, file=file, methodology=unit.methodology)
    unit.conflicts = list(check.conflicts)
    unit.conflicts_checked = check.ran
    unit.problems.extend(check.problems)


def _evaluation(book: WorkbookGrid, file: str, as_of: dt.date, unit: UnitContents) -> None:
    """The 自我评价 sheet scored by ``icx.io.evaluation_sheet`` (deadlines checked against as_of)."""
    sheet = read_evaluation(book, as_of=as_of, file=file, methodology=unit.methodology)
    unit.problems.extend(sheet.problems)
    if sheet.result is not None:
        unit.evaluation_areas = list(sheet.result.areas)
        unit.evaluation_overall = sheet.result.overall
        unit.partial_factor = sheet.result.partial_factor
        unit.deficiencies = list(sheet.result.deficiencies)


def _unit_info(book: WorkbookGrid, unit: UnitContents) -> None:
    """Label/value pairs of the 单位信息 sheet (labels matched like column headers)."""
    grid = book.sheet(*sheet_names("unit_info"))
    if grid is None:
        return
    for row in grid.rows[:40]:
        for c in range(len(row) - 1):
            key = match_header(row[c], "unit_info")
            if key and key in ("unit_code", "unit_name", "period", "preparer", "contact", "email"):
                value = text_of(row[c + 1])
                attr = {"unit_code": "code", "unit_name": "name"}.get(key, key)
                if value and not getattr(unit, attr):
                    setattr(unit, attr, value)
