"""`icx demo`: build sample unit workbooks and run the main job on them."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table

from icx.cli.common import LangOption, check_lang, console
from icx.core.methodology import default_methodology
from icx.demo.data import make_units
from icx.demo.workbooks import write_unit_workbook
from icx.io.grid import load_grid
from icx.io.register import find_register_sheet, read_register
from icx.io.scored_copy import write_scored_copy


def demo(
    directory: Path = typer.Argument(Path("icx-demo"), file_okay=False, help="Folder for the demo files (created)."),
    units: int = typer.Option(6, "--units", "-n", min=1, max=2000, help="How many sample units to generate."),
    seed: int = typer.Option(2026, "--seed", help="Random seed: the same seed gives the same data."),
    lang: str = LangOption,
) -> None:
    """Build realistic sample data and run the whole job on it (演示).

    Writes one full unit workbook per sample unit (the standard template filled in: a few
    dozen risks across the unit level and the six business areas, five assessors each, control
    matrices, posts and people, payment approvals, the self-evaluation, the basic evaluation
    answered completely, partly or with 不适用 items) into DIR/units/, scores every one into
    DIR/scored/, consolidates them into the committee summary DIR/committee.xlsx with one
    feedback workbook per unit in DIR/feedback/, writes the annual report's data to
    DIR/内部控制报告数据.xlsx, and prints where everything is. The same units as they stood a year
    earlier (DIR/previous/) are recorded first in the history store DIR/history.db, so the
    summary shows this year against last (同比: new, closed, escalated risks, repeated findings).

    Example:  icx demo ./icx-demo --units 6
    """
    lang = check_lang(lang)
    m = default_methodology()
    unit_dir, scored_dir = directory / "units", directory / "scored"
    unit_dir.mkdir(parents=True, exist_ok=True)
    scored_dir.mkdir(parents=True, exist_ok=True)
    sample = make_units(units, seed=seed)
    table = Table(title="演示单位 / Demo units")
    for title in (
        "单位 Unit",
        "风险 Risks",
        "一级",
        "二级",
        "三级",
        "基础性评价 Basic eval.",
        "已评分文件 Scored file",
    ):
        table.add_column(title)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("生成并评分 / building and scoring", total=len(sample))
        for unit in sample:
            source = write_unit_workbook(unit, unit_dir / f"{unit.code}-{unit.name}.xlsx")
            book = load_grid(source)
            result = read_register(
                find_register_sheet(book), m, file=str(source), unit_code=unit.code, unit_name=unit.name
            )
            target = write_scored_copy(source, scored_dir / source.name, result, m, lang)  # type: ignore[arg-type]
            counts = result.register.counts_by_level()
            table.add_row(
                f"{unit.code} {unit.name}",
                str(len(result.register.risks)),
                str(counts[1]),
                str(counts[2]),
                str(counts[3]),
                _basic_evaluation(book, source),
                str(target),
            )
            progress.advance(task)
    console.print(table)
    store = _record_previous_year(directory, sample, seed)
    committee, feedback = _consolidate(directory, unit_dir, lang, store)
    report = _annual_report(directory, unit_dir, lang)
    console.print(f"单位工作簿 / unit workbooks: {unit_dir}")
    console.print(f"评分结果 / scored copies:   {scored_dir}")
    console.print(f"委员会汇总 / committee summary: {committee}")
    console.print(f"单位反馈 / unit feedback:   {feedback}")
    console.print(f"内部控制报告数据 / annual report data: {report}")
    console.print(f"风险数据库 / history store:   {store}")


def _basic_evaluation(book, source: Path) -> str:
    """A unit's basic-evaluation score: total, and converted when some criteria are 不适用."""
    import datetime as dt

    from icx.io.basic_evaluation_sheet import evaluate_book

    card = evaluate_book(book, as_of=dt.date.today(), file=str(source)).scorecard
    if card is None:
        return "—"
    text = f"{card.score:g}"
    if card.na_points:  # converted: 不适用 points left out
        text += f"→{card.converted:g}"
    if card.unanswered:
        text += f" ({len(card.unanswered)}?)"
    return text


