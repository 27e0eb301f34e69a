"""Ribbon macros: what the buttons of the 内部控制 tab do.

Each macro is an ``@xw.sub`` with an optional workbook port. Clicked in Excel, RunPython calls it
without arguments and it works on the workbook the button was clicked in (``XlwingsPort``);
headless it takes an ``OpenpyxlPort``, which is how the tests run it. Each macro calls the same
readers, checks and writers as the matching ``icx`` command, so through the openpyxl port it
writes the same workbook as the command line:

=====================  ======================================================
score_workbook         icx score UNIT.xlsx -o OUT.xlsx
validate_workbook      the problems of every reader, listed and highlighted
check_conflicts        icx check conflicts UNIT.xlsx -o OUT.xlsx
evaluate_checklist     icx check evaluation UNIT.xlsx -o OUT.xlsx
basic_evaluation       icx check basic-evaluation UNIT.xlsx -o OUT.xlsx
check_posts_and_auth…  icx check rotation / authority / treatment UNIT.xlsx (their three sheets)
build_summary          icx consolidate FOLDER -o FOLDER/委员会汇总.xlsx --feedback FOLDER/反馈
email_summary          icx email -s 委员会汇总.xlsx -r 收件人.xlsx [-f 反馈] [-c smtp.toml]
show_help              —
=====================  ======================================================

Every button of the ribbon calls ``click(name, xlwings_version)``, which checks that the xlwings
the buttons were built with is the one installed and runs the macro through ``icx.excel.runner``:
nothing raises into Excel. Problems are told to the user (a message box), the workbook's own cells
are listed in its 问题清单 sheet where that applies, and anything unexpected is logged with its
traceback while the user reads what to do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import xlwings as xw

from icx import __version__, i18n
from icx.core.errors import IcxError, Problem
from icx.core.methodology import Methodology, default_methodology
from icx.core.problem_list import cells_at
from icx.excel import runner
from icx.excel.port import WorkbookPort, file_label, read_book
from icx.excel.runner import problems_text

T = TypeVar("T")
ERROR_FILL = "FFC7CE"  # cells named by an error
WARNING_FILL = "FFEB9C"  # cells named by a warning
SUMMARY_NAME = "委员会汇总.xlsx"
FEEDBACK_FOLDER = "反馈"
ROSTER_NAME = "单位名单.xlsx"
RECIPIENTS_NAMES = ("收件人.xlsx", "收件人.toml", "recipients.xlsx", "recipients.toml")
SMTP_NAME = "smtp.toml"
CELL_REF = re.compile(r"^[A-Z]{1,3}[0-9]{1,7}$")


# --- plumbing -----------------------------------------------------------------------------------
def active_port() -> WorkbookPort:
    """The workbook the ribbon button was clicked in."""
    from icx.excel.port_xlwings import XlwingsPort

    return XlwingsPort.caller()


def _lang(lang: str) -> i18n.Lang:
    return "en" if lang == "en" else "zh"


def _say(key: str, lang: i18n.Lang, **values: Any) -> str:
    return i18n.text(key, lang, **values)


def _run(port: WorkbookPort | None, lang: i18n.Lang, macro: str, work: Callable[[WorkbookPort], T]) -> T | None:
    """Run a macro's work on the port (the clicked workbook when none is given) through the one
    runner: status bar, problems told, anything unexpected logged and explained."""
    return runner.run(port if port is not None else _connect(macro), lang, button_label(macro, lang), work)


def _connect(macro: str) -> WorkbookPort:
    try:
        return active_port()
    except Exception:  # no workbook to talk to: RunPython shows stderr
        log = runner.log_exception(macro)
        runner.fail_to_excel(i18n.text("excel_no_connection", "zh", log=log))


def button_label(macro: str, lang: i18n.Lang = "zh") -> str:
    """The ribbon button's label of a macro (评分分级 …), as the catalogue names it."""
    return i18n.label(f"excel_button_{macro}", lang)


def _counts(problems: Iterable[Problem]) -> tuple[int, int]:
    problems = list(problems)
    errors = sum(1 for p in problems if p.severity == "error")
    return errors, len(problems) - errors


def _problems_note(problems: list[Problem], lang: i18n.Lang) -> str:
    if not problems:
        return ""
    errors, warnings = _counts(problems)
    from icx.io.specs import sheet_names

    return "\n" + _say(
        "excel_problems_listed",
        lang,
        errors=errors,
        warnings=warnings,
        sheet=sheet_names("problems")[0 if lang == "zh" else 1],
    )


