"""`icx check basic-evaluation`: the MOF basic evaluation (基础性评价) of one unit workbook.

Registered by ``icx.cli.commands.check`` (so `icx check` loads it with the other checks).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from icx import i18n
from icx.cli.common import (
    EXIT_FINDINGS,
    LangOption,
    MethodologyOption,
    check_lang,
    console,
    fail,
    methodology_from,
    print_problems,
)
from icx.core.basic_evaluation.scoring import Scorecard
from icx.core.basic_evaluation.system import load_system
from icx.core.dates import as_date
from icx.core.errors import IcxError, Problem
from icx.io.basic_evaluation_results import write_checked_copy
from icx.io.basic_evaluation_sheet import evaluate_book
from icx.io.grid import load_grid
from icx.io.unit_workbook import read_unit_info

SystemOption = typer.Option(
    None,
    "--system",
    help="A corrected copy of the indicator file (icx/data/basic_evaluation.toml) to score with.",
    exists=True,
    dir_okay=False,
)


def basic_evaluation(
    workbook: Path = typer.Argument(..., exists=True, dir_okay=False, help="The unit workbook (.xlsx/.xlsm)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date the self-evaluation is read as of (default: today)."),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Where to write the checked copy. Default: NAME.basic-evaluation.xlsx beside the input.",
    ),
    system: Path | None = SystemOption,
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Score the MOF basic evaluation (内部控制基础性评价, 财会〔2016〕11号).

    Reads the 基础性评价 sheet: each criterion answered 是/否/不适用 by the unit, or else by icx
    from the workbook itself (the scored 风险清单, the control matrices, the 不相容岗位 sheet and
    its conflict check, the 自我评价 results). Prints the score of each indicator and level, the
    total, the score converted for 不适用 criteria, and every deduction with its reason; lists
    the derived answers the unit overrode. Writes a copy with icx's derived answers refreshed
    and a 基础性评价结果 sheet.

    Exit status: 0 scored, 1 answers that cannot be scored as given (or no 基础性评价 sheet),
    2 the file could not be read.

    Example:  icx check basic-evaluation 单位内控工作簿.xlsx -o 基础性评价.xlsx
    """
    lang = check_lang(lang)
    day = dt.date.today()
    if as_of is not None:
        day = as_date(as_of)  # type: ignore[assignment]
        if day is None:
            raise typer.BadParameter(f"not a date: {as_of!r} (e.g. 2026-12-31) / 不是日期", param_hint="--as-of")
    from icx.io.scored_copy import copy_target

    target = copy_target(output or workbook.with_name(f"{workbook.stem}.basic-evaluation{workbook.suffix}"))
    if target.resolve() == workbook.resolve():
        fail([Problem.of("check_output_is_input", file=str(workbook))], lang)
    try:
        indicators = load_system(system)
        book = load_grid(workbook)
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    given = methodology_from(methodology) if methodology else None
    found = evaluate_book(book, as_of=day, file=str(workbook), methodology=given, system=indicators)
    unit, _ = read_unit_info(book, str(workbook), [])
    try:
        write_checked_copy(workbook, target, found, found.problems, lang, unit)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems, lang)
    if found.scorecard is not None:
        print_scorecard(found.scorecard, lang)
    console.print(f"输出：{target}" if lang == "zh" else f"Output: {target}")
    if found.problems:
        print_problems(found.problems, lang)
    if found.scorecard is None or found.errors:
        raise typer.Exit(EXIT_FINDINGS)


def print_scorecard(card: Scorecard, lang: str) -> None:
    zh = lang == "zh"
    system = card.system
    table = Table(header_style="bold")
    for key in ("col_indicator", "col_points", "col_score", "col_deducted", "col_na", "col_scaled"):
        table.add_column(i18n.label(f"be_result_{key}", lang))  # type: ignore[arg-type]
    show = lambda v: "—" if v is None else f"{v:g}" if float(v).is_integer() else f"{v:.2f}"  # noqa: E731
    for ind, sub in zip(system.indicators, card.indicators):
        table.add_row(
            ind.label(lang),
            show(sub.points),
            show(sub.score),
            show(sub.deduction),
            show(sub.na_points),
            show(sub.scaled),
        )
    for lv in system.levels:
        sub = card.level(lv.code)
        table.add_row(
            f"[bold]{lv.zh if zh else lv.en}[/]",
            show(sub.points),
            show(sub.score),
            show(sub.deduction),
            show(sub.na_points),
            show(sub.scaled),
        )
    console.print(table)
    converted = show(card.converted)
    if zh:
        console.print(
            f"总分 {show(card.score)}；不适用 {show(card.na_points)} 分；换算后得分 {converted}；"
            f"未作答 {len(card.unanswered)} 项，覆盖icx推导 {len(card.overrides)} 项"
        )
    else:
        console.print(
            f"Total {show(card.score)}; not applicable {show(card.na_points)}; converted {converted}; "
            f"{len(card.unanswered)} unanswered, {len(card.overrides)} overriding icx"
        )
    if card.deductions:
        lost = Table(header_style="bold", title=i18n.label("be_result_col_deducted", lang))  # type: ignore[arg-type]
        for key in ("col_id", "col_deducted", "col_reason", "col_source"):
            lost.add_column(i18n.label(f"be_result_{key}", lang), overflow="fold")  # type: ignore[arg-type]
        for c in card.deductions:
            lost.add_row(
                c.id, show(c.deduction), c.reason(lang), i18n.label(f"be_result_source_{c.source or 'none'}", lang)
            )  # type: ignore[arg-type]
        console.print(lost)
    for c in card.overrides:
        derived = system.answers.label(c.derived.answer, lang) if c.derived and c.derived.answer else "—"
        reason = c.response.reason or i18n.label("be_result_no_reason", lang)  # type: ignore[arg-type]
        console.print(
            f"{c.id}: icx {derived} → {c.response.answer}（{reason}）"
            if zh
            else f"{c.id}: icx {derived} → {c.response.answer} ({reason})"
        )
