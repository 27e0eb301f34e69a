"""Read a risk register sheet (风险清单) into scored risks, reporting every bad cell.

Works on the standard template's sheet and on plain hand-made tables alike: it only needs the
headers (see ``icx.io.table``). Likelihood and impact come from the assessors' columns
(averaged), else from single likelihood/impact columns; a loss-amount column raises the impact
when it is worse (the worst dimension wins). Scores and levels are always recomputed; a stored
score or level that disagrees is reported as a warning (a finding for the committee).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from icx.core import vectorized as vec
from icx.core.errors import Problem
from icx.core.methodology import Methodology, default_methodology, normalize_word
from icx.core.parsing import as_number
from icx.core.risk import Assessment, Risk, RiskRegister
from icx.io.grid import Grid, WorkbookGrid
from icx.io.table import Table, assessor_numbers, read_table, sheet_names, text_of

CONTROL_SEPARATORS = r"[;；,，、\n]+"


@dataclass
class RegisterResult:
    """What was read from one register sheet."""

    register: RiskRegister
    frame: pd.DataFrame  # indexed by sheet row: inputs plus likelihood, impact, score, level, rank
    table: Table
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def bad_rows(self) -> set[int]:
        return {int(p.row) for p in self.errors if p.row is not None}


def find_register_sheet(book: WorkbookGrid) -> Grid | None:
    """The 风险清单 sheet, or the first sheet of a plain workbook whose header holds every required
    register column. Sheets icx writes from a register (风险识别排序表) never stand in for it, nor
    do sheets that only share a column or two (a control matrix's 业务环节, 风险等级)."""
    zh, en = sheet_names("register")
    grid = book.sheet(zh, en, "register", "risks")
    if grid is None and book.sheets:
        from icx.io.table import columns, find_header

        required = {s.key for s in columns("register") if s.required}
        derived = {normalize_word(n) for n in sheet_names("ranking")}
        for name, candidate in book.sheets.items():
            if normalize_word(name) in derived:
                continue
            found = find_header(candidate, "register")
            if found is not None and required <= found[1].keys():
                return candidate
    return grid


def _located(table: Table, problems: Any, file: str | None, field_override: str | None = None) -> list[Problem]:
    out = []
    for p in problems:
        if field_override and p.field != field_override:
            p = p.model_copy(update={"field": field_override})
        out.append(table.locate(p, file))
    return out


def _score_columns(table: Table, prefix: str, parse: Any, m: Methodology, file: str | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every assessor column of one kind; returns rows × assessors and the problems.

    The columns are parsed as one stacked column (one vectorized call instead of one per
    assessor: a small sheet costs little more than its overhead), then split back.
    """
    frame = table.frame
    numbers = assessor_numbers(table, prefix)
    if not numbers:
        return pd.DataFrame(index=frame.index), []
    keys = [f"{prefix}{n}" for n in numbers]
    height = len(frame)
    stacked = pd.Series(np.concatenate([frame[k].to_numpy(dtype=object) for k in keys]), dtype=object)
    checked = parse(stacked, m, blank="skip")
    values = checked.values.to_numpy(dtype=float).reshape(len(keys), height).T
    parsed = pd.DataFrame(values, index=frame.index, columns=numbers)
    problems: list[Problem] = []
    for p in checked.problems:
        column, position = divmod(int(p.row), height)
        problems.append(table.locate(p.model_copy(update={"row": int(frame.index[position]), "field": keys[column]}), file))
    return parsed, problems


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
    frame = table.frame
    if table.header_row < 0:
        empty = RiskRegister(risks=(), methodology=m, unit_code=unit_code, unit_name=unit_name)
        return RegisterResult(empty, frame, table, problems)

    likelihoods, found = _score_columns(table, "likelihood_", vec.likelihood, m, file)
    problems += found
    impacts, found = _score_columns(table, "impact_", vec.impact, m, file)
    problems += found
    bad = {int(p.row) for p in problems if p.row is not None and p.severity == "error"}

    lk = _combine(table, likelihoods, "likelihood", vec.likelihood, m, file, problems, bad)
    im = _combine(table, impacts, "impact", vec.impact, m, file, problems, bad)
    if "loss_amount" in frame:
        money = vec.impact_from_amount(frame["loss_amount"], m, blank="skip")
        problems += _located(table, money.problems, file, "loss_amount")
        bad |= {int(p.row) for p in money.problems}
        im = pd.concat([im, money.values], axis=1).max(axis=1, skipna=True)

    areas = _areas(table, m, file, problems, bad)
    _required(table, file, problems, bad)
    ids = frame["id"].map(text_of) if "id" in frame else pd.Series("", index=frame.index)
    _duplicates(table, ids, file, problems, bad)

    ok = ~frame.index.isin(list(bad)) & lk.notna() & im.notna()
    result = pd.DataFrame(index=frame.index)
    result["id"] = ids
    result["area"] = areas
    result["likelihood"] = lk.where(ok)
    result["impact"] = im.where(ok)
    result["score"] = vec.risk_score(result["likelihood"], result["impact"])
    result["level"] = vec.risk_level(result["likelihood"], result["impact"], m)
    result["rank"] = vec.rank(result["id"], result["score"], result["level"])
    problems += _stored_differences(table, result, m, file)

    risks = _risks(frame[ok], result[ok], likelihoods[ok] if len(likelihoods.columns) else likelihoods,
                   impacts[ok] if len(impacts.columns) else impacts)
    register = RiskRegister(risks=risks, methodology=m, unit_code=unit_code, unit_name=unit_name)
    merged = frame.copy()
    for key in ("likelihood", "impact", "score", "level", "rank"):
        merged[key] = result[key]
    merged["area_code"] = result["area"]
    return RegisterResult(register, merged, table, problems)


def _combine(table: Table, per_assessor: pd.DataFrame, key: str, parse: Any, m: Methodology,
             file: str | None, problems: list[Problem], bad: set[int]) -> pd.Series:
    """Assessors' mean where they scored, else the single column; missing → one problem."""
    frame = table.frame
    mean = per_assessor.mean(axis=1, skipna=True) if not per_assessor.empty else pd.Series(np.nan, index=frame.index)
    use_single = mean.isna()
    if key in frame and use_single.any():
        # The single column is a formula in the template (the mean); it is only read, and its
        # problems only reported, on rows where no assessor scored.
        single = parse(frame.loc[use_single, key], m, blank="skip")
        mean = mean.where(~use_single, single.values.reindex(mean.index))
        relevant = [p for p in single.problems if p.row is not None]
        problems += _located(table, relevant, file, key)
        bad |= {int(p.row) for p in relevant}
    missing = mean.isna() & ~frame.index.isin(list(bad))
    where = f"{key}_{assessor_numbers(table, key + '_')[0]}" if assessor_numbers(table, key + "_") else key
    for r in frame.index[missing]:
        problems.append(table.locate(Problem.of("no_assessor_scores", row=int(r), field=where if where in table.columns else None), file))
        bad.add(int(r))
    return mean.astype(float)


def _areas(table: Table, m: Methodology, file: str | None, problems: list[Problem], bad: set[int]) -> pd.Series:
    frame = table.frame
    if "area" not in frame:
        return pd.Series("", index=frame.index)
    accepted = "、".join(a.short_zh or a.name_zh for a in m.areas)
    codes = {}
    for r, value in frame["area"].items():
        if value is None:
            continue  # reported by the required check
        area = m.area(str(value))
        if area is None:
            problems.append(table.locate(Problem.of("area_invalid", given=value, _accepted=accepted, row=int(r), field="area"), file))
            bad.add(int(r))
        else:
            codes[r] = area.code
    return pd.Series(codes, index=frame.index, dtype=object).fillna("")


def _required(table: Table, file: str | None, problems: list[Problem], bad: set[int]) -> None:
    from icx.io.table import columns

    for spec in columns("register"):
        if spec.required and spec.key in table.frame:
            for r in table.frame.index[table.frame[spec.key].isna()]:
                problems.append(table.locate(Problem.of("required_blank", _column=spec.zh, row=int(r), field=spec.key), file))
                bad.add(int(r))


def _duplicates(table: Table, ids: pd.Series, file: str | None, problems: list[Problem], bad: set[int]) -> None:
    first: dict[str, int] = {}
    for r, risk_id in ids.items():
        if not risk_id:
            continue
        if risk_id in first:
            where = table.cell(first[risk_id], "id")
            problems.append(table.locate(Problem.of("duplicate_id", given=risk_id, _first=where, row=int(r), field="id"), file))
            bad.add(int(r))
        else:
            first[risk_id] = int(r)


def _stored_differences(table: Table, result: pd.DataFrame, m: Methodology, file: str | None) -> list[Problem]:
    """Warnings where the sheet's own score/level disagree with the recomputed ones."""
    out: list[Problem] = []
    frame = table.frame
    for key, what in (("score", "风险评分/score"), ("level", "风险等级/level")):
        if key not in frame:
            continue
        for r, stored in frame[key].items():
            computed = result.at[r, key]
            if stored is None or pd.isna(computed):
                continue
            value = _stored_level(stored, m) if key == "level" else as_number(stored)
            if value is None or abs(float(value) - float(computed)) > 1e-6:
                shown = m.level_name(int(computed)) if key == "level" else f"{float(computed):g}"
                out.append(table.locate(Problem.of("stored_differs", _what=what, _stored=text_of(stored), _computed=shown,
                                                   severity="warning", row=int(r), field=key, given=stored), file))
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


def _risks(rows: pd.DataFrame, computed: pd.DataFrame, likelihoods: pd.DataFrame, impacts: pd.DataFrame) -> tuple[Risk, ...]:
    """Risk models for the scored rows (plain records: iterrows would turn blanks into NaN)."""
    import re

    numbers = sorted(set(likelihoods.columns) | set(impacts.columns))
    lk = {n: likelihoods[n].to_numpy(dtype=float) for n in likelihoods.columns}
    im = {n: impacts[n].to_numpy(dtype=float) for n in impacts.columns}
    out = []
    for i, (row, comp) in enumerate(zip(rows.to_dict("records"), computed.to_dict("records"))):
        assessments = []
        for n in numbers:
            l_value = _opt(lk[n][i]) if n in lk else None
            i_value = _opt(im[n][i]) if n in im else None
            if l_value is not None or i_value is not None:
                assessments.append(Assessment(assessor=str(n), likelihood=l_value, impact=i_value))
        get = lambda key: _text(row.get(key))  # noqa: E731
        controls = tuple(c for c in re.split(CONTROL_SEPARATORS, get("controls")) if c.strip())
        out.append(Risk(
            id=comp["id"],
            area=comp["area"],
            process_step=get("process_step"),
            description=get("description"),
            category=get("category"),
            cause=get("cause"),
            assessments=tuple(assessments),
            likelihood=float(comp["likelihood"]),
            impact=float(comp["impact"]),
            score=float(comp["score"]),
            level=int(comp["level"]),
            response=get("response"),
            owner_department=get("owner_department"),
            owner=get("owner"),
            controls=controls,
            evidence=get("evidence"),
            residual_likelihood=_residual(row.get("residual_likelihood")),
            residual_impact=_residual(row.get("residual_impact")),
        ))
    return tuple(out)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else text_of(value)


def _opt(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _residual(value: Any) -> float | None:
    number = as_number(value)
    return number if number is not None and 1 <= number <= 5 else None
