"""`icx templates build`: generate the standard workbook templates."""

from __future__ import annotations

from pathlib import Path

import typer

from icx.cli.common import MethodologyOption, check_lang, console, fail, methodology_from
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
) -> None:
    """Build the unit workbook and the standalone templates (生成标准模板).

    Writes, from code: the unit workbook (说明, 单位信息, 风险清单, one 风险控制矩阵 per area,
    不相容岗位, 自我评价, 支出审批记录, 参数设置) and the standalone risk register, control
    matrix and checklist templates. Their formulas grade risks from the 参数设置 sheet, which
    holds the built-in methodology or the one given with --methodology. The same code always
    gives the same bytes, so the committed workbooks/ can be checked for drift.

    Example:  icx templates build --lang zh -o 模板
    """
    langs = ("zh", "en") if lang is None else (check_lang(lang),)
    m = methodology_from(methodology)
    try:
        written = write_templates(output, langs=langs, methodology=m)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems)
        return
    for path in written:
        console.print(f"  {path}")
    console.print(f"已生成 {len(written)} 个模板 / {len(written)} templates written to {output}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="templates")