def _put_problems(port: WorkbookPort, problems: list[Problem], lang: i18n.Lang) -> None:
    """The 问题清单 sheet exactly as the CLI writes it (removed when there is nothing to list)."""
    from icx.io.scored_copy import write_problems
    from icx.io.specs import sheet_names

    port.put_sheet(sheet_names("problems")[0 if lang == "zh" else 1], lambda wb: write_problems(wb, problems, lang))


def workbook_methodology(book: Any, given: Methodology | None, file: str) -> tuple[Methodology, list[Problem]]:
    """The methodology to grade with, as ``icx score`` chooses it: the one given, else the
    workbook's own 参数设置 sheet when it has one, else the default; with the sheet's problems."""
    if given is not None:
        return given, []
    from icx.io.settings_sheet import read_settings_from

    settings = read_settings_from(book, default_methodology(), file=file)
    if settings is None:
        return default_methodology(), []
    return (settings.methodology if settings.found else default_methodology()), list(settings.problems)


# --- 评分分级 -----------------------------------------------------------------------------------
@xw.sub
def score_workbook(port: WorkbookPort | None = None, methodology: Methodology | None = None, lang: str = "zh") -> Any:
    """评分分级: score and grade the 风险清单 sheet (as ``icx score``)."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> Any:
        from icx.io.register import find_register_sheet, read_register
        from icx.io.scored_copy import score_cell, score_columns, write_ranking
        from icx.io.specs import sheet_names

        book = read_book(port)
        grid = find_register_sheet(book)
        if grid is None:
            zh, en = sheet_names("register")
            raise IcxError(Problem.of("sheet_missing", params={"sheet": zh, "accepted": en}, file=port.name))
        m, settings_problems = workbook_methodology(book, methodology, file_label(port))
        result = read_register(grid, m, file=file_label(port))
        result.problems[:0] = settings_problems
        header_row = result.table.header_row + 1
        for key, col, header in score_columns(result, port.used_width(grid.name), lg):
            values = {int(r): score_cell(key, v, m, lg)[0] for r, v in result.frame[key].items()}
            port.write_column(
                grid.name,
                col,
                values,
                header=(header_row, header) if header else None,
                number_format="0.00" if key == "score" else None,
            )
        port.put_sheet(sheet_names("ranking")[0 if lg == "zh" else 1], lambda wb: write_ranking(wb, result, m, lg))
        _put_problems(port, result.problems, lg)
        counts = result.register.counts_by_level()
        levels = [_say("excel_level_count", lg, name=m.level_name(k, lg), count=counts[k]) for k in (1, 2, 3)]
        port.tell(
            _say(
                "excel_scored",
                lg,
                scored=len(result.register.risks),
                levels=("，" if lg == "zh" else ", ").join(levels),
            )
            + _problems_note(result.problems, lg)
        )
        return result

    return _run(port, lg, "score_workbook", work)


# --- 数据校验 -----------------------------------------------------------------------------------
def workbook_problems(port: WorkbookPort, methodology: Methodology | None, as_of: dt.date) -> list[Problem]:
    """Every problem the readers find in the workbook: the unit workbook reader's (参数设置, 单位信息,
    风险清单, control matrices), and the duty and self-evaluation checks' when the workbook has
    those sheets. The same problem found twice is listed once."""
    from icx.io.duties import check_conflicts as run_conflicts
    from icx.io.duties import find_duties_sheet
    from icx.io.evaluation_sheet import find_evaluation_sheet, read_evaluation
    from icx.io.unit_workbook import read_unit_workbook

    book = read_book(port)
    file = file_label(port)
    unit = read_unit_workbook(book, methodology, sheet_methodology=methodology is None)
    problems = list(unit.problems)
    if find_duties_sheet(book) is not None:
        problems += run_conflicts(book, file=file, methodology=unit.methodology).problems
    if find_evaluation_sheet(book) is not None:
        problems += read_evaluation(book, as_of=as_of, file=file, methodology=unit.methodology).problems
    unique: dict[tuple[Any, ...], Problem] = {}
    for p in problems:
        unique.setdefault((p.sheet, p.cell, p.row, p.code, p.message_zh), p)
    return list(unique.values())


SEVERITY_FILLS = {"错误": ERROR_FILL, "error": ERROR_FILL, "提示": WARNING_FILL, "warning": WARNING_FILL}


def _previous_highlights(port: WorkbookPort) -> dict[tuple[str, str], list[str]]:
    """Cells listed in the 问题清单 (or Problems) sheet of an earlier run, by sheet and the fill
    their severity gave them, so exactly those highlights can go."""
    from icx.io.specs import sheet_names

    names = set(port.sheet_names())
    cells: dict[tuple[str, str], list[str]] = {}
    for title in sheet_names("problems"):
        if title not in names:
            continue
        for row in port.read_sheet(title).rows[1:]:
            if len(row) > 3 and isinstance(row[1], str) and isinstance(row[2], str):
                fill = SEVERITY_FILLS.get(str(row[3]).strip())
                if fill:  # a cell, or a problem repeated down a column said once (G5:G77，共73处)
                    cells.setdefault((row[1], fill), []).extend(cells_at(row[2]))
    return cells


@xw.sub
def validate_workbook(
    port: WorkbookPort | None = None,
    methodology: Methodology | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
) -> Any:
    """数据校验: list every problem in 问题清单 and highlight the cells concerned."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> list[Problem]:
        old = _previous_highlights(port)
        problems = workbook_problems(port, methodology, as_of or dt.date.today())
        sheets = set(port.sheet_names())
        for (sheet, fill), cells in old.items():
            if sheet in sheets:
                port.clear_highlight(sheet, cells, fill)
        _put_problems(port, problems, lg)
        for severity, color in (("warning", WARNING_FILL), ("error", ERROR_FILL)):  # errors win a shared cell
            by_sheet: dict[str, list[str]] = {}
            for p in problems:
                if p.severity == severity and p.sheet in sheets and p.cell and CELL_REF.match(p.cell):
                    by_sheet.setdefault(p.sheet, []).append(p.cell)
            for sheet, cells in by_sheet.items():
                port.highlight(sheet, cells, color)
        errors, warnings = _counts(problems)
        port.tell(
            _say("excel_valid", lg)
            if not problems
            else _say("excel_invalid", lg, errors=errors, warnings=warnings) + "\n" + problems_text(problems, lg)
        )
        return problems

    return _run(port, lg, "validate_workbook", work)


