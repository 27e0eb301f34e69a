"""The seam between consolidation and the workbook readers of ``icx.io``.

One function, ``read``, turns a loaded unit workbook into ``UnitContents``: unit info, the
methodology it is scored with, the scored register, conflicts, evaluation and deficiencies.
Everything here calls the readers and checkers that own those sheets; consolidation adds no
rules of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from icx.core.errors import Problem
from icx.core.methodology import Methodology
from icx.consolidate.records import ConflictRow, DeficiencyRow
from icx.io.grid import WorkbookGrid
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
    conflicts: list[ConflictRow] = field(default_factory=list)
    evaluated: bool = False
    evaluation_score: float | None = None
    evaluation_by_area: dict[str, float] = field(default_factory=dict)
    deficiencies: list[DeficiencyRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read(book: WorkbookGrid, file: str, fallback: Methodology, as_of: dt.date) -> UnitContents:
    unit = UnitContents(methodology=fallback)
    _unit_info(book, unit)
    grid = find_register_sheet(book)
    if grid is None:
        zh, en = sheet_names("register")
        unit.problems.append(Problem.of("sheet_missing", _sheet=zh, _accepted=en, file=file))
    else:
        unit.register = read_register(grid, unit.methodology, file=file, unit_code=unit.code, unit_name=unit.name)
        unit.problems.extend(unit.register.problems)
    return unit


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
