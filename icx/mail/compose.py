"""Messages: subject and body (plain text + HTML) in Chinese or English, with attachments.

Built with the standard ``email`` package under ``policy.SMTP``: subjects and display names are
RFC 2047 encoded, attachment file names RFC 2231 encoded (Chinese names survive), lines end in
CRLF. Every name passes ``one_line`` and every address ``check_address`` before it reaches a
header; the policy refuses CR/LF in a header on top of that.
"""

from __future__ import annotations

import html
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from icx import i18n
from icx.io.specs import columns
from icx.mail.addresses import check_address, one_line, unique
from icx.mail.config import MailSettings
from icx.mail.figures import HEADLINE, KeyFigures, figure_keys, figure_label
from icx.mail.recipients import Contact, Unit

if TYPE_CHECKING:
    from icx.mail.reminders import Deficiency

POLICY = policy.SMTP
MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".pdf": "application/pdf",
    ".csv": "text/csv",
}
SUMMARY, FEEDBACK, REMINDER = "summary", "feedback", "reminder"


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mime: str

    @classmethod
    def from_file(cls, path: str | Path, filename: str | None = None) -> Attachment:
        path = Path(path)
        name = one_line(filename or path.name) or "attachment"
        mime = MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return cls(name, path.read_bytes(), mime)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Outgoing:
    """One message ready to send or save, with what the send log needs."""

    kind: str  # summary | feedback | reminder
    key: str  # the unit code or the person's address: names the .eml file and the log row
    message: EmailMessage
    recipients: list[str]  # envelope: To then Cc
    attachments: list[str] = field(default_factory=list)
    unit_code: str = ""

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=POLICY)


def _t(key: str, lang: i18n.Lang, **values: object) -> str:
    return i18n.text(key, lang, **values)


def _mailbox(contact: Contact) -> Address:
    address = check_address(contact.address)
    local, _, domain = address.rpartition("@")
    return Address(display_name=one_line(contact.name), username=local, domain=domain)


def build_message(
    *,
    sender: Contact | None,
    to: Sequence[Contact],
    cc: Sequence[Contact] = (),
    reply_to: str = "",
    subject: str,
    text: str,
    html_body: str,
    attachments: Iterable[Attachment] = (),
    draft: bool = False,
) -> EmailMessage:
    """A multipart message: text and HTML alternatives, then the attachments.

    ``draft`` adds ``X-Unsent: 1`` so Outlook opens a saved .eml as a draft to send.
    """
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = one_line(subject, 300)
    if sender is not None:
        msg["From"] = _mailbox(sender)
    msg["To"] = [_mailbox(c) for c in to]
    if cc:
        msg["Cc"] = [_mailbox(c) for c in cc]
    if reply_to:
        msg["Reply-To"] = check_address(reply_to)
    msg["Date"] = formatdate(localtime=True)
    domain = check_address(sender.address).rpartition("@")[2] if sender else "icx.invalid"
    msg["Message-ID"] = make_msgid(idstring="icx", domain=domain)
    if draft:
        msg["X-Unsent"] = "1"
    # base64 keeps Chinese text 7-bit clean for any relay (no 8BITMIME needed).
    msg.set_content(text, charset="utf-8", cte="base64")
    msg.add_alternative(html_body, subtype="html", charset="utf-8", cte="base64")
    for item in attachments:
        maintype, _, subtype = item.mime.partition("/")
        msg.add_attachment(
            item.data, maintype=maintype, subtype=subtype, filename=one_line(item.filename) or "attachment"
        )
    return msg


def _sender(settings: MailSettings | None, lang: i18n.Lang) -> tuple[Contact | None, str]:
    """The From mailbox (None when unknown, as in a dry run without settings) and the
    signature name."""
    signature = settings.from_name if settings and settings.from_name else i18n.label("mail_default_sender", lang)
    if settings is None or not settings.from_address:
        return None, signature
    return Contact(settings.from_name, settings.from_address), signature


def _html_page(lang: i18n.Lang, *blocks: str) -> str:
    body = "\n".join(blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8"></head>\n'
        "<body style=\"font-family: 'Microsoft YaHei', 'PingFang SC', sans-serif; font-size: 14px;\">\n"
        f"{body}\n</body></html>\n"
    )


