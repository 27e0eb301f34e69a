"""Entry point of the ``icx`` command: builds the typer app from the modules in ``commands/``."""

from __future__ import annotations

import importlib
import pkgutil

import typer

from icx import __version__
from icx.cli import commands

app = typer.Typer(
    name="icx",
    help=(
        "icx — 行政事业单位内部控制工具 / internal-control toolkit.\n\n"
        "Score and grade risk registers, build the standard unit workbooks, check incompatible "
        "duties and self-evaluations, consolidate unit workbooks into the committee summary and "
        "email it.\n\n"
        "Start with:  icx demo ./icx-demo   (builds sample units and runs the whole job)"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"icx {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """icx — internal control for public institutions."""


def _register_all() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


def _examples() -> str:
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


_register_all()
app.info.epilog = _examples()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
