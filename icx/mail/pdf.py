"""The committee summary as a PDF attachment, rendered by LibreOffice headless.

A minimal converter: the summary is copied into a temporary folder (LibreOffice leaves no lock
file or output beside the user's file), converted with a private user profile (two soffice
runs sharing a profile fail silently), and the whole process group is killed after a timeout
(soffice can hang). soffice exits 0 even when a conversion failed, so the PDF is checked.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from icx.core.errors import IcxError, Problem
from icx.mail.compose import Attachment

PDF_TIMEOUT = 180.0


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _run(command: list[str], cwd: Path, timeout: float) -> str:
    """Run soffice; returns '' on success or what went wrong."""
    env = dict(os.environ, HOME=str(cwd), SAL_USE_VCLPLUGIN="svp")
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=(os.name == "posix"))
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)  # soffice starts children: end the group we created
        else:
            proc.kill()
        proc.communicate()
        return f"LibreOffice did not finish within {timeout:.0f} s"
    if proc.returncode != 0:
        return f"LibreOffice exited with {proc.returncode}: " + (err or out).decode("utf-8", "replace").strip()[-300:]
    return ""


def summary_pdf(summary: str | Path, timeout: float = PDF_TIMEOUT) -> Attachment:
    """A PDF rendering of ``summary`` as an attachment named like it (委员会汇总.pdf).

    Raises ``IcxError`` when LibreOffice is missing, hangs or produces nothing.
    """
    summary = Path(summary)
    exe = soffice()
    if exe is None:
        raise IcxError(Problem.of("mail_pdf_no_libreoffice", file=str(summary)))
    with tempfile.TemporaryDirectory(prefix="icx-mail-pdf-") as tmp:
        work = Path(tmp)
        source = work / "in" / f"summary{summary.suffix}"
        source.parent.mkdir()
        shutil.copyfile(summary, source)
        outdir = work / "out"
        command = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--nodefault", "--convert-to", "pdf", "--outdir", str(outdir), str(source)]
        error = _run(command, work, timeout)
        pdf = outdir / "summary.pdf"
        if error or not pdf.is_file() or pdf.stat().st_size == 0:
            raise IcxError(Problem.of("mail_pdf_failed", _detail=error or "no PDF was produced", file=str(summary)))
        return Attachment.from_file(pdf, filename=f"{summary.stem}.pdf")
