"""`icx email`, `icx remind`, `icx email-password` end to end — and the password never shows."""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from mailkit import AS_OF, COMMITTEE, PASSWORD, UNITS, USERNAME, Server, deficiency, make_summary
from typer.testing import CliRunner

from icx.cli.app import app
from icx.mail.send import read_log


def _config(path: Path, server: Server, **extra: object) -> Path:
    lines = [
        "[smtp]",
        'host = "127.0.0.1"',
        f"port = {server.port}",
        'security = "starttls"',
        f'username = "{USERNAME}"',
        f'ca_file = "{server.ca_file}"',
        "timeout = 10",
        "[mail]",
        'from_address = "neikong@czj.example.gov.cn"',
        'from_name = "区财政局内部控制办公室"',
        "retries = 1",
        "backoff = 0.01",
    ]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_email_dry_run_from_the_command_line(
    summary: Path, recipients: Path, feedback_dir: Path, tmp_path: Path
) -> None:
    code, output = _run("email", "-s", summary, "-r", recipients, "-f", feedback_dir, "--dry-run", tmp_path / "out")
    assert code == 0, output
    assert len(list((tmp_path / "out").glob("*.eml"))) == 5
    assert "已生成5封邮件草稿" in output
    code, output = _run(
        "email",
        "-s",
        summary,
        "-r",
        recipients,
        "--feedback-only",
        "-f",
        feedback_dir,
        "--dry-run",
        tmp_path / "units",
        "--lang",
        "en",
    )
    assert code == 0 and "3 drafts written" in output
    assert sorted(p.name for p in (tmp_path / "units").glob("*.eml")) == [
        f"00{i}-feedback-{u[0]}.eml" for i, u in enumerate(UNITS, start=1)
    ]


def test_exit_codes(summary: Path, recipients: Path, tmp_path: Path) -> None:
    no_overview = make_summary(tmp_path / "x.xlsx", overview=False)
    assert _run("email", "-s", no_overview, "-r", recipients, "--dry-run", tmp_path / "d")[0] == 2
    missing_figure = make_summary(tmp_path / "y.xlsx", {"units_received": 3})
    code, output = _run("email", "-s", missing_figure, "-r", recipients, "--dry-run", tmp_path / "d2")
    assert code == 1 and "一级风险数" in output
    code, output = _run("email", "-s", summary, "-r", recipients)  # no settings: cannot send
    assert code == 2 and "host" in output
    assert _run("remind", "-s", summary, "-r", recipients, "--as-of", "下周")[0] == 2


def test_remind_from_the_command_line(tmp_path: Path, recipients: Path) -> None:
    summary = make_summary(tmp_path / "s.xlsx", deficiencies=[deficiency("FB001", "A1", "2025-06-20")])
    code, output = _run(
        "remind",
        "-s",
        summary,
        "-r",
        recipients,
        "--as-of",
        AS_OF.isoformat(),
        "--within",
        "0",
        "--dry-run",
        tmp_path / "d",
    )
    assert code == 0, output
    [eml] = (tmp_path / "d").glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert "已逾期10天" in msg.get_body(("plain",)).get_content()


def _leaks(secret: str, texts: list[str], folder: Path) -> list[str]:
    """Every place the secret shows up: plain, base64 of it, or inside an AUTH PLAIN blob."""
    forms = [secret.encode(), base64.b64encode(secret.encode()), base64.b64encode(f"\0{USERNAME}\0{secret}".encode())]
    found = [f"output {i}" for i, text in enumerate(texts) if any(f.decode() in text for f in forms)]
    for path in folder.rglob("*"):
        if path.is_file() and any(f in path.read_bytes() for f in forms):
            found.append(str(path))
    return found


def test_no_password_in_any_output_log_or_eml(
    tls_server: Server,
    summary: Path,
    recipients: Path,
    feedback_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ICX_SMTP_PASSWORD", PASSWORD)
    config = _config(tmp_path / "smtp.toml", tls_server)
    outputs = []
    # a real send over STARTTLS with login
    code, out = _run(
        "email", "-s", summary, "-r", recipients, "-f", feedback_dir, "-c", config, "--log", tmp_path / "send.csv"
    )
    assert code == 0, out
    outputs.append(out)
    assert len(tls_server.handler.received) == 5 and tls_server.logins
    # reminders the same way
    with_deficiencies = make_summary(tmp_path / "s2.xlsx", deficiencies=[deficiency("FB001", "A1", AS_OF)])
    code, out = _run(
        "remind",
        "-s",
        with_deficiencies,
        "-r",
        recipients,
        "-c",
        config,
        "--as-of",
        AS_OF.isoformat(),
        "--log",
        tmp_path / "send.csv",
    )
    assert code == 0, out
    outputs.append(out)
    # drafts with the same settings
    code, out = _run("email", "-s", summary, "-r", recipients, "-c", config, "--dry-run", tmp_path / "drafts")
    outputs.append(out)
    # failures: a refused recipient, a server that is gone, a wrong password
    tls_server.handler.reject = {COMMITTEE[0][1]}
    outputs.append(_run("email", "-s", summary, "-r", recipients, "-c", config, "--log", tmp_path / "send.csv")[1])
    dead = _config(tmp_path / "dead.toml", Server(tls_server.handler, 1, tls_server.ca_file))
    outputs.append(_run("email", "-s", summary, "-r", recipients, "-c", dead, "--log", tmp_path / "send.csv")[1])
    monkeypatch.setenv("ICX_SMTP_PASSWORD", PASSWORD[::-1])
    code, out = _run("email", "-s", summary, "-r", recipients, "-c", config, "--log", tmp_path / "send.csv")
    assert code == 2 and "535" in out
    outputs.append(out)
    assert PASSWORD[::-1] not in out
    # a password written into the settings file is refused without being repeated
    in_file = tmp_path / "bad.toml"
    in_file.write_text(config.read_text() + f'password = "{PASSWORD}"\n', encoding="utf-8")
    code, out = _run("email", "-s", summary, "-r", recipients, "-c", in_file, "--dry-run", tmp_path / "d3")
    assert code == 2 and "ICX_SMTP_PASSWORD" in out
    outputs.append(out)
    in_file.unlink()  # the one file that holds it, written by this test on purpose

    rows = read_log(tmp_path / "send.csv")
    assert len(rows) >= 5 + 2 + 2 + 2 + 2
    assert _leaks(PASSWORD, outputs, tmp_path) == []


def test_email_password_goes_to_the_keyring_and_is_used(
    tls_server: Server,
    summary: Path,
    recipients: Path,
    tmp_path: Path,
    memory_keyring: dict,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ICX_SMTP_PASSWORD", raising=False)
    config = _config(tmp_path / "smtp.toml", tls_server)
    result = CliRunner().invoke(app, ["email-password", "-c", str(config)], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert memory_keyring == {("icx-smtp:127.0.0.1", USERNAME): PASSWORD}
    assert PASSWORD not in result.output
    code, out = _run("email", "-s", summary, "-r", recipients, "-c", config, "--log", tmp_path / "log.csv")
    assert code == 0, out
    assert len(tls_server.handler.received) == len(COMMITTEE)
    assert _leaks(PASSWORD, [out], tmp_path) == []
