"""The committee summary as a PDF attachment, rendered by LibreOffice headless.

Uses ``icx.io.libreoffice`` (private profile per call, timeout, process group killed on a hang,
output checked). The summary is copied into a temporary folder first, so LibreOffice leaves no
lock file or output beside the user's file.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from icx.core.errors import IcxError, Problem
from icx.io import libreoffice
from icx.mail.compose import Attachment

PDF_TIMEOUT = 180.0


def summary_pdf(summary: str | Path, timeout: float = PDF_TIMEOUT) -> Attachment:
    """A PDF rendering of ``summary`` as an attachment named like it (委员会汇总.pdf).

    Raises ``IcxError`` when LibreOffice is missing, hangs or produces nothing.
    """
    summary = Path(summary)
    if not libreoffice.available():
        raise IcxError(Problem.of("mail_pdf_no_libreoffice", file=str(summary)))
    with tempfile.TemporaryDirectory(prefix="icx-mail-pdf-") as tmp:
        source = Path(tmp) / "in" / f"summary{summary.suffix}"
        source.parent.mkdir()
        shutil.copyfile(summary, source)
        try:
            [pdf] = libreoffice.to_pdf([source], Path(tmp) / "out", timeout=timeout)
        except libreoffice.LibreOfficeError as exc:
            raise IcxError(Problem.of("mail_pdf_failed", params={"detail": str(exc)[:300]}, file=str(summary))) from exc
        return Attachment.from_file(pdf, filename=f"{summary.stem}.pdf")
