"""Settings, recipients and feedback files: what is accepted, what is refused and how it is said."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from mailkit import COMMITTEE, UNITS, make_feedback, make_recipients_xlsx

from icx.core.errors import IcxError
from icx.mail.config import MailSettings, load_settings, password, require_sending, settings_from
from icx.mail.feedback import code_of_file, match_feedback
from icx.mail.recipients import load_recipients

# --- settings ------------------------------------------------------------------------------------


def test_settings_from_toml_with_environment_over_it(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("x")
    path = tmp_path / "smtp.toml"
    path.write_text(
        '[smtp]\nhost = "smtp.czj.example.gov.cn"\nport = 587\nsecurity = "starttls"\nusername = "neikong"\n'
        'ca_file = "ca.pem"\n[mail]\nfrom_address = "neikong@czj.example.gov.cn"\nfrom_name = "内部控制办公室"\n'
        "retries = 5\nbackoff = 0.5\nmax_attachment_mb = 20\n",
        encoding="utf-8",
    )
    s = load_settings(path, env={"ICX_SMTP_HOST": "relay.example.gov.cn", "ICX_SMTP_PORT": "2525"})
    assert (s.host, s.effective_port, s.security, s.username) == ("relay.example.gov.cn", 2525, "starttls", "neikong")
    assert s.from_address == "neikong@czj.example.gov.cn" and s.from_name == "内部控制办公室"
    assert s.ca_file == str(tmp_path / "ca.pem")
    assert (s.retries, s.max_attachment_bytes) == (5, 20 * 1024 * 1024)
    assert [s.delay(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    require_sending(s)


def test_default_ports_and_backoff_cap() -> None:
    assert [MailSettings(security=m).effective_port for m in ("starttls", "ssl", "none")] == [587, 465, 25]
    assert MailSettings(backoff=2, backoff_max=5).delay(10) == 5


def test_a_password_in_the_file_is_refused_without_echoing_it(tmp_path: Path) -> None:
    path = tmp_path / "smtp.toml"
    path.write_text('[smtp]\nhost = "h.example.cn"\npassword = "Secret-In-File-123"\n', encoding="utf-8")
    with pytest.raises(IcxError) as caught:
        load_settings(path, env={})
    assert [p.code for p in caught.value.problems] == ["mail_config_password_in_file"]
    assert "Secret-In-File-123" not in str(caught.value)
    assert "ICX_SMTP_PASSWORD" in str(caught.value)


def test_every_bad_setting_is_reported_at_once() -> None:
    with pytest.raises(IcxError) as caught:
        settings_from(
            {
                "smtp": {"host": "h.example.cn", "security": "tls", "port": "abc", "colour": "red"},
                "mail": {"from_address": "not an address"},
            },
            env={},
        )
    assert sorted(p.code for p in caught.value.problems) == sorted(
        ["mail_config_bad_security", "mail_config_bad_number", "mail_config_unknown_key", "mail_address_invalid"]
    )


def test_sending_needs_host_sender_and_no_plain_text_login() -> None:
    with pytest.raises(IcxError) as caught:
        require_sending(MailSettings())
    assert [p.code for p in caught.value.problems] == ["mail_config_missing", "mail_config_missing"]
    with pytest.raises(IcxError) as caught:
        require_sending(MailSettings(host="h.example.cn", from_address="a@b.cn", username="u", security="none"))
    assert [p.code for p in caught.value.problems] == ["mail_config_plain_auth"]


def test_password_from_environment_then_keyring(memory_keyring: dict) -> None:
    s = MailSettings(host="smtp.example.cn", username="neikong")
    assert password(s, env={"ICX_SMTP_PASSWORD": "from-env"}) == "from-env"
    memory_keyring[("icx-smtp:smtp.example.cn", "neikong")] = "from-keyring"
    assert password(s, env={}) == "from-keyring"
    assert (
        password(MailSettings(host="smtp.example.cn", username="neikong", password_env="OTHER"), env={"OTHER": "x"})
        == "x"
    )
    with pytest.raises(IcxError):
        password(MailSettings(host="other.example.cn", username="neikong"), env={})
    assert "from-keyring" not in repr(s)


# --- recipients ----------------------------------------------------------------------------------


def test_recipients_from_workbook(recipients: Path) -> None:
    people = load_recipients(recipients)
    assert people.problems == []
    assert [(c.name, c.address) for c in people.committee] == COMMITTEE
    assert [(u.code, u.name, [(c.name, c.address) for c in u.contacts]) for u in people.units.values()] == [
        (code, unit, [(person, address)]) for code, unit, person, address in UNITS
    ]
    assert people.unit("ｆｂ001") is people.unit("FB001")  # codes compare after NFKC, case-insensitively


def test_a_roster_without_role_column_lists_unit_contacts(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "单位名单"
    ws.append(["单位编码", "单位名称", "联系人", "邮箱"])
    ws.append(["FB001", "区财政局机关", "李会计", "li@fb001.example.gov.cn；li2@fb001.example.gov.cn"])
    ws.append(["FB002", "区国库支付中心", "陈出纳", "chen＠fb002.example.gov.cn"])
    wb.save(tmp_path / "roster.xlsx")
    people = load_recipients(tmp_path / "roster.xlsx")
    assert people.problems == [] and people.committee == []
    assert [c.address for c in people.unit("FB001").contacts] == ["li@fb001.example.gov.cn", "li2@fb001.example.gov.cn"]
    assert [c.address for c in people.unit("FB002").contacts] == ["chen@fb002.example.gov.cn"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_consolidation_roster_works_as_recipients(tmp_path: Path, lang: str) -> None:
    from icx.io.specs import headers

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        headers("roster", lang, ["unit_code", "unit_name", "contact", "email"])
    )  # as `icx consolidate --roster` reads it
    for code, unit, person, address in UNITS:
        ws.append([code, unit, person, address])
    wb.save(tmp_path / "roster.xlsx")
    people = load_recipients(tmp_path / "roster.xlsx")
    assert people.problems == []
    assert [(u.code, u.name, [(c.name, c.address) for c in u.contacts]) for u in people.units.values()] == [
        (code, unit, [(person, address)]) for code, unit, person, address in UNITS
    ]


def test_recipient_problems_name_their_cells(tmp_path: Path) -> None:
    path = make_recipients_xlsx(
        tmp_path / "r.xlsx",
        committee=[("王主任", "wang@czj.example.gov.cn")],
        units=[("", "无编码单位", "某人", "x@y.example.cn"), ("FB002", "区国库支付中心", "陈出纳", "chen@")],
    )
    wb = openpyxl.load_workbook(path)
    wb.active.append(["列席", None, None, "旁听", "p@q.example.cn"])
    wb.save(path)
    people = load_recipients(path)
    assert [(p.code, p.cell) for p in people.problems] == [
        ("mail_unit_code_missing", "B4"),
        ("mail_address_invalid", "E5"),
        ("mail_role_invalid", "B6"),
    ]
    assert len(people.committee) == 1 and people.units == {}


def test_recipients_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_text(
        '[[committee]]\nname = "王主任"\nemail = "wang@czj.example.gov.cn"\n\n'
        '[[units]]\ncode = "FB001"\nname = "区财政局机关"\ncontact = "李会计"\n'
        'email = ["li@fb001.example.gov.cn", "a@fb001.example.gov.cn"]\n\n'
        '[[units]]\ncode = "FB002"\nname = "区国库支付中心"\nemail = "bad address"\n',
        encoding="utf-8",
    )
    people = load_recipients(path)
    assert [(c.name, c.address) for c in people.committee] == [("王主任", "wang@czj.example.gov.cn")]
    assert [c.address for c in people.unit("FB001").contacts] == ["li@fb001.example.gov.cn", "a@fb001.example.gov.cn"]
    assert [(p.code, p.where) for p in people.problems] == [("mail_address_invalid", f"{path}: row units[2] [email]")]


# --- feedback files ------------------------------------------------------------------------------


def test_feedback_files_match_units_by_code(tmp_path: Path, recipients: Path) -> None:
    folder = tmp_path / "fb"
    make_feedback(folder, "FB001", "区财政局机关")
    (folder / "FB002_国库支付中心.xlsx").write_bytes(b"PK")
    (folder / "FB002-国库支付中心-第二版.xlsx").write_bytes(b"PK")  # two files for one unit
    (folder / "FB0031-某单位.xlsx").write_bytes(b"PK")  # FB003 followed by a digit: not FB003's
    (folder / "~$FB001-区财政局机关-反馈.xlsx").write_bytes(b"lock")  # Excel's lock file: ignored
    (folder / "说明.txt").write_text("x")
    found = match_feedback(folder, load_recipients(recipients))
    assert {k: p.name for k, p in found.files.items()} == {"fb001": "FB001-区财政局机关-反馈.xlsx"}
    assert [(p.code, p.severity) for p in found.problems] == [
        ("mail_feedback_unmatched", "warning"),
        ("mail_feedback_ambiguous", "error"),
        ("mail_feedback_missing", "warning"),
    ]


def test_longest_code_wins() -> None:
    assert code_of_file("FB-01-审计局.xlsx", ["fb", "fb-01"]) == "fb-01"
    assert code_of_file("FB_审计局.xlsx", ["fb", "fb-01"]) == "fb"
    assert code_of_file("ＦＢ001-全角.xlsx", ["fb001"]) == "fb001"
    assert code_of_file("FB001.xlsx", ["fb001"]) is None
