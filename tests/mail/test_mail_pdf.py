"""`--pdf`: the summary rendered by LibreOffice headless and attached next to the workbook."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from icx.mail import send_summary
from mailkit import Server

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def test_pdf_of_the_summary_is_attached(smtp_server: Server, summary: Path, recipients: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in summary.parent.iterdir())
    report = send_summary(summary, recipients, pdf=True, settings=smtp_server.settings(), log=tmp_path / "logs" / "l.csv", env={})
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
        text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True, check=True).stdout
        assert "一级风险数" in text and "86.25" in text
