"""LibreOffice headless as a real spreadsheet engine: recalculate workbooks, convert them to PDF.

Pitfalls this module handles (each one bit us or is documented to bite):

- LibreOffice keeps the cached values of an .xlsx unless told to recalculate on load, so every
  call gets a fresh private profile whose ``registrymodifications.xcu`` sets
  ``OOXMLRecalcMode`` (and ``ODFRecalcMode``) to 0 = always recalculate.
- Two soffice processes sharing one profile fail silently, so the profile is per call.
- soffice exits 0 even when a conversion failed, so every expected output file is checked.
- A hung soffice is killed with its whole process group after ``timeout`` seconds.

Several files go through one soffice call (start-up is most of the cost). ``error_cells`` scans
a recalculated workbook for error values (#N/A, #VALUE!, #DIV/0!, Err:502…).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 180.0
RECALC_ALWAYS = 0

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""

# Filters by target extension: recalculated .xlsx keeps the computed values as cached values.
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf:calc_pdf_Export"}


class LibreOfficeError(RuntimeError):
    """soffice is missing, timed out or did not produce an expected file."""


def soffice_path() -> str | None:
    """The soffice executable, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice_path() is not None


def seed_profile(profile: Path, recalc_mode: int = RECALC_ALWAYS) -> Path:
    """Write a minimal user profile that makes LibreOffice recalculate every file it loads."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY.format(mode=recalc_mode), encoding="utf-8")
    return profile


@dataclass(frozen=True)
class Conversion:
    source: Path
    output: Path


def convert(
    sources: Sequence[str | Path],
    outdir: str | Path,
    to: str = "xlsx",
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Conversion]:
    """Convert ``sources`` into ``outdir`` with one soffice call; returns where each went.

    ``to`` is 'xlsx' (recalculated copy) or 'pdf'. Source file names must be unique by stem,
    since soffice names each output after its source. Raises ``LibreOfficeError`` when soffice
    is missing, times out, or leaves an expected output missing or empty.
    """
    paths = [Path(s).resolve() for s in sources]
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise LibreOfficeError(f"source names must be unique, got {stems}")
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeError("LibreOffice (soffice) is not installed")
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    expected = [Conversion(p, outdir / f"{p.stem}.{to}") for p in paths]
    for item in expected:
        if item.output == item.source:
            raise LibreOfficeError(f"output would overwrite its source: {item.source}")
        item.output.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="icx-lo-") as tmp:
        profile = seed_profile(Path(tmp) / "profile")
        command = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            FILTERS.get(to, to),
            "--outdir",
            str(outdir),
            *map(str, paths),
        ]
        _run(command, timeout, cwd=Path(tmp))
    missing = [str(c.source.name) for c in expected if not c.output.exists() or c.output.stat().st_size == 0]
    if missing:
        raise LibreOfficeError(f"LibreOffice produced no {to} for: {', '.join(missing)}")
    return expected


def _run(command: list[str], timeout: float, cwd: Path) -> None:
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(cwd))
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise LibreOfficeError(f"LibreOffice did not finish within {timeout:.0f} s") from None
    if proc.returncode != 0:
        detail = (err or out).decode("utf-8", "replace").strip()[-500:]
        raise LibreOfficeError(f"LibreOffice exited with {proc.returncode}: {detail}")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # soffice starts child processes (oosplash → soffice.bin); end the whole group we created.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def recalculate(sources: Sequence[str | Path], outdir: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """Recalculated .xlsx copies of ``sources`` (read them with openpyxl ``data_only=True``)."""
    return [c.output for c in convert(sources, outdir, "xlsx", timeout=timeout)]


def to_pdf(sources: Sequence[str | Path], outdir: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> list[Path]:
    """PDF renderings of ``sources`` (every sheet, with the workbook's print setup)."""
    return [c.output for c in convert(sources, outdir, "pdf", timeout=timeout)]


ERROR_PREFIXES = ("#", "Err:")


@dataclass(frozen=True)
class ErrorCell:
    sheet: str
    cell: str
    value: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}: {self.value}"


def error_cells(path: str | Path, sheets: Iterable[str] | None = None) -> list[ErrorCell]:
    """Every cell of a (recalculated) workbook whose value is a spreadsheet error."""
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        wanted = set(sheets) if sheets is not None else None
        found: list[ErrorCell] = []
        for ws in wb.worksheets:
            if wanted is not None and ws.title not in wanted:
                continue
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if isinstance(value, str) and value.startswith(ERROR_PREFIXES) and _is_error(value):
                        found.append(ErrorCell(ws.title, cell.coordinate, value))
        return found
    finally:
        wb.close()


_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!"}


def _is_error(value: str) -> bool:
    return value in _ERRORS or value.startswith("Err:") or value.startswith("#")