# --- 冲突检查 -----------------------------------------------------------------------------------
@xw.sub
def check_conflicts(port: WorkbookPort | None = None, methodology: Methodology | None = None, lang: str = "zh") -> Any:
    """冲突检查: the 冲突清单 sheet (as ``icx check conflicts``)."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> Any:
        from icx.io.duties import check_conflicts as run_conflicts
        from icx.io.findings_sheets import write_conflicts_sheet
        from icx.io.specs import sheet_names

        m = methodology or default_methodology()
        check = run_conflicts(read_book(port), file=file_label(port), methodology=m)
        if not check.ran:
            raise IcxError(check.problems)
        title = sheet_names("conflicts")[0 if lg == "zh" else 1]
        port.put_sheet(title, lambda wb: write_conflicts_sheet(wb, check.report, lg, m))
        _put_problems(port, check.problems, lg)
        found = len(check.conflicts)
        message = _say("excel_conflicts", lg, count=found, sheet=title) if found else _say("excel_no_conflicts", lg)
        if check.report.incomplete:  # duties no rule knows: the check may be incomplete
            message += "\n" + check.report.incomplete[0 if lg == "zh" else 1]
        port.tell(message + _problems_note(check.problems, lg))
        return check

    return _run(port, lg, "check_conflicts", work)


# --- 自我评价 -----------------------------------------------------------------------------------
@xw.sub
def evaluate_checklist(
    port: WorkbookPort | None = None,
    methodology: Methodology | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
) -> Any:
    """自我评价: the 评价结果 sheet (as ``icx check evaluation``), deficiencies overdue as of today."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> Any:
        from icx.io.evaluation_sheet import read_evaluation
        from icx.io.findings_sheets import write_evaluation_sheet
        from icx.io.specs import sheet_names

        m = methodology or default_methodology()
        sheet = read_evaluation(read_book(port), as_of=as_of or dt.date.today(), file=file_label(port), methodology=m)
        if sheet.result is None:
            raise IcxError(sheet.problems)
        result = sheet.result
        title = sheet_names("evaluation_results")[0 if lg == "zh" else 1]
        port.put_sheet(title, lambda wb: write_evaluation_sheet(wb, result, lg, m, sheet.config))
        _put_problems(port, sheet.problems, lg)
        percent = result.overall.percent
        port.tell(
            _say(
                "excel_evaluated",
                lg,
                percent="—" if percent is None else f"{percent:g}",
                total=len(result.deficiencies),
                open=len(result.open_deficiencies),
                overdue=len(result.overdue_deficiencies),
                as_of=result.as_of,
                sheet=title,
            )
            + _problems_note(sheet.problems, lg)
        )
        return sheet

    return _run(port, lg, "evaluate_checklist", work)


