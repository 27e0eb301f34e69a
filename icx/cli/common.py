"""What every command shares: the console, exit codes, options and problem printing."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional

import typer
from rich.console import Console
from rich.table import Table

from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology, load_methodology

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

EXIT_OK = 0
EXIT_FINDINGS = 1  # the job ran; the data has problems (bad rows, conflicts, deficiencies)
EXIT_FAILED = 2  # the job could not run (unreadable input, bad options)

LangOption = typer.Option("zh", "--lang", "-l", help="Language of labels and messages: zh (中文) or en.")
MethodologyOption = typer.Option(
    None, "--methodology", "-m", exists=True, dir_okay=False,
    help="A methodology TOML file (see `icx methodology export`). Default: the built-in one.",
)


def check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise typer.BadParameter("use zh or en / 请使用 zh 或 en", param_hint="--lang")
    return lang


def methodology_from(path: Optional[Path]) -> Methodology:
    try:
        return load_methodology(path)
    except IcxError as exc:
        fail(exc.problems)
        raise  # unreachable


def problem_table(problems: Iterable[Problem], lang: str = "zh", limit: int = 50) -> Table:
    table = Table(show_lines=False, header_style="bold")
    for title in (("位置", "Where"), ("级别", "Severity"), ("说明", "Message")):
        table.add_column(title[0] if lang == "zh" else title[1])
    problems = list(problems)
    for p in problems[:limit]:
        sev = {"error": "[red]错误[/]" if lang == "zh" else "[red]error[/]",
               "warning": "[yellow]提示[/]" if lang == "zh" else "[yellow]warning[/]"}[p.severity]
        table.add_row(p.where, sev, p.message(lang))  # type: ignore[arg-type]
    if len(problems) > limit:
        table.add_row("…", "", f"+{len(problems) - limit}")
    return table


def fail(problems: Iterable[Problem], lang: str = "zh") -> None:
    """Print problems to stderr and exit with EXIT_FAILED."""
    err_console.print(problem_table(problems, lang))
    raise typer.Exit(EXIT_FAILED)
