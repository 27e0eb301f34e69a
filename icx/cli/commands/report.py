"""`icx report annual`: the annual internal-control report's data from a folder of unit workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from icx.cli.common import EXIT_FINDINGS, LangOption, check_lang, console, fail, print_problems
from icx.core.basic_evaluation.system import load_system
from icx.core.dates import as_date
from icx.core.errors import IcxError, Problem

report_app = typer.Typer(help="Reports built from the unit workbooks (内部控制报告).", no_args_is_help=True)


def annual(
    inputs: list[str] = typer.Argument(
        ..., help="Unit workbooks: files, folders (searched recursively) or globs such as 'units/**/*.xlsx'."
    ),
    output: Path = typer.Option(
        Path("内部控制报告数据.xlsx"), "--output", "-o", dir_okay=False, help="The report workbook to write."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date the self-evaluations are read as of (default: today)."
    ),
    system: Path | None = typer.Option(
        None, "--system", exists=True, dir_okay=False, help="A corrected copy of the basic-evaluation indicator file."
    ),
    lang: str = LangOption,
) -> None:
    """The annual internal-control report's data (行政事业单位内部控制报告), per unit and 汇总.

    Reads every unit workbook and fills the report's tables: the cover, the unit level
    (bodies, how they worked, checks on power), and for each business area whether each pair of
    incompatible duties is separated, whether rules exist and whether processes are defined.
    Each figure names the cells it came from (a comment, and the 数据来源 sheet); what icx
    cannot know from a workbook is marked 【待填写】 and listed on the 待填写 sheet.

    Exit status: 0 written, 1 written but some files could not be read, 2 nothing to report.

    Example:  icx report annual 报送/ -o 内部控制报告数据.xlsx --as-of 2026-12-31
    """
    from icx.io.annual_report import read_reports
    from icx.io.annual_report_writer import write_annual_report

    lang = check_lang(lang)
    day = dt.date.today()
    if as_of is not None:
        day = as_date(as_of)  # type: ignore[assignment]
        if day is None:
            raise typer.BadParameter(f"not a date: {as_of!r} (e.g. 2026-12-31) / 不是日期", param_hint="--as-of")
    try:
        indicators = load_system(system)
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    reports, problems = read_reports(inputs, as_of=day, system=indicators, exclude=[output])
    readable = [r for r in reports if r.readable]
    if not readable:
        print_problems(problems, lang)
        fail([Problem.of("annual_no_units")], lang)
    try:
        write_annual_report(readable, output, as_of=day, problems=problems, lang=lang)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems, lang)
    to_fill = sum(1 for r in readable for f in r.figures if f.status == "to_fill")
    known = sum(1 for r in readable for f in r.figures if f.status != "to_fill")
    zh = lang == "zh"
    console.print(
        f"{len(readable)} 个单位；已取得 {known} 项数据（均注明来源），待单位填写 {to_fill} 项"
        if zh
        else f"{len(readable)} units; {known} figures found (each with its source), {to_fill} left for the units"
    )
    console.print(f"输出：{output}" if zh else f"Output: {output}")
    unit_problems = [p for r in reports for p in r.problems]
    if problems or unit_problems:
        print_problems([*problems, *unit_problems], lang)
    if any(p.severity == "error" for p in problems):
        raise typer.Exit(EXIT_FINDINGS)


def register(app: typer.Typer) -> None:
    report_app.command("annual")(annual)
    app.add_typer(report_app, name="report")
