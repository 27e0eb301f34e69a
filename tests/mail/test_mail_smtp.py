"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1): recipients, subjects,
attachments, STARTTLS + AUTH, refused and dropped deliveries, the send log."""

from __future__ import annotations

from pathlib import Path

import pytest
from mailkit import COMMITTEE, PASSWORD, UNITS, USERNAME, Server

from icx import i18n
from icx.mail import send_summary
from icx.mail.send import read_log

ENV = {"ICX_SMTP_PASSWORD": PASSWORD}
LOG_SENT = i18n.label("mail_status_sent", "zh")
LOG_FAILED = i18n.label("mail_status_failed", "zh")


def _attachments(msg) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def test_summary_and_feedback_arrive_with_right_recipients_subject_and_bytes(
    smtp_server: Server, summary: Path, recipients: Path, feedback_dir: Path, tmp_path: Path
) -> None:
    report = send_summary(
        summary,
        recipients,
        feedback_dir=feedback_dir,
        settings=smtp_server.settings(),
        log=tmp_path / "log.csv",
        env={},
    )
    assert report.exit_code == 0, [p.render() for p in report.problems]
    assert report.sent == 5 and report.failed == 0
    got = smtp_server.handler.received
    assert sorted(tuple(r.rcpt_tos) for r in got) == sorted([(a,) for _, a in COMMITTEE] + [(u[3],) for u in UNITS])
    for name, address in COMMITTEE:
        [arrived] = smtp_server.handler.to(address)
        msg = arrived.message
        assert arrived.mail_from == "neikong@czj.example.gov.cn"
        assert msg["To"].addresses[0].addr_spec == address
        assert msg["To"].addresses[0].display_name == name
        assert (
            msg["Subject"] == "【内部控制】2025年度委员会汇总报告（已报4个单位，一级风险7项，岗位冲突3项，逾期缺陷2项）"
        )
        assert msg["From"].addresses[0].display_name == "区财政局内部控制办公室"
        assert _attachments(msg) == {summary.name: summary.read_bytes()}
        text = msg.get_body(("plain",)).get_content()
        assert "一级风险数：7" in text and "逾期未整改缺陷数：2" in text and "平均自评得分(%)：86.25" in text
        html = msg.get_body(("html",)).get_content()
        assert "<td" in html and "86.25" in html
    for code, unit, _person, address in UNITS:
        [arrived] = smtp_server.handler.to(address)
        msg = arrived.message
        assert msg["Subject"] == f"【内部控制】{unit}内部控制评价反馈"
        expected = feedback_dir / f"{code}-{unit}-反馈.xlsx"
        assert _attachments(msg) == {expected.name: expected.read_bytes()}
        assert code in msg.get_body(("plain",)).get_content()
    rows = read_log(tmp_path / "log.csv")
    assert len(rows) == 5 and {r["status"] for r in rows} == {LOG_SENT}
    assert all(r["answer"].startswith("250 2.0.0 OK queued as Q") for r in rows)
    assert {r["message_id"] for r in rows} == {r.message["Message-ID"] for r in got}


def test_english_subject_and_body(smtp_server: Server, summary: Path, recipients: Path, tmp_path: Path) -> None:
    report = send_summary(
        summary, recipients, settings=smtp_server.settings(from_name=""), lang="en", log=tmp_path / "l.csv", env={}
    )
    assert report.exit_code == 0
    msg = smtp_server.handler.received[0].message
    assert msg["Subject"] == (
        "[Internal control] Committee summary 2025年度 (4 units reported, 7 level 1 risks, "
        "3 duty conflicts, 2 overdue deficiencies)"
    )
    text = msg.get_body(("plain",)).get_content()
    assert "Level 1 risks: 7" in text and "Internal control office" in text


def test_starttls_with_login(tls_server: Server, summary: Path, recipients: Path, tmp_path: Path) -> None:
    settings = tls_server.settings(security="starttls", username=USERNAME, ca_file=tls_server.ca_file)
    report = send_summary(summary, recipients, settings=settings, log=tmp_path / "log.csv", env=ENV)
    assert report.exit_code == 0, [p.render() for p in report.problems]
    assert report.sent == len(COMMITTEE)
    assert tls_server.logins and all(user == USERNAME for _, user in tls_server.logins)
    assert len(tls_server.handler.received) == len(COMMITTEE)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # it is TLS: implicit, from the first byte
def test_implicit_tls_with_login(ssl_server: Server, summary: Path, recipients: Path, tmp_path: Path) -> None:
    settings = ssl_server.settings(security="ssl", username=USERNAME, ca_file=ssl_server.ca_file)
    report = send_summary(summary, recipients, settings=settings, log=tmp_path / "log.csv", env=ENV)
    assert report.exit_code == 0, [p.render() for p in report.problems]
    assert ssl_server.logins and len(ssl_server.handler.received) == len(COMMITTEE)


def test_starttls_required_but_not_offered(
    smtp_server: Server, summary: Path, recipients: Path, tmp_path: Path
) -> None:
    report = send_summary(
        summary, recipients, settings=smtp_server.settings(security="starttls"), log=tmp_path / "l.csv", env={}
    )
    assert report.fatal and [p.code for p in report.problems] == ["mail_starttls_unsupported"]
    assert smtp_server.handler.received == []  # never falls back to an unencrypted connection


def test_wrong_password_stops_the_batch_and_says_why(
    tls_server: Server, summary: Path, recipients: Path, feedback_dir: Path, tmp_path: Path
) -> None:
    settings = tls_server.settings(security="starttls", username=USERNAME, ca_file=tls_server.ca_file)
    report = send_summary(
        summary,
        recipients,
        feedback_dir=feedback_dir,
        settings=settings,
        log=tmp_path / "log.csv",
        env={"ICX_SMTP_PASSWORD": "wrong-one"},
    )
    assert report.exit_code == 2 and report.sent == 0
    assert [p.code for p in report.problems] == ["mail_auth_failed"]
    assert "535" in report.problems[0].message_en
    mechanisms = [m for m, _ in tls_server.logins]
    assert mechanisms and len(set(mechanisms)) == len(mechanisms)  # one login round, no retries with a bad password
    assert tls_server.handler.received == []
    rows = read_log(tmp_path / "log.csv")
    assert len(rows) == 5 and all(r["status"] != LOG_SENT for r in rows)


def test_untrusted_certificate_is_refused(tls_server: Server, summary: Path, recipients: Path, tmp_path: Path) -> None:
    settings = tls_server.settings(security="starttls", username=USERNAME)  # no ca_file: the test CA is unknown
    report = send_summary(summary, recipients, settings=settings, log=tmp_path / "log.csv", env=ENV)
    assert report.fatal and [p.code for p in report.problems] == ["mail_tls_failed"]
    assert tls_server.logins == [] and tls_server.handler.received == []


def test_missing_password_is_a_clear_error(
    tls_server: Server, summary: Path, recipients: Path, tmp_path: Path, monkeypatch
) -> None:
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, user: None)
    settings = tls_server.settings(security="starttls", username=USERNAME, ca_file=tls_server.ca_file)
    report = send_summary(summary, recipients, settings=settings, log=tmp_path / "log.csv", env={})
    assert report.exit_code == 2
    assert [p.code for p in report.problems] == ["mail_password_missing"]
    assert "ICX_SMTP_PASSWORD" in report.problems[0].message_zh
    assert tls_server.logins == []


def test_refused_recipient_and_dropped_connection(
    smtp_server: Server, summary: Path, recipients: Path, feedback_dir: Path, tmp_path: Path
) -> None:
    handler = smtp_server.handler
    refused = COMMITTEE[1][1]
    dropped = UNITS[0][3]
    delayed = UNITS[2][3]
    handler.reject = {refused}
    handler.drop_once = {dropped}
    handler.tempfail_once = {delayed}
    report = send_summary(
        summary,
        recipients,
        feedback_dir=feedback_dir,
        settings=smtp_server.settings(),
        log=tmp_path / "log.csv",
        env={},
    )
    assert report.exit_code == 1
    assert report.sent == 4 and report.failed == 1
    delivered = {a for r in handler.received for a in r.rcpt_tos}
    assert delivered == {COMMITTEE[0][1], UNITS[0][3], UNITS[1][3], UNITS[2][3]}
    assert len(handler.received) == 4  # the dropped message arrived once, on the retry
    assert handler.events[0] == f"reject {refused}"
    assert f"drop ['{dropped}']" in handler.events and f"tempfail {delayed}" in handler.events
    rows = {r["recipient"]: r for r in read_log(tmp_path / "log.csv")}
    assert len(rows) == 5
    assert rows[refused]["status"] == LOG_FAILED and rows[refused]["code"] == "550"
    assert "mailbox unavailable" in rows[refused]["answer"] and rows[refused]["attempts"] == "1"
    assert rows[dropped]["status"] == LOG_SENT and rows[dropped]["attempts"] == "2"
    assert rows[delayed]["status"] == LOG_SENT and rows[delayed]["attempts"] == "2"
    assert rows[COMMITTEE[0][1]]["attempts"] == "1" and rows[COMMITTEE[0][1]]["code"] == "250"
    assert rows[UNITS[0][3]]["unit_code"] == UNITS[0][0]


def test_transient_failures_give_up_after_the_retries(
    smtp_server: Server, summary: Path, recipients: Path, tmp_path: Path
) -> None:
    class AlwaysLater(set):
        def discard(self, item: object) -> None:  # never forget: answer 451 every time
            pass

    target = COMMITTEE[0][1]
    smtp_server.handler.tempfail_once = AlwaysLater({target})
    report = send_summary(
        summary, recipients, settings=smtp_server.settings(retries=2), log=tmp_path / "log.csv", env={}
    )
    rows = {r["recipient"]: r for r in read_log(tmp_path / "log.csv")}
    assert rows[target]["status"] == LOG_FAILED and rows[target]["attempts"] == "3" and rows[target]["code"] == "451"
    assert rows[COMMITTEE[1][1]]["status"] == LOG_SENT
    assert report.exit_code == 1


def test_unreachable_server_stops_and_logs_everything_as_not_sent(
    summary: Path, recipients: Path, feedback_dir: Path, tmp_path: Path
) -> None:
    from mailkit import Handler, free_port

    dead = Server(Handler(), free_port())  # nothing listens there
    report = send_summary(
        summary,
        recipients,
        feedback_dir=feedback_dir,
        settings=dead.settings(retries=1),
        log=tmp_path / "log.csv",
        env={},
    )
    assert report.sent == 0 and report.failed == 5
    assert [p.code for p in report.problems] == ["mail_server_unreachable"]
    assert report.exit_code == 2
    rows = read_log(tmp_path / "log.csv")
    assert [r["attempts"] for r in rows] == ["2", "0", "0", "0", "0"]  # tried twice, then the rest not attempted


def test_attachment_over_the_limit_is_a_clear_error_and_others_still_go(
    smtp_server: Server, summary: Path, recipients: Path, feedback_dir: Path, tmp_path: Path
) -> None:
    big = feedback_dir / f"{UNITS[1][0]}-{UNITS[1][1]}-反馈.xlsx"
    big.write_bytes(big.read_bytes() + b"\0" * 40_000)  # a damaged but large file: only its size matters here
    limit_mb = (summary.stat().st_size + 20_000) / 1024 / 1024
    report = send_summary(
        summary,
        recipients,
        feedback_dir=feedback_dir,
        settings=smtp_server.settings(max_attachment_mb=limit_mb),
        log=tmp_path / "log.csv",
        env={},
    )
    [problem] = [p for p in report.problems if p.code == "mail_attachment_too_large"]
    assert big.name in problem.message_zh and "上限" in problem.message_zh
    assert report.sent == 4 and report.failed == 1
    assert smtp_server.handler.to(UNITS[1][3]) == []


def test_nothing_is_sent_when_the_log_cannot_be_written(
    smtp_server: Server, summary: Path, recipients: Path, tmp_path: Path
) -> None:
    report = send_summary(summary, recipients, settings=smtp_server.settings(), log=tmp_path, env={})  # a folder
    assert report.exit_code == 2 and [p.code for p in report.problems] == ["output_locked"]
    assert smtp_server.handler.received == []
