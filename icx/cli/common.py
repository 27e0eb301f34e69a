"""What every command shares: the console, exit codes, options and problem printing."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import typer
from rich.console import Console

from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology, load_methodology
from icx.core.problem_list import grouped, place

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

EXIT_OK = 0
EXIT_FINDINGS = 1  # the job ran; the data has problems (bad rows, conflicts, deficiencies)
EXIT_FAILED = 2  # the job could not run (unreadable input, bad options)

LangOption = typer.Option("zh", "--lang", "-l", help="Language of labels and messages: zh (中文) or en.")
MethodologyOption = typer.Option(
    None,
    "--methodology",
    "-m",
    exists=True,
    dir_okay=False,
    help="A methodology TOML file (see `icx methodology export`). Default: the built-in one.",
)


def check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise typer.BadParameter("use zh or en / 请使用 zh 或 en", param_hint="--lang")
    return lang


def methodology_from(path: Path | None) -> Methodology:
    try:
        return load_methodology(path)
    except IcxError as exc:
        fail(exc.problems)
        raise  # unreachable


def print_problems(
    problems: Iterable[Problem], lang: str = "zh", *, limit: int = 200, to: Console | None = None
) -> None:
    """One line per problem, in sheet, row, column order, a problem repeated down a column said once:
    where it is, the message and how to fix it (never truncated, easy to grep)."""
    out = to or console
    problems = grouped(problems)
    tags = {
        "error": ("[red]错误[/]", "[red]error[/]"),
        "warning": ("[yellow]提示[/]", "[yellow]warning[/]"),
        "info": ("[cyan]说明[/]", "[cyan]note[/]"),
    }
    for p in problems[:limit]:
        tag = tags[p.severity][0 if lang == "zh" else 1]
        out.print(f"{tag} {place(p, lang)}: {p.explained(lang)}", soft_wrap=True)  # type: ignore[arg-type]
    if len(problems) > limit:
        out.print(f"… +{len(problems) - limit}", soft_wrap=True)


class Terminated(BaseException):
    """Raised in the main process by SIGTERM or Ctrl-C. A BaseException, so that no ``except Exception``
    (a batch going on past a bad file) swallows it, while every ``finally`` still runs."""


_TERMINATED: list[int] = []  # the signals received (a list: set from the handler without ``global``)


def _raise_terminated(signum: int, frame: object) -> None:
    _TERMINATED.append(signum)
    raise Terminated()


def was_terminated() -> bool:
    """Whether SIGTERM or Ctrl-C arrived. The raised ``Terminated`` can be lost when the signal lands in
    code whose exceptions Python ignores (a weakref callback at the end of an import): the run
    then finishes its work, and ``icx.cli.app.main`` still ends it with exit 2."""
    return bool(_TERMINATED)


def terminate_on_signals() -> None:
    """Turn SIGTERM and Ctrl-C (SIGINT) into ``Terminated`` in this process, so both end a run
    alike: workers stopped, temp files removed, exit 2 (click would turn Ctrl-C into "Aborted!"
    and exit 1). Worker processes ignore Ctrl-C and die at SIGTERM: the parent stops them (see
    ``icx.consolidate.run.worker_init``)."""
    import signal

    signal.signal(signal.SIGTERM, _raise_terminated)
    signal.signal(signal.SIGINT, _raise_terminated)


def fail(problems: Iterable[Problem], lang: str = "zh") -> None:
    """Print problems to stderr and exit with EXIT_FAILED."""
    print_problems(problems, lang, to=err_console)
    raise typer.Exit(EXIT_FAILED)
