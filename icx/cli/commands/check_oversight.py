"""`icx check rotation | authority | treatment`, and `icx check all` (every check of a unit workbook).

Each prints its findings and writes a copy of the input with its result sheet (轮岗检查, 授权检查,
应对与审定; `all` adds 冲突清单 and 评价结果) and 问题清单 when cells are wrong; the cells a
finding is about are filled red in the copy. The input is never modified.
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
from icx.core.dates import as_date
from icx.core.errors import IcxError
from icx.core.findings import Finding
from icx.io.evaluation_sheet import read_evaluation
from icx.io.findings_sheets import write_conflicts_sheet, write_evaluation_sheet
from icx.io.oversight import CHECKS, all_findings, context, run_checks, unique_problems
from icx.io.oversight_sheets import write_oversight_copy
from icx.io.specs import columns

SHOW_ROWS = 40
AsOfOption = typer.Option(
    None,
    "--as-of",
    help="Check as of this date (default: the workbook's 参数设置 检查基准日, else today). Due ON it is not overdue.",
)
OutputOption = typer.Option(
    None, "--output", "-o", help="Where to write the checked copy. Default: NAME.<check>.xlsx beside the input."
)


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    day = as_date(value)
    if day is None:
        raise typer.BadParameter(f"not a date: {value!r} (e.g. 2026-12-31) / 不是日期", param_hint="--as-of")
    return day


def _say(lang: str, zh: str, en: str) -> None:
    console.print(zh if lang == "zh" else en)


def print_findings(findings: list[Finding], lang: str) -> None:
    lang_: i18n.Lang = lang  # type: ignore[assignment]
    if not findings:
        console.print(i18n.label("oversight_none", lang_))
        return
    table = Table(header_style="bold")
    specs = {s.key: s for s in columns("findings")}
    for key in ("severity", "kind", "subject", "post", "message"):
        table.add_column(specs[key].header(lang_), overflow="fold")
    colours = {"high": "red", "medium": "yellow", "low": "green"}
    for f in findings[:SHOW_ROWS]:
        table.add_row(
            f"[{colours[f.severity]}]{f.severity_label(lang_)}[/]",
            f.kind_label(lang_),
            f.subject,
            f.post,
            f.text(lang_),
        )
    if len(findings) > SHOW_ROWS:
        table.add_row("…", f"+{len(findings) - SHOW_ROWS}", "", "", "")
    console.print(table)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind_label(lang_)] = counts.get(f.kind_label(lang_), 0) + 1
    parts = ("，" if lang == "zh" else ", ").join(f"{k} {n}" for k, n in counts.items())
    _say(lang, f"共 {len(findings)} 项（{parts}）", f"{len(findings)} findings ({parts})")


def _run(
    workbook: Path,
    checks: tuple[str, ...],
    suffix: str,
    output: Path | None,
    methodology: Path | None,
    as_of: str | None,
    lang: str,
    *,
    with_conflicts_and_evaluation: bool = False,
) -> None:
    from icx.cli.commands.check import _load, _target

    lang = check_lang(lang)
    given = methodology_from(methodology) if methodology else None
    day = _as_of(as_of)
    target = _target(workbook, output, suffix, lang)
    book = _load(workbook, lang)
    ctx = context(book, file=str(workbook), methodology=given, as_of=day)
    results = run_checks(ctx, checks)
    problems = [p for r in results.values() for p in r.problems]
    extra, more_findings = None, 0
    if with_conflicts_and_evaluation:
        conflicts = ctx.duties()
        evaluation = read_evaluation(
            book, as_of=ctx.as_of, file=str(workbook), methodology=ctx.methodology, settings=ctx.settings
        )
        problems = conflicts.problems + evaluation.problems + problems
        more_findings = len(conflicts.conflicts) + (
            len(evaluation.result.overdue_deficiencies) if evaluation.result else 0
        )

        def extra(wb) -> None:  # noqa: ANN001
            if conflicts.ran:
                write_conflicts_sheet(wb, conflicts.report, lang, ctx.methodology)  # type: ignore[arg-type]
            if evaluation.result is not None:
                write_evaluation_sheet(wb, evaluation.result, lang, ctx.methodology, evaluation.config)  # type: ignore[arg-type]

        if conflicts.ran:
            _say(
                lang,
                f"不相容岗位冲突 {len(conflicts.conflicts)} 项",
                f"{len(conflicts.conflicts)} incompatible-duty conflicts",
            )
        if evaluation.result is not None:
            overdue = len(evaluation.result.overdue_deficiencies)
            _say(lang, f"自我评价：逾期未整改缺陷 {overdue} 项", f"self-evaluation: {overdue} deficiencies overdue")
    ran = {name: r for name, r in results.items() if r.ran}
    problems = unique_problems(problems)
    if not ran and not with_conflicts_and_evaluation:
        fail(problems or [_nothing(workbook)], lang)
    try:
        write_oversight_copy(workbook, target, ran, problems, lang=lang, extra=extra)  # type: ignore[arg-type]
    except IcxError as exc:
        fail(exc.problems, lang)
    findings = all_findings(ran)
    _say(lang, f"检查基准日：{ctx.as_of}", f"As of: {ctx.as_of}")
    print_findings(findings, lang)
    _say(lang, f"输出：{target}", f"Output: {target}")
    if problems:
        print_problems(problems, lang)
    if findings or more_findings or any(p.severity == "error" for p in problems):
        raise typer.Exit(EXIT_FINDINGS)


def _nothing(workbook: Path):
    from icx.core.errors import Problem

    return Problem.of("oversight_nothing_to_check", file=str(workbook))


def rotation(
    workbook: Path = typer.Argument(..., exists=True, dir_okay=False, help="The unit workbook (.xlsx/.xlsm)."),
    as_of: str | None = AsOfOption,
    output: Path | None = OutputOption,
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Check key-post rotation (关键岗位轮岗).

    Key posts are those carrying a duty of 预算, 收支, 政府采购, 资产, 建设项目, 合同 or 内部监督 (the
    不相容岗位 sheet's post → duty table read through the duty vocabulary), or marked 关键岗位 = 是 on
    岗位与授权. Each person's continuous tenure on a key post (assignments that overlap or follow
    without a free day join) is checked against the post's period: its own line on 岗位与授权,
    else its kind's (出纳, procurement: 3 years), else the default (5 years) — all on 参数设置 表7/表8.
    A special audit (专项审计) of the post covering a stretch restarts the clock after it.

    Exit status: 0 nothing found, 1 findings (or wrong cells), 2 the file could not be checked.

    Example:  icx check rotation 单位内控工作簿.xlsx --as-of 2026-12-31
    """
    _run(workbook, ("rotation",), "rotation", output, methodology, as_of, lang)


