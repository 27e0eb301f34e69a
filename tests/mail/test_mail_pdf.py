"""`--pdf`: the summary rendered by LibreOffice headless and attached next to the workbook."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mailkit import Server

from icx.core.errors import IcxError
from icx.io import libreoffice
from icx.mail import pdf as pdf_module
from icx.mail import send_summary


@pytest.mark.libreoffice
@pytest.mark.slow
def test_pdf_of_the_summary_is_attached(smtp_server: Server, summary: Path, recipients: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in summary.parent.iterdir())
    report = send_summary(
        summary, recipients, pdf=True, settings=smtp_server.settings(), log=tmp_path / "logs" / "l.csv", env={}
    )
    assert report.exit_code == 0, [p.render() for p in report.problems]
    msg = smtp_server.handler.received[0].message
    parts = {p.get_filename(): p for p in msg.iter_attachments()}
    assert list(parts) == [summary.name, f"{summary.stem}.pdf"]
    pdf = parts[f"{summary.stem}.pdf"]
    assert pdf.get_content_type() == "application/pdf"
    data = pdf.get_content()
    assert data.startswith(b"%PDF-")
    after = sorted(p.name for p in summary.parent.iterdir() if p.name != "logs")
    assert after == before  # no lock file or PDF left beside the input
    if shutil.which("pdftotext"):
        (tmp_path / "s.pdf").write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "一级风险数" in text and "86.25" in text


def _fake_soffice(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!{sys.executable}\n{body}\n")
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX script as a stand-in for soffice")
def test_a_failed_or_hung_conversion_is_a_clear_error(
    tmp_path: Path, summary: Path, recipients: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: _fake_soffice(tmp_path, "import sys; sys.exit(3)"))
    report = send_summary(summary, recipients, pdf=True, dry_run=tmp_path / "d", env={})
    assert report.exit_code == 2 and [p.code for p in report.problems] == ["mail_pdf_failed"]
    assert "exited with 3" in report.problems[0].message_en and not (tmp_path / "d").exists()

    monkeypatch.setattr(libreoffice, "soffice_path", lambda: _fake_soffice(tmp_path, "import time; time.sleep(60)"))
    started = time.monotonic()
    with pytest.raises(IcxError) as caught:
        pdf_module.summary_pdf(summary, timeout=0.5)
    assert time.monotonic() - started < 10
    assert "did not finish" in caught.value.problem.message_en

    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    with pytest.raises(IcxError) as caught:
        pdf_module.summary_pdf(summary)
    assert caught.value.problem.code == "mail_pdf_no_libreoffice"