def _annual_report(directory: Path, unit_dir: Path, lang: str) -> Path:
    """The annual internal-control report's data for the demo units (icx report annual)."""
    import datetime as dt

    from icx.io.annual_report import read_reports
    from icx.io.annual_report_writer import write_annual_report

    day = dt.date.today()
    reports, problems = read_reports([unit_dir], as_of=day)
    target = write_annual_report(reports, directory / "内部控制报告数据.xlsx", as_of=day, problems=problems, lang=lang)  # type: ignore[arg-type]
    known = sum(1 for r in reports for f in r.figures if f.status != "to_fill")
    to_fill = sum(1 for r in reports for f in r.figures if f.status == "to_fill")
    console.print(
        f"内部控制报告：{len(reports)} 个单位，已取得 {known} 项数据，待单位填写 {to_fill} 项"
        if lang == "zh"
        else f"Annual report: {len(reports)} units, {known} figures found, {to_fill} left for the units"
    )
    return target


def _record_previous_year(directory: Path, units: list, seed: int) -> Path:
    """Last year's units (``icx.demo.previous``) written to DIR/previous/ and recorded as their
    period in DIR/history.db, so this year's summary has a year to compare with."""
    import datetime as dt

    from icx.consolidate import consolidate
    from icx.consolidate.history_records import record_and_compare
    from icx.consolidate.run import default_jobs
    from icx.demo.previous import previous_unit
    from icx.io.history_store import open_store

    period = units[0].period
    last = str(int(period) - 1) if period.isdigit() else f"{period}-1"
    folder = directory / "previous" / last
    for unit in units:
        before = previous_unit(unit, last, seed)
        write_unit_workbook(before, folder / f"{unit.code}-{unit.name}.xlsx")
    as_of = dt.date(int(last), 12, 31) if last.isdigit() else dt.date.today() - dt.timedelta(days=365)
    result = consolidate([folder], as_of=as_of, period=last, jobs=default_jobs(), record_history=True)
    target = directory / "history.db"
    with open_store(target) as store:
        record_and_compare(result, store, last)
    return target


def _consolidate(directory: Path, unit_dir: Path, lang: str, store_path: Path) -> tuple[Path, Path]:
    """The main job: consolidate the demo units into DIR/committee.xlsx and DIR/feedback/,
    recorded in the history store against last year."""
    from icx.consolidate import consolidate, write_summary
    from icx.consolidate.feedback import write_feedback
    from icx.consolidate.history_records import record_and_compare
    from icx.consolidate.run import default_jobs
    from icx.consolidate.yoy_tables import trend_line
    from icx.io.history_store import open_store

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("汇总 / consolidating", total=None)
        result = consolidate(
            [unit_dir],
            jobs=default_jobs(),
            on_start=lambda n: progress.update(task, total=n),
            on_result=lambda _: progress.advance(task),
            record_history=True,
        )
    with open_store(store_path) as store:
        record_and_compare(result, store, None)
    if result.year_over_year is not None:
        console.print(trend_line(result.year_over_year, lang), soft_wrap=True)  # type: ignore[arg-type]
    committee = write_summary(result, directory / "committee.xlsx", lang)  # type: ignore[arg-type]
    feedback = directory / "feedback"
    write_feedback(result, feedback, lang, jobs=default_jobs())  # type: ignore[arg-type]
    from icx import i18n

    shown = ("units_received", "risks_total", "risks_level1", "conflicts", "evaluation_score", "deficiencies_overdue")
    console.print(
        "；".join(
            f"{i18n.section('figures')[k][lang]} {result.figures[k]:g}"
            for k in shown  # type: ignore[index]
            if result.figures[k] is not None
        ),
        soft_wrap=True,
    )
    return committee, feedback


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
