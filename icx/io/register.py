"""Read a risk register sheet (风险清单) into scored risks, reporting every bad cell.

Works on the standard template's sheet and on plain hand-made tables alike: it only needs the
headers (see ``icx.io.table``). Likelihood and impact come from the assessors' columns
(averaged), else from single likelihood/impact columns; a loss-amount column raises the impact
when it is worse (the worst dimension wins). Scores and levels are always recomputed; a stored
score or level that disagrees is reported as a warning (a finding for the committee).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from icx.core import scoring
from icx.core.errors import Problem, field_meaning
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.core.parsing import as_number
from icx.core.risk import Assessment, Risk, RiskRegister
from icx.io.grid import Grid, WorkbookGrid, cell_ref
from icx.io.specs import sheet_names
from icx.io.table import Table, assessor_numbers, read_table, text_of

if TYPE_CHECKING:  # pandas is imported where frames are built: the readers run without it
    import pandas as pd

CONTROL_SEPARATORS = r"[;；,，、\n]+"
NAN = float("nan")
SCORED = ("likelihood", "impact", "score", "level", "rank")


@dataclass
class RegisterResult:
    """What was read from one register sheet.

    ``scored`` holds, per table row (``table.rows`` order), the recomputed likelihood, impact,
    score, level and rank (None where the row could not be scored) and the area code.
    """

    table: Table
    problems: list[Problem] = field(default_factory=list)
    scored: dict[str, list[Any]] = field(default_factory=dict)
    methodology: Methodology | None = None
    unit_code: str = ""
    unit_name: str = ""
    # Per-assessor scores (assessor number → per table row), for the Risk models.
    assessors: tuple[dict[int, list[float]], dict[int, list[float]]] = ({}, {})

    @cached_property
    def register(self) -> RiskRegister:
        """The scored rows as validated ``Risk`` models (built on first use: a batch reading
        thousands of registers only needs the plain rows)."""
        m = self.methodology or default_methodology()
        risks = _risks(self.table, self.scored, *self.assessors) if self.scored else ()
        return RiskRegister(risks=risks, methodology=m, unit_code=self.unit_code, unit_name=self.unit_name)

    def levels_by_id(self) -> dict[str, int]:
        """Risk id → recomputed level, for the scored rows."""
        if not self.scored:
            return {}
        return {
            text_of(risk_id): level
            for risk_id, level in zip(self.table.rows.column("id"), self.scored["level"])
            if level is not None
        }

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def bad_rows(self) -> set[int]:
        return {int(p.row) for p in self.errors if p.row is not None}

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Indexed by sheet row: the sheet's cells plus likelihood, impact, score, level, rank and
        area_code (built on first use; the readers themselves work on plain rows)."""
        import numpy as np
        import pandas as pd

        frame = self.table.frame.copy()
        if not self.scored:
            return frame
        for key in SCORED:
            values = self.scored[key]
            if key in ("level", "rank"):
                frame[key] = pd.array(values, dtype="Int64")
            else:
                frame[key] = pd.Series([np.nan if v is None else v for v in values], index=frame.index, dtype=float)
        frame["area_code"] = pd.Series(self.scored["area_code"], index=frame.index, dtype=object)
        return frame

    def scored_rows(self) -> list[dict[str, Any]]:
        """The rows that got a score: the sheet's cells with the recomputed columns laid over."""
        if not self.scored:
            return []
        out = []
        for i, (r, cells) in enumerate(self.table.rows.items()):
            if self.scored["score"][i] is not None:
                cells.update({k: column[i] for k, column in self.scored.items()})
                cells["row"] = r
                out.append(cells)
        return out


def find_register_sheet(book: WorkbookGrid) -> Grid | None:
    """The 风险清单 sheet; else the first sheet whose header holds every required register column;
    else the sheet whose header holds most of them (at least two required ones), so that its
    missing columns are reported where the register evidently is. Sheets icx writes from a
    register (风险识别排序表) never stand in for it, nor do sheets that share only a column or two
    with it (a control matrix's 业务环节, 风险等级). None when no sheet looks like a register."""
    zh, en = sheet_names("register")
    grid = book.sheet(zh, en, "register", "risks")
    if grid is not None or not book.sheets:
        return grid
    from icx.io.specs import columns
    from icx.io.table import find_header

    required = {s.key for s in columns("register") if s.required}
    derived = {normalize_word(n) for n in sheet_names("ranking")}
    best: tuple[int, int, Grid] | None = None
    for name, candidate in book.sheets.items():
        if normalize_word(name) in derived:
            continue
        found = find_header(candidate, "register")
        if found is None:
            continue
        if required <= found[1].keys():
            return candidate
        score = (len(required & found[1].keys()), len(found[1]))
        if score[0] >= 2 and (best is None or score > best[:2]):
            best = (*score, candidate)
    return best[2] if best is not None else None


