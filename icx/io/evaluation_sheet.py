"""Read a unit workbook's 自我评价 sheet and score it (``icx.core.evaluation``).

The shares of weight (符合 1, 基本符合 0.5, 不符合 0 by default) come, in this order, from the
caller (``icx check evaluation --partial``), the workbook's 参数设置 sheet (its 评价结果选项 /
得分比例 table, which the template's 得分 formulas read too), then ``checklist.toml``.
Every problem names the sheet and the cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from icx.core.errors import Problem
from icx.core.evaluation import EvaluationConfig, EvaluationResult, default_config, evaluate
from icx.core.methodology import Methodology, default_methodology
from icx.io.grid import Grid, WorkbookGrid
from icx.io.settings_sheet import SettingsResult, read_settings_from
from icx.io.specs import sheet_names
from icx.io.table import Table, read_table


@dataclass
class EvaluationSheet:
    """What was read from one workbook; ``result`` is None when there is no 自我评价 sheet."""

    result: EvaluationResult | None
    table: Table | None
    config: EvaluationConfig
    problems: list[Problem] = field(default_factory=list)
    factor_source: str = "default"  # 'default', 'settings' (参数设置) or 'caller'
    methodology: Methodology | None = None  # the one whose areas were used

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def find_evaluation_sheet(book: WorkbookGrid) -> Grid | None:
    return book.sheet(*sheet_names("evaluation"))


# Problems of the settings reader that concern the evaluation shares (the rest of 参数设置 is the
# register's business and is reported by whoever scores the register).
SHARE_PROBLEMS = ("settings_result_unknown", "settings_factor_invalid")


def config_from_settings(settings: SettingsResult, config: EvaluationConfig) -> tuple[EvaluationConfig, bool]:
    """``config`` with the 符合 / 基本符合 / 不符合 shares the 参数设置 sheet holds; True when any differs."""
    shares = {}
    for name, share in settings.evaluation_factors.items():
        result = config.result(name)
        if result is not None and result.code != "na" and share is not None:
            shares[result.code] = share
    changed = config.with_factors(full=shares.get("full"), partial=shares.get("partial"), none=shares.get("none"))
    return changed, changed != config


def read_evaluation(
    book: WorkbookGrid,
    *,
    as_of: dt.date,
    file: str | None = None,
    methodology: Methodology | None = None,
    config: EvaluationConfig | None = None,
    settings: SettingsResult | None = None,
) -> EvaluationSheet:
    """Score the 自我评价 sheet of ``book`` as of ``as_of``.

    ``config`` given by the caller wins over the workbook's 参数设置 sheet. A caller that has read
    that sheet already passes ``settings`` (no second read, no repeated problems); otherwise it is
    read here and only its problems about the shares are reported. Without ``methodology`` the
    sheet's own (its areas) is used.
    """
    problems: list[Problem] = []
    source = "caller" if config is not None else "default"
    if settings is None and (config is None or methodology is None):
        settings = read_settings_from(book, methodology, file=file)
        if settings is not None and config is None:
            problems += [p for p in settings.problems if p.code in SHARE_PROBLEMS]
    if config is None:
        config = default_config()
        if settings is not None:
            config, changed = config_from_settings(settings, config)
            source = "settings" if changed else source
    m = methodology or (settings.methodology if settings is not None else None) or default_methodology()
    grid = find_evaluation_sheet(book)
    if grid is None:
        zh, en = sheet_names("evaluation")
        problems.append(Problem.of("sheet_missing", params={"sheet": zh, "accepted": en}, file=file))
        return EvaluationSheet(None, None, config, problems, source, m)
    table = read_table(grid, "evaluation", file=file)
    problems += table.problems
    if table.header_row < 0:
        return EvaluationSheet(None, table, config, problems, source, m)
    rows = table.rows.with_column(
        "source",
        [
            f"{table.sheet}!{table.cell(r, 'item_id')}" if "item_id" in table.columns else table.sheet
            for r in table.rows.sheet_rows
        ],
    )
    result = evaluate(rows, as_of, config, m)
    located = [table.locate(p, file) for p in result.problems]
    result.problems = located
    return EvaluationSheet(result, table, config, problems + located, source, m)
