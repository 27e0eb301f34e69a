"""`icx consolidate`: read every unit workbook and write the committee summary (汇总)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from icx import i18n
from icx.cli.common import (
    EXIT_FINDINGS,
    LangOption,
    MethodologyOption,
    check_lang,
    console,
    err_console,
    fail,
    methodology_from,
    print_problems,
)
from icx.consolidate.run import consolidate as run_consolidation
from icx.consolidate.run import default_jobs
from icx.core.errors import IcxError

if TYPE_CHECKING:
    from icx.consolidate.model import Consolidation

# The summary writer (XlsxWriter) is imported once the workers are reading (at the first result),
# so it loads while they read instead of before or after.


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            "use YYYY-MM-DD / 请使用 YYYY-MM-DD 格式，如 2026-12-31", param_hint="--as-of"
        ) from None


def consolidate(
    inputs: list[str] = typer.Argument(
        ..., help="Unit workbooks: files, folders (searched recursively) or globs such as 'units/**/*.xlsx'."
    ),
    output: Path = typer.Option(
        Path("committee.xlsx"), "--output", "-o", dir_okay=False, help="The committee summary workbook to write."
    ),
    roster: Path | None = typer.Option(
        None,
        "--roster",
        "-r",
        exists=True,
        dir_okay=False,
        help="Roster workbook (单位编码, 单位名称, 联系人, 电子邮箱): lists units that did not submit.",
    ),
    period: str | None = typer.Option(
        None,
        "--period",
        "-p",
        help="The period being consolidated, e.g. 2026; files of another period are listed, not counted. "
        "Required when the files name several periods.",
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date deadlines are checked against (YYYY-MM-DD). Default: today."
    ),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=64, help="Worker processes. 0 = one per CPU."),
    feedback: Path | None = typer.Option(
        None,
        "--feedback",
        "-f",
        file_okay=False,
        help="Folder for one feedback workbook per unit (<code>-<name>-反馈.xlsx).",
    ),
    methodology: Path | None = MethodologyOption,
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="ICX_DB",
        help="Record this period in the history store (a SQLite file such as history.db, or "
        "postgresql://user@host/db) and add the 同比 sheet against the period recorded before. Default: $ICX_DB.",
    ),
    previous: str | None = typer.Option(
        None, "--previous", help="Compare with this recorded period instead of the one recorded last before."
    ),
    duplicates: str = typer.Option(
        "list",
        "--duplicates",
        help="Two files of one unit: 'list' (neither is counted until resolved) or 'latest' (the one with the "
        "latest 填报日期, then modification time, is counted; the others are listed as superseded).",
    ),
    pdf: bool = typer.Option(
        False,
        "--pdf",
        help="Also write the meeting PDF (the pack without its appendix) beside the summary; needs LibreOffice.",
    ),
    lang: str = LangOption,
) -> None:
    """Consolidate unit workbooks into the committee summary (汇总各单位工作簿).

    Reads every unit workbook (in parallel), scores each with its own methodology (its
    参数设置 sheet, else --methodology, else the default), checks incompatible duties and the
    self-evaluation, and writes one summary workbook for the Internal Control Committee:
    概览, 各单位风险, 风险热力图, 一级风险, 风险排序, 冲突清单, 自我评价, 缺陷整改, 评分差异,
    问题清单, 说明. A bad file never stops the batch: its problems are listed with file, sheet and
    cell. Input files are only read; the summary is written to a temp file and renamed.

    With --db the counted units are recorded as this period in the history store (风险数据库), and
    when it holds an earlier period the summary gets a 同比 sheet (each unit's feedback its own).

    Every file found is counted, not counted (listed with the reason: another period, a second
    file of one unit, no unit code, no usable register, a format icx cannot read…) or skipped
    (lock files, hidden files, icx's own outputs); 概览 shows that the numbers add up and 报送情况
    lists each file and unit.

    Exit status: 0 every file counted and no findings, 1 findings or files not counted (file
    errors, missing units, conflicts, overdue deficiencies), 2 could not run or could not write
    (several periods without --period, the output is an input, disk full, no permission).

    Example:  icx consolidate 单位报送/ -o 委员会汇总.xlsx --roster 单位名单.xlsx --period 2026 --feedback 反馈/
    Example:  icx consolidate 2026报送/ -o 委员会汇总.xlsx --period 2026 --db history.db
    """
    lang = check_lang(lang)
    when = _as_of(as_of)
    if duplicates not in ("list", "latest"):
        raise typer.BadParameter("use list or latest / 请使用 list 或 latest", param_hint="--duplicates")
    if methodology is not None:
        methodology_from(methodology)  # a broken methodology file stops here with its problems
    workers = jobs or default_jobs()
    store = None
    if db or previous:
        from icx.io.history_store import open_store

        try:
            store = open_store(db)  # opened first: an unreachable or newer store stops before the batch
        except IcxError as exc:
            fail(exc.problems, lang)
    exclude = [output]  # refused when it is one of the inputs; icx's outputs are skipped by their mark
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[file]}"),
        console=err_console,
        transient=True,
        refresh_per_second=4,
    ) as bar:  # redrawn 4×/s: the bar's own thread takes CPU from the workers
        task = bar.add_task("读取 / reading", total=None, file="")

        def started(n: int) -> None:
            bar.update(task, total=n)

        def done(result) -> None:  # type: ignore[no-untyped-def]
            bar.update(task, advance=1, file=Path(result.file).name)
            import icx.consolidate.summary  # noqa: F401 — first time: loads while the workers read

        try:
            result = run_consolidation(
                inputs,
                as_of=when,
                period=period,
                roster=roster,
                methodology_file=methodology,
                jobs=workers,
                on_start=started,
                on_result=done,
                exclude=exclude,
                record_history=store is not None,
                duplicates=duplicates,
            )
        except IcxError as exc:
            fail(exc.problems, lang)
            return
    if not result.units:
        fail(result.problems(), lang)
    from icx.consolidate.summary import write_summary

    recording = None
    if store is not None:
        from icx.consolidate.history_records import compare_with_store

        try:
            recorded = compare_with_store(result, store, period, previous)
        except IcxError as exc:
            store.close()
            fail(exc.problems, lang)
        # The store is written in a thread while the summary is written: the comparison above
        # needed only the earlier period, and the database's own work runs without the GIL on
        # the core the workers have left (docs/architecture.md, "History").
        recording = _start_recording(store, recorded)
    try:
        write_summary(result, output, lang)  # type: ignore[arg-type]
    except IcxError as exc:
        _finish_recording(recording, store)
        fail(exc.problems, lang)
        return
    if recording is not None:
        problems = _finish_recording(recording, store)
        if problems:
            fail(problems, lang)  # the summary is written; the store is as it was
        console.print(
            ("已记入风险数据库：" if lang == "zh" else "Recorded in the history store: ")
            + f"{recorded.period} ({len(recorded.units)})"
        )
    try:
        written = []
        if feedback is not None:
            from icx.consolidate.feedback import write_feedback  # openpyxl: loaded only when asked for

            written = write_feedback(result, feedback, lang, jobs=workers)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    if pdf:
        _meeting_pdf(output, lang)
    _report(result, output, feedback, len(written), lang)
    if result.has_findings:
        raise typer.Exit(EXIT_FINDINGS)


def _start_recording(store, record):  # type: ignore[no-untyped-def]
    """``store.record(record)`` started in a thread; ``_finish_recording`` waits for it."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="icx-history")
    future = pool.submit(store.record, record)
    pool.shutdown(wait=False)  # the thread ends with its one task
    return future


def _finish_recording(recording, store) -> list:  # type: ignore[no-untyped-def]
    """Wait for the recording thread, close the store; the problems when recording failed."""
    if recording is None:
        return []
    try:
        recording.result()
        return []
    except IcxError as exc:
        return list(exc.problems)
    finally:
        store.close()


def _meeting_pdf(output: Path, lang: str) -> Path:
    """The meeting PDF beside the summary (same name, .pdf), or a clear stop when it cannot be made."""
    from icx.consolidate.pack import summary_pdf
    from icx.core.errors import Problem
    from icx.io import libreoffice

    target = output.with_suffix(".pdf")
    if not libreoffice.available():
        fail([Problem.of("mail_pdf_no_libreoffice", file=str(output))], lang)
    try:
        summary_pdf(output, target)
    except libreoffice.LibreOfficeError as exc:
        fail([Problem.of("mail_pdf_failed", params={"detail": str(exc)[:300]}, file=str(output))], lang)
    console.print(f"{i18n.label('consolidate_pdf_written', lang)}：{target}")  # type: ignore[arg-type]
    return target


def _report(c: Consolidation, output: Path, feedback: Path | None, feedback_count: int, lang: str) -> None:
    from rich.table import Table

    table = Table(title=i18n.label("consolidate_title", lang), show_header=False)  # type: ignore[arg-type]
    table.add_column()
    table.add_column(justify="right")
    for key, value in c.figures.items():
        table.add_row(i18n.section("figures")[key][lang], "—" if value is None else f"{value:g}")
    for key, value in c.oversight_figures.items():  # rotation, approval limits, treatment, sign-off
        table.add_row(i18n.section("oversight_figures")[key][lang], f"{value:g}")
    console.print(table)
    problems = c.problems()
    if problems:
        print_problems(problems, lang, limit=40)
    if c.missing:
        names = "、".join(f"{e.unit_code} {e.unit_name}".strip() for e in c.missing)
        console.print(("未报送：" if lang == "zh" else "Did not submit: ") + names, soft_wrap=True)
    console.print(("汇总：" if lang == "zh" else "Summary: ") + str(output))
    if feedback is not None:
        console.print(("反馈：" if lang == "zh" else "Feedback: ") + f"{feedback} ({feedback_count})")


def register(app: typer.Typer) -> None:
    app.command("consolidate")(consolidate)
