"""Read a unit workbook's 自我评价 sheet and score it (``icx.core.evaluation``).

The 基本符合 factor comes, in this order, from the caller (``icx check evaluation --partial``),
the workbook's 参数设置 sheet (its 评价结果选项 / 得分比例 table), then ``checklist.toml``.
Every problem names the sheet and the cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from icx.core.errors import Problem
from icx.core.evaluation import EvaluationConfig, EvaluationResult, default_config, evaluate
from icx.core.methodology import Methodology, default_methodology
from icx.core.parsing import as_number, as_percent, is_blank
from icx.io.grid import Grid, WorkbookGrid
from icx.io.table import Table, read_table, sheet_names


@dataclass
class EvaluationSheet:
    """What was read from one workbook; ``result`` is None when there is no 自我评价 sheet."""

    result: EvaluationResult | None
    table: Table | None
    config: EvaluationConfig
    problems: list[Problem] = field(default_factory=list)
    factor_source: str = "default"  # 'default', 'settings' (参数设置) or 'caller'

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def find_evaluation_sheet(book: WorkbookGrid) -> Grid | None:
    return book.sheet(*sheet_names("evaluation"))


def settings_partial_factor(book: WorkbookGrid, config: EvaluationConfig, file: str | None = None
                            ) -> tuple[float | None, list[Problem]]:
    """The 基本符合 share of weight set on the 参数设置 sheet, if the sheet has the results table.

    Only that share may differ from the defaults (符合 = 1 and 不符合 = 0 by definition); a changed
    符合/不符合 share is reported and ignored.
    """
    grid = book.sheet(*sheet_names("settings"))
    if grid is None:
        return None, []
    table = read_table(grid, "settings_results", file=file)
    if table.header_row < 0 or "factor" not in table.columns:
        return None, []
    factor, problems = None, []
    fixed = {"full": 1.0, "none": 0.0}
    for r, row in table.frame.iterrows():
        result = config.result(row.get("result")) if not is_blank(row.get("result")) else None
        if result is None or result.code == "na":
            continue  # rows of another table below, or 不适用 (no share)
        value = row.get("factor")
        share = as_percent(value)
        share = as_number(value) if share is None else share
        where = {"row": int(r), "field": "factor"}
        if share is None or not 0 <= share <= 1:
            problems.append(table.locate(Problem.of("evaluation_factor_invalid", given=value, severity="warning", **where), file))
        elif result.code in fixed:
            if abs(share - fixed[result.code]) > 1e-9:
                problems.append(table.locate(Problem.of("evaluation_factor_fixed", given=value, severity="warning", **where), file))
        elif factor is None:
            factor = share
    return factor, problems


def read_evaluation(book: WorkbookGrid, *, as_of: dt.date, file: str | None = None,
                    methodology: Methodology | None = None, config: EvaluationConfig | None = None) -> EvaluationSheet:
    """Score the 自我评价 sheet of ``book`` as of ``as_of``. ``config`` given by the caller wins
    over the workbook's 参数设置 sheet."""
    m = methodology or default_methodology()
    problems: list[Problem] = []
    source = "caller" if config is not None else "default"
    if config is None:
        config = default_config()
        factor, found = settings_partial_factor(book, config, file)
        problems += found
        if factor is not None:
            config, source = config.with_partial(factor), "settings"
    grid = find_evaluation_sheet(book)
    if grid is None:
        zh, en = sheet_names("evaluation")
        problems.append(Problem.of("sheet_missing", _sheet=zh, _accepted=en, file=file))
        return EvaluationSheet(None, None, config, problems, source)
    table = read_table(grid, "evaluation", file=file)
    problems += table.problems
    if table.header_row < 0:
        return EvaluationSheet(None, table, config, problems, source)
    frame = table.frame.copy()
    frame["source"] = [f"{table.sheet}!{table.cell(int(r), 'item_id')}" if "item_id" in table.columns else table.sheet
                       for r in frame.index]
    result = evaluate(frame, as_of, config, m)
    located = [table.locate(p, file) for p in result.problems]
    result.problems = located
    return EvaluationSheet(result, table, config, problems + located, source)