def authority(
    workbook: Path = typer.Argument(..., exists=True, dir_okay=False, help="The unit workbook (.xlsx/.xlsm)."),
    as_of: str | None = AsOfOption,
    output: Path | None = OutputOption,
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Check approvals against the approval limits (分级授权).

    Reads the approval limits on 岗位与授权 (post → scope → limit; 不限 = unlimited) and the
    支出审批记录 log: an approval above the largest limit of the posts the approver holds on its
    date is a finding (exactly at the limit is fine). Payments to one payee, each within its
    approver's limit, whose sum within N days (参数设置 表7, default 30) passes that limit are
    flagged as possibly split (拆分支付).

    Exit status: 0 nothing found, 1 findings (or wrong cells), 2 the file could not be checked.

    Example:  icx check authority 单位内控工作簿.xlsx -o 授权检查.xlsx
    """
    _run(workbook, ("authority",), "authority", output, methodology, as_of, lang)


def treatment(
    workbook: Path = typer.Argument(..., exists=True, dir_okay=False, help="The unit workbook (.xlsx/.xlsm)."),
    as_of: str | None = AsOfOption,
    output: Path | None = OutputOption,
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Check risk treatment plans and the committee's sign-off (风险应对与委员会审定).

    On the 风险清单: each 一级/二级 risk needs a response (规避/降低/转移/承受), controls, an owner,
    a deadline and a status (an accepted risk: the response and the owner); a treatment not 已完成
    past its deadline is overdue. 一级 risks and every 承受 risk need the committee's decision,
    its date, the minutes' reference and the next review date; 不同意 and reviews past their date
    are findings. The residual likelihood and impact are graded with the workbook's own matrix.

    Exit status: 0 nothing found, 1 findings (or wrong cells), 2 the file could not be checked.

    Example:  icx check treatment 单位内控工作簿.xlsx --as-of 2026-06-30
    """
    _run(workbook, ("treatment",), "treatment", output, methodology, as_of, lang)


def check_all(
    workbook: Path = typer.Argument(..., exists=True, dir_okay=False, help="The unit workbook (.xlsx/.xlsm)."),
    as_of: str | None = AsOfOption,
    output: Path | None = OutputOption,
    methodology: Path | None = MethodologyOption,
    lang: str = LangOption,
) -> None:
    """Every check of a unit workbook in one go (conflicts, evaluation, rotation, authority, treatment).

    Incompatible duties, self-evaluation, rotation, approval limits, treatment and sign-off:
    one checked copy with all the result sheets.

    Exit status: 0 nothing found, 1 findings (conflicts, overdue deficiencies, findings, wrong
    cells), 2 the file could not be read.

    Example:  icx check all 单位内控工作簿.xlsx --as-of 2026-12-31 -o 全面检查.xlsx
    """
    _run(workbook, CHECKS, "checked", output, methodology, as_of, lang, with_conflicts_and_evaluation=True)


def register(check_app: typer.Typer) -> None:
    check_app.command("rotation")(rotation)
    check_app.command("authority")(authority)
    check_app.command("treatment")(treatment)
    check_app.command("all")(check_all)
