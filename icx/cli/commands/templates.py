"""`icx templates build`: generate the standard workbook templates."""

from __future__ import annotations

from pathlib import Path

import typer

from icx.cli.common import MethodologyOption, check_lang, console, fail, methodology_from
from icx.core.basic_evaluation.system import load_system
from icx.core.errors import IcxError
from icx.templates import write_templates

app = typer.Typer(help="Standard workbook templates (标准模板).", no_args_is_help=True)


@app.command("build")
def build(
    output: Path = typer.Option(
        Path("workbooks"), "--output", "-o", file_okay=False, help="Folder for the templates (created)."
    ),
    lang: str | None = typer.Option(None, "--lang", "-l", help="zh (中文) or en; default: both."),
    methodology: Path | None = MethodologyOption,
    system: Path | None = typer.Option(
        None,
        "--system",
        exists=True,
        dir_okay=False,
        help="A corrected copy of the basic-evaluation indicator file (icx/data/basic_evaluation.toml).",
    ),
) -> None:
    """Build the unit workbook and the standalone templates (生成标准模板).

    Writes, from code: the unit workbook (说明, 单位信息, 风险清单, one 风险控制矩阵 per area,
    不相容岗位, 自我评价, 基础性评价, 支出审批记录, 参数设置) and the standalone risk register, control
    matrix and checklist templates. Their formulas grade risks from the 参数设置 sheet, which
    holds the built-in methodology or the one given with --methodology. The same code always
    gives the same bytes, so the committed workbooks/ can be checked for drift.

    Example:  icx templates build --lang zh -o 模板
    """
    langs = ("zh", "en") if lang is None else (check_lang(lang),)
    m = methodology_from(methodology)
    try:
        indicators = load_system(system) if system is not None else None
        written = write_templates(output, langs=langs, methodology=m, system=indicators)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems)
        return
    for path in written:
        console.print(f"  {path}")
    console.print(f"已生成 {len(written)} 个模板 / {len(written)} templates written to {output}")


@app.command("prefill")
def prefill(
    period: str = typer.Option(..., "--period", "-p", help="The new period the workbooks are for, e.g. 2027."),
    from_period: str | None = typer.Option(
        None, "--from", help="The recorded period to start from. Default: the latest in the store."
    ),
    output: Path = typer.Option(Path("prefilled"), "--output", "-o", file_okay=False, help="Folder to write into."),
    db: str | None = typer.Option(
        None, "--db", envvar="ICX_DB", help="History store: a SQLite file or postgresql://…  Default: $ICX_DB."
    ),
    lang: str = typer.Option("zh", "--lang", "-l", help="zh (中文) or en."),
    methodology: Path | None = MethodologyOption,
) -> None:
    """Next period's unit workbooks, prefilled from the last one (预填下一期单位工作簿).

    One standard unit workbook per unit recorded in the store (icx consolidate --db): unit
    information, last period's risks with their responses, controls and owners (last scores in
    the 上期 columns, this period's assessor columns blank), control matrices, posts, duties and
    assignments, and open deficiencies carried onto the self-evaluation with their deadlines.

    Example:  icx templates prefill --db history.db --period 2027 -o 2027年工作簿/
    """
    from icx.io.history_store import open_store
    from icx.io.prefill import prefill_folder

    lang = check_lang(lang)
    m = methodology_from(methodology)
    try:
        with open_store(db) as store:
            periods = store.periods()
            source = from_period or (periods[-1].period if periods else None)
            if source is None:
                from icx.core.errors import Problem
                from icx.io.history_store import shown_url

                fail([Problem.of("history_empty", params={"url": shown_url(store.url)})], lang)
            record = store.load(source)  # type: ignore[arg-type]
        written = prefill_folder(record, output, period=period, lang=lang, methodology=m)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    for path in written:
        console.print(f"  {path}")
    console.print(f"已预填 {len(written)} 个单位工作簿（{source} → {period}）/ {len(written)} workbooks prefilled")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="templates")
