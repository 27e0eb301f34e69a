"""The two mail jobs, callable from the CLI and from the Excel ribbon alike.

``send_summary``: the committee summary to every committee member, each unit its own feedback
workbook. ``send_reminders``: each rectification owner their deficiencies overdue or due soon.
Both return a ``MailReport`` and raise nothing for bad input: whatever stopped them is in
``report.problems`` with ``report.fatal`` set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from icx import i18n
from icx.core.errors import IcxError, Problem
from icx.mail.compose import Attachment, Outgoing, feedback_message, reminder_message, summary_message
from icx.mail.config import MailSettings, load_settings, require_sending
from icx.mail.feedback import match_feedback
from icx.mail.figures import read_key_figures
from icx.mail.recipients import Recipients, load_recipients
from icx.mail.reminders import plan_reminders, read_deficiencies, select_due
from icx.mail.send import DRAFT, FAILED, SENT, SKIPPED, Delivery, SendLog, SmtpSender, write_drafts

LOG_NAME = "icx-send-log.csv"
DEFAULT_WITHIN_DAYS = 7

Progress = Callable[[int, int], None]  # (recipients done, recipients in all)


@dataclass
class MailReport:
    """What a mail job did: one delivery per recipient, the problems, where the log is."""

    deliveries: list[Delivery] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    log_path: Path | None = None
    dry_run: bool = False
    fatal: bool = False  # the job could not run or the server could not be used

    def count(self, status: str) -> int:
        return sum(1 for d in self.deliveries if d.status == status)

    @property
    def sent(self) -> int:
        return self.count(SENT)

    @property
    def drafts(self) -> int:
        return self.count(DRAFT)

    @property
    def failed(self) -> int:
        return self.count(FAILED) + self.count(SKIPPED)

    @property
    def ok(self) -> bool:
        return not self.fatal and not self.failed and not self.problems

    @property
    def exit_code(self) -> int:
        """0 everything went, 1 something failed or the data had problems, 2 could not run."""
        if self.fatal:
            return 2
        return 0 if self.ok else 1

    def summary_line(self, lang: i18n.Lang = "zh") -> str:
        key = "mail_report_dry_run" if self.dry_run else "mail_report_sent"
        return i18n.text(
            key,
            lang,
            sent=self.sent,
            drafts=self.drafts,
            failed=self.failed,
            problems=len(self.problems),
            log=str(self.log_path or ""),
        )


def _settings(
    settings: MailSettings | None, config: str | Path | None, env: Mapping[str, str] | None, sending: bool
) -> MailSettings | None:
    if settings is None and (config is not None or sending):
        settings = load_settings(config, env)
    if settings is not None and sending:
        require_sending(settings)
    return settings


def _log_path(log: str | Path | None, dry_run: str | Path | None, beside: Path) -> Path:
    if log is not None:
        return Path(log)
    return Path(dry_run) / LOG_NAME if dry_run is not None else beside.parent / LOG_NAME


def _too_large(attachments: Sequence[Attachment], settings: MailSettings | None, where: str) -> Problem | None:
    limit = (settings or MailSettings()).max_attachment_bytes
    total = sum(a.size for a in attachments)
    if total <= limit:
        return None
    mb = lambda n: f"{n / 1024 / 1024:.1f} MB"  # noqa: E731
    names = "、".join(f"{a.filename} ({mb(a.size)})" for a in attachments)
    return Problem.of(
        "mail_attachment_too_large", params={"files": names, "size": mb(total), "limit": mb(limit)}, file=where
    )


def _deliver(
    outgoing: list[Outgoing],
    skipped: list[Delivery],
    report: MailReport,
    settings: MailSettings | None,
    dry_run: str | Path | None,
    lang: i18n.Lang,
    env: Mapping[str, str] | None,
    progress: Progress | None,
) -> MailReport:
    """Send or save ``outgoing``, logging each delivery as it happens. Nothing is sent unless
    the log can be written: a send without a record is what the log exists to prevent."""
    total = sum(len(o.recipients) for o in outgoing) + len(skipped)
    assert report.log_path is not None
    try:
        log = SendLog(report.log_path, lang)
    except OSError as exc:
        report.problems.append(
            Problem.of("output_locked", params={"detail": exc.strerror or str(exc)}, file=str(report.log_path))
        )
        report.fatal = True
        return report

    def record(d: Delivery) -> None:
        report.deliveries.append(d)
        log.write(d)
        if progress:
            progress(len(report.deliveries), total)

    with log:
        for d in skipped:
            record(d)
        try:
            if dry_run is not None:
                write_drafts(outgoing, dry_run, record)
            elif outgoing:
                assert settings is not None
                sender = SmtpSender(settings, env=dict(env) if env is not None else None)
                sender.send(outgoing, record)
                report.problems.extend(sender.problems)
                if sender.problems and not report.sent:
                    report.fatal = True
        except IcxError as exc:  # a draft could not be written (file open elsewhere)
            report.problems.extend(exc.problems)
            report.fatal = True
        except OSError as exc:  # the drafts folder cannot be made or written
            report.problems.append(
                Problem.of("output_locked", params={"detail": exc.strerror or str(exc)}, file=str(dry_run))
            )
            report.fatal = True
    return report


def send_summary(
    summary: str | Path,
    recipients: str | Path,
    *,
    feedback_dir: str | Path | None = None,
    config: str | Path | None = None,
    settings: MailSettings | None = None,
    dry_run: str | Path | None = None,
    pdf: bool = False,
    pdf_full: bool = False,
    lang: i18n.Lang = "zh",
    log: str | Path | None = None,
    committee: bool = True,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> MailReport:
    """Email the committee summary to the committee and each unit its feedback workbook.

    ``dry_run``: a folder to write one .eml per message into instead of sending. ``pdf``: also
    attach the meeting PDF of the summary (LibreOffice), ``pdf_full`` the PDF with its appendix.
    ``committee=False`` sends only the feedback.
    The send log (CSV) goes to ``log`` (default: beside the summary, or in the dry-run folder).

    Example (from a macro)::

        report = send_summary("委员会汇总.xlsx", "收件人.xlsx", feedback_dir="反馈", config="smtp.toml")
        print(report.summary_line())
    """
    summary = Path(summary)
    report = MailReport(dry_run=dry_run is not None)
    try:
        settings = _settings(settings, config, env, sending=dry_run is None)
        figures = read_key_figures(summary)
        people: Recipients = load_recipients(recipients)
        feedback = match_feedback(feedback_dir, people) if feedback_dir is not None else None
        extra = [] if not ((pdf or pdf_full) and committee) else [_summary_pdf(summary, pdf_full)]
    except IcxError as exc:
        report.problems.extend(exc.problems)
        report.fatal = True
        return report
    report.problems.extend(figures.problems + people.problems + (feedback.problems if feedback else []))
    draft = dry_run is not None
    outgoing: list[Outgoing] = []
    skipped: list[Delivery] = []
    if committee:
        if not people.committee:
            report.problems.append(Problem.of("mail_no_committee", file=str(recipients)))
        attachments = [Attachment.from_file(summary)] + extra
        too_large = _too_large(attachments, settings, str(summary))
        for member in people.committee:
            out = summary_message(figures, member, attachments, settings, lang, draft=draft)
            if too_large:
                skipped += [Delivery.of(out, r, SKIPPED, answer=too_large.message(lang)) for r in out.recipients]
            else:
                outgoing.append(out)
        if too_large and people.committee:
            report.problems.append(too_large)
    if feedback is not None:
        for code, path in feedback.files.items():
            unit = people.units[code]
            attachment = Attachment.from_file(path)
            out = feedback_message(unit, attachment, settings, lang, period=figures.period, draft=draft)
            too_large = _too_large([attachment], settings, str(path))
            if too_large:
                report.problems.append(too_large)
                skipped += [Delivery.of(out, r, SKIPPED, answer=too_large.message(lang)) for r in out.recipients]
            else:
                outgoing.append(out)
    report.log_path = _log_path(log, dry_run, summary)
    return _deliver(outgoing, skipped, report, settings, dry_run, lang, env, progress)


def _summary_pdf(summary: Path, full: bool = False) -> Attachment:
    from icx.mail.pdf import summary_pdf  # LibreOffice only when asked for

    return summary_pdf(summary, full=full)


def send_reminders(
    summary: str | Path,
    recipients: str | Path,
    *,
    as_of: date | None = None,
    within: int = DEFAULT_WITHIN_DAYS,
    config: str | Path | None = None,
    settings: MailSettings | None = None,
    dry_run: str | Path | None = None,
    lang: i18n.Lang = "zh",
    log: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> MailReport:
    """Email each rectification owner their open deficiencies overdue or due within ``within``
    days of ``as_of`` (default today), one message per person, unit contacts in copy."""
    summary = Path(summary)
    as_of = as_of or date.today()
    report = MailReport(dry_run=dry_run is not None)
    try:
        settings = _settings(settings, config, env, sending=dry_run is None)
        found = read_deficiencies(summary)
        people = load_recipients(recipients)
    except IcxError as exc:
        report.problems.extend(exc.problems)
        report.fatal = True
        return report
    report.problems.extend(found.problems + people.problems)
    reminders, problems = plan_reminders(select_due(found.items, as_of, within), people)
    report.problems.extend(problems)
    draft = dry_run is not None
    outgoing = [reminder_message(r.to, r.cc, r.items, as_of, within, settings, lang, draft=draft) for r in reminders]
    report.log_path = _log_path(log, dry_run, summary)
    return _deliver(outgoing, [], report, settings, dry_run, lang, env, progress)
