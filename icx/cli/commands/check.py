"""`icx check conflicts` and `icx check evaluation`: the two checks of a unit workbook.

Each prints its findings and writes a copy of the input with a result sheet added (冲突清单 or
评价结果, plus 问题清单 when cells are wrong). The input is never modified.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from icx import i18n
from icx.cli.common import (
    EXIT_FINDINGS,
    LangOption,
    MethodologyOption,
    check_lang,
    console,
    fail,
    methodology_from,
    print_problems,
)
from icx.core.conflicts import ConflictReport
from icx.core.dates import as_date
from icx.core.errors import IcxError, Problem
from icx.core.evaluation import EvaluationConfig, EvaluationResult, default_config
from icx.core.methodology import Methodology
from icx.io.duties import check_conflicts
from icx.io.evaluation_sheet import read_evaluation
from icx.io.findings_sheets import write_checked_copy
from icx.io.grid import load_grid
from icx.io.scored_copy import copy_target
from icx.io.specs import columns

check_app = typer.Typer(
    help=(
        "Check a unit workbook: incompatible duties (不相容岗位), the self-evaluation (自我评价) and the "
        "MOF basic evaluation (基础性评价)."
    ),
    no_args_is_help=True,
)

OutputOption = typer.Option(
    None, "--output", "-o", help="Where to write the checked copy. Default: NAME.<check>.xlsx beside the input."
)
SHOW_ROWS = 40


def default_output(source: Path, check: str) -> Path:
    return copy_target(source.with_name(f"{source.stem}.{check}{source.suffix}"))


def _target(source: Path, output: Path | None, check: str, lang: str) -> Path:
    target = copy_target(output) if output else default_output(source, check)  # .xls/.ods → .xlsx
    if target.resolve() == source.resolve():
        fail([Problem.of("check_output_is_input", file=str(source))], lang)
    return target


def _load(path: Path, lang: str):
    try:
        return load_grid(path)
    except IcxError as exc:
        fail(exc.problems, lang)


def _save(source: Path, target: Path, lang: str, **sheets) -> None:
    try:
        write_checked_copy(source, target, lang=lang, **sheets)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems, lang)


def _say(lang: str, zh: str, en: str) -> None:
    console.print(zh if lang == "zh" else en)


# --- conflicts ----------------------------------------------------------------------------------
def conflicts(
    workbook: Path = typer.Argument(..., exists=True, dir_okay=False, help="The unit workbook (.xlsx/.xlsm)."),
    output: Path | None = OutputOption,
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Check incompatible duties (不相容岗位冲突检查).

    Reads the 不相容岗位 sheet (the unit's own rules, posts → duties, persons → posts with dates
    and acting 代理 assignments), the 风险控制矩阵-… sheets (prepare / review / approve posts) and,
    when present, the 支出审批记录 log. Flags: a person holding, at overlapping dates, two posts
    whose duties are incompatible; a post carrying both duties of a rule; a control whose roles
    share a post or a person; a log row where one person applies and approves, approves and pays,
    or pays and books. The built-in rules (icx/data/duty_rules.toml) apply unless the sheet
    switches them off (rule id + 是否启用 = 否). Writes a copy with a 冲突清单 sheet.

    Exit status: 0 no conflicts, 1 conflicts (or wrong cells) found, 2 the file could not be checked.

    Example:  icx check conflicts 单位内控工作簿.xlsx -o 冲突检查.xlsx
    """
    lang = check_lang(lang)
    given = methodology_from(methodology) if methodology else None  # else the workbook's 参数设置
    target = _target(workbook, output, "conflicts", lang)
    book = _load(workbook, lang)
    check = check_conflicts(book, file=str(workbook), methodology=given)
    m = check.methodology
    if not check.ran:
        fail(check.problems, lang)
    _save(workbook, target, lang, conflicts=check.report, problems=check.problems, methodology=m)
    _print_conflicts(check.report, m, lang)
    if check.report.incomplete:  # duties no rule knows: say so, the check may be incomplete
        console.print(f"[yellow]{check.report.incomplete[0 if lang == 'zh' else 1]}[/]", soft_wrap=True)
    _say(lang, f"输出：{target}", f"Output: {target}")
    if check.problems:
        print_problems(check.problems, lang)
    if check.conflicts or check.report.errors:
        raise typer.Exit(EXIT_FINDINGS)


def _print_conflicts(report: ConflictReport, m: Methodology, lang: str) -> None:
    areas = {a.code: (a.short_zh or a.name_zh) if lang == "zh" else a.name_en for a in m.areas}
    if not report.conflicts:
        console.print(i18n.label("conflicts_none", lang))  # type: ignore[arg-type]
        return
    table = Table(header_style="bold")
    keys = ("severity", "kind", "person", "posts", "duty_a", "duty_b", "rule_id", "area")
    specs = {s.key: s for s in columns("conflicts")}
    for key in keys:
        table.add_column(specs[key].header(lang), overflow="fold")  # type: ignore[arg-type]
    colours = {"high": "red", "medium": "yellow", "low": "green"}
    for c in report.conflicts[:SHOW_ROWS]:
        table.add_row(
            f"[{colours[c.severity]}]{c.severity_label(lang)}[/]",
            c.kind_label(lang),
            c.person,  # type: ignore[arg-type]
            "、".join(c.posts),
            c.duty_a if lang == "zh" else c.duty_a_en,
            c.duty_b if lang == "zh" else c.duty_b_en,
            c.rule_id or c.reference,
            areas.get(c.area, c.area),
        )
    if len(report.conflicts) > SHOW_ROWS:
        table.add_row("…", f"+{len(report.conflicts) - SHOW_ROWS}", "", "", "", "", "", "")
    console.print(table)
    counts = {code: n for code, n in report.counts_by_area(m).items() if n}
    by_area = ("，" if lang == "zh" else ", ").join(f"{areas.get(code, code) or '—'} {n}" for code, n in counts.items())
    _say(lang, f"共 {len(report.conflicts)} 项冲突（{by_area}）", f"{len(report.conflicts)} conflicts ({by_area})")


