"""The committee summary as a PDF attachment, rendered by LibreOffice headless.

Uses ``icx.io.libreoffice`` (private profile per call, timeout, process group killed on a hang,
output checked). The summary is copied into a temporary folder first, so LibreOffice leaves no
lock file or output beside the user's file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from icx.core.errors import IcxError, Problem
from icx.io import libreoffice
from icx.mail.compose import Attachment

PDF_TIMEOUT = 180.0


def summary_pdf(summary: str | Path, timeout: float = PDF_TIMEOUT, *, full: bool = False) -> Attachment:
    """The committee pack as a PDF attachment named like the summary (委员会汇总.pdf): the meeting
    sheets (``icx.consolidate.pack``, the same PDF ``icx consolidate --pdf`` writes), or every
    sheet with ``full``.

    Raises ``IcxError`` when LibreOffice is missing, hangs or produces nothing.
    """
    from icx.consolidate.pack import summary_pdf as pack_pdf

    summary = Path(summary)
    if not libreoffice.available():
        raise IcxError(Problem.of("mail_pdf_no_libreoffice", file=str(summary)))
    with tempfile.TemporaryDirectory(prefix="icx-mail-pdf-") as tmp:
        try:
            pdf = pack_pdf(summary, Path(tmp) / "summary.pdf", full=full, timeout=timeout)
        except libreoffice.LibreOfficeError as exc:
            raise IcxError(Problem.of("mail_pdf_failed", params={"detail": str(exc)[:300]}, file=str(summary))) from exc
        return Attachment.from_file(pdf, filename=f"{summary.stem}.pdf")
