"""Read ONE unit workbook into a compact ``UnitResult``; runs inside a worker process.

``read_unit`` never raises: an unreadable file, a missing sheet, a bad cell or even a bug in a
reader becomes a ``Problem`` naming the file (and sheet and cell when known), so the batch goes
on past it. The file is read once (hashed with SHA-256 for the 说明 sheet, then parsed by
``icx.io.grid``), and ``_read_book`` hands it to the readers and checkers that own its sheets
(``unit_workbook``, ``duties``, ``evaluation_sheet``): consolidation adds no rules of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from icx.consolidate.counting import exclusion
from icx.consolidate.oversight import read_unit_oversight
from icx.consolidate.records import RiskRow, UnitResult
from icx.core import scoring
from icx.core.basic_evaluation.aggregate import UnitSummary
from icx.core.codes import clean_code
from icx.core.dates import as_date
from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology, default_methodology, load_methodology
from icx.io.basic_evaluation_sheet import evaluate as evaluate_basic
from icx.io.basic_evaluation_sheet import facts_from
from icx.io.duties import check_conflicts
from icx.io.evaluation_sheet import read_evaluation
from icx.io.grid import WorkbookGrid, load_grid
from icx.io.outputs import output_kind
from icx.io.register import RegisterResult
from icx.io.table import text_of
from icx.io.unit_workbook import read_unit_workbook
from icx.io.untrusted import read_within_limit, sha256_of

MAX_PROBLEMS_PER_FILE = 1000
UNIT_FIELDS = ("unit_code", "unit_name", "period")  # keys of the 单位信息 sheet a result keeps


@dataclass(frozen=True)
class WorkerOptions:
    """What every worker needs besides the file; small and picklable."""

    as_of: dt.date
    period: str | None = None
    methodology_file: str | None = None  # fallback for files without their own 参数设置
    record_history: bool = False  # keep what the history store needs besides the summary (--db)


@cache
def fallback_methodology(path: str | None) -> Methodology:
    """The methodology for files that carry none (loaded once per worker process)."""
    return default_methodology() if path is None else load_methodology(path)


def read_unit(path: str | Path, options: WorkerOptions) -> UnitResult:
    """Read, validate and score one unit workbook. Never raises."""
    name = str(path)
    result = UnitResult(file=name)
    try:
        stat = os.stat(name)
        result.size, result.modified = stat.st_size, stat.st_mtime
        # Read once: hashed (说明 lists the hash even of a file that cannot be parsed), then
        # checked and parsed from memory. A file over the size limit is hashed from disk and
        # refused by load_grid.
        data = read_within_limit(name)
        result.sha256 = hashlib.sha256(data).hexdigest() if data is not None else sha256_of(name)
        kind = output_kind(name, data) if data is not None else None
        if kind is not None:  # icx's own output (a summary, a scored copy…): never a submission
            result.skip = "icx_output"
            result.problems.append(
                Problem.of("consolidate_output_skipped", params={"kind": kind}, severity="info", file=name)
            )
            return result
        book = load_grid(name, data=data)
    except IcxError as exc:
        result.problems.extend(exc.problems)
    except OSError as exc:
        result.problems.append(Problem.of("file_unreadable", params={"detail": exc.strerror or str(exc)}, file=name))
    except Exception as exc:  # noqa: BLE001 — a reader bug must not stop the batch
        result.problems.append(_internal(exc, name))
    else:
        result.readable = True
        for sheet, cell, text in book.errors:  # Excel error values, each at its cell
            result.problems.append(
                Problem.of("cell_error_value", given=text, severity="warning", file=name, sheet=sheet, cell=cell)
            )
        register_sheet: str | None = None
        try:
            register_sheet = _read_book(book, name, options, result)
        except Exception as exc:  # noqa: BLE001
            result.problems.append(_internal(exc, name))
        del book  # grids are large; only the compact result leaves this function
        found = exclusion(result.problems, register_sheet)
        if found is not None:
            result.exclusion = found[0]
    if not result.readable:
        found = exclusion(result.problems, None)
        result.exclusion = found[0] if found is not None else "unreadable"
    _cap_problems(result)
    return result


def _cap_problems(result: UnitResult) -> None:
    """Keep memory bounded when one file is broken in every row: the first problems (errors
    first) are kept, the rest counted in one more problem."""
    if len(result.problems) <= MAX_PROBLEMS_PER_FILE:
        return
    ordered = sorted(result.problems, key=lambda p: p.severity != "error")  # stable: file order kept
    kept, dropped = ordered[:MAX_PROBLEMS_PER_FILE], len(ordered) - MAX_PROBLEMS_PER_FILE
    result.problems = kept + [
        Problem.of("consolidate_problems_truncated", params={"count": dropped}, severity="warning", file=result.file)
    ]


def _internal(exc: BaseException, file: str) -> Problem:
    return Problem.of("consolidate_internal_error", params={"detail": f"{type(exc).__name__}: {exc}"}, file=file)


def _read_book(book: WorkbookGrid, file: str, options: WorkerOptions, result: UnitResult) -> str | None:
    """Unit info, the register scored with the workbook's own methodology, the conflicts and
    the self-evaluation, each from the reader that owns its sheets; problems in that order.
    Returns the register's sheet name (None without a register)."""
    workbook = read_unit_workbook(book, fallback_methodology(options.methodology_file))
    m = workbook.methodology
    result.unit_code, result.unit_name, result.period = (workbook.unit.get(k, "") for k in UNIT_FIELDS)
    result.unit_code = clean_code(result.unit_code)  # a zero-width space or full-width letters never make a new unit
    filled = workbook.unit.get("fill_date", "")
    when = as_date(filled)
    result.fill_date = when.isoformat() if when is not None else filled
    result.methodology_name = m.name
    # Scored with its own 参数设置 where that sheet changes the fallback (the settings reader
    # compares the two once per distinct sheet, not once per file).
    result.methodology_custom = workbook.settings is not None and workbook.settings.differs
    result.problems += workbook.problems
    if not result.unit_code and not any(p.field == "unit_code" for p in workbook.problems):
        result.problems.append(Problem.of("consolidate_unit_code_missing", file=file))
    register_sheet = None
    if workbook.register is not None:
        register_sheet = workbook.register.table.sheet
        result.risks = risk_rows(workbook.register, m)
        register = workbook.register
        if register.table.header_row >= 0 and len(register.table.rows.sheet_rows) and not result.risks:
            # Rows were there, none could be scored: the unit has risks icx cannot count.
            result.problems.append(
                Problem.of(
                    "consolidate_register_unscored",
                    params={"rows": len(register.table.rows.sheet_rows)},
                    file=file,
                    sheet=register_sheet,
                )
            )
    # 不相容岗位, the control matrices' posts and the payment log.
    check = check_conflicts(book, file=file, methodology=m)
    result.conflicts, result.conflicts_checked = list(check.conflicts), check.ran
    result.problems += check.problems
    # 自我评价, deadlines checked against as_of, with the shares of the workbook's own 参数设置
    # (already read: no second read, no repeated problems).
    sheet = read_evaluation(book, as_of=options.as_of, file=file, methodology=m, settings=workbook.settings)
    result.problems += sheet.problems
    if sheet.result is not None:  # kept small: the checklist rows and problems are not needed
        result.evaluation = dataclasses.replace(sheet.result, item_rows=[], problems=[])
    # rotation, approval limits, treatment and sign-off: the checks share what was read above
    oversight = read_unit_oversight(
        book, file, m, options.as_of, settings=workbook.settings, register=workbook.register, conflicts=check
    )
    result.problems += oversight.problems
    result.oversight_findings, result.overdue_plans = oversight.findings, oversight.overdue
    result.oversight_checked = oversight.checked
    for risk in result.risks:
        risk.residual_level = oversight.residual.get(risk.id)
    # 基础性评价, its derived answers from what was read above (no sheet is read twice); a workbook
    # without the sheet (an older template) has none, and a warning says so.
    facts = facts_from(
        methodology=m,
        register=workbook.register,
        workbook=workbook,
        book=book,
        conflicts=check,
        evaluation=sheet,
        file=file,
    )
    found = evaluate_basic(book, facts, file=file)
    if found.scorecard is not None:
        result.basic_evaluation = UnitSummary.of(found.scorecard)
    result.problems += found.problems
    if options.record_history:
        from icx.consolidate.history_records import unit_history

        result.history = unit_history(result.unit_code, workbook, check, sheet, m)
    return register_sheet


