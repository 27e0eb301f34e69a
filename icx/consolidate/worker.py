"""Read ONE unit workbook into a compact ``UnitResult``; runs inside a worker process.

``read_unit`` never raises: an unreadable file, a missing sheet, a bad cell or even a bug in a
reader becomes a ``Problem`` naming the file (and sheet and cell when known), so the batch goes
on past it. The file is opened read-only, parsed once (python-calamine) and hashed (SHA-256)
for the 说明 sheet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from icx.consolidate import sources
from icx.consolidate.records import RiskRow, UnitResult
from icx.core import scoring
from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology, default_methodology, load_methodology
from icx.io.grid import WorkbookGrid, load_grid
from icx.io.register import RegisterResult
from icx.io.table import text_of
from icx.io.untrusted import read_within_limit, sha256_of

MAX_PROBLEMS_PER_FILE = 1000


@dataclass(frozen=True)
class WorkerOptions:
    """What every worker needs besides the file; small and picklable."""

    as_of: dt.date
    period: str | None = None
    methodology_file: str | None = None  # fallback for files without their own 参数设置


@cache
def fallback_methodology(path: str | None) -> Methodology:
    """The methodology for files that carry none (loaded once per worker process)."""
    return default_methodology() if path is None else load_methodology(path)


def read_unit(path: str | Path, options: WorkerOptions) -> UnitResult:
    """Read, validate and score one unit workbook. Never raises."""
    started = time.perf_counter()
    name = str(path)
    result = UnitResult(file=name, as_of=options.as_of)
    try:
        result.size = os.stat(name).st_size
        # Read once: hashed (说明 lists the hash even of a file that cannot be parsed), then
        # checked and parsed from memory. A file over the size limit is hashed from disk and
        # refused by load_grid.
        data = read_within_limit(name)
        result.sha256 = hashlib.sha256(data).hexdigest() if data is not None else sha256_of(name)
        book = load_grid(name, data=data)
    except IcxError as exc:
        result.problems.extend(exc.problems)
    except OSError as exc:
        result.problems.append(Problem.of("file_unreadable", params={"detail": exc.strerror or str(exc)}, file=name))
    except Exception as exc:  # noqa: BLE001 — a reader bug must not stop the batch
        result.problems.append(_internal(exc, name))
    else:
        result.readable = True
        try:
            _read_book(book, name, options, result)
        except Exception as exc:  # noqa: BLE001
            result.problems.append(_internal(exc, name))
        del book  # grids are large; only the compact result leaves this function
    _check_period(result, options)
    _cap_problems(result)
    result.seconds = time.perf_counter() - started
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


def _check_period(result: UnitResult, options: WorkerOptions) -> None:
    if options.period and result.period and result.period != options.period:
        result.problems.append(
            Problem.of(
                "consolidate_period_differs",
                params={"given": result.period, "period": options.period},
                severity="warning",
                file=result.file,
            )
        )


def _read_book(book: WorkbookGrid, file: str, options: WorkerOptions, result: UnitResult) -> None:
    unit = sources.read(book, file, fallback_methodology(options.methodology_file), options.as_of)
    result.unit_code, result.unit_name = unit.code, unit.name
    result.period, result.preparer, result.contact, result.email = unit.period, unit.preparer, unit.contact, unit.email
    result.methodology_name = unit.methodology.name
    result.methodology_custom = unit.methodology_custom
    result.problems.extend(unit.problems)
    if unit.register is not None:
        result.risks = risk_rows(unit.register, unit.methodology)
    result.conflicts, result.conflicts_checked = unit.conflicts, unit.conflicts_checked
    result.evaluation_areas, result.evaluation_overall = unit.evaluation_areas, unit.evaluation_overall
    result.partial_factor = unit.partial_factor
    result.deficiencies = unit.deficiencies


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
