"""Composed messages: encodings, dry-run .eml files that parse back, header injection."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from mailkit import COMMITTEE, FIGURES, UNITS, Server, make_recipients_xlsx, make_summary

from icx.mail import send_summary
from icx.mail.addresses import BadAddress, check_address, one_line
from icx.mail.compose import Attachment, build_message, feedback_message, summary_message
from icx.mail.config import MailSettings
from icx.mail.figures import read_key_figures
from icx.mail.recipients import Contact, Unit, load_recipients
from icx.mail.send import read_log


def _parse(data: bytes) -> EmailMessage:
    return message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def test_dry_run_eml_files_parse_back_to_the_same_content(
    summary: Path, recipients: Path, feedback_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "草稿"
    report = send_summary(summary, recipients, feedback_dir=feedback_dir, dry_run=out, env={})
    assert report.exit_code == 0 and report.drafts == 5 and report.sent == 0
    files = sorted(out.glob("*.eml"))
    assert [f.name for f in files] == [
        f"001-summary-{COMMITTEE[0][1]}.eml",
        f"002-summary-{COMMITTEE[1][1]}.eml",
        "003-feedback-FB001.eml",
        "004-feedback-FB002.eml",
        "005-feedback-FB003.eml",
    ]
    figures = read_key_figures(summary)
    for f, (name, address) in zip(files[:2], COMMITTEE):
        msg = _parse(f.read_bytes())
        assert msg["X-Unsent"] == "1"  # Outlook opens it as a draft
        assert (
            msg["Subject"] == "【内部控制】2025年度委员会汇总报告（已报4个单位，一级风险7项，岗位冲突3项，逾期缺陷2项）"
        )
        assert [(a.display_name, a.addr_spec) for a in msg["To"].addresses] == [(name, address)]
        assert {p.get_filename(): p.get_content() for p in msg.iter_attachments()} == {
            summary.name: summary.read_bytes()
        }
        # the same message composed again gives the same text (dates and ids aside)
        again = summary_message(figures, Contact(name, address), [Attachment.from_file(summary)], None, draft=True)
        assert msg.get_body(("plain",)).get_content() == again.message.get_body(("plain",)).get_content()
        assert msg.get_body(("html",)).get_content() == again.message.get_body(("html",)).get_content()
    for f, (code, unit, _person, address) in zip(files[2:], UNITS):
        msg = _parse(f.read_bytes())
        assert [a.addr_spec for a in msg["To"].addresses] == [address]
        expected = feedback_dir / f"{code}-{unit}-反馈.xlsx"
        assert {p.get_filename(): p.get_content() for p in msg.iter_attachments()} == {
            expected.name: expected.read_bytes()
        }
    rows = read_log(out / "icx-send-log.csv")
    assert [r["answer"] for r in rows] == [str(f) for f in files]


def test_dry_run_and_smtp_deliver_the_same_message(
    smtp_server: Server, summary: Path, recipients: Path, tmp_path: Path
) -> None:
    send_summary(summary, recipients, dry_run=tmp_path / "d", settings=smtp_server.settings(), env={})
    send_summary(summary, recipients, settings=smtp_server.settings(), log=tmp_path / "log.csv", env={})
    drafted = _parse(sorted((tmp_path / "d").glob("*.eml"))[0].read_bytes())
    sent = smtp_server.handler.to(COMMITTEE[0][1])[0].message
    for header in ("Subject", "From", "To"):
        assert str(drafted[header]) == str(sent[header])
    assert drafted.get_body(("plain",)).get_content() == sent.get_body(("plain",)).get_content()
    assert [p.get_content() for p in drafted.iter_attachments()] == [p.get_content() for p in sent.iter_attachments()]


def test_drafts_folder_that_cannot_be_made_is_a_clear_error(summary: Path, recipients: Path, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    report = send_summary(summary, recipients, dry_run=tmp_path / "taken" / "out", log=tmp_path / "l.csv", env={})
    assert report.exit_code == 2 and [p.code for p in report.problems] == ["output_locked"]


def test_encodings_rfc2047_subject_and_rfc2231_filename(summary: Path) -> None:
    attachment = Attachment(
        name := "2025年度内部控制委员会汇总报告（终稿）.xlsx", b"PK\x03\x04 data", "application/octet-stream"
    )
    msg = build_message(
        sender=Contact("内部控制办公室", "neikong@czj.example.gov.cn"),
        to=[Contact("王主任", "wang@czj.example.gov.cn")],
        subject="【内部控制】汇总",
        text="正文",
        html_body="<p>正文</p>",
        attachments=[attachment],
    )
    raw = msg.as_bytes()
    assert raw.isascii()  # every header and part 7-bit clean: any relay takes it
    head = raw.split(b"\r\n\r\n", 1)[0].decode()
    assert "Subject: =?utf-8?" in head and "From: =?utf-8?" in head
    assert re.search(r"filename\*(0\*)?=utf-8''", raw.decode())
    back = _parse(raw)
    assert back["Subject"] == "【内部控制】汇总"
    assert [p.get_filename() for p in back.iter_attachments()] == [name]
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_missing_figures_are_named_not_invented(tmp_path: Path) -> None:
    partial = {k: v for k, v in FIGURES.items() if k not in ("conflicts", "deficiencies_overdue")}
    path = make_summary(tmp_path / "s.xlsx", partial)
    figures = read_key_figures(path)
    assert figures.missing == ["conflicts", "deficiencies_overdue"]
    assert {p.code for p in figures.problems} == {"mail_figure_missing"}
    out = summary_message(figures, Contact("王主任", "wang@czj.example.gov.cn"), [], None)
    assert out.message["Subject"] == "【内部控制】2025年度委员会汇总报告（已报4个单位，一级风险7项）"
    text = out.message.get_body(("plain",)).get_content()
    assert "不相容岗位冲突数：（汇总表中未找到）" in text and "逾期未整改缺陷数：（汇总表中未找到）" in text


def test_blank_figure_cell_counts_as_missing(tmp_path: Path) -> None:
    path = make_summary(tmp_path / "s.xlsx", {**FIGURES, "risks_level1": None, "conflicts": ""})
    assert read_key_figures(path).missing == ["risks_level1", "conflicts"]


def test_english_labels_and_sheet_are_read(tmp_path: Path) -> None:
    path = make_summary(tmp_path / "s.xlsx", lang="en", period="FY2025")
    figures = read_key_figures(path)
    assert figures.missing == [] and figures.values["evaluation_score"] == 86.25 and figures.period == "FY2025"


def test_summary_without_overview_sheet_is_refused(tmp_path: Path, recipients: Path) -> None:
    path = make_summary(tmp_path / "s.xlsx", overview=False)
    report = send_summary(path, recipients, dry_run=tmp_path / "d", env={})
    assert report.exit_code == 2 and [p.code for p in report.problems] == ["mail_overview_missing"]
    assert "概览" in report.problems[0].message_zh
    assert not (tmp_path / "d").exists()


# --- header injection --------------------------------------------------------------------------

EVIL = "区财政局\r\nBcc: evil@attacker.example.com\r\n\r\n<script>x</script>"


def test_unit_name_with_line_breaks_cannot_add_headers(tmp_path: Path) -> None:
    unit = Unit("FB001", EVIL, [Contact("李会计\nX-Injected: 1", "li@fb001.example.gov.cn")])
    out = feedback_message(
        unit, Attachment("FB001-a\r\nX-Evil: 1.xlsx", b"x", "application/octet-stream"), MailSettings()
    )
    raw = out.as_bytes()
    back = _parse(raw)
    assert back["Bcc"] is None and back["X-Injected"] is None and back["X-Evil"] is None
    assert out.recipients == ["li@fb001.example.gov.cn"]
    assert "\n" not in back["Subject"] and "Bcc: evil" in back["Subject"]  # shown as text, harmless
    assert "<script>" not in back.get_body(("html",)).get_content()  # escaped in HTML
    assert [p.get_filename() for p in back.iter_attachments()] == ["FB001-a X-Evil: 1.xlsx"]


def test_recipient_cells_with_injected_addresses_are_refused(tmp_path: Path) -> None:
    path = make_recipients_xlsx(
        tmp_path / "r.xlsx",
        committee=[
            ("坏人", "ok@czj.example.gov.cn\nBcc: evil@attacker.example.com"),
            ("好人", "good@czj.example.gov.cn"),
        ],
        units=[("FB001", "区财政局机关", "李会计", "li@fb001.example.gov.cn>, evil@attacker.example.com")],
    )
    people = load_recipients(path)
    assert [c.address for c in people.committee] == ["good@czj.example.gov.cn"]
    assert people.units == {}
    assert [(p.code, p.cell) for p in people.problems] == [
        ("mail_address_invalid", "E3"),
        ("mail_address_invalid", "E5"),
    ]


def test_headers_refuse_line_breaks_even_past_the_sanitiser() -> None:
    msg = EmailMessage(policy=policy.SMTP)
    with pytest.raises(ValueError):
        msg["Subject"] = "a\r\nBcc: evil@attacker.example.com"
    with pytest.raises(BadAddress):
        build_message(sender=None, to=[Contact("x", "a@b.cn\r\nBcc: c@d.cn")], subject="s", text="t", html_body="h")


@pytest.mark.parametrize(
    "good",
    [
        "li@fb001.example.gov.cn",
        "Li.Si+ic@Example.GOV.cn",
        "ｌｉ＠ｅｘａｍｐｌｅ．ｃｎ",
        "wang@政务.cn",
        "mailto:a@b.cn",
        " li@x.cn\n",
    ],
)
def test_good_addresses(good: str) -> None:
    address = check_address(good)
    assert address.isascii() and "@" in address and address == address.strip()


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "li",
        "li@",
        "@x.cn",
        "li@localhost",
        "li@x",
        "li @x.cn",
        "a@b.cn,c@d.cn",
        "王 <w@x.cn>",
        '"a b"@x.cn',
        "a..b@x.cn",
        "a@-x.cn",
        "a@x.c0m",
        "a@x.cn\rBcc: b@y.cn",
        "x" * 65 + "@x.cn",
    ],
)
def test_bad_addresses(bad: str) -> None:
    with pytest.raises(BadAddress):
        check_address(bad)


@hsettings(max_examples=200, deadline=None)
@given(st.text())
def test_one_line_never_keeps_a_line_break(text: str) -> None:
    cleaned = one_line(text)
    assert not any(ch in cleaned for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    build_message(sender=None, to=[Contact(cleaned, "a@b.cn")], subject=cleaned, text=text, html_body=text)


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_a_checked_address_is_a_single_plain_address(text: str) -> None:
    try:
        address = check_address(text)
    except BadAddress:
        return
    assert address.isascii() and address.count("@") == 1 and not any(ch.isspace() or ch in '<>,;"' for ch in address)