def risk_rows(register: RegisterResult, m: Methodology) -> list[RiskRow]:
    """The scored rows of a register as plain records, in the unit's rank order."""
    names = {a.code: (a.short_zh or a.name_zh, a.name_en) for a in m.areas}
    rows: list[RiskRow] = []
    for cells in register.scored_rows():
        get = lambda key: _text(cells.get(key))  # noqa: E731
        lk, im = float(cells["likelihood"]), float(cells["impact"])
        area = get("area_code")
        zh, en = names.get(area, (get("area"), get("area")))
        rows.append(
            RiskRow(
                id=get("id"),
                area=area,
                area_zh=zh,
                area_en=en,
                process_step=get("process_step"),
                description=get("description"),
                category=_named(m.category, get("category")),
                likelihood=lk,
                impact=im,
                likelihood_band=scoring.band(lk),
                impact_band=scoring.band(im),
                score=float(cells["score"]),
                level=int(cells["level"]),
                unit_rank=int(cells["rank"]),
                response=_named(m.response, get("response")),
                owner_department=get("owner_department"),
                owner=get("owner"),
                controls=get("controls"),
            )
        )
    rows.sort(key=lambda r: (r.unit_rank, scoring.id_sort_key(r.id)))
    return rows


def _named(lookup: Any, given: str) -> str:
    """The methodology's Chinese name for a category/response as written (kept as written if unknown)."""
    found = lookup(given) if given else None
    return found.name_zh if found else given


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return text_of(value)
