"""Rectification reminders: which deficiencies are due (boundaries), one message per person,
unit contacts in copy, sent through a real SMTP server."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from mailkit import AS_OF, UNITS, Server, deficiency, make_recipients_xlsx, make_summary

from icx.core.dates import as_date
from icx.mail import send_reminders
from icx.mail.reminders import read_deficiencies, select_due
from icx.mail.send import read_log

OWNER = "zhangsan@fb001.example.gov.cn"


def _days(n: int) -> date:
    return AS_OF + timedelta(days=n)


def test_due_boundaries(tmp_path: Path) -> None:
    rows = [
        deficiency("FB001", "D-late", _days(-1)),  # overdue by a day
        deficiency("FB001", "D-today", _days(0)),  # due on the as-of date: due, not overdue
        deficiency("FB001", "D-last", _days(7)),  # the last day of the window
        deficiency("FB001", "D-out", _days(8)),  # one day past the window
        deficiency("FB001", "D-done", _days(-30), status="已整改"),  # rectified: never reminded
        deficiency("FB001", "D-done-en", _days(-30), status="Closed"),
    ]
    found = read_deficiencies(make_summary(tmp_path / "s.xlsx", deficiencies=rows))
    assert found.problems == []
    due = select_due(found.items, AS_OF, 7)
    assert [d.item_id for d in due] == ["D-late", "D-today", "D-last"]
    assert [d.overdue(AS_OF) for d in due] == [True, False, False]
    assert [d.item_id for d in select_due(found.items, AS_OF, 0)] == ["D-late", "D-today"]


@pytest.mark.parametrize(
    "cell, expected",
    [
        (datetime(2025, 6, 30, 0, 0), date(2025, 6, 30)),
        ("2025-06-30", date(2025, 6, 30)),
        ("2025/6/30", date(2025, 6, 30)),
        ("2025.6.30", date(2025, 6, 30)),
        ("2025年6月30日", date(2025, 6, 30)),
        ("２０２５－０６－３０", date(2025, 6, 30)),
        (45838, date(2025, 6, 30)),  # an Excel serial number
        ("30/06/2025", None),
        ("下月底", None),
        ("2025-02-30", None),
    ],
)
def test_deadline_formats(cell: object, expected: date | None) -> None:
    assert as_date(cell) == expected


def test_bad_rows_are_reported_with_their_cells(tmp_path: Path) -> None:
    rows = [
        deficiency("FB001", "D1", "尽快"),
        deficiency("", "D2", _days(1)),
        deficiency("FB002", "D3", _days(1), email="not-an-address"),
    ]
    found = read_deficiencies(make_summary(tmp_path / "s.xlsx", deficiencies=rows))
    assert [(p.code, p.cell, p.severity) for p in found.problems] == [
        ("mail_deadline_invalid", "J2", "error"),
        ("mail_deficiency_no_unit", "A3", "error"),
        ("mail_address_invalid", "I4", "warning"),
    ]
    assert [d.item_id for d in found.items] == ["D3"] and found.items[0].owner_email == ""


def test_missing_deficiency_sheet_is_refused(tmp_path: Path, recipients: Path) -> None:
    report = send_reminders(make_summary(tmp_path / "s.xlsx"), recipients, as_of=AS_OF, dry_run=tmp_path / "d", env={})
    assert report.exit_code == 2 and [p.code for p in report.problems] == ["sheet_missing"]


def test_one_message_per_person_with_unit_contacts_in_copy(smtp_server: Server, tmp_path: Path) -> None:
    other = "wu@fb002.example.gov.cn"
    rows = [
        deficiency("FB001", "A1", _days(-3), grade="重大缺陷"),
        deficiency("FB001", "A2", _days(5)),
        deficiency("FB002", "B1", _days(2)),  # same owner, another unit: one message, both units copied
        deficiency("FB002", "B2", _days(-1), owner="吴会计", email=other),
        deficiency("FB003", "C1", _days(1), owner="无邮箱", email=None),  # no owner email: to the unit contact
        deficiency("FB003", "C2", _days(30)),  # not due yet
    ]
    summary = make_summary(tmp_path / "s.xlsx", deficiencies=rows)
    recipients = make_recipients_xlsx(tmp_path / "r.xlsx")
    report = send_reminders(
        summary, recipients, as_of=AS_OF, within=7, settings=smtp_server.settings(), log=tmp_path / "log.csv", env={}
    )
    assert report.exit_code == 0, [p.render() for p in report.problems]
    got = smtp_server.handler.received
    assert len(got) == 3
    by_to = {r.message["To"].addresses[0].addr_spec: r for r in got}
    assert set(by_to) == {OWNER, other, UNITS[2][3]}

    mine = by_to[OWNER]
    assert sorted(mine.rcpt_tos) == sorted([OWNER, UNITS[0][3], UNITS[1][3]])
    assert sorted(a.addr_spec for a in mine.message["Cc"].addresses) == sorted([UNITS[0][3], UNITS[1][3]])
    assert mine.message["Subject"] == "【内部控制】整改提醒：3项缺陷已逾期或即将到期（截至2025-06-30）"
    text = mine.message.get_body(("plain",)).get_content()
    assert text.index("A1") < text.index("B1") < text.index("A2")  # earliest deadline first
    assert "已逾期3天" in text and "还有2天到期" in text and "还有5天到期" in text and "重大缺陷" in text
    assert "C2" not in text and "B2" not in text

    assert sorted(by_to[other].rcpt_tos) == sorted([other, UNITS[1][3]])
    assert "已逾期1天" in by_to[other].message.get_body(("plain",)).get_content()
    assert by_to[UNITS[2][3]].rcpt_tos == [UNITS[2][3]] and by_to[UNITS[2][3]].message["Cc"] is None

    rows_logged = read_log(tmp_path / "log.csv")
    assert sorted(r["recipient"] for r in rows_logged) == sorted(a for r in got for a in r.rcpt_tos)


def test_english_reminder(tmp_path: Path) -> None:
    summary = make_summary(tmp_path / "s.xlsx", deficiencies=[deficiency("FB001", "A1", _days(0))])
    report = send_reminders(
        summary,
        make_recipients_xlsx(tmp_path / "r.xlsx"),
        as_of=AS_OF,
        within=3,
        dry_run=tmp_path / "d",
        lang="en",
        env={},
    )
    assert report.drafts == 2
    from email import message_from_bytes, policy

    msg = message_from_bytes(next((tmp_path / "d").glob("*.eml")).read_bytes(), policy=policy.default)
    assert msg["Subject"] == "[Internal control] Rectification reminder: 1 overdue or due soon (as of 2025-06-30)"
    assert "due today" in msg.get_body(("plain",)).get_content()


def test_deficiency_nobody_can_be_told_about_is_reported(tmp_path: Path) -> None:
    summary = make_summary(tmp_path / "s.xlsx", deficiencies=[deficiency("ZZ999", "Z1", _days(-1), email=None)])
    report = send_reminders(
        summary, make_recipients_xlsx(tmp_path / "r.xlsx"), as_of=AS_OF, dry_run=tmp_path / "d", env={}
    )
    assert report.drafts == 0 and report.exit_code == 1
    assert [p.code for p in report.problems] == ["mail_reminder_no_address"]