def register_not_found(book: WorkbookGrid, file: str | None) -> Problem:
    """The problem for a workbook holding no register: what was looked for, and where."""
    from icx.io.specs import columns

    zh, en = sheet_names("register")
    return Problem.of(
        "register_not_found",
        params={
            "sheet": zh,
            "sheet_en": en,
            "headers": "、".join(s.zh for s in columns("register") if s.required),
            "sheets": "、".join(book.sheets) or "—",
        },
        file=file,
    )


SCORE_KEYS_SINGLE = ("likelihood", "impact", "loss_amount")


def _merged_scores(table: Table, grid: Grid, file: str | None) -> list[Problem]:
    """Score cells that got their value from a merged range spanning data rows: the value is
    taken back out (blank) and each such cell is an error of its row, never a silent copy.
    (Area, owner and other text columns keep the merged value: ``icx.io.grid.fill_merged``.)"""
    if not grid.filled:
        return []
    rows = table.rows
    keys = [k for k in rows.columns if k in SCORE_KEYS_SINGLE or k.startswith(("likelihood_", "impact_"))]
    problems: list[Problem] = []
    for key in keys:
        col = table.columns.get(key)
        if col is None:
            continue
        j = rows.columns.index(key)
        for i, r in enumerate(rows.sheet_rows):
            if (r - 1, col) in grid.filled and rows.values[i][j] is not None:
                rows.values[i][j] = None
                merged = _merge_range(grid, r - 1, col)
                problems.append(
                    table.locate(
                        Problem.of("score_cell_merged", params={"range": merged}, row=r, field=key),
                        file,
                    )
                )
    return problems


def _merge_range(grid: Grid, r: int, c: int) -> str:
    """The rows of the merged range through (r, c) in column c: 'E2:E4'."""
    top, bottom = r, r
    while top > 0 and (top, c) in grid.filled:
        top -= 1
    while (bottom + 1, c) in grid.filled:
        bottom += 1
    return f"{cell_ref(top, c)}:{cell_ref(bottom, c)}"


def _cell_problem(reading: Any, value: Any, r: int, key: str) -> Problem:
    """The problem of a refused score cell: its code, and the message saying what to write."""
    return Problem.of(reading.code, message=reading.message, params=reading.params, given=value, row=r, field=key)


def _assessor_columns(
    table: Table, prefix: str, kind: str, m: Methodology, file: str | None
) -> tuple[dict[int, list[float]], list[Problem], set[int]]:
    """Every assessor column of one kind parsed: assessor number → scores (NaN where blank/bad),
    the problems, and the positions of the rows where some assessor wrote something."""
    parsed: dict[int, list[float]] = {}
    problems: list[Problem] = []
    written: set[int] = set()
    index = table.rows.sheet_rows
    for n in assessor_numbers(table, prefix):
        key = f"{prefix}{n}"
        cells = table.rows.column(key)
        results = scoring.parse_cells(kind, cells, m)
        parsed[n] = [NAN if reading.score is None else reading.score for reading in results]
        for i, (r, value, reading) in enumerate(zip(index, cells, results)):
            if reading.code is not None:
                problems.append(table.locate(_cell_problem(reading, value, r, key), file))
            if not reading.blank:
                written.add(i)
    return parsed, problems, written


