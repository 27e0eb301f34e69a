"""Email on the real outputs of `icx demo` (which consolidates into committee.xlsx and feedback/):
the contracts hold between the consolidation and the mail, not only on hand-made workbooks."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from icx import i18n
from icx.cli.app import app
from icx.demo.data import make_units
from icx.io.specs import sheet_names
from icx.mail import send_reminders, send_summary
from icx.mail.figures import format_value, read_key_figures


def test_email_the_demo_summary_and_feedback(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", str(demo), "--units", "3"])
    assert result.exit_code == 0, result.output
    units = make_units(3, seed=2026)
    recipients = tmp_path / "收件人.toml"
    recipients.write_text(
        '[[committee]]\nname = "王主任"\nemail = "wang@czj.example.gov.cn"\n'
        + "".join(f'\n[[units]]\ncode = "{u.code}"\nname = "{u.name}"\nemail = "{u.email}"\n' for u in units),
        encoding="utf-8",
    )
    summary = demo / "committee.xlsx"
    report = send_summary(summary, recipients, feedback_dir=demo / "feedback", dry_run=tmp_path / "out", env={})
    assert not report.fatal and report.drafts == 1 + len(units)
    assert {p.code for p in report.problems} <= {"mail_figure_missing"}

    # every figure on the 概览 sheet (read here with openpyxl) is in the committee message
    overview = openpyxl.load_workbook(summary, data_only=True)[sheet_names("overview")[0]]
    labels = {entry["zh"]: key for key, entry in i18n.section("figures").items()}
    on_sheet = {
        labels[row[0]]: row[1]
        for row in overview.iter_rows(values_only=True)
        if row and row[0] in labels and row[1] not in (None, "")
    }
    assert on_sheet and read_key_figures(summary).values.keys() == on_sheet.keys()
    files = sorted((tmp_path / "out").glob("*.eml"))
    committee = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    text = committee.get_body(("plain",)).get_content()
    for key, value in on_sheet.items():
        assert f"{i18n.section('figures')[key]['zh']}：{format_value(value)}" in text

    for eml, unit in zip(files[1:], units):
        msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert [a.addr_spec for a in msg["To"].addresses] == [unit.email]
        [attachment] = list(msg.iter_attachments())
        source = next((demo / "feedback").glob(f"{unit.code}-*"))
        assert attachment.get_filename() == source.name and attachment.get_content() == source.read_bytes()

    reminders = send_reminders(summary, recipients, dry_run=tmp_path / "rem", env={})
    assert not reminders.fatal, [p.render() for p in reminders.problems]
