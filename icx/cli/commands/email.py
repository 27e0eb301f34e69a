"""`icx email`: send the committee summary and unit feedback; `icx email-password`: keep the
SMTP password in the OS keyring."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.progress import Progress

from icx import i18n
from icx.cli.common import LangOption, check_lang, console, err_console, fail, print_problems
from icx.core.errors import IcxError, Problem
from icx.mail.config import ENV, PASSWORD_ENV, MailSettings, load_settings, store_password, with_overrides
from icx.mail.jobs import MailReport, send_summary

SummaryOption = typer.Option(
    ...,
    "--summary",
    "-s",
    exists=True,
    dir_okay=False,
    help="The committee summary workbook (icx consolidate's output).",
)
RecipientsOption = typer.Option(
    ...,
    "--recipients",
    "-r",
    exists=True,
    dir_okay=False,
    help=(
        "Recipients: .xlsx (sheet 收件人: 角色, 单位编码, 单位名称, 姓名, 电子邮箱 — a unit roster works too) or .toml."
    ),
)
ConfigOption = typer.Option(
    None,
    "--config",
    "-c",
    exists=True,
    dir_okay=False,
    help=(
        f"SMTP settings (TOML). Environment variables {', '.join(ENV.values())} override it; "
        f"the password comes from {PASSWORD_ENV} or the OS keyring."
    ),
)
DryRunOption = typer.Option(
    None,
    "--dry-run",
    file_okay=False,
    help="Write one .eml per message into this folder instead of sending (open them in a mail client as drafts).",
)
LogOption = typer.Option(
    None,
    "--log",
    dir_okay=False,
    help="The send log (CSV, appended). Default: icx-send-log.csv beside the summary, or in the dry-run folder.",
)


def settings_or_fail(config: Path | None, lang: str, **overrides: object) -> MailSettings:
    try:
        return with_overrides(load_settings(config), **overrides)
    except IcxError as exc:
        fail(exc.problems, lang)
        raise  # unreachable


def run_with_progress(job: Callable[..., MailReport], lang: str, **kwargs: object) -> MailReport:
    """Run a mail job with a progress bar over its recipients."""
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("发送 / sending" if kwargs.get("dry_run") is None else "草稿 / drafts", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return job(progress=advance, lang=lang, **kwargs)


def print_report(report: MailReport, lang: str) -> None:
    """One line per delivery, then the problems and the totals; exits with the report's code."""
    lang_ = "zh" if lang == "zh" else "en"
    colours = {"sent": "green", "draft": "cyan", "failed": "red", "skipped": "yellow"}
    limit = 500
    for d in report.deliveries[:limit]:
        status = i18n.label(f"mail_status_{d.status}", lang_)  # type: ignore[arg-type]
        kind = i18n.label(f"mail_kind_{d.kind}", lang_)  # type: ignore[arg-type]
        line = f"[{colours[d.status]}]{status}[/] {d.recipient} ({kind})"
        console.print(f"{line} — {d.answer}" if d.answer else line, soft_wrap=True, markup=True)
    if len(report.deliveries) > limit:
        console.print(f"… +{len(report.deliveries) - limit}")
    if report.problems:
        print_problems(report.problems, lang, to=err_console if report.fatal else console)
    console.print(report.summary_line(lang_), soft_wrap=True)  # type: ignore[arg-type]
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def email(
    summary: Path = SummaryOption,
    recipients: Path = RecipientsOption,
    feedback: Path | None = typer.Option(
        None,
        "--feedback",
        "-f",
        exists=True,
        file_okay=False,
        help=(
            "Folder of per-unit feedback workbooks, each named CODE-…xlsx or CODE_…xlsx; "
            "each goes to its unit's contacts."
        ),
    ),
    config: Path | None = ConfigOption,
    dry_run: Path | None = DryRunOption,
    pdf: bool = typer.Option(
        False, "--pdf", help="Also attach the meeting PDF of the summary, its appendix left out (needs LibreOffice)."
    ),
    pdf_full: bool = typer.Option(False, "--pdf-full", help="Attach the PDF with the appendix (every sheet)."),
    feedback_only: bool = typer.Option(
        False, "--feedback-only", help="Send only the unit feedback, not the summary to the committee."
    ),
    max_attachment_mb: float | None = typer.Option(
        None,
        "--max-attachment-mb",
        min=0.1,
        help="Largest total attachment size per message (default 10, or max_attachment_mb in the settings).",
    ),
    log: Path | None = LogOption,
    lang: str = LangOption,
) -> None:
    """Email the committee summary and each unit its feedback (发送汇总报告和单位反馈).

    Committee members (角色 = 委员会 in the recipients) get the summary workbook, with the key
    figures in the message; each unit contact gets the feedback workbook whose name starts with
    its unit code. One failed recipient does not stop the others; temporary server errors are
    retried; every delivery is written to the send log (CSV).

    Settings file (smtp.toml), table smtp: host, port, security = starttls|ssl|none, username;
    table mail: from_address, from_name. The password only from the ICX_SMTP_PASSWORD
    environment variable or the OS keyring (icx email-password) — never from a file or a flag.

    Exit status: 0 all sent, 1 something failed or the data had problems, 2 could not run.

    Example:  icx email -s 委员会汇总.xlsx -f 反馈/ -r 收件人.xlsx -c smtp.toml --pdf

    Look first (writes .eml drafts, sends nothing):
      icx email -s 委员会汇总.xlsx -f 反馈/ -r 收件人.xlsx --dry-run 草稿/
    """
    lang = check_lang(lang)
    settings = settings_or_fail(config, lang, max_attachment_mb=max_attachment_mb)
    report = run_with_progress(
        send_summary,
        lang,
        summary=summary,
        recipients=recipients,
        feedback_dir=feedback,
        settings=settings,
        dry_run=dry_run,
        pdf=pdf,
        pdf_full=pdf_full,
        log=log,
        committee=not feedback_only,
    )
    print_report(report, lang)


def email_password(
    config: Path | None = ConfigOption,
    lang: str = LangOption,
) -> None:
    """Store the SMTP password in the OS keyring (保存邮箱密码到系统钥匙串).

    Asks for the password (not shown, asked twice) for the username and host of the settings,
    and keeps it in Windows Credential Manager, macOS Keychain or the Secret Service.
    `icx email` and `icx remind` use it when ICX_SMTP_PASSWORD is not set.

    Example:  icx email-password --config smtp.toml
    """
    lang = check_lang(lang)
    settings = settings_or_fail(config, lang)
    missing = [
        Problem.of("mail_config_missing", params={"key": k, "env": ENV[k]}, file=settings.source or None)
        for k in ("host", "username")
        if not getattr(settings, k)
    ]
    if missing:
        fail(missing, lang)
    secret = typer.prompt("密码 / Password", hide_input=True, confirmation_prompt=True)
    try:
        where = store_password(settings, secret)
    except IcxError as exc:
        fail(exc.problems, lang)
        return
    console.print(i18n.text("mail_password_stored", lang, where=where))  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    app.command("email")(email)
    app.command("email-password")(email_password)