def read_register(
    grid: Grid,
    methodology: Methodology | None = None,
    *,
    file: str | None = None,
    unit_code: str = "",
    unit_name: str = "",
) -> RegisterResult:
    """Read, validate and score one register sheet. Never raises for bad cells."""
    m = methodology or default_methodology()
    table = read_table(grid, "register", file=file)
    problems = list(table.problems)
    if table.header_row < 0:
        return RegisterResult(table, problems, methodology=m, unit_code=unit_code, unit_name=unit_name)
    rows = table.rows
    if not len(rows.sheet_rows):
        problems.append(Problem.of("register_empty", file=file, sheet=grid.name))
        return RegisterResult(table, problems, methodology=m, unit_code=unit_code, unit_name=unit_name)

    problems += _merged_scores(table, grid, file)  # before the rows with errors are counted
    likelihoods, found, lk_written = _assessor_columns(table, "likelihood_", "likelihood", m, file)
    problems += found
    impacts, found, im_written = _assessor_columns(table, "impact_", "impact", m, file)
    problems += found
    bad = {int(p.row) for p in problems if p.row is not None and p.severity == "error"}

    lk = _combine(table, likelihoods, lk_written, "likelihood", m, file, problems, bad)
    im = _combine(table, impacts, im_written, "impact", m, file, problems, bad)
    if "loss_amount" in rows:
        cells = rows.column("loss_amount")
        for i, (r, value, reading) in enumerate(zip(rows.sheet_rows, cells, scoring.parse_cells("amount", cells, m))):
            score = reading.score
            if reading.code is not None:
                problems.append(table.locate(_cell_problem(reading, value, r, "loss_amount"), file))
                bad.add(r)
            elif score is not None and not score <= im[i]:  # the worse of the two; NaN never wins
                im[i] = score

    areas = _areas(table, m, file, problems, bad)
    _required(table, file, problems, bad)
    if any(p.code == "column_missing" for p in table.problems):
        bad.update(rows.sheet_rows)  # a risk without its id, area or description cannot be counted
    ids = [text_of(v) for v in rows.column("id")]
    _duplicates(table, ids, file, problems, bad)

    ok = [r not in bad and lk[i] == lk[i] and im[i] == im[i] for i, r in enumerate(rows.sheet_rows)]
    scored: dict[str, list[Any]] = {
        "likelihood": [lk[i] if good else None for i, good in enumerate(ok)],
        "impact": [im[i] if good else None for i, good in enumerate(ok)],
    }
    scored["score"] = [
        scoring.risk_score(a, b) if good else None for a, b, good in zip(scored["likelihood"], scored["impact"], ok)
    ]
    scored["level"] = [
        scoring.risk_level(a, b, m) if good else None for a, b, good in zip(scored["likelihood"], scored["impact"], ok)
    ]
    scored["rank"] = _ranks(ids, scored["score"], scored["level"])
    scored["area_code"] = areas
    problems += _stored_differences(table, scored, m, file)

    return RegisterResult(table, problems, scored, m, unit_code, unit_name, (likelihoods, impacts))


def _ranks(ids: list[str], scores: list[float | None], levels: list[int | None]) -> list[int | None]:
    """Competition ranks of the scored rows (``scoring.rank``); None for the others."""
    scored = [i for i, s in enumerate(scores) if s is not None]
    ranks = scoring.rank([ids[i] for i in scored], [scores[i] for i in scored], [levels[i] for i in scored])
    out: list[int | None] = [None] * len(scores)
    for i, rank in zip(scored, ranks):
        out[i] = rank
    return out


def _combine(
    table: Table,
    per_assessor: dict[int, list[float]],
    written: set[int],
    key: str,
    m: Methodology,
    file: str | None,
    problems: list[Problem],
    bad: set[int],
) -> list[float]:
    """Assessors' mean where they scored, else the single column (only on rows where no assessor
    wrote anything); missing → one problem naming the column's meaning."""
    rows = table.rows
    mean = []
    for i in range(len(rows)):
        given = [column[i] for column in per_assessor.values() if column[i] == column[i]]
        total = 0.0
        for value in given:  # in sheet order, as a spreadsheet's AVERAGE adds them
            total += value
        mean.append(total / len(given) if given else NAN)
    use_single = [i for i, value in enumerate(mean) if value != value and i not in written]
    if key in rows and use_single:
        # The single column is a formula in the template (the mean); it is only read, and its
        # problems only reported, on rows where no assessor scored.
        cells = rows.column(key)
        values = [cells[i] for i in use_single]
        for i, value, reading in zip(use_single, values, scoring.parse_cells(key, values, m)):
            mean[i] = NAN if reading.score is None else reading.score
            if reading.code is not None:
                r = rows.sheet_rows[i]
                problems.append(table.locate(_cell_problem(reading, value, r, key), file))
                bad.add(r)
    numbers = assessor_numbers(table, key + "_")
    where = f"{key}_{numbers[0]}" if numbers else key
    for i, r in enumerate(rows.sheet_rows):
        if mean[i] != mean[i] and r not in bad:
            problems.append(
                table.locate(
                    Problem.of(
                        "no_assessor_scores",
                        params={"column": field_meaning(key)},
                        row=r,
                        field=where if where in table.columns else None,
                    ),
                    file,
                )
            )
            bad.add(r)
    return mean


def _areas(table: Table, m: Methodology, file: str | None, problems: list[Problem], bad: set[int]) -> list[str]:
    rows = table.rows
    if "area" not in rows:
        return [""] * len(rows)
    accepted = "、".join(a.short_zh or a.name_zh for a in m.areas)
    codes = []
    for r, value in zip(rows.sheet_rows, rows.column("area")):
        area = m.area(str(value)) if value is not None else None  # a blank is reported by the required check
        if area is None and value is not None:
            problems.append(
                table.locate(
                    Problem.of("area_invalid", given=value, params={"accepted": accepted}, row=r, field="area"), file
                )
            )
            bad.add(r)
        codes.append(area.code if area is not None else "")
    return codes