def _p(text: str) -> str:
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    cell = 'style="border: 1px solid #999; padding: 4px 8px;"'
    head = "".join(f"<th {cell}>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td {cell}>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table style="border-collapse: collapse;"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _greeting(name: str, lang: i18n.Lang) -> str:
    return _t("mail_greeting", lang, name=one_line(name) or i18n.label("mail_default_greeting", lang))


def summary_subject(figures: KeyFigures, lang: i18n.Lang) -> str:
    parts = [_t(f"mail_headline_{key}", lang, n=figures.shown(key)) for key in HEADLINE if figures.has(key)]
    sep, wrap = ("，", "（{}）") if lang == "zh" else (", ", " ({})")
    headline = wrap.format(sep.join(parts)) if parts else ""
    if figures.period:
        return _t("mail_summary_subject_period", lang, period=one_line(figures.period), headline=headline)
    return _t("mail_summary_subject", lang, headline=headline)


def figure_rows(figures: KeyFigures, lang: i18n.Lang) -> list[tuple[str, str]]:
    """(label, value) for every key figure; a missing one says so instead of a number."""
    missing = _t("mail_figure_not_found", lang)
    return [(figure_label(k, lang), figures.shown(k) if figures.has(k) else missing) for k in figure_keys()]


def summary_message(
    figures: KeyFigures,
    member: Contact,
    attachments: Sequence[Attachment],
    settings: MailSettings | None,
    lang: i18n.Lang = "zh",
    draft: bool = False,
) -> Outgoing:
    sender, signature = _sender(settings, lang)
    rows = figure_rows(figures, lang)
    period = one_line(figures.period)
    intro = _t("mail_summary_intro_period" if period else "mail_summary_intro", lang, period=period)
    files = [f"{a.filename} ({_size(a.size)})" for a in attachments]
    colon = "：" if lang == "zh" else ": "
    text = (
        "\n".join(
            [_greeting(member.name, lang), "", intro, ""]
            + [f"  {label}{colon}{value}" for label, value in rows]
            + ["", _t("mail_attachments_heading", lang)]
            + [f"  {f}" for f in files]
            + ["", _t("mail_closing", lang), signature, "", _t("mail_generated_note", lang)]
        )
        + "\n"
    )
    html_body = _html_page(
        lang,
        _p(_greeting(member.name, lang)),
        _p(intro),
        _table([i18n.label("mail_figure", lang), i18n.label("mail_value", lang)], rows),
        _p(_t("mail_attachments_heading", lang)),
        "<ul>" + "".join(f"<li>{html.escape(f)}</li>" for f in files) + "</ul>",
        _p(_t("mail_closing", lang) + "\n" + signature),
        f'<p style="color: #888; font-size: 12px;">{html.escape(_t("mail_generated_note", lang))}</p>',
    )
    msg = build_message(
        sender=sender,
        to=[member],
        reply_to=settings.reply_to if settings else "",
        subject=summary_subject(figures, lang),
        text=text,
        html_body=html_body,
        attachments=attachments,
        draft=draft,
    )
    return Outgoing(SUMMARY, member.address, msg, [check_address(member.address)], [a.filename for a in attachments])


def feedback_message(
    unit: Unit,
    attachment: Attachment,
    settings: MailSettings | None,
    lang: i18n.Lang = "zh",
    period: str = "",
    draft: bool = False,
) -> Outgoing:
    sender, signature = _sender(settings, lang)
    unit_name = one_line(unit.name) or one_line(unit.code)
    code = one_line(unit.code)
    to = unit.contacts
    names = "、".join(c.name for c in to if c.name) if lang == "zh" else ", ".join(c.name for c in to if c.name)
    key = "mail_feedback_body_period" if one_line(period) else "mail_feedback_body"
    body = _t(key, lang, unit=unit_name, code=code, period=one_line(period), file=attachment.filename)
    text = (
        "\n".join(
            [
                _greeting(names, lang),
                "",
                body,
                "",
                _t("mail_attachments_heading", lang),
                f"  {attachment.filename} ({_size(attachment.size)})",
                "",
                _t("mail_closing", lang),
                signature,
                "",
                _t("mail_generated_note", lang),
            ]
        )
        + "\n"
    )
    html_body = _html_page(
        lang,
        _p(_greeting(names, lang)),
        _p(body),
        _p(_t("mail_attachments_heading", lang)),
        f"<ul><li>{html.escape(attachment.filename)} ({_size(attachment.size)})</li></ul>",
        _p(_t("mail_closing", lang) + "\n" + signature),
        f'<p style="color: #888; font-size: 12px;">{html.escape(_t("mail_generated_note", lang))}</p>',
    )
    msg = build_message(
        sender=sender,
        to=to,
        reply_to=settings.reply_to if settings else "",
        subject=_t("mail_feedback_subject", lang, unit=unit_name, code=code),
        text=text,
        html_body=html_body,
        attachments=[attachment],
        draft=draft,
    )
    recipients = unique(check_address(c.address) for c in to)
    return Outgoing(FEEDBACK, code, msg, recipients, [attachment.filename], unit_code=code)


def _when(item: Deficiency, as_of: date, lang: i18n.Lang) -> str:
    days = (item.deadline - as_of).days
    if days < 0:
        return _t("mail_reminder_overdue", lang, days=-days)
    if days == 0:
        return _t("mail_reminder_due_today", lang)
    return _t("mail_reminder_due_in", lang, days=days)


def reminder_message(
    owner: Contact,
    cc: Sequence[Contact],
    items: Sequence[Deficiency],
    as_of: date,
    within: int,
    settings: MailSettings | None,
    lang: i18n.Lang = "zh",
    draft: bool = False,
) -> Outgoing:
    """One reminder to one person listing all their deficiencies due (overdue first)."""
    sender, signature = _sender(settings, lang)
    specs = {s.key: s for s in columns("deficiencies")}
    head = lambda key: specs[key].header(lang)  # noqa: E731 - a local label shortcut
    intro = _t("mail_reminder_intro", lang, as_of=as_of.isoformat(), count=len(items), within=within)
    lines: list[str] = []
    rows: list[list[str]] = []
    colon = "：" if lang == "zh" else ": "
    for n, item in enumerate(items, start=1):
        unit = one_line(item.unit_name) or one_line(item.unit_code)
        when = _when(item, as_of, lang)
        ident = f" {one_line(item.item_id)}" if item.item_id else ""
        grade = f" ({one_line(item.grade)})" if item.grade else ""
        lines.append(f"{n}. [{unit}]{ident} {one_line(item.deficiency, 500)}{grade}")
        if item.rectification:
            lines.append(f"   {head('rectification')}{colon}{one_line(item.rectification, 500)}")
        lines.append(f"   {head('deadline')}{colon}{item.deadline.isoformat()} — {when}")
        if item.status:
            lines.append(f"   {head('status')}{colon}{one_line(item.status)}")
        rows.append(
            [
                unit,
                one_line(item.item_id),
                one_line(item.deficiency, 500),
                one_line(item.grade),
                one_line(item.rectification, 500),
                item.deadline.isoformat(),
                when,
                one_line(item.status),
            ]
        )
    footer = _t("mail_reminder_footer", lang)
    text = (
        "\n".join(
            [_greeting(owner.name, lang), "", intro, ""]
            + lines
            + ["", footer, "", _t("mail_closing", lang), signature, "", _t("mail_generated_note", lang)]
        )
        + "\n"
    )
    header = [
        head("unit_name"),
        head("item_id"),
        head("deficiency"),
        head("grade"),
        head("rectification"),
        head("deadline"),
        i18n.label("mail_reminder_when", lang),
        head("status"),
    ]
    html_body = _html_page(
        lang,
        _p(_greeting(owner.name, lang)),
        _p(intro),
        _table(header, rows),
        _p(footer),
        _p(_t("mail_closing", lang) + "\n" + signature),
        f'<p style="color: #888; font-size: 12px;">{html.escape(_t("mail_generated_note", lang))}</p>',
    )
    owner_address = check_address(owner.address)
    cc = [c for c in cc if check_address(c.address).lower() != owner_address.lower()]
    msg = build_message(
        sender=sender,
        to=[owner],
        cc=cc,
        reply_to=settings.reply_to if settings else "",
        subject=_t("mail_reminder_subject", lang, count=len(items), as_of=as_of.isoformat()),
        text=text,
        html_body=html_body,
        draft=draft,
    )
    recipients = unique([owner_address] + [check_address(c.address) for c in cc])
    codes = sorted({one_line(i.unit_code) for i in items})
    return Outgoing(REMINDER, owner_address, msg, recipients, [], unit_code=",".join(codes))
