"""`icx remind`: email each rectification owner their overdue and soon-due deficiencies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from icx.cli.commands.email import (
    ConfigOption,
    DryRunOption,
    LogOption,
    RecipientsOption,
    SummaryOption,
    print_report,
    run_with_progress,
    settings_or_fail,
)
from icx.cli.common import LangOption, check_lang
from icx.core.dates import as_date
from icx.mail.jobs import DEFAULT_WITHIN_DAYS, send_reminders


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    parsed = as_date(value)
    if parsed is None:
        raise typer.BadParameter("须为日期，如 2025-06-30 / must be a date such as 2025-06-30", param_hint="--as-of")
    return parsed


def remind(
    summary: Path = SummaryOption,
    recipients: Path = RecipientsOption,
    as_of: str | None = typer.Option(
        None, "--as-of", help="The date to judge deadlines against (YYYY-MM-DD). Default: today."
    ),
    within: int = typer.Option(
        DEFAULT_WITHIN_DAYS,
        "--within",
        "-n",
        min=0,
        max=366,
        help="Also remind of deadlines up to N days after the as-of date.",
    ),
    config: Path | None = ConfigOption,
    dry_run: Path | None = DryRunOption,
    log: Path | None = LogOption,
    lang: str = LangOption,
) -> None:
    """Remind rectification owners of deficiencies overdue or due soon (整改到期提醒).

    Reads the 缺陷整改 sheet of the committee summary. Every deficiency not yet rectified whose
    deadline is before the as-of date (overdue) or within N days after it goes into one message
    per owner (责任人邮箱), with the unit's contacts from the recipients in copy; a deficiency
    without an owner email goes to the unit contact. Same settings, dry run and send log as
    `icx email`.

    Exit status: 0 all sent, 1 something failed or the data had problems, 2 could not run.

    Example:  icx remind -s 委员会汇总.xlsx -r 收件人.xlsx --as-of 2025-06-30 --within 14 --dry-run 提醒草稿
    """
    lang = check_lang(lang)
    day = _as_of(as_of)
    settings = settings_or_fail(config, lang)
    report = run_with_progress(
        send_reminders,
        lang,
        summary=summary,
        recipients=recipients,
        as_of=day,
        within=within,
        settings=settings,
        dry_run=dry_run,
        log=log,
    )
    print_report(report, lang)


def register(app: typer.Typer) -> None:
    app.command("remind")(remind)
