"""Email of the committee summary, unit feedback and rectification reminders (SMTP or .eml drafts).

Public entry points (the CLI commands ``icx email`` / ``icx remind`` and the Excel ribbon's
发送邮件 button call these):

- ``send_summary(summary, recipients, feedback_dir=..., config=..., dry_run=..., pdf=..., lang=...)``
- ``send_reminders(summary, recipients, as_of=..., within=..., config=..., dry_run=..., lang=...)``

Both return a ``MailReport`` (deliveries, problems, log path, exit code).
"""

from icx.mail.config import MailSettings, load_settings
from icx.mail.jobs import MailReport, send_reminders, send_summary

__all__ = ["MailReport", "MailSettings", "load_settings", "send_reminders", "send_summary"]