def _required(table: Table, file: str | None, problems: list[Problem], bad: set[int]) -> None:
    from icx.io.specs import columns

    rows = table.rows
    for spec in columns("register"):
        if spec.required and spec.key in rows:
            for r, value in zip(rows.sheet_rows, rows.column(spec.key)):
                if value is None:
                    problems.append(
                        table.locate(
                            Problem.of("required_blank", params={"column": spec.zh}, row=r, field=spec.key), file
                        )
                    )
                    bad.add(r)


def _duplicates(table: Table, ids: list[str], file: str | None, problems: list[Problem], bad: set[int]) -> None:
    first: dict[str, int] = {}
    for r, risk_id in zip(table.rows.sheet_rows, ids):
        if not risk_id:
            continue
        if risk_id in first:
            where = table.cell(first[risk_id], "id")
            problems.append(
                table.locate(
                    Problem.of("duplicate_id", given=risk_id, params={"first": where}, row=r, field="id"), file
                )
            )
            bad.add(r)
        else:
            first[risk_id] = r


def _stored_differences(table: Table, scored: dict[str, list[Any]], m: Methodology, file: str | None) -> list[Problem]:
    """Warnings where the sheet's own score/level disagree with the recomputed ones."""
    out: list[Problem] = []
    rows = table.rows
    for key, what in (("score", "风险评分/score"), ("level", "风险等级/level")):
        if key not in rows:
            continue
        for r, stored, computed in zip(rows.sheet_rows, rows.column(key), scored[key]):
            if stored is None or computed is None:
                continue
            value = _stored_level(stored, m) if key == "level" else as_number(stored)
            if value is None or abs(float(value) - float(computed)) > 1e-6:
                shown = m.level_name(int(computed)) if key == "level" else f"{float(computed):g}"
                out.append(
                    table.locate(
                        Problem.of(
                            "stored_differs",
                            params={"what": what, "stored": text_of(stored), "computed": shown},
                            severity="warning",
                            row=r,
                            field=key,
                            given=stored,
                        ),
                        file,
                    )
                )
    return out


def _stored_level(value: Any, m: Methodology) -> int | None:
    number = as_number(value)
    if number is not None:
        return int(number) if number in (1.0, 2.0, 3.0) else None
    text = str(value).strip()
    for level in m.risk_levels:
        if text in (level.name_zh, level.name_en, level.name_en.lower()):
            return level.level
    return None


def _risks(
    table: Table, scored: dict[str, list[Any]], likelihoods: dict[int, list[float]], impacts: dict[int, list[float]]
) -> tuple[Risk, ...]:
    """Risk models for the scored rows."""
    numbers = sorted(set(likelihoods) | set(impacts))
    out = []
    for i, (_, row) in enumerate(table.rows.items()):
        if scored["score"][i] is None:
            continue
        assessments = []
        for n in numbers:
            l_value = _opt(likelihoods[n][i]) if n in likelihoods else None
            i_value = _opt(impacts[n][i]) if n in impacts else None
            if l_value is not None or i_value is not None:
                assessments.append(Assessment(assessor=str(n), likelihood=l_value, impact=i_value))
        get = lambda key: _text(row.get(key))  # noqa: E731
        controls = tuple(c for c in re.split(CONTROL_SEPARATORS, get("controls")) if c.strip())
        out.append(
            Risk(
                id=text_of(row.get("id")),
                area=scored["area_code"][i],
                process_step=get("process_step"),
                description=get("description"),
                category=get("category"),
                cause=get("cause"),
                assessments=tuple(assessments),
                likelihood=float(scored["likelihood"][i]),
                impact=float(scored["impact"][i]),
                score=float(scored["score"][i]),
                level=int(scored["level"][i]),
                response=get("response"),
                owner_department=get("owner_department"),
                owner=get("owner"),
                controls=controls,
                evidence=get("evidence"),
                residual_likelihood=_residual(row.get("residual_likelihood")),
                residual_impact=_residual(row.get("residual_impact")),
            )
        )
    return tuple(out)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else text_of(value)


def _opt(value: float) -> float | None:
    return None if value is None or value != value else float(value)


def _residual(value: Any) -> float | None:
    number = as_number(value)
    return number if number is not None and 1 <= number <= 5 else None
