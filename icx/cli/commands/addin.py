"""`icx addin build|install`: the Excel add-in (内部控制 ribbon) and the macro-enabled unit workbook."""

from __future__ import annotations

from pathlib import Path

import typer

from icx import i18n
from icx.cli.common import EXIT_FAILED, LangOption, check_lang, console, err_console, fail
from icx.core.errors import IcxError
from icx.excel import addin as builder

addin_app = typer.Typer(
    help="Build or install the Excel add-in with the 内部控制 ribbon. / 生成或安装Excel加载项。",
    no_args_is_help=True,
)

DEFAULT_HOME = Path.home() / ".icx"


def _say(key: str, lang: str, **values: object) -> str:
    return i18n.text(key, lang, **values)  # type: ignore[arg-type]


@addin_app.command("build")
def build(
    output: Path = typer.Option(
        Path("."), "--output", "-o", file_okay=False, help="Folder to write icx.xlam and the .xlsm into."
    ),
    template: Path | None = typer.Option(
        None,
        "--template",
        "-t",
        exists=True,
        dir_okay=False,
        help="An .xlsx unit workbook to turn into the macro-enabled workbook. Default: the standard template.",
    ),
    lang: str = LangOption,
) -> None:
    """Build icx.xlam (the add-in) and a macro-enabled unit workbook (.xlsm).

    Both carry the 内部控制 ribbon tab (评分分级, 数据校验, 冲突检查, 自我评价, 生成汇总, 发送邮件,
    帮助) whose buttons run icx through xlwings. Built from the xlwings package's own
    templates, so the VBA matches the installed xlwings; nothing needs Excel to build.

    Example:  icx addin build -o dist/
    """
    lang = check_lang(lang)
    try:
        result = builder.build(output, template)
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    console.print(_say("excel_built_addin", lang, path=result.addin))
    if result.workbook is not None:
        console.print(_say("excel_built_workbook", lang, path=result.workbook))
    for note, values in result.notes:
        err_console.print(_say(note, lang, **values))


@addin_app.command("install")
def install(
    addin: Path | None = typer.Argument(
        None, exists=True, dir_okay=False, help="The icx.xlam to install. Default: build a fresh one."
    ),
    lang: str = LangOption,
) -> None:
    """Copy icx.xlam to the folder Excel opens add-ins from, and say where.

    Windows: %APPDATA%\\Microsoft\\Excel\\XLSTART; macOS: the Excel Startup folder in Office's
    group container. Restart Excel afterwards. Set Python for the ribbon in the xlwings add-in's
    Interpreter field (or an xlwings.conf file), see the README.

    Example:  icx addin install
    """
    lang = check_lang(lang)
    try:
        if addin is None:
            addin = builder.build_addin(DEFAULT_HOME / builder.ADDIN_NAME)
        installed = builder.install_addin(addin)
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    for note, values in builder.version_notes():
        err_console.print(_say(note, lang, **values))
    if installed is None:
        err_console.print(_say("excel_cannot_install", lang, path=addin.resolve()))
        raise typer.Exit(EXIT_FAILED)
    console.print(_say("excel_installed", lang, path=installed))


def register(app: typer.Typer) -> None:
    app.add_typer(addin_app, name="addin")