# --- evaluation ---------------------------------------------------------------------------------
def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    day = as_date(value)
    if day is None:
        raise typer.BadParameter(f"not a date: {value!r} (e.g. 2026-12-31) / 不是日期", param_hint="--as-of")
    return day


def evaluation(
    workbook: Path = typer.Argument(..., exists=True, dir_okay=False, help="The unit workbook (.xlsx/.xlsm)."),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="Count deficiencies overdue as of this date (default: today). Due ON this date is not overdue.",
    ),
    partial: float | None = typer.Option(
        None,
        "--partial",
        min=0.0,
        max=1.0,
        help=(
            "Share of the weight a 基本符合 item earns (default: the workbook's 参数设置, else 0.5); "
            "符合 then earns 1 and 不符合 0."
        ),
    ),
    output: Path | None = OutputOption,
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Score the self-evaluation (内部控制自我评价).

    Reads the 自我评价 sheet: 符合 earns the item's weight, 基本符合 a share of it (0.5 unless the
    workbook's 参数设置 or --partial says otherwise), 不符合 nothing, 不适用 is left out. Prints the score of
    each area and overall, the deficiencies by grade (重大/重要/一般) with how many are still open
    and how many are overdue as of --as-of, and writes a copy with a 评价结果 sheet. A 不符合 row
    without a deficiency description or grade is an error, named by its cell.

    Exit status: 0 fine, 1 wrong cells or overdue deficiencies, 2 the file could not be read.

    Example:  icx check evaluation 单位内控工作簿.xlsx --as-of 2026-12-31 -o 自评结果.xlsx
    """
    lang = check_lang(lang)
    given = methodology_from(methodology) if methodology else None  # else the workbook's 参数设置
    day = _as_of(as_of)
    target = _target(workbook, output, "evaluation", lang)
    book = _load(workbook, lang)
    config = default_config().with_partial(partial) if partial is not None else None
    sheet = read_evaluation(book, as_of=day, file=str(workbook), methodology=given, config=config)
    if sheet.result is None:
        fail(sheet.problems, lang)
        return
    m = sheet.methodology
    _save(workbook, target, lang, evaluation=sheet.result, problems=sheet.problems, methodology=m, config=sheet.config)
    _print_evaluation(sheet.result, sheet.config, m, lang)
    _say(lang, f"输出：{target}", f"Output: {target}")
    if sheet.problems:
        print_problems(sheet.problems, lang)
    if sheet.errors or sheet.result.overdue_deficiencies:
        raise typer.Exit(EXIT_FINDINGS)


def _print_evaluation(result: EvaluationResult, config: EvaluationConfig, m: Methodology, lang: str) -> None:
    areas = {a.code: (a.short_zh or a.name_zh) if lang == "zh" else a.name_en for a in m.areas}
    specs = {s.key: s for s in columns("evaluation_areas")}
    table = Table(header_style="bold")
    for key in ("area", "items", "applicable", "weight", "score", "percent", "deficiencies"):
        table.add_column(specs[key].header(lang), overflow="fold")  # type: ignore[arg-type]
    show = lambda v: "—" if v is None else f"{v:g}"  # noqa: E731
    for score in [*result.areas, result.overall]:
        name = areas.get(score.area, score.area) if score.area else i18n.label("evaluation_overall", lang)  # type: ignore[arg-type]
        table.add_row(
            name,
            str(score.items),
            str(score.applicable),
            show(score.weight),
            show(score.score),
            show(score.percent),
            str(score.deficiencies),
        )
    console.print(table)
    counts = result.counts_by_grade(config)
    parts = []
    for code, n in counts.items():
        if not n["total"]:
            continue
        name = config.wording("grades", code).label(lang) if code else i18n.label("evaluation_ungraded", lang)  # type: ignore[arg-type]
        parts.append(
            f"{name} {n['total']}（未完成 {n['open']}，逾期 {n['overdue']}）"
            if lang == "zh"
            else f"{name} {n['total']} (open {n['open']}, overdue {n['overdue']})"
        )
    total, open_, overdue = len(result.deficiencies), len(result.open_deficiencies), len(result.overdue_deficiencies)
    _say(
        lang,
        f"缺陷 {total} 项，未完成整改 {open_} 项，截至 {result.as_of} 逾期 {overdue} 项"
        + ("：" + "；".join(parts) if parts else ""),
        f"{total} deficiencies, {open_} open, {overdue} overdue as of {result.as_of}"
        + (": " + "; ".join(parts) if parts else ""),
    )


def register(app: typer.Typer) -> None:
    from icx.cli.basic_evaluation import basic_evaluation

    check_app.command("conflicts")(conflicts)
    check_app.command("evaluation")(evaluation)
    check_app.command("basic-evaluation")(basic_evaluation)
    from icx.cli.commands import check_oversight  # rotation, authority, treatment, all

    check_oversight.register(check_app)
    app.add_typer(check_app, name="check")