# --- 岗位与授权检查 -------------------------------------------------------------------------------
@xw.sub
def check_posts_and_authority(
    port: WorkbookPort | None = None,
    methodology: Methodology | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
) -> Any:
    """岗位与授权检查: 轮岗检查, 授权检查, 应对与审定 (as ``icx check rotation | authority | treatment``)."""
    from icx.excel import macro_oversight

    return macro_oversight.check_posts_and_authority(port, methodology, as_of, lang)


# --- 生成汇总 -----------------------------------------------------------------------------------
def _folder_of(port: WorkbookPort, folder: str | Path | None, lang: i18n.Lang) -> Path:
    if folder is not None:
        return Path(folder)
    ask = getattr(port, "ask_folder", None)  # only Excel can ask (a folder picker)
    chosen = ask(_say("excel_pick_folder", lang)) if ask else None
    if chosen == "":
        raise IcxError(Problem.of("excel_cancelled"))
    if chosen:
        return Path(chosen)
    if port.path is None:
        raise IcxError(Problem.of("excel_no_folder"))
    return port.path.parent


@xw.sub
def build_summary(
    folder: str | Path | None = None,
    port: WorkbookPort | None = None,
    output: str | Path | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
) -> Any:
    """生成汇总: consolidate every unit workbook of a folder into the committee summary and the
    units' feedback (as ``icx consolidate FOLDER -o FOLDER/委员会汇总.xlsx --feedback FOLDER/反馈``,
    with ``--roster FOLDER/单位名单.xlsx`` when that file exists), then open the summary."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> Path:
        from icx.consolidate.feedback import write_feedback
        from icx.consolidate.run import consolidate
        from icx.consolidate.summary import write_summary

        source = _folder_of(port, folder, lg)
        target = Path(output) if output else source / SUMMARY_NAME
        feedback = target.parent / FEEDBACK_FOLDER
        roster = source / ROSTER_NAME
        roster_file = roster if roster.is_file() else None
        exclude = [target, feedback] + ([roster] if roster_file else [])
        # One process: RunPython starts Python without a console, where worker processes are
        # fragile; a folder of unit workbooks reads in seconds anyway.
        result = consolidate([str(source)], as_of=as_of, roster=roster_file, jobs=1, exclude=exclude)
        if not result.units:
            raise IcxError(result.problems())
        write_summary(result, target, lg)
        written = write_feedback(result, feedback, lg)
        port.tell(
            _say("excel_summary_built", lg, units=len(result.units), path=target, feedback=len(written))
            + ("\n" + problems_text(result.problems(), lg) if result.problems() else "")
        )
        port.open_file(target)
        return target

    return _run(port, lg, "build_summary", work)


# --- 发送邮件 -----------------------------------------------------------------------------------
def _first_existing(folder: Path, names: Iterable[str]) -> Path | None:
    return next((folder / n for n in names if (folder / n).is_file()), None)


@xw.sub
def email_summary(
    summary: str | Path | None = None,
    port: WorkbookPort | None = None,
    recipients: str | Path | None = None,
    config: str | Path | None = None,
    feedback: str | Path | None = None,
    dry_run: str | Path | None = None,
    lang: str = "zh",
) -> Any:
    """发送邮件: send the committee summary (and the units' feedback) as ``icx email`` does.

    The summary is the active workbook when it is one (it has a 概览 sheet), else
    委员会汇总.xlsx beside it; 收件人.xlsx (or .toml), smtp.toml and the 反馈 folder are looked
    for beside the summary. The SMTP password comes from ICX_SMTP_PASSWORD or the OS keyring
    (``icx email-password``), never from a workbook.
    """
    lg = _lang(lang)

    def work(port: WorkbookPort) -> Any:
        from icx.io.specs import sheet_names
        from icx.mail.jobs import send_summary

        chosen = Path(summary) if summary else None
        if chosen is None:
            here = port.path
            if here is not None and set(sheet_names("overview")) & set(port.sheet_names()):
                chosen = here
            elif here is not None and (here.parent / SUMMARY_NAME).is_file():
                chosen = here.parent / SUMMARY_NAME
            else:
                raise IcxError(Problem.of("excel_no_summary", params={"name": SUMMARY_NAME}))
        folder = chosen.parent
        people = Path(recipients) if recipients else _first_existing(folder, RECIPIENTS_NAMES)
        if people is None:
            raise IcxError(
                Problem.of("excel_no_recipients", params={"names": "、".join(RECIPIENTS_NAMES), "folder": str(folder)})
            )
        settings = Path(config) if config else _first_existing(folder, (SMTP_NAME,))
        units = (
            Path(feedback) if feedback else (folder / FEEDBACK_FOLDER if (folder / FEEDBACK_FOLDER).is_dir() else None)
        )
        report = send_summary(chosen, people, feedback_dir=units, config=settings, dry_run=dry_run, lang=lg)
        lines = [report.summary_line(lg)]
        if report.problems:
            lines.append(problems_text(report.problems, lg))
        port.tell("\n".join(lines))
        return report

    return _run(port, lg, "email_summary", work)


# --- 帮助 ---------------------------------------------------------------------------------------
@xw.sub
def show_help(port: WorkbookPort | None = None, lang: str = "zh") -> Any:
    """帮助: what each button does, the icx version, and where Python is set."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> str:
        text = _say("excel_help", lg, version=__version__)
        port.tell(text)
        return text

    return _run(port, lg, "show_help", work)


# --- 基础性评价 ------------------------------------------------------------------------------------
@xw.sub
def basic_evaluation(
    port: WorkbookPort | None = None,
    methodology: Methodology | None = None,
    as_of: dt.date | None = None,
    lang: str = "zh",
) -> Any:
    """基础性评价: icx's derived answers on the 基础性评价 sheet and the 基础性评价结果 sheet with every
    deduction (as ``icx check basic-evaluation``)."""
    lg = _lang(lang)

    def work(port: WorkbookPort) -> Any:
        from icx.io.basic_evaluation_results import write_results_sheet
        from icx.io.basic_evaluation_sheet import derived_columns, evaluate_book
        from icx.io.specs import sheet_names
        from icx.io.unit_workbook import read_unit_info

        book = read_book(port)
        found = evaluate_book(book, as_of=as_of or dt.date.today(), file=file_label(port), methodology=methodology)
        card = found.scorecard
        if card is None:
            raise IcxError(found.problems)
        columns = derived_columns(found, "zh" if found.answers.sheet == sheet_names("basic_evaluation")[0] else "en")  # type: ignore[union-attr]
        if columns is not None:
            port.write_column(columns.sheet, columns.answer_col, columns.answers)
            port.write_column(columns.sheet, columns.evidence_col, columns.evidence)
        unit, _ = read_unit_info(book, file_label(port), [])
        title = sheet_names("basic_evaluation_results")[0 if lg == "zh" else 1]
        port.put_sheet(title, lambda wb: write_results_sheet(wb, card, lg, unit))
        _put_problems(port, found.problems, lg)
        port.tell(
            _say(
                "excel_basic_evaluated",
                lg,
                score=f"{card.score:g}",
                na=f"{card.na_points:g}",
                converted="—" if card.converted is None else f"{card.converted:g}",
                deductions=len(card.deductions),
                unanswered=len(card.unanswered),
                overrides=len(card.overrides),
                sheet=title,
            )
            + _problems_note(found.problems, lg)
        )
        return found

    return _run(port, lg, "basic_evaluation", work)


# The macros the ribbon calls, by the name its VBA callbacks use.
MACROS = {
    f.__name__: f
    for f in (
        score_workbook,
        validate_workbook,
        check_conflicts,
        evaluate_checklist,
        check_posts_and_authority,
        build_summary,
        email_summary,
        show_help,
        basic_evaluation,
    )
}


def click(macro: str, xlwings_version: str = "") -> None:
    """What every ribbon button runs (``icx_ribbon.bas``): the macro named by the button's tag,
    once the xlwings the buttons were built with (their VBA's XLWINGS_VERSION) is known to be the
    one installed. The VBA and Python halves of xlwings talk only within one version."""
    import xlwings

    port = _connect(macro)
    if xlwings_version and xlwings_version != xlwings.__version__:
        port.tell(i18n.text("excel_xlwings_mismatch", "zh", built=xlwings_version, installed=xlwings.__version__))
        return
    if macro not in MACROS:
        port.tell(i18n.text("excel_unknown_button", "zh", name=macro, version=__version__))
        return
    MACROS[macro](port=port)
