"""Entry point of the ``icx`` command: builds the typer app from the modules in ``commands/``
(only the one being run, when the command line names it)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from icx import __version__
from icx.cli import commands

HELP = (
    "icx — 行政事业单位内部控制工具 / internal-control toolkit.\n\n"
    "Score and grade risk registers, build the standard unit workbooks, check incompatible "
    "duties and self-evaluations, consolidate unit workbooks into the committee summary and "
    "email it.\n\n"
    "Start with:  icx demo ./icx-demo   (builds sample units and runs the whole job)"
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"icx {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """icx — internal control for public institutions."""


def _modules() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(commands.__path__))


def build_app(only: str | None = None) -> typer.Typer:
    """The ``icx`` app with every command module registered, or just the module ``only`` (the
    command being run: its imports alone are loaded, so ``icx consolidate`` starts without
    pandas or openpyxl)."""
    app = typer.Typer(
        name="icx",
        help=HELP,
        no_args_is_help=True,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
        pretty_exceptions_show_locals=False,
    )
    app.callback()(_root)
    for name in _modules() if only is None else [only]:
        module = importlib.import_module(f"{commands.__name__}.{name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)
    if only is None:
        app.info.epilog = _examples(app)
    return app


def _examples(app: typer.Typer) -> str:
    """'Examples' for the top-level help, gathered from each command's own docstring."""
    lines: list[str] = []

    def visit(typer_app: typer.Typer) -> None:
        for command in typer_app.registered_commands:
            for line in (command.callback.__doc__ or "").splitlines() if command.callback else []:
                if line.strip().startswith("Example"):
                    lines.append(line.split(":", 1)[1].strip())
        for group in typer_app.registered_groups:
            if group.typer_instance is not None:
                visit(group.typer_instance)

    visit(app)
    return "Examples / 示例:\n\n" + "\n\n".join(f"  {line}" for line in lines) if lines else ""


def _command(argv: list[str]) -> str | None:
    """The command module named on the command line, if the first word names one (each module
    is named after its command); None for ``icx``, ``icx --help`` or a command a module of
    another name registers (``email-password``)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in _modules() else None


def __getattr__(name: str) -> typer.Typer:
    # ``from icx.cli.app import app`` (tests, docs): the whole app, built on first use.
    if name == "app":
        app = globals()["app"] = build_app()
        return app
    raise AttributeError(name)


def main() -> None:
    """The ``icx`` console script. SIGTERM (a service stopping it, ``kill``) and Ctrl-C end it
    alike: workers stopped, temp files removed (every ``finally`` runs), then exit 2."""
    from icx.cli.common import EXIT_FAILED, Terminated, err_console, terminate_on_signals, was_terminated

    terminate_on_signals()
    try:
        build_app(only=_command(sys.argv[1:]))()
    except Terminated:
        pass
    except SystemExit:
        if not was_terminated():
            raise
    else:
        if not was_terminated():
            return
    err_console.print("已终止 / terminated")
    sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    main()
