"""`icx history`: the risk database (风险数据库) across periods — list, trend, delete.

Periods are recorded by ``icx consolidate --db URL``. The store is a SQLite file
(``history.db``) or a PostgreSQL database (``postgresql://user@host/db``); ``--db`` defaults to
the ICX_DB environment variable.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from icx import i18n
from icx.cli.common import EXIT_FAILED, LangOption, check_lang, console, fail
from icx.core.errors import IcxError, Problem
from icx.io.history_store import DB_ENV, HistoryStore, open_store, shown_url

history_app = typer.Typer(
    help="The risk database across periods (风险数据库): list periods, draw trends, delete a period.",
    no_args_is_help=True,
)

DbOption = typer.Option(
    None,
    "--db",
    envvar=DB_ENV,
    help=f"History store: a SQLite file (history.db) or postgresql://user@host/db. Default: ${DB_ENV}.",
)


def _open(db: str | None, lang: str) -> HistoryStore:
    try:
        return open_store(db)
    except IcxError as exc:
        fail(exc.problems, lang)
        raise  # unreachable


def list_periods(db: str | None = DbOption, lang: str = LangOption) -> None:
    """List the recorded periods (列出已记录的评估期间).

    Example:  icx history list --db history.db
    """
    lang = check_lang(lang)
    with _open(db, lang) as store:
        infos = store.periods()
        if not infos:
            console.print(i18n.text("history_empty", lang, url=shown_url(store.url)))  # type: ignore[arg-type]
            return
        label = lambda key: i18n.label(key, lang)  # type: ignore[arg-type]  # noqa: E731
        table = Table()
        for key in ("history_period", "history_as_of", "history_units", "history_risks", "history_recorded"):
            table.add_column(label(key))
        for info in infos:
            table.add_row(
                info.period,
                info.as_of.isoformat(),
                str(info.units),
                str(info.risks),
                info.recorded_at.strftime("%Y-%m-%d %H:%M"),
            )
        console.print(table)


def trend(
    output: Path = typer.Option(Path("风险趋势.xlsx"), "--output", "-o", dir_okay=False, help="Workbook to write."),
    unit: str | None = typer.Option(None, "--unit", "-u", help="One unit's trend (its unit code)."),
    area: str | None = typer.Option(None, "--area", "-a", help="One business area's trend (code or name, e.g. 预算)."),
    db: str | None = DbOption,
    lang: str = LangOption,
) -> None:
    """Write a unit's, an area's or all units' risk trend as a workbook with charts (风险趋势).

    Example:  icx history trend --unit FB001 -o FB001-趋势.xlsx --db history.db
    """
    lang = check_lang(lang)
    from icx.core.methodology import default_methodology
    from icx.io.history_workbooks import write_trend

    area_code = None
    if area is not None:
        found = default_methodology().area(area)
        area_code = found.code if found else area
    with _open(db, lang) as store:
        if not store.periods():
            fail([Problem.of("history_empty", params={"url": shown_url(store.url)})], lang)
        try:
            write_trend(store, output, unit_code=unit, area=area_code, lang=lang)  # type: ignore[arg-type]
        except IcxError as exc:
            fail(exc.problems, lang)
    console.print(str(output))


def delete(
    period: str = typer.Argument(..., help="The period to delete, as listed by `icx history list`."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking."),
    db: str | None = DbOption,
    lang: str = LangOption,
) -> None:
    """Delete one period and all its records from the store (删除一个评估期间).

    Asks first, unless --yes. Example:  icx history delete 2025 --db history.db --yes
    """
    lang = check_lang(lang)
    with _open(db, lang) as store:
        if not store.has(period):
            try:
                store.load(period)  # raises history_period_unknown, naming the periods held
            except IcxError as exc:
                fail(exc.problems, lang)
        if not yes:
            question = i18n.label("history_confirm_delete", lang).format(period=period)  # type: ignore[arg-type]
            if not typer.confirm(question, default=False):
                console.print(i18n.text("history_delete_declined", lang))  # type: ignore[arg-type]
                raise typer.Exit(EXIT_FAILED)
        try:
            store.delete(period)
        except IcxError as exc:
            fail(exc.problems, lang)
    console.print(f"{i18n.label('history_deleted', lang)}: {period}")  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    history_app.command("list")(list_periods)
    history_app.command("trend")(trend)
    history_app.command("delete")(delete)
    app.add_typer(history_app, name="history")
