"""`icx score`: score and grade a risk register workbook into a new copy."""

from __future__ import annotations

from pathlib import Path

import typer

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
from icx.core.errors import IcxError
from icx.io.grid import load_grid
from icx.io.register import find_register_sheet, read_register, register_not_found
from icx.io.scored_copy import copy_target, write_scored_copy
from icx.io.settings_sheet import read_settings_from

# Problems that leave no row of the register scorable: the command stops (exit 2), writing nothing.
UNSCORABLE = ("header_not_found", "column_missing", "register_empty")


def default_output(source: Path) -> Path:
    return copy_target(source.with_name(f"{source.stem}.scored{source.suffix}"))


def score(
    register: Path = typer.Argument(..., exists=True, dir_okay=False, help="The register workbook (.xlsx/.xlsm)."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Where to write the scored copy. Default: NAME.scored.xlsx beside the input."
    ),
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Score and grade a risk register (风险清单评分分级).

    Reads the 风险清单 sheet (or a plain table with Chinese or English headers), averages the
    assessors' likelihood and impact, computes score = likelihood × impact, the level from the
    5×5 matrix and the rank, and writes a copy with those columns filled in plus a
    风险识别排序表 sheet. Bad rows are listed (sheet and cell) and left out; the good rows are
    still scored. The input file is never modified. A unit workbook is graded with its own
    参数设置 sheet (its matrix and bounds) unless --methodology is given; its formulas and
    formatting are kept in the copy.

    Exit status: 0 all rows scored, 1 some rows had problems, 2 the file could not be read or
    its register cannot be scored at all (no register, a required column missing, no risk rows).

    Example:  icx score 风险清单.xlsx -o 风险清单-已评分.xlsx
    """
    lang = check_lang(lang)
    m = methodology_from(methodology)
    try:
        book = load_grid(register)
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    grid = find_register_sheet(book)
    if grid is None:
        fail([register_not_found(book, str(register))], lang)
        return
    # A unit workbook grades with its own 参数设置 sheet, unless a methodology file is given.
    settings = None if methodology else read_settings_from(book, m, file=str(register))
    if settings is not None and settings.found:
        m = settings.methodology
    result = read_register(grid, m, file=str(register))
    if settings is not None:
        result.problems[:0] = settings.problems
    if any(p.code in UNSCORABLE for p in result.problems):
        fail(result.problems, lang)  # nothing could be scored: no copy is written
    target = copy_target(output) if output else default_output(register)  # .xls/.ods → .xlsx
    try:
        write_scored_copy(register, target, result, m, lang)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems, lang)
    counts = result.register.counts_by_level()
    names = [m.level_name(level, lang) for level in (1, 2, 3)]
    scored = len(result.register.risks)
    if lang == "zh":
        console.print(f"已评分 {scored} 项风险：" + "，".join(f"{n} {counts[i]} 项" for n, i in zip(names, (1, 2, 3))))
        console.print(f"输出：{target}")
    else:
        console.print(f"Scored {scored} risks: " + ", ".join(f"{n}: {counts[i]}" for n, i in zip(names, (1, 2, 3))))
        console.print(f"Output: {target}")
    if result.problems:
        print_problems(result.problems, lang)
    if result.errors:
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    app.command("score")(score)
